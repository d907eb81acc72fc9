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
import { localTime, minuteOfDay, previousLocalDate, type LocalTime } from './local-time.js';
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
