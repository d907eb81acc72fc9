/**
 * The signup limits and used confirmation links on dynalite, through the production adapter: each limit is
 * one conditional write (so concurrent signups cannot both pass), time-based rather than TTL-based (TTL
 * deletes lazily), and a confirmation link is taken once, used once, and retakeable only after a failure.
 */
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createDigestTable } from '../../src/aws/digest-table.js';
import { createDynamoDbSignupState } from '../../src/aws/dynamodb-signup-state.js';
import { createDynamoDbSubscriberStore } from '../../src/aws/dynamodb-subscriber-store.js';
import { localDynamoDbForTests } from '../support/local-dynamodb.js';

const dynamoDb = localDynamoDbForTests();
const ID = '0123456789abcdef0123456789abcdef';
const T0 = new Date('2026-11-30T10:05:00Z');
const minutes = (n: number) => new Date(T0.getTime() + n * 60_000);

async function newState() {
  const table = `digest-${randomUUID()}`;
  await createDigestTable(dynamoDb.client, table);
  return { table, state: createDynamoDbSignupState(dynamoDb.client, table) };
}

describe('signup limits on the digest table', () => {
  it('lets exactly `limit` of many concurrent signups from one source through in an hour, then the next hour more', async () => {
    const { state } = await newState();
    const results = await Promise.all(Array.from({ length: 12 }, () => state.takeSource('src', T0, 5)));
    expect(results.filter(Boolean)).toHaveLength(5);
    expect(await state.takeSource('other', T0, 5)).toBe(true);
    expect(await state.takeSource('src', minutes(60), 5)).toBe(true);
    expect(await state.takeAny(T0, 1)).toBe(true);
    expect(await state.takeAny(minutes(1), 1)).toBe(false);
  });

  it('allows one confirmation mail per address an hour, or again at once when the mail was given back', async () => {
    const { state } = await newState();
    expect(await state.takeAddress(ID, T0)).toBe(true);
    expect(await state.takeAddress(ID, minutes(59))).toBe(false);
    expect(await state.takeAddress(ID, minutes(60))).toBe(true);
    await state.releaseAddress(ID, minutes(60));
    expect(await state.takeAddress(ID, minutes(61))).toBe(true);
    // A release for an older take changes nothing.
    await state.releaseAddress(ID, T0);
    expect(await state.takeAddress(ID, minutes(62))).toBe(false);
  });

  it('takes a confirmation link once; a take that never completed can be retried after a minute', async () => {
    const { state } = await newState();
    const expires = minutes(3000);
    expect(await state.state('jti-1')).toBe('unused');
    expect(await state.take('jti-1', T0, expires)).toBe(true);
    expect(await state.take('jti-1', T0, expires)).toBe(false);
    expect(await state.take('jti-1', minutes(2), expires)).toBe(true);
    await state.markUsed('jti-1', minutes(2));
    expect(await state.state('jti-1')).toBe('used');
    expect(await state.take('jti-1', minutes(100), expires)).toBe(false);
  });

  it('writes nothing the subscriber store or the digest would read as a subscriber', async () => {
    const { table, state } = await newState();
    await state.takeSource('src', T0, 5);
    await state.takeAny(T0, 5);
    await state.takeAddress(ID, T0);
    await state.take('jti-1', T0, minutes(10));
    const store = createDynamoDbSubscriberStore(dynamoDb.client, table);
    const listed = [];
    for await (const page of store.list()) listed.push(...page);
    expect(listed).toEqual([]);
    const due = [];
    for await (const page of store.due(minutes(100_000), 100)) due.push(...page);
    expect(due).toEqual([]);
  });
});
