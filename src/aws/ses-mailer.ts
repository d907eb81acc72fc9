/**
 * Mailer on SES v2: one SendEmail per recipient with Simple content (it keeps custom headers such as
 * List-Unsubscribe; SES builds the multipart/alternative MIME and encodes the subject). SDK errors are
 * mapped to `MailerError` with a retryable flag the core's retry loop acts on.
 */
import {
  GetAccountCommand,
  GetEmailIdentityCommand,
  SendEmailCommand,
  type SESv2Client,
} from '@aws-sdk/client-sesv2';
import { MailerError, type Mailer } from '../ports.js';

const RETRYABLE = new Set([
  'TooManyRequestsException',
  'ThrottlingException',
  'Throttling',
  'InternalFailure',
  'InternalServerError',
  'ServiceUnavailable',
  'RequestTimeout',
  'TimeoutError',
  'ECONNRESET',
  'ECONNREFUSED',
  'ETIMEDOUT',
  'EPIPE',
]);

export function toMailerError(error: unknown): MailerError {
  if (!(error instanceof Error)) return new MailerError(String(error), 'Unknown', true);
  const status = (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
  const code = (error as { code?: string }).code;
  const retryable =
    RETRYABLE.has(error.name) || (code !== undefined && RETRYABLE.has(code)) || (status ?? 0) >= 500;
  return new MailerError(error.message, error.name, retryable);
}

export function createSesMailer(ses: SESv2Client, options: { configurationSet?: string } = {}): Mailer {
  const verified = async (identity: string): Promise<boolean> => {
    try {
      const result = await ses.send(new GetEmailIdentityCommand({ EmailIdentity: identity }));
      return result.VerifiedForSendingStatus === true;
    } catch (error: unknown) {
      if (error instanceof Error && error.name === 'NotFoundException') return false;
      throw error;
    }
  };
  return {
    async send(email) {
      try {
        const result = await ses.send(
          new SendEmailCommand({
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
          }),
        );
        if (!result.MessageId) throw new MailerError('SES returned no message id', 'NoMessageId', true);
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
      const domain = address.slice(address.lastIndexOf('@') + 1);
      return (await verified(address)) || (await verified(domain));
    },
  };
}

function unlimitedIfNegative(quota: number | undefined): number {
  return quota === undefined || quota < 0 ? Infinity : quota;
}
