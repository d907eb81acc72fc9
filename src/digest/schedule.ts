/**
 * Who is due in this hourly run. A subscriber is due when their local clock has reached their send time
 * on a local date they have no ledger entry for. "Reached" rather than "equals" is what makes DST safe:
 * on a spring-forward day a 02:30 send time that never exists is served by the 03:00 run, and on a
 * fall-back day the repeated hour finds today's entry and skips. Zones with 30/45-minute offsets simply
 * reach the send time at :30/:45 past a UTC hour. "Reached" counts within one local date only, which is why
 * a send time is a whole hour (subscribers.ts): every local HH:00 is reached by a run before its date ends.
 */
import type { LedgerEntry } from './ledger.js';
import { localTime, minuteOfDay } from './local-time.js';
import type { Subscriber } from './subscribers.js';

export type Dueness =
  { due: true; localDate: string } | { due: false; reason: 'already-sent' | 'not-yet'; localDate: string };

/** Whether the subscriber's local clock has reached the send time; only then is the ledger worth reading. */
export function sendTimeReached(subscriber: Subscriber, now: Date): boolean {
  return localTime(now, subscriber.timeZone).minuteOfDay >= minuteOfDay(subscriber.sendAt);
}

export function dueness(subscriber: Subscriber, latest: LedgerEntry | undefined, now: Date): Dueness {
  const local = localTime(now, subscriber.timeZone);
  // ">=": a zone change that moves the local date backwards must not produce a second digest.
  if (latest && latest.localDate >= local.date)
    return { due: false, reason: 'already-sent', localDate: local.date };
  if (local.minuteOfDay < minuteOfDay(subscriber.sendAt)) {
    return { due: false, reason: 'not-yet', localDate: local.date };
  }
  return { due: true, localDate: local.date };
}
