/**
 * Weekly digests over hourly runs: one digest per local week-period, on the chosen weekday at the first run
 * at or after its send time, through both DST changes, a missed week, a weekday change and daily <-> weekly
 * switches. The simulation keeps the store's due index as the planner does (a subscriber is looked at only
 * once `dueAt` has come; not due: moved to `nextDueAfter`; done: `dueAfterDay`; a profile change: due at
 * once) and checks at every run that the index never hides someone `dueness` finds owed.
 */
import { describe, expect, it } from 'vitest';
import {
  nextWindow,
  WEEKLY_MAX_WINDOW_MS,
  type LedgerEntry,
  type Window,
} from '../../../src/digest/ledger.js';
import {
  dueAfterDay,
  dueness,
  nextDueAfter,
  owedLocalDate,
  periodDate,
  sendInstant,
} from '../../../src/digest/schedule.js';
import {
  parseSubscriberEntry,
  type Subscriber,
  type SubscriberDefaults,
} from '../../../src/digest/subscribers.js';

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;
const defaults: SubscriberDefaults = { timeZone: 'UTC', sendAt: '07:00' };

function subscriber(entry: Record<string, unknown>): Subscriber {
  const parsed = parseSubscriberEntry({ email: 'w@example.com', ...entry }, defaults);
  if ('reason' in parsed) throw new Error(parsed.reason);
  return parsed.subscriber;
}

interface Send {
  at: Date;
  localDate: string;
  window: Window;
  subscriber: Subscriber;
}

/** Hourly runs in [from, to); `profile` gives the subscriber's settings at each run; `skip` runs never made. */
function simulate(options: {
  from: string;
  to: string;
  profile: (now: Date) => Subscriber;
  skip?: (now: Date) => boolean;
}): Send[] {
  let latest: LedgerEntry | undefined;
  let dueAt = new Date(options.from);
  let seen: string | undefined;
  const sends: Send[] = [];
  for (let t = Date.parse(options.from); t < Date.parse(options.to); t += HOUR_MS) {
    const now = new Date(t);
    const s = options.profile(now);
    const key = JSON.stringify(s);
    if (seen !== undefined && key !== seen) dueAt = now; // `put` with a new schedule: due at once.
    seen = key;
    if (options.skip?.(now)) continue;
    const state = dueness(s, latest, now);
    if (dueAt > now) {
      expect(state.due, `hidden by the due index at ${now.toISOString()}`).toBe(false);
      continue;
    }
    if (!state.due) {
      dueAt = nextDueAfter(s, now);
      expect(dueAt > now).toBe(true);
      continue;
    }
    const window = nextWindow(latest, now, s);
    sends.push({ at: now, localDate: state.localDate, window, subscriber: s });
    latest = {
      subscriberId: s.id,
      localDate: state.localDate,
      status: 'sent',
      windowFrom: window.from.toISOString(),
      windowTo: window.to.toISOString(),
      itemCount: 1,
      recordedAt: now.toISOString(),
    };
    dueAt = dueAfterDay(s, state.localDate);
  }
  return sends;
}

const weekdayOf = (date: string) =>
  ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'][new Date(`${date}T00:00:00Z`).getUTCDay()];
const firstRunAtOrAfter = (instant: Date) => new Date(Math.ceil(instant.getTime() / HOUR_MS) * HOUR_MS);
const daysBetween = (a: string, b: string) =>
  (Date.parse(`${b}T00:00:00Z`) - Date.parse(`${a}T00:00:00Z`)) / DAY_MS;

/** Windows touch, and no two digests are for the same period of the subscriber's setting at the time. */
function expectContiguousAndOnePerPeriod(sends: Send[]): void {
  for (let i = 1; i < sends.length; i++) {
    const [before, after] = [sends[i - 1]!, sends[i]!];
    expect(after.window.from.getTime(), `window gap before ${after.localDate}`).toBeLessThanOrEqual(
      before.window.to.getTime(),
    );
    expect(after.window.from.getTime()).toBeGreaterThanOrEqual(before.window.to.getTime());
    expect(periodDate(after.subscriber, before.localDate)).not.toBe(
      periodDate(after.subscriber, after.localDate),
    );
    expect(after.localDate > before.localDate).toBe(true);
  }
}

describe('weekly digests over a year of hourly runs', () => {
  const cases: { timeZone: string; sendAt: string; weekday: string; dst: [string, string] }[] = [
    // London: 01:00 does not exist on 29 Mar (01:00 GMT -> 02:00 BST) and happens twice on 25 Oct.
    { timeZone: 'Europe/London', sendAt: '01:00', weekday: 'sun', dst: ['2026-03-29', '2026-10-25'] },
    { timeZone: 'Europe/London', sendAt: '07:00', weekday: 'mon', dst: ['2026-03-30', '2026-10-26'] },
    // New York: 02:00 does not exist on 8 Mar; 01:00 happens twice on 1 Nov.
    { timeZone: 'America/New_York', sendAt: '02:00', weekday: 'sun', dst: ['2026-03-08', '2026-11-01'] },
    { timeZone: 'America/New_York', sendAt: '01:00', weekday: 'sun', dst: ['2026-03-08', '2026-11-01'] },
    // Lord Howe: a 30-minute shift at 02:00 on 5 Apr (back to 01:30) and 4 Oct (forward to 02:30).
    { timeZone: 'Australia/Lord_Howe', sendAt: '02:00', weekday: 'sun', dst: ['2026-04-05', '2026-10-04'] },
    { timeZone: 'Australia/Lord_Howe', sendAt: '23:00', weekday: 'sat', dst: ['2026-04-04', '2026-10-03'] },
  ];

  for (const c of cases) {
    it(`${c.timeZone} ${c.weekday} ${c.sendAt}: once a week on that weekday, at the first run at or after the send time`, () => {
      const s = subscriber({
        timeZone: c.timeZone,
        sendAt: c.sendAt,
        frequency: 'weekly',
        weekday: c.weekday,
      });
      const sends = simulate({ from: '2026-01-01T00:00:00Z', to: '2027-01-01T00:00:00Z', profile: () => s });
      expect(sends.length).toBeGreaterThanOrEqual(51);
      for (const send of sends) {
        expect(weekdayOf(send.localDate)).toBe(c.weekday);
        expect(send.at).toEqual(firstRunAtOrAfter(sendInstant(s, send.localDate)));
      }
      for (let i = 1; i < sends.length; i++) {
        expect(daysBetween(sends[i - 1]!.localDate, sends[i]!.localDate)).toBe(7);
        const span = sends[i]!.window.to.getTime() - sends[i]!.window.from.getTime();
        expect(span).toBeGreaterThan(7 * DAY_MS - 2 * HOUR_MS);
        expect(span).toBeLessThan(7 * DAY_MS + 2 * HOUR_MS);
      }
      // The first: one week back (a weekly first digest covers the last 7 days).
      expect(sends[0]!.window.to.getTime() - sends[0]!.window.from.getTime()).toBe(7 * DAY_MS);
      const dates = sends.map((send) => send.localDate);
      expect(dates).toEqual(expect.arrayContaining(c.dst));
      expectContiguousAndOnePerPeriod(sends);
    });
  }

  it('on the DST days, sends at the end of the gap and at the first of the repeated hours', () => {
    const london = subscriber({
      timeZone: 'Europe/London',
      sendAt: '01:00',
      frequency: 'weekly',
      weekday: 'sun',
    });
    const sends = simulate({
      from: '2026-03-01T00:00:00Z',
      to: '2026-11-01T00:00:00Z',
      profile: () => london,
    });
    const at = (date: string) => sends.find((send) => send.localDate === date)?.at.toISOString();
    expect(at('2026-03-29')).toBe('2026-03-29T01:00:00.000Z'); // 02:00 BST, the first local time past 01:00
    expect(at('2026-10-25')).toBe('2026-10-25T00:00:00.000Z'); // the first 01:00 (BST), not the second
    const ny = subscriber({
      timeZone: 'America/New_York',
      sendAt: '01:00',
      frequency: 'weekly',
      weekday: 'sun',
    });
    const nySends = simulate({ from: '2026-10-20T00:00:00Z', to: '2026-11-10T00:00:00Z', profile: () => ny });
    expect(
      nySends.filter((send) => send.localDate === '2026-11-01').map((send) => send.at.toISOString()),
    ).toEqual(['2026-11-01T05:00:00.000Z']);
  });
});

describe('a weekly subscriber when runs are missed', () => {
  const fri = subscriber({ timeZone: 'Europe/London', sendAt: '07:00', frequency: 'weekly', weekday: 'fri' });

  it('no run for 8 days up to the send day: one digest at the next run, covering everything since the last, never two', () => {
    const outage = (now: Date) =>
      now >= new Date('2026-11-19T12:00:00Z') && now < new Date('2026-11-27T12:00:00Z');
    const sends = simulate({
      from: '2026-11-01T00:00:00Z',
      to: '2026-12-12T00:00:00Z',
      profile: () => fri,
      skip: outage,
    });
    expect(sends.map((send) => [send.localDate, send.at.toISOString()])).toEqual([
      ['2026-11-06', '2026-11-06T07:00:00.000Z'],
      ['2026-11-13', '2026-11-13T07:00:00.000Z'],
      ['2026-11-27', '2026-11-27T12:00:00.000Z'],
      ['2026-12-04', '2026-12-04T07:00:00.000Z'],
      ['2026-12-11', '2026-12-11T07:00:00.000Z'],
    ]);
    const caughtUp = sends[2]!.window;
    // Two weeks and five hours: within the weekly limit, so nothing since the last digest is lost.
    expect(caughtUp.from).toEqual(sends[1]!.window.to);
    expect(caughtUp.to.getTime() - caughtUp.from.getTime()).toBeLessThan(WEEKLY_MAX_WINDOW_MS);
    expect(sends[3]!.window.from).toEqual(caughtUp.to);
  });

  it("every run of the send day missed: caught up the next day, named for the send day; the next week's on time", () => {
    const sendDay = (now: Date) =>
      now >= new Date('2026-11-20T00:00:00Z') && now < new Date('2026-11-21T02:00:00Z');
    const sends = simulate({
      from: '2026-11-01T00:00:00Z',
      to: '2026-12-05T00:00:00Z',
      profile: () => fri,
      skip: sendDay,
    });
    expect(sends.map((send) => [send.localDate, send.at.toISOString()])).toEqual([
      ['2026-11-06', '2026-11-06T07:00:00.000Z'],
      ['2026-11-13', '2026-11-13T07:00:00.000Z'],
      ['2026-11-20', '2026-11-21T02:00:00.000Z'],
      ['2026-11-27', '2026-11-27T07:00:00.000Z'],
      ['2026-12-04', '2026-12-04T07:00:00.000Z'],
    ]);
    expectContiguousAndOnePerPeriod(sends);
  });

  it('a whole period without a run: that week gets no digest, and no two come for the next', () => {
    const outage = (now: Date) =>
      now >= new Date('2026-11-20T06:00:00Z') && now < new Date('2026-11-28T06:00:00Z');
    const sends = simulate({
      from: '2026-11-01T00:00:00Z',
      to: '2026-12-12T00:00:00Z',
      profile: () => fri,
      skip: outage,
    });
    expect(sends.map((send) => send.localDate)).toEqual([
      '2026-11-06',
      '2026-11-13',
      '2026-12-04',
      '2026-12-11',
    ]);
    expect(sends[2]!.at.toISOString()).toBe('2026-12-04T07:00:00.000Z');
  });

  it('a new weekly subscriber starts at their next send time, never with a week they were not subscribed', () => {
    // Joined on Saturday: Friday's digest is not caught up for them; the first is next Friday's.
    const sends = simulate({ from: '2026-11-21T10:00:00Z', to: '2026-12-05T00:00:00Z', profile: () => fri });
    expect(sends.map((send) => [send.localDate, send.at.toISOString()])).toEqual([
      ['2026-11-27', '2026-11-27T07:00:00.000Z'],
      ['2026-12-04', '2026-12-04T07:00:00.000Z'],
    ]);
    // Joined on the send day after the send time: that day's, at the next run.
    const sameDay = simulate({
      from: '2026-11-20T10:00:00Z',
      to: '2026-11-28T00:00:00Z',
      profile: () => fri,
    });
    expect(sameDay.map((send) => send.at.toISOString())).toEqual([
      '2026-11-20T10:00:00.000Z',
      '2026-11-27T07:00:00.000Z',
    ]);
  });
});

describe('changing the weekday or the frequency', () => {
  const weekly = (weekday: string) =>
    subscriber({ timeZone: 'Europe/London', sendAt: '07:00', frequency: 'weekly', weekday });
  const daily = subscriber({ timeZone: 'Europe/London', sendAt: '07:00' });
  const after = (iso: string, before: Subscriber, then: Subscriber) => (now: Date) =>
    now >= new Date(iso) ? then : before;

  it('to a weekday still ahead this week: the next digest on it, none on the old one', () => {
    const sends = simulate({
      from: '2026-11-01T00:00:00Z',
      to: '2026-12-12T00:00:00Z',
      profile: after('2026-11-24T12:00:00Z', weekly('fri'), weekly('thu')), // on Tue 24
    });
    expect(sends.map((send) => send.localDate)).toEqual([
      '2026-11-06',
      '2026-11-13',
      '2026-11-20',
      '2026-11-26', // Thu
      '2026-12-03',
      '2026-12-10',
    ]);
    expectContiguousAndOnePerPeriod(sends);
  });

  it('to a weekday already past this week: that week is owed once (caught up), never twice in a period', () => {
    const sends = simulate({
      from: '2026-11-01T00:00:00Z',
      to: '2026-12-12T00:00:00Z',
      profile: after('2026-11-25T12:00:00Z', weekly('fri'), weekly('tue')), // on Wed 25
    });
    expect(sends.map((send) => [send.localDate, send.at.toISOString()])).toEqual([
      ['2026-11-06', '2026-11-06T07:00:00.000Z'],
      ['2026-11-13', '2026-11-13T07:00:00.000Z'],
      ['2026-11-20', '2026-11-20T07:00:00.000Z'],
      ['2026-11-24', '2026-11-25T12:00:00.000Z'], // the week of Tue 24, caught up at once
      ['2026-12-01', '2026-12-01T07:00:00.000Z'],
      ['2026-12-08', '2026-12-08T07:00:00.000Z'],
    ]);
    expectContiguousAndOnePerPeriod(sends);
  });

  it('back and forth within a week: still never two digests for one period', () => {
    const profile = (now: Date) => {
      const t = now.getTime();
      if (t < Date.parse('2026-11-21T09:00:00Z')) return weekly('fri');
      if (t < Date.parse('2026-11-21T10:00:00Z')) return weekly('sat');
      if (t < Date.parse('2026-11-21T11:00:00Z')) return weekly('fri');
      return weekly('sat');
    };
    const sends = simulate({ from: '2026-11-01T00:00:00Z', to: '2026-12-06T00:00:00Z', profile });
    // Sat 21's period under `sat` starts on Sat 21: owed at once after Fri 20's digest (a new period).
    expect(sends.map((send) => send.localDate)).toEqual([
      '2026-11-06',
      '2026-11-13',
      '2026-11-20',
      '2026-11-21',
      '2026-11-28',
      '2026-12-05',
    ]);
    expectContiguousAndOnePerPeriod(sends);
  });

  it('daily -> weekly: no more daily digests, the first weekly one covers everything since the last daily', () => {
    const sends = simulate({
      from: '2026-11-09T00:00:00Z',
      to: '2026-11-28T00:00:00Z',
      profile: after('2026-11-11T12:00:00Z', daily, weekly('fri')),
    });
    expect(sends.map((send) => send.localDate)).toEqual([
      '2026-11-09',
      '2026-11-10',
      '2026-11-11',
      '2026-11-13',
      '2026-11-20',
      '2026-11-27',
    ]);
    expect(sends[3]!.window.from.toISOString()).toBe('2026-11-11T07:00:00.000Z');
    expectContiguousAndOnePerPeriod(sends);
  });

  it('daily -> weekly on the weekday after its send time: that day already had its digest, so nothing more', () => {
    const sends = simulate({
      from: '2026-11-19T00:00:00Z',
      to: '2026-11-28T00:00:00Z',
      profile: after('2026-11-20T12:00:00Z', daily, weekly('fri')), // Fri 20, after the daily 07:00
    });
    expect(sends.map((send) => send.localDate)).toEqual(['2026-11-19', '2026-11-20', '2026-11-27']);
  });

  it('weekly -> daily: daily from the next send time (or at once if today’s has passed), none twice', () => {
    const sends = simulate({
      from: '2026-11-13T00:00:00Z',
      to: '2026-11-28T00:00:00Z',
      profile: after('2026-11-24T05:00:00Z', weekly('fri'), daily), // Tue 24, before 07:00
    });
    expect(sends.map((send) => [send.localDate, send.at.toISOString()])).toEqual([
      ['2026-11-13', '2026-11-13T07:00:00.000Z'],
      ['2026-11-20', '2026-11-20T07:00:00.000Z'],
      ['2026-11-24', '2026-11-24T07:00:00.000Z'],
      ['2026-11-25', '2026-11-25T07:00:00.000Z'],
      ['2026-11-26', '2026-11-26T07:00:00.000Z'],
      ['2026-11-27', '2026-11-27T07:00:00.000Z'],
    ]);
    expect(sends[2]!.window.from.toISOString()).toBe('2026-11-20T07:00:00.000Z');
    expectContiguousAndOnePerPeriod(sends);
  });
});

describe('the weekly schedule functions', () => {
  const fri = subscriber({
    timeZone: 'America/New_York',
    sendAt: '07:00',
    frequency: 'weekly',
    weekday: 'fri',
  });

  it('owes the latest Friday whose send time has come', () => {
    expect(owedLocalDate(fri, new Date('2026-11-27T11:00:00Z'))).toBe('2026-11-20'); // Fri 06:00 EST
    expect(owedLocalDate(fri, new Date('2026-11-27T12:00:00Z'))).toBe('2026-11-27'); // Fri 07:00 EST
    expect(owedLocalDate(fri, new Date('2026-12-03T12:00:00Z'))).toBe('2026-11-27'); // Thu
  });

  it('is next due at the next Friday send time; after a digest, the Friday after its day', () => {
    expect(nextDueAfter(fri, new Date('2026-11-24T12:00:00Z')).toISOString()).toBe(
      '2026-11-27T12:00:00.000Z',
    );
    expect(nextDueAfter(fri, new Date('2026-11-27T12:00:00Z')).toISOString()).toBe(
      '2026-12-04T12:00:00.000Z',
    );
    expect(dueAfterDay(fri, '2026-11-27').toISOString()).toBe('2026-12-04T12:00:00.000Z');
    // A digest named for another day (the weekday just changed): the first Friday after it.
    expect(dueAfterDay(fri, '2026-11-24').toISOString()).toBe('2026-11-27T12:00:00.000Z');
    // Across the fall-back (1 Nov): 30 Oct is EDT (11:00Z), 6 Nov EST (12:00Z).
    expect(dueAfterDay(fri, '2026-10-23').toISOString()).toBe('2026-10-30T11:00:00.000Z');
    expect(dueAfterDay(fri, '2026-10-30').toISOString()).toBe('2026-11-06T12:00:00.000Z');
  });

  it('a daily digest on or after the owed Friday serves that week', () => {
    const entry = (localDate: string): LedgerEntry => ({
      subscriberId: fri.id,
      localDate,
      status: 'sent',
      windowFrom: '2026-11-26T12:00:00.000Z',
      windowTo: '2026-11-27T12:00:00.000Z',
      itemCount: 1,
      recordedAt: '2026-11-27T12:00:00.000Z',
    });
    const saturday = new Date('2026-11-28T15:00:00Z');
    expect(dueness(fri, entry('2026-11-27'), saturday)).toMatchObject({ due: false });
    expect(dueness(fri, entry('2026-11-26'), saturday)).toEqual({ due: true, localDate: '2026-11-27' });
    expect(dueness(fri, entry('2026-11-19'), saturday)).toMatchObject({ due: false, reason: 'not-yet' });
  });
});
