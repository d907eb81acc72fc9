/**
 * Delivers a list of due subscribers with a bounded number of sends in flight, every SendEmail paced by one
 * shared send rate (send-rate.ts): the planner's inline path and each sender invocation use it alike. Stops
 * starting subscribers when the invocation is about to time out; those are counted as deferred.
 */
import type { StoredSummary } from '../../digest/stored-summary.js';
import type { DeliveryDeps, DueSubscriber } from './deps.js';
import { deliver, type DeliveryOutcome } from './deliver.js';
import { createSendRate } from './send-rate.js';
import { sendIntervalMs } from './send.js';

export type DeliveryTally = Record<DeliveryOutcome | 'deferred', number>;

/**
 * A send holds a connection for SES's answer and a DynamoDB write before and after it (~0.1-0.2 s on AWS),
 * so keeping the rate busy takes about rate x 0.25 s of sends in flight; the cap bounds sockets and memory.
 */
const IN_FLIGHT_SECONDS = 0.25;
const MAX_IN_FLIGHT = 64;

export function inFlightFor(rate: number): number {
  return Math.min(MAX_IN_FLIGHT, Math.max(1, Math.ceil(rate * IN_FLIGHT_SECONDS)));
}

export async function deliverAll(
  deps: DeliveryDeps,
  targets: DueSubscriber[],
  stored: StoredSummary[],
  now: Date,
  rate: number,
): Promise<DeliveryTally> {
  const tally: DeliveryTally = { sent: 0, empty: 0, failed: 0, claimedElsewhere: 0, deferred: 0 };
  const pacing = {
    pace: createSendRate({ rate, clock: () => deps.clock().getTime(), sleep: deps.sleep }),
    intervalMs: sendIntervalMs(rate),
  };
  let next = 0;
  const worker = async () => {
    while (next < targets.length && deps.hasTimeLeft()) {
      const target = targets[next++] as DueSubscriber;
      tally[await deliver(deps, target, stored, now, pacing)]++;
    }
  };
  await Promise.all(Array.from({ length: Math.min(inFlightFor(rate), targets.length) }, worker));
  tally.deferred += targets.length - next;
  if (tally.deferred > 0) {
    deps.log.warn('Stopping before the invocation times out; the rest are sent by a later try', {
      deferred: tally.deferred,
    });
  }
  return tally;
}
