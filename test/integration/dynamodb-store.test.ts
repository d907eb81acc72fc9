/**
 * The DynamoDB subscriber store on dynalite, through the production adapter and SDK client: the `due` index
 * holds exactly the subscribed, conditional writes decide every race (moving `dueAt` on, claiming a day), and
 * recording a day makes a second digest for it impossible.
 */
import { randomUUID } from 'node:crypto';
import { GetItemCommand, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { describe, expect, it } from 'vitest';
import { createDigestTable, dayKey, dueShardOf, failureKey, profileKey } from '../../src/aws/digest-table.js';
import {
  createDynamoDbSubscriberStore,
  fromAttribute,
  InvalidStoredItemError,
  type DynamoDbSubscriberStore,
} from '../../src/aws/dynamodb-subscriber-store.js';
import type { LedgerEntry } from '../../src/digest/ledger.js';
import { subscriberId, type Subscriber } from '../../src/digest/subscribers.js';
import { CLAIM_LEASE_MS } from '../../src/use-cases/run-digest/ports.js';
import { localDynamoDbForTests } from '../support/local-dynamodb.js';

const dynamoDb = localDynamoDbForTests();

/** A table of its own for each test: nothing one test writes is seen by another. */
async function newStore(options: Parameters<typeof createDynamoDbSubscriberStore>[2] = {}) {
  const table = `digest-${randomUUID()}`;
  await createDigestTable(dynamoDb.client, table);
  return { table, store: createDynamoDbSubscriberStore(dynamoDb.client, table, options) };
}

const subscriber = (email: string, overrides: Partial<Subscriber> = {}): Subscriber => ({
  id: subscriberId(email),
  email,
  timeZone: 'Europe/Lisbon',
  sendAt: '07:00',
  topics: ['climate'],
  keywords: [],
  ...overrides,
});

const T0 = new Date('2026-11-30T06:00:00.000Z');
const at = (minutes: number) => new Date(T0.getTime() + minutes * 60_000);
const DATE = '2026-11-30';

const entry = (s: Subscriber, localDate: string, recordedAt: Date): LedgerEntry => ({
  subscriberId: s.id,
  localDate,
  status: 'sent',
  messageId: `msg-${localDate}`,
  windowFrom: '2026-11-29T07:00:00.000Z',
  windowTo: '2026-11-30T07:00:00.000Z',
  itemCount: 3,
  recordedAt: recordedAt.toISOString(),
});

/** What a run does before it sends: holds the subscriber by moving `dueAt` a lease ahead. */
async function hold(store: DynamoDbSubscriberStore, s: Subscriber, seen: Date, leaseUntil: Date) {
  expect(await store.moveDue(s.id, seen.toISOString(), leaseUntil)).toBe(true);
}

async function allDue(store: DynamoDbSubscriberStore, now: Date, pageSize: number) {
  const pages = [];
  for await (const page of store.due(now, pageSize)) pages.push(page);
  return pages;
}

async function rawItem(table: string, key: ReturnType<typeof dayKey>) {
  const { Item } = await dynamoDb.client.send(
    new GetItemCommand({ TableName: table, Key: key, ConsistentRead: true }),
  );
  return Item === undefined
    ? undefined
    : Object.fromEntries(Object.entries(Item).map(([k, v]) => [k, fromAttribute(v)]));
}

describe('the DynamoDB subscriber store', () => {
  it('returns only the due and subscribed, across every shard, a page at a time and each page from one shard', async () => {
    const { store } = await newStore();
    const everyone = Array.from({ length: 60 }, (_, i) => subscriber(`reader.${i}@example.com`));
    for (const s of everyone) await store.put(s, T0);
    const later = everyone.filter((_, i) => i % 5 === 1);
    const gone = everyone.filter((_, i) => i % 5 === 2);
    for (const s of later) expect(await store.moveDue(s.id, T0.toISOString(), at(120))).toBe(true);
    for (const s of gone) expect(await store.add(s.id, T0)).toBe(true);

    const pages = await allDue(store, at(60), 2);

    const expected = everyone.filter((s) => !later.includes(s) && !gone.includes(s));
    const ids = pages.flat().map((r) => r.subscriber.id);
    expect(ids.sort()).toEqual(expected.map((s) => s.id).sort());
    expect(new Set(expected.map((s) => dueShardOf(s.id))).size).toBeGreaterThan(8);
    for (const page of pages) {
      expect(page.length).toBeLessThanOrEqual(2);
      expect(new Set(page.map((r) => dueShardOf(r.subscriber.id))).size).toBe(1);
    }
    expect(pages.flat()[0]).toMatchObject({ dueAt: T0.toISOString(), latest: undefined });
  });

  it('lets exactly one of two runs move a subscriber on from the dueAt both saw', async () => {
    const { store } = await newStore();
    const s = subscriber('ana@example.com');
    await store.put(s, T0);

    const moves = await Promise.all([
      store.moveDue(s.id, T0.toISOString(), at(55)),
      store.moveDue(s.id, T0.toISOString(), at(56)),
    ]);

    expect(moves.filter(Boolean)).toHaveLength(1);
    expect(await store.moveDue(s.id, T0.toISOString(), at(57))).toBe(false);
  });

  it('gives a day to exactly one of 20 concurrent claims', async () => {
    const { store } = await newStore();
    const s = subscriber('ana@example.com');
    await store.put(s, T0);

    const claims = await Promise.all(Array.from({ length: 20 }, () => store.claim(s.id, DATE, at(60))));

    expect(claims.filter((c) => c !== undefined)).toEqual([
      { subscriberId: s.id, localDate: DATE, token: expect.any(String) },
    ]);
  });

  it('refuses a claim for a day already recorded, and takes the next day', async () => {
    const { store } = await newStore();
    const s = subscriber('ana@example.com');
    await store.put(s, T0);
    expect(await store.claim(s.id, DATE, at(60))).toBeDefined();
    await store.record(entry(s, DATE, at(61)), at(24 * 60 + 60));

    expect(await store.claim(s.id, DATE, at(62))).toBeUndefined();
    expect(await store.claim(s.id, DATE, at(62 + CLAIM_LEASE_MS / 60_000))).toBeUndefined();
    expect(await store.claim(s.id, '2026-12-01', at(24 * 60 + 60))).toBeDefined();
  });

  it('takes over a claim only once its lease has run out', async () => {
    const { store } = await newStore();
    const s = subscriber('ana@example.com');
    await store.put(s, T0);
    const first = await store.claim(s.id, DATE, T0);

    const early = await store.claim(s.id, DATE, new Date(T0.getTime() + CLAIM_LEASE_MS - 1));
    const takeover = await store.claim(s.id, DATE, new Date(T0.getTime() + CLAIM_LEASE_MS));

    expect(early).toBeUndefined();
    expect(takeover).toBeDefined();
    expect(takeover?.token).not.toBe(first?.token);
  });

  it('gives a claim back only for the run that holds it', async () => {
    const { store } = await newStore();
    const s = subscriber('ana@example.com');
    await store.put(s, T0);
    const held = await store.claim(s.id, DATE, at(60));
    if (held === undefined) throw new Error('the first claim must succeed');

    await store.release({ ...held, token: 'another-run' });
    const whileHeld = await store.claim(s.id, DATE, at(61));
    await store.release(held);
    const afterRelease = await store.claim(s.id, DATE, at(62));

    expect(whileHeld).toBeUndefined();
    expect(afterRelease).toBeDefined();
    await expect(store.release(held)).resolves.toBeUndefined();
  });

  it('records the day as latest, moves dueAt on, drops the claim and keeps a history item that expires', async () => {
    const { store, table } = await newStore();
    const s = subscriber('ana@example.com');
    await store.put(s, T0);
    await hold(store, s, T0, at(120));
    await store.claim(s.id, DATE, at(60));
    const next = new Date('2026-12-01T07:00:00.000Z');

    await store.record(entry(s, DATE, at(61)), next);

    const stored = await store.get(s.id);
    expect(stored).toMatchObject({ latest: entry(s, DATE, at(61)), dueAt: next.toISOString() });
    expect((await rawItem(table, { pk: { S: `SUB#${s.id}` }, sk: { S: 'PROFILE' } }))?.claim).toBeUndefined();
    const history = await rawItem(table, dayKey(s.id, DATE));
    expect(history).toMatchObject({ ...entry(s, DATE, at(61)), sk: `DAY#${DATE}` });
    expect(history?.expiresAt).toBe(Math.floor(at(61).getTime() / 1000) + 400 * 86_400);
    expect(await allDue(store, at(120), 10)).toEqual([]);
  });

  it('never moves latest back: an older day recorded late (a redriven batch) is history only', async () => {
    const { store, table } = await newStore();
    const s = subscriber('ana@example.com');
    await store.put(s, T0);
    await hold(store, s, T0, at(120));
    const next = new Date('2026-12-01T07:00:00.000Z');
    await store.record(entry(s, DATE, at(61)), next);

    await store.record(entry(s, '2026-11-29', at(62)), new Date('2026-11-30T07:00:00.000Z'));

    expect(await store.get(s.id)).toMatchObject({
      latest: entry(s, DATE, at(61)),
      dueAt: next.toISOString(),
    });
    expect(await rawItem(table, dayKey(s.id, '2026-11-29'))).toMatchObject({ localDate: '2026-11-29' });
    // The same day again (a retried write whose first answer was lost) is simply written again.
    await store.record(entry(s, DATE, at(63)), next);
    expect(await store.get(s.id)).toMatchObject({ latest: entry(s, DATE, at(63)) });
  });

  it('records a day for someone who left meanwhile without putting them back in the index', async () => {
    const { store } = await newStore();
    const s = subscriber('ana@example.com');
    await store.put(s, T0);
    await store.claim(s.id, DATE, at(60));
    await store.add(s.id, at(60));

    await store.record(entry(s, DATE, at(61)), at(24 * 60));

    expect(await store.get(s.id)).toMatchObject({
      latest: { localDate: DATE },
      unsubscribedAt: at(60).toISOString(),
    });
    expect((await store.get(s.id))?.dueAt).toBeUndefined();
    expect(await allDue(store, at(48 * 60), 10)).toEqual([]);
  });

  it('refuses to record a day for a subscriber the table does not have, creating nothing', async () => {
    const { store } = await newStore();
    const s = subscriber('ana@example.com');

    await expect(store.record(entry(s, DATE, at(61)), at(24 * 60))).rejects.toThrow(/no profile/);
    expect(await store.claim(s.id, DATE, at(62))).toBeUndefined();
    await store.release({ subscriberId: s.id, localDate: DATE, token: 'any' });
    expect(await store.get(s.id)).toBeUndefined();
  });

  it('writes a failed send as its own item that expires', async () => {
    const { store, table } = await newStore();
    const failure = {
      subscriberId: subscriberId('ana@example.com'),
      localDate: DATE,
      reason: 'throttled',
      code: 'TooManyRequestsException',
      failedAt: at(60).toISOString(),
    };

    await store.recordFailure(failure);

    expect(await rawItem(table, failureKey(failure.subscriberId, DATE))).toMatchObject({
      ...failure,
      expiresAt: Math.floor(at(60).getTime() / 1000) + 30 * 86_400,
    });
  });

  it('unsubscribes once: out of the due index, no claim possible, false the second time and for an unknown id', async () => {
    const { store } = await newStore();
    const s = subscriber('ana@example.com');
    await store.put(s, T0);

    expect(await store.add(s.id, at(1))).toBe(true);
    expect(await store.add(s.id, at(2))).toBe(false);
    expect(await store.remove(subscriberId('nobody@example.com'), at(2))).toBe(false);
    expect(await store.get(subscriberId('nobody@example.com'))).toBeUndefined();
    expect(await allDue(store, at(60), 10)).toEqual([]);
    expect(await store.claim(s.id, DATE, at(60))).toBeUndefined();
    expect(await store.moveDue(s.id, T0.toISOString(), at(60))).toBe(false);
    expect(await store.get(s.id)).toMatchObject({ unsubscribedAt: at(1).toISOString() });
  });

  it('keeps latest and dueAt when a put leaves the schedule as it was, and makes them due at once when it changes', async () => {
    const { store } = await newStore();
    const s = subscriber('ana@example.com');
    await store.put(s, T0);
    await hold(store, s, T0, at(120));
    await store.record(entry(s, DATE, at(61)), new Date('2026-12-01T07:00:00.000Z'));

    await store.put({ ...s, topics: ['energy'] }, at(90));
    const sameSchedule = await store.get(s.id);
    await store.put({ ...s, sendAt: '09:00' }, at(120));
    const newSchedule = await store.get(s.id);

    expect(sameSchedule).toMatchObject({
      subscriber: { topics: ['energy'] },
      dueAt: '2026-12-01T07:00:00.000Z',
      latest: { localDate: DATE },
      createdAt: T0.toISOString(),
      updatedAt: at(90).toISOString(),
    });
    expect(newSchedule).toMatchObject({
      subscriber: { sendAt: '09:00' },
      dueAt: at(120).toISOString(),
      latest: { localDate: DATE },
    });
  });

  it('stores a weekly frequency and weekday, returns them from get and the due index, and reschedules when they change', async () => {
    const { table, store } = await newStore();
    const s = subscriber('wes@example.com', { frequency: 'weekly', weekday: 'fri' });
    await store.put(s, T0);
    expect((await store.get(s.id))?.subscriber).toEqual(s);
    const [page] = await allDue(store, at(1), 10);
    expect(page?.map((r) => r.subscriber)).toEqual([s]); // projected by the index, not read again
    await hold(store, s, T0, at(120));
    await store.record(entry(s, DATE, at(61)), new Date('2026-12-04T07:00:00.000Z'));

    await store.put({ ...s, topics: ['energy'] }, at(90)); // same schedule: dueAt kept
    expect(await store.get(s.id)).toMatchObject({ dueAt: '2026-12-04T07:00:00.000Z' });
    await store.put({ ...s, weekday: 'mon' }, at(100)); // another weekday: due at once
    expect(await store.get(s.id)).toMatchObject({
      subscriber: { frequency: 'weekly', weekday: 'mon' },
      dueAt: at(100).toISOString(),
      latest: { localDate: DATE },
    });
    await hold(store, s, at(100), at(160));
    await store.record(entry(s, DATE, at(101)), new Date('2026-12-07T07:00:00.000Z'));
    const daily = subscriber('wes@example.com');
    await store.put(daily, at(110)); // back to daily: due at once, weekday gone
    const back = await store.get(s.id);
    expect(back).toMatchObject({ dueAt: at(110).toISOString() });
    expect(back?.subscriber).toEqual(daily);
    const raw = await rawItem(table, profileKey(s.id));
    expect(raw).toMatchObject({ frequency: 'daily' });
    expect(raw).not.toHaveProperty('weekday');
    await store.put(daily, at(120)); // daily again: unchanged schedule, dueAt kept
    expect(await store.get(s.id)).toMatchObject({ dueAt: at(110).toISOString() });
  });

  it('keeps a reschedule made while the digest was being sent: the record leaves dueAt as the put set it', async () => {
    const { store } = await newStore();
    const s = subscriber('ana@example.com');
    await store.put(s, T0);
    await hold(store, s, T0, at(120));
    await store.claim(s.id, DATE, at(60));
    await store.put({ ...s, sendAt: '06:00' }, at(61)); // the preferences page, mid-send

    await store.record(entry(s, DATE, at(62)), new Date('2026-12-01T07:00:00.000Z'));

    // Due at once: the next run reads the new schedule (already sent today, so on to tomorrow 06:00).
    expect(await store.get(s.id)).toMatchObject({
      subscriber: { sendAt: '06:00' },
      dueAt: at(61).toISOString(),
      latest: { localDate: DATE },
    });
    expect(await store.claim(s.id, DATE, at(63))).toBeUndefined();
  });

  it('re-subscribes with a put: due at once, the ledger kept', async () => {
    const { store } = await newStore();
    const s = subscriber('ana@example.com');
    await store.put(s, T0);
    await store.record(entry(s, DATE, at(61)), new Date('2026-12-01T07:00:00.000Z'));
    await store.remove(s.id, at(62));

    await store.put(s, at(90));

    const stored = await store.get(s.id);
    expect(stored).toMatchObject({ dueAt: at(90).toISOString(), latest: { localDate: DATE } });
    expect(stored?.unsubscribedAt).toBeUndefined();
    expect((await allDue(store, at(90), 10)).flat().map((r) => r.subscriber.id)).toEqual([s.id]);
  });

  it('reports a broken profile by its key and still returns everyone else', async () => {
    const reported: InvalidStoredItemError[] = [];
    const { store, table } = await newStore({ onInvalidItem: (error) => reported.push(error) });
    const good = subscriber('ana@example.com');
    await store.put(good, T0);
    const brokenId = subscriberId('bo@example.com');
    await dynamoDb.client.send(
      new PutItemCommand({
        TableName: table,
        Item: {
          pk: { S: `SUB#${brokenId}` },
          sk: { S: 'PROFILE' },
          id: { S: brokenId },
          email: { S: 'not an address' },
          dueShard: { S: dueShardOf(good.id) },
          dueAt: { S: T0.toISOString() },
        },
      }),
    );

    const due = (await allDue(store, at(60), 10)).flat();
    const listed = [];
    for await (const page of store.list()) listed.push(...page);

    expect(due.map((r) => r.subscriber.id)).toEqual([good.id]);
    expect(listed.map((r) => r.subscriber.id)).toEqual([good.id]);
    expect(reported.map((e) => e.key)).toEqual([`SUB#${brokenId}/PROFILE`, `SUB#${brokenId}/PROFILE`]);
    expect(reported[0]?.message).not.toContain('not an address');
    const strict = createDynamoDbSubscriberStore(dynamoDb.client, table);
    await expect(strict.get(brokenId)).rejects.toThrow(InvalidStoredItemError);
  });

  it('imports a subscriber from the bucket in one write, and only moves an existing latest forward', async () => {
    const { store } = await newStore();
    const ana = subscriber('ana@example.com');
    const bo = subscriber('bo@example.com');
    const next = new Date('2026-12-01T07:00:00.000Z');
    const gone = new Date('2026-11-20T10:00:00.000Z');

    const created = await store.importFromBucket(
      { subscriber: ana, latest: entry(ana, DATE, at(61)), dueAt: next },
      T0,
    );
    const createdGone = await store.importFromBucket(
      { subscriber: bo, latest: entry(bo, DATE, at(61)), dueAt: next, unsubscribedAt: gone },
      T0,
    );
    const sameDay = await store.importFromBucket(
      { subscriber: ana, latest: entry(ana, DATE, at(70)), dueAt: at(1) },
      T0,
    );
    const older = await store.importFromBucket(
      { subscriber: ana, latest: entry(ana, '2026-11-29', at(70)), dueAt: at(1) },
      T0,
    );
    await store.record(entry(ana, DATE, at(80)), next);
    const newerForBo = await store.importFromBucket(
      { subscriber: bo, latest: entry(bo, '2026-12-01', at(90)), dueAt: at(24 * 60) },
      at(90),
    );

    expect([created, createdGone, sameDay, older, newerForBo]).toEqual([true, true, false, false, true]);
    expect(await store.get(ana.id)).toEqual({
      subscriber: ana,
      latest: entry(ana, DATE, at(80)),
      dueAt: next.toISOString(),
      createdAt: T0.toISOString(),
      updatedAt: T0.toISOString(),
    });
    expect(await store.get(bo.id)).toEqual({
      subscriber: bo,
      latest: entry(bo, '2026-12-01', at(90)),
      unsubscribedAt: gone.toISOString(),
      createdAt: T0.toISOString(),
      updatedAt: T0.toISOString(),
    });
    expect((await allDue(store, next, 10)).flat().map((r) => r.subscriber.id)).toEqual([ana.id]);
    expect(await store.claim(ana.id, DATE, at(120))).toBeUndefined();
  });

  it('lists profiles only, never the ledger items next to them, a page at a time', async () => {
    const { store } = await newStore({ listPageSize: 3 });
    const everyone = Array.from({ length: 7 }, (_, i) => subscriber(`reader.${i}@example.com`));
    for (const s of everyone) {
      await store.put(s, T0);
      await store.record(entry(s, DATE, at(61)), at(24 * 60));
    }

    const pages = [];
    for await (const page of store.list()) pages.push(page);

    expect(
      pages
        .flat()
        .map((r) => r.subscriber.email)
        .sort(),
    ).toEqual(everyone.map((s) => s.email).sort());
    expect(pages.length).toBeGreaterThan(2);
  });
});
