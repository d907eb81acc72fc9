import { describe, expect, it } from 'vitest';
import {
  subscribersOf,
  memoryStore,
  capturingMailer,
  fakeLinkSigner,
  memoryDeps,
  memoryLog,
  storedSummary,
  TEST_SETTINGS,
} from '../../../support/digest-memory.js';
import { buildSummary } from '../../../support/summary-fixtures.js';
import { runDigest } from '../../../../src/use-cases/run-digest/run-digest.js';
import { sendBatch } from '../../../../src/use-cases/run-digest/send-batch-use-case.js';
import { SEND_BATCH_VERSION, type SendBatch } from '../../../../src/use-cases/run-digest/send-batch.js';
import type { SenderDeps } from '../../../../src/use-cases/run-digest/deps.js';
import { MailerError } from '../../../../src/use-cases/run-digest/ports.js';
import type { StoredSummary } from '../../../../src/digest/stored-summary.js';

const RUN_AT = '2026-11-24T07:00:00.000Z';
const KEY = `state/digest-runs/${RUN_AT}.json`;
const emails = ['ana@example.com', 'bo@example.org', 'cy@example.net', 'di@example.com', 'ed@example.org'];

/** A sender over an in-memory store in which the planner has held everyone of the batch. */
function sender(overrides: Partial<SenderDeps> = {}) {
  const store = memoryStore();
  const subscribers = subscribersOf({ subscribers: emails.map((email) => ({ email })) });
  for (const s of subscribers) store.put(s, new Date('2026-11-24T07:55:00Z'));
  const summaries = new Map<string, StoredSummary[]>([
    [KEY, [storedSummary(buildSummary({ title: 'Tram line approved' }), new Date('2026-11-24T05:00:00Z'))]],
  ]);
  let loads = 0;
  const mailer = capturingMailer();
  const log = memoryLog();
  const deps: SenderDeps = {
    ledger: store,
    mailer,
    links: fakeLinkSigner(),
    log,
    sleep: async () => undefined,
    clock: () => new Date('2026-11-24T07:01:00Z'),
    hasTimeLeft: () => true,
    settings: TEST_SETTINGS,
    snapshots: {
      save: async () => Promise.reject(new Error('the sender never saves')),
      load: async (key) => (loads++, summaries.get(key) ?? Promise.reject(new Error(`no snapshot ${key}`))),
    },
    ...overrides,
  };
  const batch: SendBatch = {
    version: SEND_BATCH_VERSION,
    runAt: RUN_AT,
    summariesKey: KEY,
    sendRate: 7,
    targets: subscribers.map((subscriber) => ({
      subscriber,
      localDate: '2026-11-24',
      windowFrom: '2026-11-23T07:00:00.000Z',
      windowTo: RUN_AT,
    })),
  };
  return { deps, store, mailer, log, batch, loads: () => loads };
}

describe('a sender invocation', () => {
  it("delivers every target of the batch from the run's saved summaries and records each", async () => {
    const { deps, store, mailer, batch, loads } = sender();

    const report = await sendBatch(deps, batch);

    expect(report).toEqual({
      sent: 5,
      empty: 0,
      failed: 0,
      claimedElsewhere: 0,
      deferred: 0,
      complete: true,
    });
    expect(mailer.sent.map((m) => m.to).sort()).toEqual([...emails].sort());
    expect(mailer.sent[0]?.text).toContain('Tram line approved');
    expect(loads()).toBe(1);
    expect(store.entries).toHaveLength(5);
    expect(store.entries[0]).toMatchObject({
      localDate: '2026-11-24',
      status: 'sent',
      windowFrom: '2026-11-23T07:00:00.000Z',
      windowTo: RUN_AT,
      recordedAt: RUN_AT,
    });
    // Done for the day: next due at tomorrow's send time (07:00 UTC, the default).
    expect(new Set([...store.profiles.values()].map((p) => p.dueAt))).toEqual(
      new Set(['2026-11-25T07:00:00.000Z']),
    );
  });

  it('stops when the invocation is about to time out, reports the batch incomplete, and a redelivery sends only the rest', async () => {
    // Sequential at 1/s, so time is asked before each target, before each attempt and after its slot:
    // two targets fit.
    let left = 6;
    const cut = sender({ hasTimeLeft: () => left-- > 0 });
    const batch = { ...cut.batch, sendRate: 1 };

    const first = await sendBatch(cut.deps, batch);
    const sentFirst = cut.mailer.sent.map((m) => m.to);
    const again = await sendBatch({ ...cut.deps, hasTimeLeft: () => true }, batch);

    expect(first).toMatchObject({ sent: 2, deferred: 3, complete: false });
    expect(sentFirst).toEqual(emails.slice(0, 2));
    expect(again).toMatchObject({ sent: 3, claimedElsewhere: 2, deferred: 0, complete: true });
    expect(cut.mailer.sent.map((m) => m.to)).toEqual(emails);
    expect(cut.store.entries).toHaveLength(5);
  });

  it('lets a redelivery send at once a target whose claim it gave back, but not one it was sending', async () => {
    let failing = true;
    const mailer = capturingMailer({
      fail: (email) =>
        failing && email.to === 'bo@example.org'
          ? new MailerError('ECONNRESET', 'SendOutcomeUnknown', true, true)
          : failing && email.to === 'cy@example.net'
            ? new MailerError('Service Unavailable', 'ServiceUnavailable', true)
            : undefined,
    });
    const { deps, batch, store } = sender({
      mailer,
      settings: { ...TEST_SETTINGS, retry: { attempts: 1, baseDelayMs: 0, maxDelayMs: 0 } },
    });

    const first = await sendBatch(deps, batch);
    failing = false;
    const redelivered = await sendBatch(deps, batch);

    expect(first).toMatchObject({ sent: 3, failed: 2 });
    // cy's claim was given back (SES answered): sent at once; bo's may have gone out: kept until it expires.
    expect(redelivered).toMatchObject({ sent: 1, claimedElsewhere: 4 });
    expect(mailer.sent.filter((m) => m.to === 'cy@example.net')).toHaveLength(1);
    expect(mailer.sent.filter((m) => m.to === 'bo@example.org')).toHaveLength(0);
    expect(store.failures.map((f) => f.code).sort()).toEqual(['SendOutcomeUnknown', 'ServiceUnavailable']);
  });

  it("takes over the claim of an invocation that died mid-send once the claim's lease has run out", async () => {
    const at = (iso: string) => ({ clock: () => new Date(iso) });
    const { deps, batch, store, mailer } = sender();
    const one = { ...batch, targets: batch.targets.slice(0, 1) };
    await store.claim(one.targets[0]!.subscriber.id, '2026-11-24', new Date('2026-11-24T07:01:00Z'));

    const early = await sendBatch({ ...deps, ...at('2026-11-24T07:10:00Z') }, one);
    const late = await sendBatch({ ...deps, ...at('2026-11-24T07:21:00Z') }, one);

    expect(early).toMatchObject({ sent: 0, claimedElsewhere: 1, complete: true });
    expect(late).toMatchObject({ sent: 1, complete: true });
    expect(mailer.sent).toHaveLength(1);
  });

  it('skips a target who unsubscribed after the run queued them', async () => {
    const { deps, batch, store, mailer } = sender();
    await store.add(batch.targets[0]!.subscriber.id, new Date('2026-11-24T07:00:30Z'));

    const report = await sendBatch(deps, batch);

    expect(report).toMatchObject({ sent: 4, claimedElsewhere: 1 });
    expect(mailer.sent.map((m) => m.to)).not.toContain('ana@example.com');
  });

  it('fails the whole batch when its snapshot cannot be read, so that SQS delivers it again', async () => {
    const { deps, batch, mailer } = sender();

    await expect(sendBatch(deps, { ...batch, summariesKey: 'state/digest-runs/gone.json' })).rejects.toThrow(
      /no snapshot/,
    );
    expect(mailer.sent).toEqual([]);
  });

  it('paces the batch at its send rate', async () => {
    let now = Date.parse('2026-11-24T07:01:00Z');
    const sleeps: number[] = [];
    const { deps, batch } = sender({
      clock: () => new Date(now),
      sleep: async (ms) => {
        sleeps.push(ms);
        now += ms;
      },
    });

    await sendBatch(deps, { ...batch, sendRate: 2 });

    // Five sends at 2/s: the first at once, then four slots 500 ms apart.
    expect(now - Date.parse('2026-11-24T07:01:00Z')).toBe(2_000);
    expect(sleeps.reduce((a, b) => a + b, 0)).toBe(2_000);
  });

  it('counts a target stopped by the time check before its SendEmail attempt as deferred, so SQS delivers the batch again', async () => {
    // Time is there when the target is started, gone when its attempt would start.
    let left = 1;
    const { deps, batch, mailer, store } = sender({ hasTimeLeft: () => left-- > 0 });
    const one = { ...batch, targets: batch.targets.slice(0, 1), sendRate: 1 };

    const report = await sendBatch(deps, one);

    expect(mailer.sent).toEqual([]);
    expect(store.profiles.get(one.targets[0]!.subscriber.id)?.claim).toBeUndefined();
    expect(report).toMatchObject({ sent: 0, deferred: 1, complete: false });
  });

  it("never moves a subscriber's latest entry back: a late redrive of an old batch with nothing new sends nor records nothing", async () => {
    // The old batch is for 24 Nov; Ana has had 25 Nov's digest since (e.g. the batch sat in the dead-letter
    // queue and an operator redrove it). Nothing in its snapshot is new for her: the "empty" path.
    const { deps, batch, store, mailer } = sender({
      snapshots: { save: async () => '', load: async () => [] },
    });
    const ana = batch.targets[0]!;
    const sent25 = {
      subscriberId: ana.subscriber.id,
      localDate: '2026-11-25',
      status: 'sent' as const,
      messageId: 'message-25',
      windowFrom: '2026-11-24T07:00:00.000Z',
      windowTo: '2026-11-25T07:00:00.000Z',
      itemCount: 1,
      recordedAt: '2026-11-25T07:00:00.000Z',
    };
    await store.record(sent25, new Date('2026-11-26T07:00:00Z'));

    const report = await sendBatch(deps, { ...batch, targets: [ana] });
    const latest = store.profiles.get(ana.subscriber.id)?.latest;
    // The next hourly run on 25 Nov must not find her owed 25 Nov's digest again.
    const planner = memoryDeps({ store, ledger: store, mailer });
    const nextRun = await runDigest(planner.deps, new Date('2026-11-25T08:00:00Z'));

    expect(report).toMatchObject({ sent: 0, empty: 0, claimedElsewhere: 1 });
    expect(latest).toEqual(sent25);
    // The other targets of the batch are still due; Ana is not, and gets nothing.
    expect(nextRun.due).toBe(batch.targets.length - 1);
    expect(mailer.sent.filter((m) => m.to === ana.subscriber.email)).toEqual([]);
  });
});
