/**
 * Send claims on the digest table (dynalite), through whole runs: runs that overlap with the same scheduled
 * time send each subscriber once, whoever of them holds or claims whom; a claim left by a run that died
 * mid-send stops every other run until CLAIM_LEASE_MS has passed on the wall clock, and not a moment longer.
 */
import { GetItemCommand } from '@aws-sdk/client-dynamodb';
import type { SESv2Client } from '@aws-sdk/client-sesv2';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { profileKey } from '../../src/aws/digest-table.js';
import { fromAttribute } from '../../src/aws/dynamodb-subscriber-store.js';
import { subscriberId } from '../../src/digest/subscribers.js';
import { senderDeps } from '../../src/handlers/digest-sender-handler.js';
import { CLAIM_LEASE_MS } from '../../src/use-cases/run-digest/ports.js';
import { runDigest } from '../../src/use-cases/run-digest/run-digest.js';
import { sendBatch } from '../../src/use-cases/run-digest/send-batch-use-case.js';
import { SEND_BATCH_VERSION, type SendBatch } from '../../src/use-cases/run-digest/send-batch.js';
import { memoryLog, storedSummary } from '../support/digest-memory.js';
import { copiesPerRecipient, useDigestStack } from '../support/digest-stack.js';
import { faults, sendEmailRecipient, startFaultProxy, type FaultProxy } from '../support/fault-proxy.js';
import { buildSummary } from '../support/summary-fixtures.js';

const stack = useDigestStack();
/** In front of the SES emulator, for the runs that freeze mid-send; the others talk to SES directly. */
let proxy: FaultProxy;
/** Told when the proxy holds a request. */
let onHang: (() => void) | undefined;
const clients: SESv2Client[] = [];
beforeAll(async () => {
  proxy = await startFaultProxy({ target: stack().ses.endpoint });
  proxy.onFault(() => onHang?.());
});
afterEach(() => {
  proxy.releaseHung();
  proxy.clear();
  onHang = undefined;
});
afterAll(async () => {
  for (const client of clients) client.destroy();
  await proxy?.close();
});

const HOUR_MS = 60 * 60 * 1000;
/** 07:00 UTC: the send time of everyone here. */
const T = new Date('2026-11-24T07:00:00.000Z');
/** Fast enough that every subscriber of a run is in flight at once (deliver-all.ts). */
const RATE = { DIGEST_MAX_SEND_RATE: '50', SEND_EMPTY_DIGEST: 'true' };

const readers = (n: number) => Array.from({ length: n }, (_, i) => `reader-${i}@example.com`);

const copies = async () => copiesPerRecipient(await stack().ses.emails());

/** The claim on the profile as stored, if any. */
async function claimOf(email: string): Promise<{ localDate: string; claimedAt: string } | undefined> {
  const { Item } = await stack().dynamodb.send(
    new GetItemCommand({
      TableName: stack().table(),
      Key: profileKey(subscriberId(email)),
      ConsistentRead: true,
    }),
  );
  return Item?.claim === undefined
    ? undefined
    : (fromAttribute(Item.claim) as { localDate: string; claimedAt: string });
}

/**
 * An SES client (the production one, on the fault proxy) whose SendEmail to `victim` is held at the proxy,
 * never forwarded, until `kill()`: the run sending it stands still between its claim and the send, as a run
 * does whose sandbox froze or was killed. `kill()` then drops the held connection, so the client sees the
 * socket reset (an ambiguous send: the dead run keeps its claim, records nothing). Until then only the
 * client's own request deadline (SES_TIMEOUTS) would end the wait, as the same ambiguous failure.
 */
function sesFreezingOn(victim: string): { ses: SESv2Client; frozen: Promise<void>; kill: () => void } {
  const ses = stack().newSesClient(proxy.url);
  clients.push(ses);
  const frozen = new Promise<void>((resolve) => (onHang = resolve));
  const removeHang = proxy.add({
    name: `freeze on ${victim}`,
    match: (request) => sendEmailRecipient(request) === victim,
    fault: faults.hang(),
  });
  const kill = () => {
    removeHang();
    proxy.releaseHung();
  };
  return { ses, frozen, kill };
}

describe('runs overlapping with the same scheduled time', () => {
  it.each([2, 3, 5])('%i at once send each subscriber exactly once', async (runs) => {
    const emails = readers(12);
    await stack().subscribe(emails);

    const reports = await Promise.all(
      Array.from({ length: runs }, () => runDigest({ ...stack().deps(RATE), clock: () => T }, T)),
    );

    expect(await copies()).toEqual(Object.fromEntries(emails.map((email) => [email, 1])));
    expect(reports.reduce((sum, r) => sum + r.sent, 0)).toBe(emails.length);
    expect(reports.reduce((sum, r) => sum + r.failed, 0)).toBe(0);
    for (const email of emails) {
      expect(await stack().latest(email)).toMatchObject({ localDate: '2026-11-24', status: 'sent' });
      expect(await claimOf(email)).toBeUndefined();
    }
  });

  it('one queued batch delivered to several senders at once: the claims alone decide, and each is sent once', async () => {
    const subscribers = await stack().subscribe(readers(8));
    const { s3, sesClient, dynamodb } = stack();
    const wiring = senderDeps(stack().config(RATE), { s3, ses: sesClient, dynamodb });
    const summariesKey = await wiring.snapshots.save(T, [
      storedSummary(buildSummary({ title: 'Harbour reopens' }), new Date(T.getTime() - HOUR_MS)),
    ]);
    const batch: SendBatch = {
      version: SEND_BATCH_VERSION,
      runAt: T.toISOString(),
      summariesKey,
      sendRate: 50,
      targets: subscribers.map((subscriber) => ({
        subscriber,
        localDate: '2026-11-24',
        windowFrom: new Date(T.getTime() - 24 * HOUR_MS).toISOString(),
        windowTo: T.toISOString(),
      })),
    };
    const sender = () =>
      sendBatch(
        {
          ...wiring,
          clock: () => T,
          sleep: async () => undefined,
          hasTimeLeft: () => true,
          log: memoryLog(),
        },
        batch,
      );

    const reports = await Promise.all([sender(), sender(), sender()]);

    expect(await copies()).toEqual(Object.fromEntries(subscribers.map((s) => [s.email, 1])));
    expect(reports.reduce((sum, r) => sum + r.sent, 0)).toBe(subscribers.length);
    expect(reports.reduce((sum, r) => sum + r.claimedElsewhere, 0)).toBe(2 * subscribers.length);
    expect(reports.every((r) => r.complete)).toBe(true);
  });
});

describe('a claim left by a run that died mid-send', () => {
  it('is taken over after CLAIM_LEASE_MS on the wall clock, and not before', async () => {
    const victim = 'victim@example.com';
    await stack().subscribe([victim, 'bo@example.com', 'cy@example.com']);
    const dying = sesFreezingOn(victim);
    const deadRun = runDigest({ ...stack().deps(RATE, { ses: dying.ses }), clock: () => T }, T);
    await dying.frozen;
    // The others' sends are under way beside the frozen one: wait for them as long as a busy machine needs
    // (expect.poll gives up after 1 s by default), not for a fixed time.
    const sentTo = async (email: string) => (await copies())[email];
    await expect.poll(() => sentTo('cy@example.com'), { timeout: 20_000 }).toBe(1);
    await expect.poll(() => sentTo('bo@example.com'), { timeout: 20_000 }).toBe(1);
    expect(await claimOf(victim)).toEqual(
      expect.objectContaining({ localDate: '2026-11-24', claimedAt: T.toISOString() }),
    );

    // The next hourly run finds the victim due again (the dead run's hold is shorter than an hour). The
    // claim is judged by the wall clock (`clock`), not the event time: a second before the lease ends it holds.
    const leaseEnds = T.getTime() + CLAIM_LEASE_MS;
    const early = await runDigest(
      { ...stack().deps(RATE), clock: () => new Date(leaseEnds - 1000) },
      new Date(T.getTime() + HOUR_MS),
    );
    // At the end of the lease the next run after that takes it over.
    const onTime = await runDigest(
      { ...stack().deps(RATE), clock: () => new Date(leaseEnds) },
      new Date(T.getTime() + 2 * HOUR_MS),
    );
    dying.kill();
    const dead = await deadRun;

    expect(early).toMatchObject({ due: 1, sent: 0, claimedElsewhere: 1 });
    expect(onTime).toMatchObject({ due: 1, sent: 1, claimedElsewhere: 0 });
    expect(dead).toMatchObject({ due: 3, sent: 2, failed: 1 });
    expect(await copies()).toEqual({ [victim]: 1, 'bo@example.com': 1, 'cy@example.com': 1 });
    expect(await stack().latest(victim)).toMatchObject({ localDate: '2026-11-24', status: 'sent' });
    expect(await claimOf(victim)).toBeUndefined();
  });
});
