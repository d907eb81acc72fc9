/**
 * Sending one message with retries: throttling and transient errors are retried with exponential backoff
 * and full jitter, never faster than the account's send rate; permanent errors are not retried, and neither
 * are ambiguous ones (a timeout or reset after which SES may have accepted the message: a re-send could
 * deliver it twice). This loop is the only retry layer for a send: the SES adapter makes one request per
 * attempt. No attempt starts unless the invocation has time left for it and the ledger write after it. What
 * still fails is the caller's to record.
 */
import type { OutgoingEmail } from '../../digest/email.js';
import { errorMessage } from '../../errors.js';
import { MailerError, type Mailer } from './ports.js';

export interface RetryPolicy {
  attempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = { attempts: 4, baseDelayMs: 500, maxDelayMs: 8_000 };

/**
 * The send rate shared by every send of an invocation (send-rate.ts): each attempt takes a slot first;
 * SES throttling slows it down, accepted sends bring it back up.
 */
export interface SendPace {
  take(): Promise<void>;
  throttled(): void;
  accepted(): void;
}

/** SES's answers for "too fast": the per-second rate, not the 24-hour quota (which waits for a new day). */
const THROTTLING_CODES = new Set(['TooManyRequestsException', 'ThrottlingException', 'Throttling']);

export interface SendContext {
  sleep: (ms: number) => Promise<void>;
  /** Minimum wait before retrying a failed attempt: one slot at the send rate. */
  intervalMs: number;
  pace?: SendPace;
  retry?: RetryPolicy;
  random?: () => number;
  /** Whether the invocation still has time for one more attempt and the ledger write after it. */
  hasTimeLeft?: () => boolean;
}

export const NO_TIME_LEFT = 'NoTimeLeft';

/** Retryable: nothing was sent (the last attempt's failure, if any, is named), and a later try sends it. */
const noTimeLeft = (last: MailerError | undefined) =>
  new MailerError(
    'Not sent: the invocation is about to time out' +
      (last === undefined ? '' : ` after ${last.code}: ${last.message}`),
    NO_TIME_LEFT,
    true,
  );

export function sendIntervalMs(maxSendRate: number): number {
  return Math.ceil(1000 / Math.max(maxSendRate, 0.1));
}

export function backoffMs(attempt: number, context: SendContext): number {
  const policy = context.retry ?? DEFAULT_RETRY;
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** attempt);
  return Math.max(context.intervalMs, Math.round((context.random ?? Math.random)() * ceiling));
}

export function asMailerError(error: unknown): MailerError {
  if (error instanceof MailerError) return error;
  return new MailerError(errorMessage(error), 'Unknown', true);
}

export async function sendWithRetry(
  mailer: Mailer,
  email: OutgoingEmail,
  context: SendContext,
): Promise<{ messageId: string; attempts: number }> {
  const attempts = (context.retry ?? DEFAULT_RETRY).attempts;
  let lastFailure: MailerError | undefined;
  for (let attempt = 1; ; attempt++) {
    if (context.hasTimeLeft?.() === false) throw noTimeLeft(lastFailure);
    await context.pace?.take();
    // A slowed pace can wait seconds for the slot: check again, the slot is not worth a cut-off send.
    if (context.pace !== undefined && context.hasTimeLeft?.() === false) throw noTimeLeft(lastFailure);
    try {
      const { messageId } = await mailer.send(email);
      context.pace?.accepted();
      return { messageId, attempts: attempt };
    } catch (error: unknown) {
      lastFailure = asMailerError(error);
      if (THROTTLING_CODES.has(lastFailure.code)) context.pace?.throttled();
      if (!lastFailure.retryable || lastFailure.ambiguous || attempt >= attempts) throw lastFailure;
      await context.sleep(backoffMs(attempt, context));
    }
  }
}
