/**
 * Who is due in this hourly run, and for which local day. A day's digest belongs to the span from that day's
 * send time to the next day's: the first run in it that finds no ledger entry for the day sends it. Usually
 * that is the first run at or after the send time; when that run was missed, failed, or its send was
 * ambiguous, the next run sends it, even after local midnight, because a late send hour such as 23:00 has
 * only one run before its date ends. The digest then names the day it belongs to, not the day it went out.
 *
 * "Reached" rather than "equals" is what makes DST safe: on a spring-forward day a 02:30 send time that
 * never exists is served by the 03:00 run, and on a fall-back day the repeated hour finds the day's entry
 * and skips. Zones with 30/45-minute offsets simply reach the send time at :30/:45 past a UTC hour. A send
 * time is a whole hour (subscribers.ts), so a run reaches every local HH:00 before its date ends.
 *
 * Daily and weekly are one schedule over "periods". A period is named by the local date of its send day
 * (`periodDate`): every day for a daily digest, the subscriber's `weekday` for a weekly one, whose period runs
 * from that weekday's send time to the next week's. The owed period is the latest one whose send time has
 * been reached; on its send day it is due for anyone who has not had it, after that day (the "catch-up",
 * after local midnight) only for a subscriber who had the period before. The same rules, with a period of
 * one day, are the daily digest's.
 */
import type { LedgerEntry } from './ledger.js';
import { localTime, minuteOfDay, nextLocalDate, previousLocalDate, type LocalTime } from './local-time.js';
import { frequencyOf, WEEKDAYS, type Subscriber } from './subscribers.js';

type Schedule = Pick<Subscriber, 'timeZone' | 'sendAt' | 'frequency' | 'weekday'>;

export type Dueness =
  { due: true; localDate: string } | { due: false; reason: 'already-sent' | 'not-yet'; localDate: string };

/** The period (the local date of its send day) whose digest is owed at `now`: the latest one reached. */
export function owedLocalDate(subscriber: Schedule, now: Date): string {
  return owedOn(subscriber, localTime(now, subscriber.timeZone));
}

/** The weekday of a local date, as `WEEKDAYS` names it (0 = Monday). */
function weekdayIndex(date: string): number {
  return (new Date(`${date}T00:00:00Z`).getUTCDay() + 6) % 7;
}

/** The latest send day at or before the local date `date` (calendar arithmetic: DST plays no part). */
export function periodDate(subscriber: Schedule, date: string): string {
  if (frequencyOf(subscriber) === 'daily' || subscriber.weekday === undefined) return date;
  const back = (weekdayIndex(date) - WEEKDAYS.indexOf(subscriber.weekday) + 7) % 7;
  return addLocalDays(date, -back);
}

/** The period before the one named `period`: the day before, or the same weekday a week before. */
export function previousPeriod(subscriber: Schedule, period: string): string {
  return addLocalDays(period, frequencyOf(subscriber) === 'weekly' ? -7 : -1);
}

/** The first send day strictly after the local date `date`. */
export function nextPeriodAfter(subscriber: Schedule, date: string): string {
  return periodDate(subscriber, addLocalDays(date, frequencyOf(subscriber) === 'weekly' ? 7 : 1));
}

function addLocalDays(date: string, days: number): string {
  let result = date;
  const step = days < 0 ? previousLocalDate : nextLocalDate;
  for (let i = 0; i < Math.abs(days); i++) result = step(result);
  return result;
}

function owedOn(subscriber: Schedule, local: LocalTime): string {
  const period = periodDate(subscriber, local.date);
  return period === local.date && local.minuteOfDay < minuteOfDay(subscriber.sendAt)
    ? previousPeriod(subscriber, period)
    : period;
}

export function dueness(subscriber: Schedule, latest: LedgerEntry | undefined, now: Date): Dueness {
  const local = localTime(now, subscriber.timeZone);
  const today = local.date;
  const owed = owedOn(subscriber, local);
  // On the send day itself, after the send time; later (after local midnight) it is a catch-up.
  const reached = owed === today;
  // ">=": a zone change that moves the local date backwards, or a switch of frequency or weekday, must not
  // produce a second digest for a period already served (a daily digest on or after the owed send day
  // serves the weekly period too).
  if (latest && latest.localDate >= owed) {
    return reached
      ? { due: false, reason: 'already-sent', localDate: owed }
      : { due: false, reason: 'not-yet', localDate: today };
  }
  // The owed period is caught up only for a subscriber who had the period before's digest: one who is new,
  // returns after unsubscribing or had an invalid entry fixed starts at the next send time, not with a
  // digest for a period they were not subscribed (that next digest's window covers everything since their
  // last anyway).
  if (!reached && (latest === undefined || latest.localDate < previousPeriod(subscriber, owed))) {
    return { due: false, reason: 'not-yet', localDate: today };
  }
  return { due: true, localDate: owed };
}

const HOUR_MS = 60 * 60 * 1000;

/**
 * The first instant at which the subscriber's local clock on `localDate` shows their send time or later.
 * On a spring-forward day whose send time does not exist that is the end of the gap (02:30 -> 03:00); on
 * a fall-back day it is the first of the two. Offsets come from Intl (local-time.ts): the guess from the
 * offset at the same wall-clock time in UTC is checked and moved by whole offsets, at most a few times.
 */
export function sendInstant(subscriber: Schedule, localDate: string): Date {
  const target = minuteOfDay(subscriber.sendAt);
  const wallClockAsUtc = Date.parse(`${localDate}T00:00:00Z`) + target * 60_000;
  let instant = wallClockAsUtc;
  for (let step = 0; step < 4; step++) {
    const local = localTime(new Date(instant), subscriber.timeZone);
    const shownAsUtc = Date.parse(`${local.date}T00:00:00Z`) + local.minuteOfDay * 60_000;
    const off = shownAsUtc - wallClockAsUtc;
    if (off === 0) break;
    instant -= off;
  }
  // In a gap no instant shows the send time: step to the first whole quarter-hour at or after it.
  while (!reachedOn(subscriber, localDate, new Date(instant), target)) instant += HOUR_MS / 4;
  // On an overlap or after a guess past it, step back while an earlier quarter-hour still reaches it.
  while (reachedOn(subscriber, localDate, new Date(instant - HOUR_MS / 4), target)) instant -= HOUR_MS / 4;
  return new Date(instant);
}

function reachedOn(subscriber: Schedule, localDate: string, instant: Date, target: number): boolean {
  const local = localTime(instant, subscriber.timeZone);
  return local.date > localDate || (local.date === localDate && local.minuteOfDay >= target);
}

/** When a subscriber is next due after `now`: this period's send time if it is still ahead, else the next's. */
export function nextDueAfter(subscriber: Schedule, now: Date): Date {
  const today = localTime(now, subscriber.timeZone).date;
  const current = periodDate(subscriber, today);
  const instant = sendInstant(subscriber, current);
  return instant > now ? instant : sendInstant(subscriber, nextPeriodAfter(subscriber, current));
}

/** After the digest for `localDate` is done (sent, empty or given up): the next period's send time. */
export function dueAfterDay(subscriber: Schedule, localDate: string): Date {
  return sendInstant(subscriber, nextPeriodAfter(subscriber, localDate));
}
