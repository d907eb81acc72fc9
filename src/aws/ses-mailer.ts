/**
 * Mailer on SES v2: one SendEmail per recipient with Simple content (it keeps custom headers such as
 * List-Unsubscribe; SES builds the multipart/alternative MIME and encodes the subject). SDK errors are
 * mapped to `MailerError` with the retryable and ambiguous flags the core's retry loop acts on; that loop is
 * the only one: each `send` is one HTTP request, never retried by the SDK.
 */
import {
  GetAccountCommand,
  GetEmailIdentityCommand,
  SendEmailCommand,
  type GetEmailIdentityCommandOutput,
  type SESv2Client,
  type SendEmailCommandInput,
  type SendEmailCommandOutput,
} from '@aws-sdk/client-sesv2';
import type { FinalizeRequestMiddleware } from '@smithy/types';
import { withoutAddresses } from '../errors.js';
import { MailerError, type Mailer } from '../use-cases/run-digest/ports.js';

/** SES answered (or never got the request) and nothing was sent: trying again can succeed. */
const RETRYABLE = new Set([
  'TooManyRequestsException',
  'ThrottlingException',
  'Throttling',
  'InternalFailure',
  'InternalServerError',
  'ServiceUnavailable',
  // The connection was never made: SES never saw the request.
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
]);

/**
 * No answer after the request may have reached SES: a timeout, a reset or aborted connection, a broken
 * pipe. SES may have accepted the message, and it has no idempotency key, so re-sending could deliver it
 * twice. Neither the SDK nor our retry loop re-sends after these; the next hourly run is the only retry.
 */
const AMBIGUOUS = new Set([
  'TimeoutError',
  'RequestTimeout',
  'RequestTimeoutException',
  'ECONNRESET',
  'ECONNABORTED',
  'EPIPE',
  'ETIMEDOUT',
]);

/**
 * The code an ambiguous failure is reported under. Not the SDK's own code (ECONNRESET, TimeoutError, ...):
 * that would read as transient, to the SDK and to anyone reading the logs.
 */
export const OUTCOME_UNKNOWN = 'SendOutcomeUnknown';

/**
 * Every message is kept without the addresses SES names in it ("...not verified: a@b.c"): it is logged, and
 * stored on failure records, where the subscriber id already says who.
 */
export function toMailerError(error: unknown): MailerError {
  if (!(error instanceof Error)) return new MailerError(withoutAddresses(String(error)), 'Unknown', true);
  const status = (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
  const code = (error as { code?: string }).code;
  const known = (names: Set<string>) => names.has(error.name) || (code !== undefined && names.has(code));
  if (known(AMBIGUOUS)) {
    const cause = code !== undefined && code !== error.name ? `${error.name} ${code}` : error.name;
    return new MailerError(`${cause}: ${withoutAddresses(error.message)}`, OUTCOME_UNKNOWN, true, true);
  }
  // A signature refused for clock skew: the signer has corrected the clock, so the next attempt is signed right.
  const clockSkewCorrected =
    (error as { $metadata?: { clockSkewCorrected?: boolean } }).$metadata?.clockSkewCorrected === true;
  const retryable = known(RETRYABLE) || clockSkewCorrected || status === 429 || (status ?? 0) >= 500;
  return new MailerError(withoutAddresses(error.message), error.name, retryable);
}

/** Turns each attempt's failure into a MailerError, which the SDK's retry middleware does not retry. */
const oneRequestPerSend: FinalizeRequestMiddleware<SendEmailCommandInput, SendEmailCommandOutput> =
  (next) => async (args) => {
    try {
      return await next(args);
    } catch (error: unknown) {
      throw toMailerError(error);
    }
  };

export function createSesMailer(ses: SESv2Client, options: { configurationSet?: string } = {}): Mailer {
  /** The identity as SES reports it, or undefined when it is not an identity of this account and region. */
  const identity = async (name: string): Promise<GetEmailIdentityCommandOutput | undefined> => {
    try {
      return await ses.send(new GetEmailIdentityCommand({ EmailIdentity: name }));
    } catch (error: unknown) {
      // SES answers an identity it does not know with 404 NotFoundException.
      const status = (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
      if (error instanceof Error && (error.name === 'NotFoundException' || status === 404)) return undefined;
      throw error;
    }
  };
  const verified = async (name: string): Promise<boolean> =>
    (await identity(name))?.VerifiedForSendingStatus === true;
  return {
    async send(email) {
      try {
        const command = new SendEmailCommand({
          FromEmailAddress: email.from,
          Destination: { ToAddresses: [email.to] },
          Content: {
            Simple: {
              Subject: { Data: email.subject, Charset: 'UTF-8' },
              Body: {
                Html: { Data: email.html, Charset: 'UTF-8' },
                Text: { Data: email.text, Charset: 'UTF-8' },
              },
              Headers: email.headers.map((h) => ({ Name: h.name, Value: h.value })),
            },
          },
          ...(options.configurationSet !== undefined && { ConfigurationSetName: options.configurationSet }),
        });
        // Inside the SDK's retry loop, around each attempt: every failure leaves as a MailerError, which the
        // SDK does not retry, whatever client it is given. Our loop (send.ts) alone retries throttling and
        // 5xx, with backoff at the send rate, and never an ambiguous failure. It sits outside the signer, so
        // the signer still sees the raw answer and corrects the client's clock from a skewed-signature 403.
        command.middlewareStack.addRelativeTo(oneRequestPerSend, {
          relation: 'before',
          toMiddleware: 'httpSigningMiddleware',
          name: 'oneRequestPerSend',
        });
        const result = await ses.send(command);
        // A success without an id: SES accepted something; sending again could duplicate it.
        if (!result.MessageId) throw new MailerError('SES returned no message id', 'NoMessageId', true, true);
        return { messageId: result.MessageId };
      } catch (error: unknown) {
        throw error instanceof MailerError ? error : toMailerError(error);
      }
    },
    async account() {
      const result = await ses.send(new GetAccountCommand({}));
      return {
        sandbox: result.ProductionAccessEnabled !== true,
        maxSendRate: result.SendQuota?.MaxSendRate ?? 1,
        // SES reports -1 for an unlimited quota.
        max24HourSend: unlimitedIfNegative(result.SendQuota?.Max24HourSend),
        sentLast24Hours: result.SendQuota?.SentLast24Hours ?? 0,
      };
    },
    async isVerified(address) {
      return (await verified(address)) || (await verified(domainOf(address)));
    },
    async senderIdentity(address) {
      const [own, domain] = await Promise.all([identity(address), identity(domainOf(address))]);
      const found = [domain, own].filter((i): i is GetEmailIdentityCommandOutput => i !== undefined);
      const signing = found.some((i) => i.DkimAttributes?.Status === 'SUCCESS');
      const mailFrom =
        found.find((i) => i.MailFromAttributes?.MailFromDomainStatus === 'SUCCESS') ??
        found.find((i) => (i.MailFromAttributes?.MailFromDomain ?? '') !== '');
      return {
        addressVerified: own?.VerifiedForSendingStatus === true,
        domainVerified: domain?.VerifiedForSendingStatus === true,
        dkimStatus: signing ? 'SUCCESS' : found.map((i) => i.DkimAttributes?.Status).find(Boolean),
        mailFromDomain: mailFrom?.MailFromAttributes?.MailFromDomain || undefined,
        mailFromStatus: mailFrom?.MailFromAttributes?.MailFromDomainStatus,
      };
    },
  };
}

const domainOf = (address: string) => address.slice(address.lastIndexOf('@') + 1);

function unlimitedIfNegative(quota: number | undefined): number {
  return quota === undefined || quota < 0 ? Infinity : quota;
}
