import { afterEach, describe, expect, it, vi } from 'vitest';
import { deliverAll, inFlightFor } from '../../../../src/use-cases/run-digest/deliver-all.js';
import type { DeliveryDeps, DueSubscriber } from '../../../../src/use-cases/run-digest/deps.js';
import { MailerError, type Mailer } from '../../../../src/use-cases/run-digest/ports.js';
import {
  capturingMailer,
  fakeLinkSigner,
  memoryLog,
  memoryStore,
  storedSummary,
  subscribersOf,
  TEST_SETTINGS,
} from '../../../support/digest-memory.js';
import { buildSummary } from '../../../support/summary-fixtures.js';

const NOW = new Date('2026-11-24T07:00:00Z');
const SUMMARIES = [storedSummary(buildSummary({ title: 'Story' }), new Date('2026-11-24T06:00:00Z'))];

afterEach(() => vi.restoreAllMocks());

function targets(n: number): DueSubscriber[] {
  const subscribers = subscribersOf({
    subscribers: Array.from({ length: n }, (_, i) => ({ email: `reader-${i}@example.com` })),
  });
  return subscribers.map((subscriber) => ({
    subscriber,
    localDate: '2026-11-24',
    window: { from: new Date('2026-11-23T07:00:00Z'), to: NOW },
  }));
}

function deliveryDeps(due: DueSubscriber[], mailer: Mailer, overrides: Partial<DeliveryDeps> = {}) {
  const store = memoryStore();
  for (const { subscriber } of due) store.put(subscriber, new Date('2026-11-24T07:55:00Z'));
  const log = memoryLog();
  const deps: DeliveryDeps = {
    ledger: store,
    mailer,
    links: fakeLinkSigner(),
    log,
    sleep: async () => undefined,
    clock: () => NOW,
    hasTimeLeft: () => true,
    settings: TEST_SETTINGS,
    ...overrides,
  };
  return { deps, store, log };
}

/** A mailer whose sends wait until the test lets them go, counting how many wait at once. */
function heldMailer() {
  const inner = capturingMailer();
  const waiting: (() => void)[] = [];
  const state = { inFlight: 0, most: 0 };
  const mailer: Mailer = {
    ...inner,
    send: async (email) => {
      state.inFlight++;
      state.most = Math.max(state.most, state.inFlight);
      await new Promise<void>((resolve) => waiting.push(resolve));
      state.inFlight--;
      return inner.send(email);
    },
  };
  return { mailer, sent: inner.sent, waiting, state };
}

const settle = () => new Promise<void>((resolve) => setImmediate(resolve));

describe('delivering a list of due subscribers', () => {
  it.each([
    [20, 30, 5],
    [1, 4, 1],
    [1_000, 100, 64],
  ])('at %i/s keeps at most inFlightFor(rate) sends in flight (%i targets: %i)', async (rate, n, limit) => {
    expect(inFlightFor(rate)).toBe(limit);
    const held = heldMailer();
    const due = targets(n);
    const { deps, store } = deliveryDeps(due, held.mailer);

    const delivering = deliverAll(deps, due, SUMMARIES, NOW, rate);
    const waitingAtOnce: number[] = [];
    while (held.sent.length < n) {
      await settle();
      waitingAtOnce.push(held.waiting.length);
      held.waiting.splice(0).forEach((release) => release());
    }
    const tally = await delivering;

    expect(tally).toEqual({ sent: n, empty: 0, failed: 0, claimedElsewhere: 0, deferred: 0 });
    expect(held.state.most).toBe(limit);
    expect(waitingAtOnce[0]).toBe(limit);
    expect(Math.max(...waitingAtOnce)).toBe(limit);
    expect(new Set(held.sent.map((m) => m.to)).size).toBe(n);
    expect(store.entries).toHaveLength(n);
  });

  it('slows its pace when SES throttles, and still sends the throttled digest on a retry', async () => {
    vi.spyOn(Math, 'random').mockReturnValue(0); // the retry waits its minimum: one slot
    let now = NOW.getTime();
    const sleeps: { at: number; ms: number }[] = [];
    const attempts: number[] = [];
    const inner = capturingMailer();
    const mailer: Mailer = {
      ...inner,
      send: async (email) => {
        attempts.push(now - NOW.getTime());
        if (attempts.length === 2) {
          throw new MailerError('Maximum sending rate exceeded.', 'TooManyRequestsException', true);
        }
        return inner.send(email);
      },
    };
    const due = targets(6);
    const { deps, log } = deliveryDeps(due, mailer, {
      clock: () => new Date(now),
      sleep: async (ms) => {
        sleeps.push({ at: now - NOW.getTime(), ms });
        now += ms;
      },
    });

    // 4/s is one send in flight, so the order of events is fixed.
    const tally = await deliverAll(deps, due, SUMMARIES, NOW, 4);

    expect(tally).toEqual({ sent: 6, empty: 0, failed: 0, claimedElsewhere: 0, deferred: 0 });
    // 250 ms apart at 4/s; the second attempt is throttled and retried one slot later; from then on the
    // pace is halved to 2/s (500 ms) until two seconds without throttling have passed.
    expect(attempts).toEqual([0, 250, 500, 1_000, 1_500, 2_000, 2_500]);
    expect(sleeps).toEqual([
      { at: 0, ms: 250 }, // the second slot
      { at: 250, ms: 250 }, // the retry's backoff, never shorter than a slot
      { at: 500, ms: 500 },
      { at: 1_000, ms: 500 },
      { at: 1_500, ms: 500 },
      { at: 2_000, ms: 500 },
    ]);
    expect(inner.sent).toHaveLength(6);
    expect(log.logged.filter((l) => l.level === 'error')).toEqual([]);
  });

  it('starts nobody when the invocation has no time left, and counts them all as deferred', async () => {
    const mailer = capturingMailer();
    const due = targets(3);
    const { deps, log } = deliveryDeps(due, mailer, { hasTimeLeft: () => false });

    const tally = await deliverAll(deps, due, SUMMARIES, NOW, 14);

    expect(tally).toEqual({ sent: 0, empty: 0, failed: 0, claimedElsewhere: 0, deferred: 3 });
    expect(mailer.sent).toEqual([]);
    expect(log.logged).toContainEqual(
      expect.objectContaining({ level: 'warn', attributes: { deferred: 3 } }),
    );
  });
});
