import { describe, expect, it } from 'vitest';
import type { LedgerEntry } from '../../../src/digest/ledger.js';
import { localTime } from '../../../src/digest/local-time.js';
import {
  dueAfterDay,
  dueness,
  nextDueAfter,
  owedLocalDate,
  sendInstant,
} from '../../../src/digest/schedule.js';
import { parseSubscribers, type Subscriber } from '../../../src/digest/subscribers.js';

const HOUR_MS = 3_600_000;

function subscriber(timeZone: string, sendAt: string): Subscriber {
  const [s] = parseSubscribers(
    { subscribers: [{ email: 'a@example.com', timeZone, sendAt }] },
    {
      timeZone: 'UTC',
      sendAt: '07:00',
    },
  ).subscribers;
  return s!;
}

/**
 * Hourly runs over a whole year with an in-memory ledger; returns the instants that sent and the local day
 * each was for. With `missFirstDueRun`, the first run due for each local day does not happen.
 */
function simulateYear(s: Subscriber, { missFirstDueRun = false } = {}): { at: Date; localDate: string }[] {
  let latest: LedgerEntry | undefined;
  const sends: { at: Date; localDate: string }[] = [];
  const missed = new Set<string>();
  for (let t = Date.parse('2026-01-01T00:00:00Z'); t < Date.parse('2027-01-01T00:00:00Z'); t += HOUR_MS) {
    const now = new Date(t);
    const state = dueness(s, latest, now);
    if (!state.due) continue;
    if (missFirstDueRun && latest !== undefined && !missed.has(state.localDate)) {
      missed.add(state.localDate);
      continue;
    }
    sends.push({ at: now, localDate: state.localDate });
    latest = {
      subscriberId: s.id,
      localDate: state.localDate,
      status: 'sent',
      windowFrom: now.toISOString(),
      windowTo: now.toISOString(),
      itemCount: 0,
      recordedAt: now.toISOString(),
    };
  }
  return sends;
}

function sentEntry(s: Subscriber): LedgerEntry {
  return {
    subscriberId: s.id,
    localDate: '2000-01-01',
    status: 'sent',
    windowFrom: '2026-11-18T07:00:00.000Z',
    windowTo: '2026-11-18T07:00:00.000Z',
    itemCount: 1,
    recordedAt: '2026-11-18T07:00:00.000Z',
  };
}

/** Local dates strictly between the first and the last send that got no digest. */
function missedDays(dates: string[]): string[] {
  const missed: string[] = [];
  const first = Date.parse(`${dates[0]}T00:00:00Z`);
  const last = Date.parse(`${dates.at(-1)}T00:00:00Z`);
  const had = new Set(dates);
  for (let t = first; t <= last; t += 24 * HOUR_MS) {
    const date = new Date(t).toISOString().slice(0, 10);
    if (!had.has(date)) missed.push(date);
  }
  return missed;
}

describe('who is due in an hourly run', () => {
  it.each([
    ['UTC', '23:30'],
    ['Asia/Kolkata', '23:45'],
    ['Asia/Kathmandu', '23:50'],
    ['Europe/London', '07:15'],
  ])('refuses %s at %s: no hourly run may reach it before the local day ends', (timeZone, sendAt) => {
    const list = parseSubscribers(
      { subscribers: [{ email: 'a@example.com', timeZone, sendAt }] },
      { timeZone: 'UTC', sendAt: '07:00' },
    );

    expect(list.subscribers).toEqual([]);
    expect(list.invalid[0]?.reason).toBe(
      'sendAt: must be a whole hour such as 07:00: the digest runs hourly',
    );
  });

  it.each([
    ['Europe/London', '07:00'],
    ['America/New_York', '07:00'],
    ['America/New_York', '02:00'],
    ['Europe/London', '01:00'],
    ['Asia/Kathmandu', '07:00'],
    ['Asia/Kolkata', '06:00'],
    ['Australia/Lord_Howe', '02:00'],
    ['Pacific/Chatham', '07:00'],
    ['UTC', '00:00'],
    // The last hour of the local day: reached by a run before the date ends only because it is a whole hour.
    ['UTC', '23:00'],
    ['Asia/Kolkata', '23:00'],
    ['Asia/Kathmandu', '23:00'],
    ['Australia/Lord_Howe', '23:00'],
    ['Pacific/Chatham', '23:00'],
    ['America/St_Johns', '23:00'],
  ])(
    'in %s at %s: exactly one digest per local day all year, by the first run at or after the send time',
    (zone, sendAt) => {
      const s = subscriber(zone, sendAt);
      const sends = simulateYear(s).map((send) => send.at);
      const dates = sends.map((d) => localTime(d, zone).date);
      const [h, m] = sendAt.split(':').map(Number);
      const target = h! * 60 + m!;

      expect(new Set(dates).size).toBe(dates.length);
      // Every local date of the year but the ones cut off at its UTC ends: never a skipped day.
      expect(dates.length).toBeGreaterThanOrEqual(364);
      expect(missedDays(dates)).toEqual([]);
      // The first run (00:00Z on 1 Jan) is a new subscriber's first day: it sends at once if the time has passed.
      for (const sent of sends.slice(1)) {
        const local = localTime(sent, zone);
        const before = localTime(new Date(sent.getTime() - HOUR_MS), zone);
        // Sent by the first hourly run at or after the local send time: the run before had not reached it.
        expect(local.minuteOfDay).toBeGreaterThanOrEqual(target);
        expect(before.date !== local.date || before.minuteOfDay < target).toBe(true);
        // Under an hour late, or two where a DST jump skipped the send time.
        expect(local.minuteOfDay - target).toBeLessThan(120);
      }
    },
  );

  it.each([
    ['UTC', '23:00'],
    ['Asia/Kolkata', '23:00'],
    ['Asia/Kathmandu', '23:00'],
    ['Pacific/Chatham', '23:00'],
    ['America/New_York', '02:00'],
    ['Europe/London', '07:00'],
  ])(
    'in %s at %s: with the first due run of every day missed, every local day still gets its one digest, within two hours',
    (zone, sendAt) => {
      const s = subscriber(zone, sendAt);
      const sends = simulateYear(s, { missFirstDueRun: true });
      const days = sends.map((send) => send.localDate);

      expect(new Set(days).size).toBe(days.length);
      expect(missedDays(days)).toEqual([]);
      for (const { at, localDate } of sends.slice(1)) {
        // Sent by the run after the missed one: later that day, or after local midnight for a late send hour.
        const sendTime = Date.parse(`${localDate}T${sendAt}:00Z`);
        const local = localTime(at, zone);
        const localClock = Date.parse(`${local.date}T00:00:00Z`) + local.minuteOfDay * 60_000;
        expect(localClock - sendTime).toBeGreaterThanOrEqual(HOUR_MS);
        expect(localClock - sendTime).toBeLessThan(3 * HOUR_MS);
      }
    },
  );

  it('owes yesterday before the send time: a day whose runs all failed is sent after local midnight, named for that day', () => {
    const s = subscriber('Asia/Kathmandu', '23:00');
    const sent = (localDate: string): LedgerEntry => ({
      subscriberId: s.id,
      localDate,
      status: 'sent',
      windowFrom: '2026-11-22T18:00:00.000Z',
      windowTo: '2026-11-23T18:00:00.000Z',
      itemCount: 1,
      recordedAt: '2026-11-23T18:00:00.000Z',
    });
    const afterMidnight = new Date('2026-11-24T19:00:00Z'); // 00:45 on Wed 25 Nov in Kathmandu

    expect(owedLocalDate(s, new Date('2026-11-24T18:00:00Z'))).toBe('2026-11-24');
    expect(owedLocalDate(s, afterMidnight)).toBe('2026-11-24');
    expect(dueness(s, sent('2026-11-23'), afterMidnight)).toEqual({ due: true, localDate: '2026-11-24' });
    expect(dueness(s, sent('2026-11-24'), afterMidnight)).toMatchObject({ due: false, reason: 'not-yet' });
    // A new subscriber (no digest yet) starts at their first send time, not with a day before they joined.
    expect(dueness(s, undefined, afterMidnight)).toMatchObject({ due: false, reason: 'not-yet' });
    // So does one back after an unsubscribed week (or whose broken entry was fixed): no digest for a day they
    // were not subscribed; their next send time's window starts where their last digest ended.
    expect(dueness(s, sent('2026-11-17'), afterMidnight)).toMatchObject({ due: false, reason: 'not-yet' });
    expect(dueness(s, sent('2026-11-17'), new Date('2026-11-25T17:15:00Z'))).toEqual({
      due: true,
      localDate: '2026-11-25',
    });
  });

  it('over hourly runs, gives one back from an unsubscribed week no digest for those days, and the next at the send time', () => {
    // Prepare: London, 07:00; subscribed until 20 Nov, unsubscribed until 02:00 on 25 Nov.
    const s = subscriber('Europe/London', '07:00');
    const unsubscribed = { from: Date.parse('2026-11-20T12:00:00Z'), to: Date.parse('2026-11-25T02:00:00Z') };
    let latest: LedgerEntry | undefined;
    const sends: string[] = [];

    // Act: every hour from 18 to 27 Nov; an unsubscribed subscriber is not planned at all.
    for (let t = Date.parse('2026-11-18T00:00:00Z'); t < Date.parse('2026-11-28T00:00:00Z'); t += HOUR_MS) {
      if (t >= unsubscribed.from && t < unsubscribed.to) continue;
      const now = new Date(t);
      const state = dueness(s, latest, now);
      if (!state.due) continue;
      sends.push(`${state.localDate} at ${now.toISOString().slice(11, 16)}`);
      latest = { ...(latest ?? sentEntry(s)), localDate: state.localDate };
    }

    // Assess
    expect(sends).toEqual([
      '2026-11-18 at 07:00',
      '2026-11-19 at 07:00',
      '2026-11-20 at 07:00',
      '2026-11-25 at 07:00',
      '2026-11-26 at 07:00',
      '2026-11-27 at 07:00',
    ]);
  });

  it('skips a subscriber who already had today, and waits for one whose send time has not come', () => {
    const s = subscriber('Europe/London', '07:00');
    const entry = (localDate: string): LedgerEntry => ({
      subscriberId: s.id,
      localDate,
      status: 'sent',
      windowFrom: '2026-11-23T07:00:00.000Z',
      windowTo: '2026-11-24T07:00:00.000Z',
      itemCount: 1,
      recordedAt: '2026-11-24T07:00:00.000Z',
    });

    expect(dueness(s, undefined, new Date('2026-11-24T06:00:00Z'))).toMatchObject({
      due: false,
      reason: 'not-yet',
    });
    expect(dueness(s, undefined, new Date('2026-11-24T07:00:00Z'))).toEqual({
      due: true,
      localDate: '2026-11-24',
    });
    expect(dueness(s, entry('2026-11-24'), new Date('2026-11-24T20:00:00Z'))).toMatchObject({
      due: false,
      reason: 'already-sent',
    });
    // A zone change that moves the local date backwards does not produce a second digest.
    expect(dueness(s, entry('2026-11-25'), new Date('2026-11-24T20:00:00Z'))).toMatchObject({ due: false });
  });
});

describe('when a subscriber is next due', () => {
  const iso = (d: Date) => d.toISOString();

  it.each([
    // Europe/London: 29 Mar 01:00 GMT -> 02:00 BST; 25 Oct 02:00 BST -> 01:00 GMT.
    ['Europe/London', '01:00', '2026-03-28', '2026-03-28T01:00:00.000Z'],
    ['Europe/London', '01:00', '2026-03-29', '2026-03-29T01:00:00.000Z'], // in the gap: 02:00 BST
    ['Europe/London', '01:00', '2026-03-30', '2026-03-30T00:00:00.000Z'],
    ['Europe/London', '01:00', '2026-10-25', '2026-10-25T00:00:00.000Z'], // the first of the two 01:00s
    ['Europe/London', '01:00', '2026-10-26', '2026-10-26T01:00:00.000Z'],
    ['Europe/London', '07:00', '2026-03-29', '2026-03-29T06:00:00.000Z'],
    // America/New_York: 8 Mar 02:00 -> 03:00 EDT; 1 Nov 02:00 EDT -> 01:00 EST.
    ['America/New_York', '02:00', '2026-03-07', '2026-03-07T07:00:00.000Z'],
    ['America/New_York', '02:00', '2026-03-08', '2026-03-08T07:00:00.000Z'], // in the gap: 03:00 EDT
    ['America/New_York', '02:00', '2026-03-09', '2026-03-09T06:00:00.000Z'],
    ['America/New_York', '01:00', '2026-11-01', '2026-11-01T05:00:00.000Z'], // the first 01:00 (EDT)
    ['America/New_York', '02:00', '2026-11-01', '2026-11-01T07:00:00.000Z'], // 02:00 EST, after the repeat
    // Australia/Lord_Howe moves by 30 minutes: 5 Apr 02:00 (+11) -> 01:30 (+10:30); 4 Oct 02:00 -> 02:30.
    ['Australia/Lord_Howe', '02:00', '2026-04-04', '2026-04-03T15:00:00.000Z'],
    ['Australia/Lord_Howe', '01:00', '2026-04-05', '2026-04-04T14:00:00.000Z'],
    ['Australia/Lord_Howe', '02:00', '2026-04-05', '2026-04-04T15:30:00.000Z'], // 02:00 after 01:30-02:00 twice
    ['Australia/Lord_Howe', '02:00', '2026-10-04', '2026-10-03T15:30:00.000Z'], // in the gap: 02:30
    ['Australia/Lord_Howe', '02:00', '2026-10-05', '2026-10-04T15:00:00.000Z'],
    // Asia/Kathmandu is +5:45 all year.
    ['Asia/Kathmandu', '07:00', '2026-11-24', '2026-11-24T01:15:00.000Z'],
    ['Asia/Kathmandu', '00:00', '2026-11-24', '2026-11-23T18:15:00.000Z'],
    ['Pacific/Kiritimati', '07:00', '2026-01-01', '2025-12-31T17:00:00.000Z'],
  ])('sends %s %s on %s at %s', (zone, sendAt, localDate, expected) => {
    expect(iso(sendInstant(subscriber(zone, sendAt), localDate))).toBe(expected);
  });

  it('is the first minute at which an hourly-run rule finds the day owed, on every day of a year', () => {
    const zones = [
      'Europe/London',
      'America/New_York',
      'Australia/Lord_Howe',
      'Asia/Kathmandu',
      'America/St_Johns',
    ];
    const problems: string[] = [];
    for (const zone of zones) {
      for (const sendAt of ['00:00', '01:00', '02:00', '23:00']) {
        const s = subscriber(zone, sendAt);
        for (
          let t = Date.parse('2026-01-02T00:00:00Z');
          t < Date.parse('2027-01-01T00:00:00Z');
          t += 24 * HOUR_MS
        ) {
          const day = new Date(t).toISOString().slice(0, 10);
          const yesterday = new Date(t - 24 * HOUR_MS).toISOString().slice(0, 10);
          const latest = { ...sentEntry(s), localDate: yesterday };
          const at = sendInstant(s, day);
          const atIt = dueness(s, latest, at);
          const justBefore = dueness(s, latest, new Date(at.getTime() - 60_000));
          if (!atIt.due || atIt.localDate !== day || justBefore.due) {
            problems.push(`${zone} ${sendAt} ${day}: ${iso(at)} ${JSON.stringify([atIt, justBefore])}`);
          }
        }
      }
    }
    expect(problems).toEqual([]);
  });

  it('is today at the send time while it is ahead, else tomorrow at it', () => {
    const london = subscriber('Europe/London', '07:00');

    expect(iso(nextDueAfter(london, new Date('2026-11-24T06:59:59.999Z')))).toBe('2026-11-24T07:00:00.000Z');
    expect(iso(nextDueAfter(london, new Date('2026-11-24T07:00:00.000Z')))).toBe('2026-11-25T07:00:00.000Z');
    expect(iso(nextDueAfter(london, new Date('2026-11-24T08:00:00.000Z')))).toBe('2026-11-25T07:00:00.000Z');
    // Tomorrow's send time across the change to GMT is an hour later in UTC.
    expect(iso(nextDueAfter(london, new Date('2026-10-24T06:00:00.000Z')))).toBe('2026-10-25T07:00:00.000Z');
  });

  it("counts today and tomorrow in the subscriber's zone, not in UTC", () => {
    // 20:00 UTC is already 01:45 the next day in Kathmandu; 03:00 UTC is still the day before in New York.
    expect(iso(nextDueAfter(subscriber('Asia/Kathmandu', '07:00'), new Date('2026-11-24T20:00:00Z')))).toBe(
      '2026-11-25T01:15:00.000Z',
    );
    expect(iso(nextDueAfter(subscriber('America/New_York', '07:00'), new Date('2026-11-24T03:00:00Z')))).toBe(
      '2026-11-24T12:00:00.000Z',
    );
    expect(iso(nextDueAfter(subscriber('America/New_York', '02:00'), new Date('2026-03-08T06:30:00Z')))).toBe(
      '2026-03-08T07:00:00.000Z',
    );
  });

  it("after a day's digest is done, is the next day's send time, however late it was sent", () => {
    expect(iso(dueAfterDay(subscriber('Europe/London', '07:00'), '2026-10-24'))).toBe(
      '2026-10-25T07:00:00.000Z',
    );
    expect(iso(dueAfterDay(subscriber('Europe/London', '07:00'), '2026-03-28'))).toBe(
      '2026-03-29T06:00:00.000Z',
    );
    expect(iso(dueAfterDay(subscriber('America/New_York', '02:00'), '2026-03-07'))).toBe(
      '2026-03-08T07:00:00.000Z',
    );
    expect(iso(dueAfterDay(subscriber('Australia/Lord_Howe', '02:00'), '2026-10-03'))).toBe(
      '2026-10-03T15:30:00.000Z',
    );
    expect(iso(dueAfterDay(subscriber('UTC', '23:00'), '2026-12-31'))).toBe('2027-01-01T23:00:00.000Z');
    expect(iso(dueAfterDay(subscriber('UTC', '07:00'), '2028-02-28'))).toBe('2028-02-29T07:00:00.000Z');
  });
});
