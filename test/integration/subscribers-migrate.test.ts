/**
 * `npm run subscribers -- migrate-from-bucket` as an operator runs it: the real script in its own process,
 * reading the layout of versions before the table from s3rver and writing dynalite, with fake credentials.
 * Then the real planner on the migrated table: nobody gets a second digest for the old ledger's last day,
 * everyone subscribed gets the next one, and nobody who left gets anything.
 */
import { DeleteObjectCommand } from '@aws-sdk/client-s3';
import { describe, expect, it } from 'vitest';
import type { LedgerEntry } from '../../src/digest/ledger.js';
import { subscriberId } from '../../src/digest/subscribers.js';
import { runDigest } from '../../src/use-cases/run-digest/run-digest.js';
import { memorySummaries, stored } from '../support/digest-memory.js';
import { copiesPerRecipient, TEST_BUCKET, useDigestStack } from '../support/digest-stack.js';
import { buildSummary } from '../support/summary-fixtures.js';
import { runSubscribersCli, type CliRun } from '../support/subscribers-cli.js';

const stack = useDigestStack();

const ANA = 'ana@example.com';
const BO = 'bo@example.com';
const CY = 'cy@example.com';

/** The old document: three valid entries and one that is not an address (subscribers[2]). */
const DOCUMENT = {
  subscribers: [
    { email: ANA, timeZone: 'Europe/Lisbon', sendAt: '07:00', topics: ['Climate'] },
    { email: BO },
    { email: 'not-an-address' },
    { email: CY, timeZone: 'America/New_York', sendAt: '06:00' },
  ],
};

const ledgerEntry = (email: string, localDate: string, windowTo: string): LedgerEntry => ({
  subscriberId: subscriberId(email),
  localDate,
  status: 'sent',
  messageId: `old-${localDate}`,
  windowFrom: new Date(Date.parse(windowTo) - 86_400_000).toISOString(),
  windowTo,
  itemCount: 2,
  recordedAt: windowTo,
});

/** The last days the old digest sent: 07:00 in Lisbon and 06:00 in New York on 29 November. */
const ANA_LAST = ledgerEntry(ANA, '2026-11-29', '2026-11-29T07:00:00.000Z');
const CY_LAST = ledgerEntry(CY, '2026-11-29', '2026-11-29T11:00:00.000Z');

/** Seeds the bucket with the old layout (each test has a fresh table; the bucket is the same each time). */
async function seedBucket() {
  const { putJson } = stack();
  await putJson('config/subscribers.json', DOCUMENT);
  await putJson(
    `state/ledger/${subscriberId(ANA)}/2026-11-28.json`,
    ledgerEntry(ANA, '2026-11-28', '2026-11-28T07:00:00.000Z'),
  );
  await putJson(`state/ledger/${subscriberId(ANA)}/2026-11-29.json`, ANA_LAST);
  await putJson(`state/ledger/${subscriberId(CY)}/2026-11-29.json`, CY_LAST);
  for (const email of [BO, 'gone@example.com']) {
    const id = subscriberId(email);
    await putJson(`state/unsubscribed/${id}.json`, { subscriberId: id, unsubscribedAt: new Date() });
  }
}

function migrate(...args: string[]): Promise<CliRun> {
  const { table, dynamoDbEmulator, s3Emulator } = stack();
  return runSubscribersCli(['migrate-from-bucket', '--bucket', TEST_BUCKET, ...args], {
    DIGEST_TABLE: table(),
    DYNAMODB_ENDPOINT: dynamoDbEmulator.endpoint,
    S3_ENDPOINT: s3Emulator.endpoint,
    DIGEST_TIME_ZONE: 'UTC',
    DIGEST_SEND_HOUR: '7',
  });
}

async function profiles() {
  const all = [];
  for await (const page of stack().store().list()) all.push(...page);
  return all;
}

const MIGRATED = { subscribers: 4, migrated: 3, unchanged: 0, unsubscribed: 1, withLedger: 2, rejected: 1 };

describe('npm run subscribers -- migrate-from-bucket', () => {
  it('writes nothing in a dry run, then brings everyone over with their last day, and nothing the second time', async () => {
    await seedBucket();

    const dry = await migrate('--dry-run');
    const afterDryRun = await profiles();
    const first = await migrate();
    const second = await migrate();

    expect(dry).toMatchObject({ code: 1, summary: MIGRATED });
    expect(dry.stdout).toContain('dry run, nothing written');
    expect(afterDryRun).toEqual([]);
    expect(first).toMatchObject({ code: 1, summary: MIGRATED });
    expect(first.stdout).toContain('subscribers[2]: rejected: email: must be an email address');
    expect(first.stdout).toContain('1 unsubscribed ids the document does not list');
    expect(first.stderr).toContain('3/3 subscribers');
    expect(second).toMatchObject({ code: 1, summary: { ...MIGRATED, migrated: 0, unchanged: 3 } });
    const store = stack().store();
    expect(await store.get(subscriberId(ANA))).toMatchObject({
      subscriber: { email: ANA, timeZone: 'Europe/Lisbon', sendAt: '07:00', topics: ['climate'] },
      latest: ANA_LAST,
      dueAt: '2026-11-30T07:00:00.000Z',
    });
    expect(await store.get(subscriberId(CY))).toMatchObject({
      subscriber: { email: CY, timeZone: 'America/New_York', sendAt: '06:00' },
      latest: CY_LAST,
      dueAt: '2026-11-30T11:00:00.000Z',
    });
    const bo = await store.get(subscriberId(BO));
    expect(bo).toMatchObject({ subscriber: { email: BO, timeZone: 'UTC', sendAt: '07:00' } });
    expect(bo?.unsubscribedAt).toEqual(expect.any(String));
    expect(bo?.dueAt).toBeUndefined();
    expect(bo?.latest).toBeUndefined();
    expect(await profiles()).toHaveLength(3);
  }, 60_000);

  it('leaves the planner nothing to send again on the switch day, then one digest each to the subscribed', async () => {
    await seedBucket();
    expect((await migrate()).code).toBe(1);
    // Stored after Ana's last old digest (07:00 UTC) but before New York's (11:00 UTC): hers to have next.
    const between = buildSummary({ title: 'Tram line approved', keywords: ['climate'] });
    const summaries = memorySummaries([
      stored(between, new Date('2026-11-29T09:30:00Z')),
      stored(
        buildSummary({ title: 'Reservoirs at a low', keywords: ['climate'] }),
        new Date('2026-11-29T16:30:00Z'),
      ),
      stored(
        buildSummary({ title: 'Heat pumps for all', keywords: ['climate'] }),
        new Date('2026-11-30T05:30:00Z'),
      ),
    ]);
    /** Runs the planner at `at`; how many digests each address has received so far. */
    const planner = async (at: string) => {
      await runDigest({ ...stack().deps({ DIGEST_MAX_SEND_RATE: '10' }), summaries }, new Date(at));
      return copiesPerRecipient(await stack().ses.emails());
    };
    const digestOf = async (email: string) =>
      (await stack().ses.emails()).find((sent) => sent.destination.to.includes(email))?.body.text ?? '';

    const switchDay = await planner('2026-11-29T20:00:00.000Z');
    const nextDay = await planner('2026-11-30T12:00:00.000Z');
    const hourLater = await planner('2026-11-30T13:00:00.000Z');

    expect(switchDay).toEqual({});
    expect(nextDay).toEqual({ [ANA]: 1, [CY]: 1 });
    expect(hourLater).toEqual({ [ANA]: 1, [CY]: 1 });
    // Each window starts where the old ledger's last one ended: nothing lost, nothing repeated.
    expect(await digestOf(ANA)).toContain('Tram line approved');
    expect(await digestOf(CY)).not.toContain('Tram line approved');
    expect(await digestOf(CY)).toContain('Reservoirs at a low');
    expect(await stack().latest(ANA)).toMatchObject({ localDate: '2026-11-30', status: 'sent' });
    expect(await stack().latest(CY)).toMatchObject({ localDate: '2026-11-30', status: 'sent' });
    // Someone without a ledger is due from the migration on, in real time: well past it, still no digest
    // (not even an empty one recorded) for Bo, who left.
    expect(Object.keys(await planner(new Date(Date.now() + 2 * 86_400_000).toISOString()))).not.toContain(BO);
    expect(await stack().latest(BO)).toBeUndefined();
  }, 60_000);

  it('holds back a subscriber whose newest ledger object is not an entry, and says which object', async () => {
    await seedBucket();
    const broken = `state/ledger/${subscriberId(CY)}/2026-11-30.json`;
    await stack().putJson(broken, { localDate: '2026-11-30' });

    const run = await migrate();
    await stack().s3.send(new DeleteObjectCommand({ Bucket: TEST_BUCKET, Key: broken }));

    expect(run.summary).toMatchObject({ subscribers: 4, migrated: 2, withLedger: 1, rejected: 2 });
    expect(run.stdout).toContain(`subscribers[3]: rejected: ${broken} is not a ledger entry`);
    expect(await stack().store().get(subscriberId(CY))).toBeUndefined();
  }, 60_000);
});
