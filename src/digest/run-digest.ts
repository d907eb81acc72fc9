/**
 * The digest use case, over ports only. One run (an hourly schedule tick, or a retry of it: `now` comes
 * from the event, so a retry computes the same thing):
 *  1. read the account (sandbox? send rate?), the subscribers and the unsubscribed set;
 *  2. find who is due (local send time reached, no ledger entry for that local date) and each one's window;
 *  3. read the summaries stored in the union of those windows once, validate them;
 *  4. per subscriber: select, de-duplicate, group, render, send (retrying transient errors), and write the
 *     ledger entry right after SES accepted the message. A failure is recorded and retried next run; it
 *     never stops the other subscribers.
 */
import { summarySchema } from '../summary/schema.js';
import type {
  Ledger,
  LinkSigner,
  Log,
  Mailer,
  OutgoingEmail,
  SendingAccount,
  StoredSummary,
  SubscriberDirectory,
  SummaryReader,
  Unsubscribes,
} from '../ports.js';
import { composeDigest, HTML_BUDGET_BYTES } from './compose.js';
import { groupItems } from './group.js';
import { ledgerLookbackDate, nextWindow, type LedgerEntry, type Window } from './ledger.js';
import { localDateTime, localTime, shortLocalDate } from './local-time.js';
import { dropNearDuplicates } from './near-duplicates.js';
import { mapConcurrent } from './concurrency.js';
import { dueness, sendTimeReached } from './schedule.js';
import { selectForSubscriber } from './select.js';
import { asMailerError, sendIntervalMs, sendWithRetry, type RetryPolicy } from './send.js';
import {
  parseSubscribers,
  subscribersFromRecipients,
  type Subscriber,
  type SubscriberDefaults,
  type SubscriberList,
} from './subscribers.js';
import { safeHttpUrl } from './text.js';
import { unsubscribeUrl } from './unsubscribe-token.js';
import { digestView, type ItemLink } from './view.js';

export interface DigestSettings {
  sender: string;
  /** Send a short "nothing new" note instead of nothing. */
  sendEmpty: boolean;
  linkExpirySeconds: number;
  unsubscribe?: { url: string; secret: string };
  defaults: SubscriberDefaults;
  /** Used when the bucket holds no subscribers document. */
  fallbackRecipients: string[];
  htmlBudgetBytes?: number;
  retry?: RetryPolicy;
}

export interface DigestDeps {
  directory: SubscriberDirectory;
  ledger: Ledger;
  unsubscribes: Unsubscribes;
  summaries: SummaryReader;
  mailer: Mailer;
  links: LinkSigner;
  log: Log;
  sleep: (ms: number) => Promise<void>;
  /** The wall clock, for claims: a retried event carries the same `now`, but time has moved on. */
  clock: () => Date;
  /** False when the invocation is about to time out: stop before starting another send. */
  hasTimeLeft: () => boolean;
  settings: DigestSettings;
}

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

interface DueSubscriber {
  subscriber: Subscriber;
  localDate: string;
  window: Window;
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
      const latest = await deps.ledger.latest(subscriber.id, ledgerLookbackDate(now));
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

async function deliver(
  deps: DigestDeps,
  target: DueSubscriber,
  stored: StoredSummary[],
  now: Date,
  intervalMs: number,
): Promise<'sent' | 'empty' | 'failed' | 'claimedElsewhere'> {
  const { subscriber, localDate, window } = target;
  const { settings, log } = deps;
  try {
    const items = dropNearDuplicates(selectForSubscriber(stored, subscriber, window));
    const entry = (status: LedgerEntry['status'], messageId?: string): LedgerEntry => ({
      subscriberId: subscriber.id,
      localDate,
      status,
      ...(messageId !== undefined && { messageId }),
      windowFrom: window.from.toISOString(),
      windowTo: window.to.toISOString(),
      itemCount: items.length,
      recordedAt: now.toISOString(),
    });
    if (items.length === 0 && !settings.sendEmpty) {
      // Recorded so the window moves on and today is done; nothing was sent.
      await deps.ledger.record(entry('empty'));
      return 'empty';
    }
    const email = await buildEmail(deps, subscriber, items, now);
    if (!(await deps.ledger.claim(subscriber.id, localDate, deps.clock()))) {
      log.info('Another run is sending this digest', { subscriberId: subscriber.id, localDate });
      return 'claimedElsewhere';
    }
    const { messageId, attempts } = await sendClaimed(deps, target, email, intervalMs);
    // The one unclosable window is between SES accepting and this write: nothing else happens in between.
    await recordSent(deps, entry('sent', messageId));
    log.info('Digest sent', {
      subscriberId: subscriber.id,
      localDate,
      messageId,
      items: items.length,
      attempts,
    });
    return 'sent';
  } catch (error: unknown) {
    const failure = asMailerError(error);
    log.error('Digest not sent; it is retried next run', {
      subscriberId: subscriber.id,
      localDate,
      code: failure.code,
      error: failure.message,
    });
    await deps.ledger
      .recordFailure({
        subscriberId: subscriber.id,
        localDate,
        reason: failure.message,
        code: failure.code,
        failedAt: now.toISOString(),
      })
      .catch((recordError: unknown) =>
        log.error('Could not record the send failure', {
          subscriberId: subscriber.id,
          error: errorMessage(recordError),
        }),
      );
    return 'failed';
  }
}

/**
 * Sends under a claim. When SES answers with an error nothing was sent, so the claim is given back and a
 * retry need not wait for it to expire. (An ambiguous failure, such as a timeout after SES accepted the
 * message, is the same window as a crash before the ledger write.)
 */
async function sendClaimed(
  deps: DigestDeps,
  { subscriber, localDate }: DueSubscriber,
  email: OutgoingEmail,
  intervalMs: number,
): Promise<{ messageId: string; attempts: number }> {
  try {
    return await sendWithRetry(deps.mailer, email, {
      sleep: deps.sleep,
      intervalMs,
      ...(deps.settings.retry && { retry: deps.settings.retry }),
    });
  } catch (error: unknown) {
    await deps.ledger.release(subscriber.id, localDate).catch((releaseError: unknown) =>
      deps.log.warn('Could not release the claim; it expires by itself', {
        error: errorMessage(releaseError),
      }),
    );
    throw error;
  }
}

/** After a send, a failed ledger write would mean a duplicate next run: retry it a few times, then shout. */
async function recordSent(deps: DigestDeps, entry: LedgerEntry): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      await deps.ledger.record(entry);
      return;
    } catch (error: unknown) {
      if (attempt >= 3) {
        deps.log.error('Digest was sent but the ledger entry could not be written: a duplicate may follow', {
          subscriberId: entry.subscriberId,
          localDate: entry.localDate,
          messageId: entry.messageId,
          error: errorMessage(error),
        });
        return;
      }
      await deps.sleep(200 * attempt);
    }
  }
}

async function buildEmail(
  deps: DigestDeps,
  subscriber: Subscriber,
  items: StoredSummary[],
  now: Date,
): Promise<OutgoingEmail> {
  const { settings } = deps;
  const links = await resolveLinks(deps, items, subscriber.timeZone);
  const unsubscribe = settings.unsubscribe
    ? unsubscribeUrl(settings.unsubscribe.url, settings.unsubscribe.secret, subscriber.id)
    : undefined;
  const view = digestView(
    groupItems(items),
    (item) => {
      const link = links.get(item.key);
      // Every grouped item is one of `items`, whose links were all resolved above.
      if (!link) throw new Error(`No link was resolved for ${item.key}`);
      return link;
    },
    shortLocalDate(now, subscriber.timeZone),
    unsubscribe,
  );
  const composed = composeDigest(view, settings.htmlBudgetBytes ?? HTML_BUDGET_BYTES);
  return {
    from: settings.sender,
    to: subscriber.email,
    subject: composed.subject,
    html: composed.html,
    text: composed.text,
    headers: unsubscribe
      ? [
          { name: 'List-Unsubscribe', value: `<${unsubscribe}>` },
          { name: 'List-Unsubscribe-Post', value: 'List-Unsubscribe=One-Click' },
        ]
      : [],
  };
}

/** The article's own URL when it has a safe one, otherwise a presigned link to the stored original. */
async function resolveLinks(
  deps: DigestDeps,
  items: StoredSummary[],
  timeZone: string,
): Promise<Map<string, ItemLink>> {
  const links = new Map<string, ItemLink>();
  for (const { key, summary } of items) {
    const own = safeHttpUrl(summary.source.url);
    if (own) {
      links.set(key, { url: own });
      continue;
    }
    const signed = await deps.links.presignGet(
      summary.source.bucket,
      summary.source.key,
      deps.settings.linkExpirySeconds,
    );
    links.set(key, { url: signed.url, expires: localDateTime(signed.expiresAt, timeZone) });
  }
  return links;
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
