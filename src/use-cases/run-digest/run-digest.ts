/**
 * The digest use case, over ports only. One run (an hourly schedule tick, or a retry of it: `now` comes
 * from the event, so a retry computes the same thing):
 *  1. read the subscribers and the unsubscribed set;
 *  2. find who is due (local send time reached, no ledger entry for that local date) and each one's window;
 *  3. if anyone is: read the account (sandbox? send rate?) and the summaries stored in the union of the
 *     windows, once;
 *  4. deliver to each in turn, paced by the send rate (see deliver.ts).
 */
import { summarySchema } from '../../summary/schema.js';
import type { StoredSummary } from '../../digest/stored-summary.js';
import type { SendingAccount, StoredLedgerEntry } from './ports.js';
import { deliver } from './deliver.js';
import { errorMessage, type DigestDeps, type DueSubscriber } from './deps.js';
import { ledgerEntrySchema, ledgerLookbackDate, nextWindow, type LedgerEntry } from '../../digest/ledger.js';
import { localTime } from '../../digest/local-time.js';
import { mapConcurrent } from '../../concurrency.js';
import { dueness, sendTimeReached } from '../../digest/schedule.js';
import { sendIntervalMs } from './send.js';
import {
  parseSubscribers,
  subscribersFromRecipients,
  type SubscriberList,
} from '../../digest/subscribers.js';

export type { DigestDeps, DigestSettings } from './deps.js';

export interface DigestReport {
  subscribers: number;
  invalidSubscribers: number;
  due: number;
  sent: number;
  empty: number;
  failed: number;
  /** Due, but another run holds the claim (a concurrent duplicate invocation). */
  claimedElsewhere: number;
  deferred: number;
}

const LEDGER_CONCURRENCY = 8;

/** Without GetAccount, assume the sandbox's rate: slow but never throttled into failure. */
const FALLBACK_ACCOUNT: SendingAccount = {
  sandbox: false,
  maxSendRate: 1,
  max24HourSend: Infinity,
  sentLast24Hours: 0,
};

export async function runDigest(deps: DigestDeps, now: Date): Promise<DigestReport> {
  const { log } = deps;
  const [list, unsubscribed] = await Promise.all([loadSubscribers(deps), deps.unsubscribes.all()]);
  const active = list.subscribers.filter((s) => !unsubscribed.has(s.id));
  const report: DigestReport = {
    subscribers: active.length,
    invalidSubscribers: list.invalid.length,
    due: 0,
    sent: 0,
    empty: 0,
    failed: 0,
    claimedElsewhere: 0,
    deferred: 0,
  };

  const candidates = active.filter((s) => sendTimeReached(s, now));
  const checked = await mapConcurrent(candidates, LEDGER_CONCURRENCY, async (subscriber) => {
    try {
      // Most hourly runs after the send time only need to see that today's entry exists.
      if (await deps.ledger.has(subscriber.id, localTime(now, subscriber.timeZone).date)) return undefined;
      const latest = validLedgerEntry(await deps.ledger.latest(subscriber.id, ledgerLookbackDate(now)));
      const state = dueness(subscriber, latest, now);
      return state.due
        ? { subscriber, localDate: state.localDate, window: nextWindow(latest, now) }
        : undefined;
    } catch (error: unknown) {
      report.failed++;
      log.error('Could not read the ledger; this subscriber is retried next run', {
        subscriberId: subscriber.id,
        error: errorMessage(error),
      });
      return undefined;
    }
  });
  const due = checked.filter((d): d is DueSubscriber => d !== undefined);
  report.due = due.length;
  log.info('Digest run planned', { now: now.toISOString(), subscribers: active.length, due: due.length });
  if (due.length === 0) return report;

  // Only a run that sends needs the account (sandbox, quota, rate).
  const account = await readAccount(deps);
  await warnAboutSending(deps, account, due);
  const stored = await readSummaries(deps, due, now);
  const intervalMs = sendIntervalMs(account.maxSendRate);
  let sentBefore = false;
  for (const [index, target] of due.entries()) {
    if (!deps.hasTimeLeft()) {
      report.deferred = due.length - index;
      log.warn('Stopping before the invocation times out; the rest are sent next run', {
        deferred: report.deferred,
      });
      break;
    }
    if (sentBefore) await deps.sleep(intervalMs);
    const outcome = await deliver(deps, target, stored, now, intervalMs);
    sentBefore = outcome === 'sent' || outcome === 'failed';
    report[outcome]++;
  }
  log.info('Digest run finished', { ...report });
  return report;
}

async function readAccount(deps: DigestDeps): Promise<SendingAccount> {
  try {
    return await deps.mailer.account();
  } catch (error: unknown) {
    deps.log.warn(
      'SES GetAccount failed: cannot tell whether SES is in the sandbox; sending at 1 message/s',
      {
        error: errorMessage(error),
      },
    );
    return FALLBACK_ACCOUNT;
  }
}

async function loadSubscribers(deps: DigestDeps): Promise<SubscriberList> {
  const { settings, log } = deps;
  const document = await deps.directory.load();
  const list =
    document === undefined
      ? subscribersFromRecipients(settings.fallbackRecipients, settings.defaults)
      : parseSubscribers(document, settings.defaults);
  for (const bad of list.invalid) {
    log.warn('Skipping an invalid subscriber entry', {
      index: bad.index,
      entry: bad.entry,
      reason: bad.reason,
    });
  }
  return list;
}

async function warnAboutSending(
  deps: DigestDeps,
  account: SendingAccount,
  due: DueSubscriber[],
): Promise<void> {
  const { log } = deps;
  if (account.sentLast24Hours + due.length > account.max24HourSend) {
    log.warn('This run would exceed the SES 24-hour sending quota; some digests will fail and be retried', {
      max24HourSend: account.max24HourSend,
      sentLast24Hours: account.sentLast24Hours,
      due: due.length,
    });
  }
  if (!account.sandbox) return;
  for (const { subscriber } of due) {
    const verified = await deps.mailer.isVerified(subscriber.email).catch(() => undefined);
    if (verified === false) {
      log.warn(
        'SES is in the sandbox and this recipient is not verified: SES will reject the digest. ' +
          'Verify the address in SES or request production access.',
        { subscriberId: subscriber.id, email: subscriber.email },
      );
    } else if (verified === undefined) {
      log.warn('SES is in the sandbox and the recipient could not be checked', {
        subscriberId: subscriber.id,
      });
    }
  }
}

async function readSummaries(deps: DigestDeps, due: DueSubscriber[], now: Date): Promise<StoredSummary[]> {
  const from = new Date(Math.min(...due.map((d) => d.window.from.getTime())));
  const objects = await deps.summaries.storedBetween(from, now);
  const valid: StoredSummary[] = [];
  for (const object of objects) {
    const parsed = summarySchema.safeParse(object.body);
    if (parsed.success) valid.push({ summary: parsed.data, key: object.key, storedAt: object.storedAt });
    else {
      deps.log.warn('Skipping a stored summary that does not match the schema', {
        key: object.key,
        reason: parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '),
      });
    }
  }
  return valid;
}

export class LedgerEntryError extends Error {
  override readonly name = 'LedgerEntryError';
}

/** A stored entry that fails the schema cannot place the window: the subscriber waits, with the reason logged. */
function validLedgerEntry(stored: StoredLedgerEntry | undefined): LedgerEntry | undefined {
  if (stored === undefined) return undefined;
  const parsed = ledgerEntrySchema.safeParse(stored.body);
  if (!parsed.success)
    throw new LedgerEntryError(`Ledger entry ${stored.key} is not valid: ${parsed.error.message}`);
  return parsed.data;
}
