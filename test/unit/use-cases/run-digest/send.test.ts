import {
  GetAccountCommand,
  GetEmailIdentityCommand,
  MessageRejected,
  NotFoundException,
  SESv2Client,
  SendEmailCommand,
  TooManyRequestsException,
} from '@aws-sdk/client-sesv2';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { createSesMailer } from '../../../../src/aws/ses-mailer.js';
import {
  backoffMs,
  sendIntervalMs,
  sendWithRetry,
  type SendPace,
} from '../../../../src/use-cases/run-digest/send.js';
import { MailerError } from '../../../../src/use-cases/run-digest/ports.js';
import { OUTGOING } from '../../../support/digest-memory.js';

const ses = mockClient(SESv2Client);
// The mocks patch every client of the class in this worker: give the real ones back for the next file.
afterAll(() => {
  ses.restore();
});
afterEach(() => ses.reset());

const email = OUTGOING;
const meta = { $metadata: {} };

describe('sending through SES', () => {
  it('retries throttling with growing delays no shorter than the send interval, then succeeds once', async () => {
    ses
      .on(SendEmailCommand)
      .rejectsOnce(new TooManyRequestsException({ message: 'Maximum sending rate exceeded.', ...meta }))
      .rejectsOnce(new TooManyRequestsException({ message: 'Maximum sending rate exceeded.', ...meta }))
      .resolves({ MessageId: 'm-1' });
    const delays: number[] = [];

    const result = await sendWithRetry(createSesMailer(new SESv2Client({})), email, {
      sleep: async (ms) => void delays.push(ms),
      intervalMs: sendIntervalMs(2),
      random: () => 1,
    });

    expect(result).toEqual({ messageId: 'm-1', attempts: 3 });
    expect(delays).toEqual([1000, 2000]);
    expect(ses.commandCalls(SendEmailCommand)).toHaveLength(3);
  });

  it('does not retry a permanent rejection', async () => {
    ses
      .on(SendEmailCommand)
      .rejects(new MessageRejected({ message: 'Email address is not verified.', ...meta }));

    const sending = sendWithRetry(createSesMailer(new SESv2Client({})), email, {
      sleep: async () => undefined,
      intervalMs: 0,
    });

    await expect(sending).rejects.toMatchObject({
      name: 'MailerError',
      code: 'MessageRejected',
      retryable: false,
    });
    expect(ses.commandCalls(SendEmailCommand)).toHaveLength(1);
  });

  it.each([
    ['a reset connection', Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' })],
    ['a broken pipe', Object.assign(new Error('write EPIPE'), { code: 'EPIPE' })],
    ['a timeout', Object.assign(new Error('Connection timed out after 5000 ms'), { name: 'TimeoutError' })],
  ])('does not send again after %s: SES may have accepted the message', async (_, failure) => {
    ses.on(SendEmailCommand).rejects(failure);

    const sending = sendWithRetry(createSesMailer(new SESv2Client({})), email, {
      sleep: async () => undefined,
      intervalMs: 0,
    });

    await expect(sending).rejects.toMatchObject({
      name: 'MailerError',
      code: 'SendOutcomeUnknown',
      ambiguous: true,
      message: expect.stringContaining(failure.message),
    });
    expect(ses.commandCalls(SendEmailCommand)).toHaveLength(1);
  });

  it('retries a refused connection: SES never saw the request', async () => {
    ses
      .on(SendEmailCommand)
      .rejectsOnce(Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }))
      .resolves({ MessageId: 'm-3' });

    const result = await sendWithRetry(createSesMailer(new SESv2Client({})), email, {
      sleep: async () => undefined,
      intervalMs: 0,
    });

    expect(result).toEqual({ messageId: 'm-3', attempts: 2 });
  });

  it('gives up after the last attempt with the throttling error', async () => {
    ses.on(SendEmailCommand).rejects(new TooManyRequestsException({ message: 'slow down', ...meta }));

    await expect(
      sendWithRetry(createSesMailer(new SESv2Client({})), email, {
        sleep: async () => undefined,
        intervalMs: 0,
      }),
    ).rejects.toBeInstanceOf(MailerError);
    expect(ses.commandCalls(SendEmailCommand)).toHaveLength(4);
  });

  it('sends one Simple message to one recipient with the custom headers and a configuration set', async () => {
    ses.on(SendEmailCommand).resolves({ MessageId: 'm-2' });

    await createSesMailer(new SESv2Client({}), { configurationSet: 'digest' }).send(email);

    expect(ses.commandCalls(SendEmailCommand)[0]?.args[0].input).toMatchObject({
      FromEmailAddress: 'digest@example.com',
      Destination: { ToAddresses: ['ana@example.com'] },
      ConfigurationSetName: 'digest',
      Content: {
        Simple: {
          Subject: { Data: email.subject, Charset: 'UTF-8' },
          Headers: [{ Name: 'List-Unsubscribe-Post', Value: 'List-Unsubscribe=One-Click' }],
        },
      },
    });
  });

  it('reads the sandbox flag and quota, and checks the address and then its domain', async () => {
    ses.on(GetAccountCommand).resolves({
      ProductionAccessEnabled: false,
      SendQuota: { MaxSendRate: 1, Max24HourSend: 200, SentLast24Hours: 3 },
    });
    ses
      .on(GetEmailIdentityCommand, { EmailIdentity: 'ana@example.com' })
      .rejects(new NotFoundException({ message: 'no', ...meta }))
      .on(GetEmailIdentityCommand, { EmailIdentity: 'example.com' })
      .resolves({ VerifiedForSendingStatus: true });
    const mailer = createSesMailer(new SESv2Client({}));

    expect(await mailer.account()).toEqual({
      sandbox: true,
      maxSendRate: 1,
      max24HourSend: 200,
      sentLast24Hours: 3,
    });
    expect(await mailer.isVerified('ana@example.com')).toBe(true);
  });

  it('starts no attempt without time left for it and its ledger write: nothing is sent, the next run sends', async () => {
    ses.on(SendEmailCommand).resolves({ MessageId: 'm-4' });

    const sending = sendWithRetry(createSesMailer(new SESv2Client({})), email, {
      sleep: async () => undefined,
      intervalMs: 0,
      hasTimeLeft: () => false,
    });

    await expect(sending).rejects.toMatchObject({ code: 'NoTimeLeft', retryable: true, ambiguous: false });
    expect(ses.commandCalls(SendEmailCommand)).toHaveLength(0);
  });

  it('stops retrying when the time runs out, naming the last refusal', async () => {
    ses.on(SendEmailCommand).rejects(new TooManyRequestsException({ message: 'slow down', ...meta }));
    let left = 1;

    const sending = sendWithRetry(createSesMailer(new SESv2Client({})), email, {
      sleep: async () => undefined,
      intervalMs: 0,
      hasTimeLeft: () => left-- > 0,
    });

    await expect(sending).rejects.toMatchObject({
      code: 'NoTimeLeft',
      retryable: true,
      message: expect.stringContaining('after TooManyRequestsException: slow down'),
    });
    expect(ses.commandCalls(SendEmailCommand)).toHaveLength(1);
  });

  it('spaces retries by full jitter but never below the send interval', () => {
    expect(backoffMs(1, { sleep: async () => undefined, intervalMs: 100, random: () => 0 })).toBe(100);
    expect(backoffMs(5, { sleep: async () => undefined, intervalMs: 100, random: () => 1 })).toBe(8000);
  });

  describe('with the shared send rate', () => {
    /** Records what the retry loop tells the pace, in order. */
    function recordingPace() {
      const events: string[] = [];
      const pace: SendPace = {
        take: async () => void events.push('take'),
        throttled: () => void events.push('throttled'),
        accepted: () => void events.push('accepted'),
      };
      return { pace, events };
    }

    it('takes a slot before every attempt, slows on throttling and speeds up again on success', async () => {
      ses
        .on(SendEmailCommand)
        .rejectsOnce(new TooManyRequestsException({ message: 'Maximum sending rate exceeded.', ...meta }))
        .resolves({ MessageId: 'm-5' });
      const { pace, events } = recordingPace();

      const result = await sendWithRetry(createSesMailer(new SESv2Client({})), email, {
        sleep: async () => void events.push('sleep'),
        intervalMs: 0,
        pace,
      });

      expect(result).toEqual({ messageId: 'm-5', attempts: 2 });
      expect(events).toEqual(['take', 'throttled', 'sleep', 'take', 'accepted']);
    });

    it('does not slow down for an error that is not throttling', async () => {
      ses
        .on(SendEmailCommand)
        .rejectsOnce(Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }))
        .resolves({ MessageId: 'm-6' });
      const { pace, events } = recordingPace();

      await sendWithRetry(createSesMailer(new SESv2Client({})), email, {
        sleep: async () => undefined,
        intervalMs: 0,
        pace,
      });

      expect(events).toEqual(['take', 'take', 'accepted']);
    });

    it('takes no slot when there is no time left for the attempt', async () => {
      const { pace, events } = recordingPace();

      const sending = sendWithRetry(createSesMailer(new SESv2Client({})), email, {
        sleep: async () => undefined,
        intervalMs: 0,
        pace,
        hasTimeLeft: () => false,
      });

      await expect(sending).rejects.toMatchObject({ code: 'NoTimeLeft' });
      expect(events).toEqual([]);
    });
  });
});
