/**
 * One subscriber's digest: select, de-duplicate, resolve links, compose (digest/email.ts), then claim, send
 * and record. Every failure ends
 * here as a failure record, so one address never stops the others. A failure that can pass is retried by
 * the next hourly run (the planner held the subscriber for a lease shorter than an hour, see run-digest.ts);
 * a permanent SES rejection closes the day with a `rejected` ledger entry instead, so the same refused
 * message is not re-sent every hour.
 */
import { digestEmail, type OutgoingEmail } from '../../digest/email.js';
import type { LedgerEntry } from '../../digest/ledger.js';
import { dropNearDuplicates } from '../../digest/near-duplicates.js';
import { selectForSubscriber } from '../../digest/select.js';
import type { StoredSummary } from '../../digest/stored-summary.js';
import { preferencesUrl } from '../../links/subscribe-tokens.js';
import { unsubscribeUrl } from '../../links/unsubscribe-token.js';
import { resolveLinks } from './article-links.js';
import { errorMessage } from '../../errors.js';
import type { DeliveryDeps, DueSubscriber } from './deps.js';
import type { HeldClaim, MailerError } from './ports.js';
import { asMailerError, NO_TIME_LEFT, sendWithRetry, type SendPace } from './send.js';
import { dueAfterDay } from '../../digest/schedule.js';
import { localTime } from '../../digest/local-time.js';
import { frequencyOf } from '../../digest/subscribers.js';

/** `deferred`: stopped for lack of time before anything was sent; a later try sends it. */
export type DeliveryOutcome = 'sent' | 'empty' | 'failed' | 'claimedElsewhere' | 'deferred';

/** The ledger entry after a send is written up to this many times, `RECORD_RETRY_DELAY_MS` × n apart. */
const RECORD_ATTEMPTS = 3;
const RECORD_RETRY_DELAY_MS = 200;

/**
 * The longest a delivery can go on once a SendEmail attempt has started, given the longest an attempt and a
 * ledger write (its SDK retries included) can take: the attempt, then the ledger entry with its retries.
 * Every other way on from an attempt writes less (a release or a rejection, then a failure record). A run
 * that stops anywhere before an attempt loses nothing: nothing was sent, and its claim, if any, is released
 * or expires before the next hourly run.
 */
export function longestSendMs(bounds: { sendAttemptMs: number; ledgerWriteMs: number }): number {
  let total = bounds.sendAttemptMs + RECORD_ATTEMPTS * bounds.ledgerWriteMs;
  for (let retry = 1; retry < RECORD_ATTEMPTS; retry++) total += RECORD_RETRY_DELAY_MS * retry;
  return total;
}

/** How fast this invocation sends: the shared pace, and the least a retry waits (one slot). */
export interface Pacing {
  pace: SendPace;
  intervalMs: number;
}

export async function deliver(
  deps: DeliveryDeps,
  target: DueSubscriber,
  stored: StoredSummary[],
  now: Date,
  pacing: Pacing,
): Promise<DeliveryOutcome> {
  const { subscriber, localDate, window } = target;
  const { settings, log } = deps;
  let itemCount = 0;
  const entry = (status: LedgerEntry['status'], messageId?: string): LedgerEntry => ({
    subscriberId: subscriber.id,
    localDate,
    status,
    ...(messageId !== undefined && { messageId }),
    windowFrom: window.from.toISOString(),
    windowTo: window.to.toISOString(),
    itemCount,
    recordedAt: now.toISOString(),
  });
  try {
    const items = dropNearDuplicates(selectForSubscriber(stored, subscriber, window));
    itemCount = items.length;
    if (items.length === 0 && !settings.sendEmpty) {
      // Claimed first like a send: a redelivered batch must not record a day already done.
      if (!(await claimDay(deps, target))) return 'claimedElsewhere';
      // Recorded so the window moves on and today is done; nothing was sent.
      await deps.ledger.record(entry('empty'), dueAfterDay(subscriber, localDate));
      return 'empty';
    }
    const email = digestEmail({
      sender: settings.sender,
      to: subscriber.email,
      items,
      links: await resolveLinks(deps, items, subscriber.timeZone, now),
      ...(settings.unsubscribe && {
        unsubscribeUrl: unsubscribeUrl(settings.unsubscribe.url, settings.unsubscribe.secret, subscriber.id),
      }),
      ...(settings.preferences && {
        manageUrl: preferencesUrl(settings.preferences.url, settings.preferences.secret, subscriber.id),
      }),
      localDate,
      period: frequencyOf(subscriber) === 'weekly' ? 'week' : 'day',
      sentOnLocalDate: localTime(sentAt(now, deps.clock()), subscriber.timeZone).date,
      interests: { topics: subscriber.topics, keywords: subscriber.keywords },
      ...(settings.topStories !== undefined && { topStories: settings.topStories }),
    });
    const claim = await claimDay(deps, target);
    if (!claim) return 'claimedElsewhere';
    const { messageId, attempts } = await sendClaimed(deps, claim, email, pacing);
    // The one unclosable window is between SES accepting and this write (or an ambiguous failure, see
    // sendClaimed): nothing else happens in between.
    await recordSent(deps, entry('sent', messageId), dueAfterDay(subscriber, localDate));
    // sesMessageId: a send batch's lines already carry the SQS message's messageId.
    log.info('Digest sent', {
      subscriberId: subscriber.id,
      localDate,
      sesMessageId: messageId,
      items: items.length,
      attempts,
    });
    return 'sent';
  } catch (error: unknown) {
    const failure = asMailerError(error);
    if (failure.code === NO_TIME_LEFT) {
      // Nothing was sent and the claim is given back: the batch's redelivery or the next run sends it.
      log.warn('Digest not sent: the invocation is about to time out', {
        subscriberId: subscriber.id,
        localDate,
        error: failure.message,
      });
      return 'deferred';
    }
    if (failure.ambiguous) {
      log.error(
        'Digest send outcome unknown: the connection failed after the request may have reached SES, so it ' +
          'may have been sent. Not re-sent in this run; the claim is kept, so the next hourly run sends it ' +
          'again (a duplicate if SES did accept it). Check the SES sending events for this recipient.',
        { subscriberId: subscriber.id, localDate, code: failure.code, error: failure.message },
      );
    } else if (failure.retryable) {
      log.error('Digest not sent; it is retried next run', {
        subscriberId: subscriber.id,
        localDate,
        code: failure.code,
        error: failure.message,
      });
    } else {
      await giveUpToday(deps, entry('rejected'), dueAfterDay(subscriber, localDate), failure);
    }
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

/** When the digest goes out, for saying it is late: now, which is after the run's time for a queued batch. */
function sentAt(runAt: Date, clock: Date): Date {
  return clock > runAt ? clock : runAt;
}

/** The right to send (or record) the day; undefined when it is done, held by another run, or they left. */
async function claimDay(deps: DeliveryDeps, { subscriber, localDate }: DueSubscriber) {
  const claim = await deps.ledger.claim(subscriber.id, localDate, deps.clock());
  if (!claim) {
    deps.log.info('Not sending: the day is already recorded, another run holds it, or they unsubscribed', {
      subscriberId: subscriber.id,
      localDate,
    });
  }
  return claim;
}

/**
 * Sends under a claim. When SES answers with an error nothing was sent, so the claim is given back and a
 * retry need not wait for it to expire. After an ambiguous failure (a timeout or reset after the request may
 * have reached SES) the message may have gone out: it is not re-sent in this run and the claim is kept, so
 * a quick retry of the same event cannot send a second copy. Once the lease has run out, the next hourly
 * run sends again: the same bounded window as a crash between SES accepting and the ledger write. No attempt
 * starts without time left for it and the ledger write (`longestSendMs`); then nothing was sent either.
 */
async function sendClaimed(
  deps: DeliveryDeps,
  claim: HeldClaim,
  email: OutgoingEmail,
  pacing: Pacing,
): Promise<{ messageId: string; attempts: number }> {
  try {
    return await sendWithRetry(deps.mailer, email, {
      sleep: deps.sleep,
      intervalMs: pacing.intervalMs,
      pace: pacing.pace,
      hasTimeLeft: deps.hasTimeLeft,
      ...(deps.settings.retry && { retry: deps.settings.retry }),
    });
  } catch (error: unknown) {
    if (asMailerError(error).ambiguous) throw error;
    await deps.ledger.release(claim).catch((releaseError: unknown) =>
      deps.log.warn('Could not release the claim; it expires by itself', {
        error: errorMessage(releaseError),
      }),
    );
    throw error;
  }
}

/**
 * SES refused the message for good: sending it again this hour or the next would only be refused again. The
 * `rejected` entry closes the day, so the next try is the next local day; it does not move the window on,
 * so that digest still carries what this one would have.
 */
async function giveUpToday(
  deps: DeliveryDeps,
  rejected: LedgerEntry,
  nextDueAt: Date,
  failure: MailerError,
): Promise<void> {
  const { log } = deps;
  const attributes = {
    subscriberId: rejected.subscriberId,
    localDate: rejected.localDate,
    code: failure.code,
    error: failure.message,
  };
  try {
    await deps.ledger.record(rejected, nextDueAt);
  } catch (recordError: unknown) {
    log.error('SES rejected the digest and the rejection could not be recorded; it is tried again next run', {
      ...attributes,
      recordError: errorMessage(recordError),
    });
    return;
  }
  log.error(
    "SES rejected the digest permanently; today's digest is given up and tried again on the next local " +
      "day, covering these summaries too. Fix the cause: in the SES sandbox verify the recipient's address " +
      'or request production access; otherwise check the address and the SES suppression list.',
    attributes,
  );
}

/** After a send, a failed ledger write would mean a duplicate next run: retry it a few times, then shout. */
async function recordSent(deps: DeliveryDeps, entry: LedgerEntry, nextDueAt: Date): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      await deps.ledger.record(entry, nextDueAt);
      return;
    } catch (error: unknown) {
      if (attempt >= RECORD_ATTEMPTS) {
        deps.log.error('Digest was sent but the ledger entry could not be written: a duplicate may follow', {
          subscriberId: entry.subscriberId,
          localDate: entry.localDate,
          sesMessageId: entry.messageId,
          error: errorMessage(error),
        });
        return;
      }
      await deps.sleep(RECORD_RETRY_DELAY_MS * attempt);
    }
  }
}
