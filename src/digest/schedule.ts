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
 */
import type { LedgerEntry } from './ledger.js';
import { localTime, minuteOfDay, nextLocalDate, previousLocalDate, type LocalTime } from './local-time.js';
import type { Subscriber } from './subscribers.js';

export type Dueness =
  { due: true; localDate: string } | { due: false; reason: 'already-sent' | 'not-yet'; localDate: string };

/** The local day whose digest is owed at `now`: today once the send time has come, otherwise yesterday. */
export function owedLocalDate(subscriber: Subscriber, now: Date): string {
  return owedOn(subscriber, localTime(now, subscriber.timeZone));
}

function owedOn(subscriber: Subscriber, local: LocalTime): string {
  return local.minuteOfDay >= minuteOfDay(subscriber.sendAt) ? local.date : previousLocalDate(local.date);
}

export function dueness(subscriber: Subscriber, latest: LedgerEntry | undefined, now: Date): Dueness {
  const local = localTime(now, subscriber.timeZone);
  const today = local.date;
  const owed = owedOn(subscriber, local);
  const reached = owed === today;
  // ">=": a zone change that moves the local date backwards must not produce a second digest.
  if (latest && latest.localDate >= owed) {
    return reached
      ? { due: false, reason: 'already-sent', localDate: owed }
      : { due: false, reason: 'not-yet', localDate: today };
  }
  // Yesterday is caught up only for a subscriber who had the day before's digest: one who is new, returns
  // after unsubscribing or had an invalid entry fixed starts at the next send time, not with a digest for
  // a day they were not subscribed (that next digest's window covers everything since their last anyway).
  if (!reached && (latest === undefined || latest.localDate < previousLocalDate(owed))) {
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
export function sendInstant(subscriber: Subscriber, localDate: string): Date {
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

function reachedOn(subscriber: Subscriber, localDate: string, instant: Date, target: number): boolean {
  const local = localTime(instant, subscriber.timeZone);
  return local.date > localDate || (local.date === localDate && local.minuteOfDay >= target);
}

/** When a subscriber is next due after `now`: today's send time if it is still ahead, else tomorrow's. */
export function nextDueAfter(subscriber: Subscriber, now: Date): Date {
  const today = localTime(now, subscriber.timeZone).date;
  const todays = sendInstant(subscriber, today);
  return todays > now ? todays : sendInstant(subscriber, nextLocalDate(today));
}

/** After the digest for `localDate` is done (sent, empty or given up): the next day's send time. */
export function dueAfterDay(subscriber: Subscriber, localDate: string): Date {
  return sendInstant(subscriber, nextLocalDate(localDate));
}
