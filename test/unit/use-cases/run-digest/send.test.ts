import { describe, expect, it } from 'vitest';
import { createSesClient } from '../../../../src/aws/clients.js';
import { createSesMailer } from '../../../../src/aws/ses-mailer.js';
import {
  backoffMs,
  sendIntervalMs,
  sendWithRetry,
  type SendPace,
} from '../../../../src/use-cases/run-digest/send.js';
import { MailerError } from '../../../../src/use-cases/run-digest/ports.js';
import {
  FAKE_CREDENTIALS,
  httpFake,
  inTurn,
  jsonAnswer,
  jsonError,
  type Responder,
} from '../../../support/aws-http-fake.js';
import { OUTGOING } from '../../../support/digest-memory.js';

const email = OUTGOING;

/** The production SES client, its HTTP requests answered by `respond`; the SendEmail requests it made. */
function sesAnswering(respond: Responder) {
  const { requestHandler, requests } = httpFake(respond);
  const client = createSesClient(
    { AWS_REGION: 'eu-west-1' },
    { credentials: FAKE_CREDENTIALS, requestHandler },
  );
  const sends = () => requests.filter((r) => r.method === 'POST' && r.path === '/v2/email/outbound-emails');
  return { client, sends };
}

const accepted = (messageId: string) => jsonAnswer({ MessageId: messageId });
const throttled = (message: string) => jsonError(429, 'TooManyRequestsException', message);
const refused = () => Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' });

describe('sending through SES', () => {
  it('retries throttling with growing delays no shorter than the send interval, then succeeds once', async () => {
    const { client, sends } = sesAnswering(
      inTurn(
        throttled('Maximum sending rate exceeded.'),
        throttled('Maximum sending rate exceeded.'),
        accepted('m-1'),
      ),
    );
    const delays: number[] = [];

    const result = await sendWithRetry(createSesMailer(client), email, {
      sleep: async (ms) => void delays.push(ms),
      intervalMs: sendIntervalMs(2),
      random: () => 1,
    });

    expect(result).toEqual({ messageId: 'm-1', attempts: 3 });
    expect(delays).toEqual([1000, 2000]);
    expect(sends()).toHaveLength(3);
  });

  it('does not retry a permanent rejection', async () => {
    const { client, sends } = sesAnswering(
      inTurn(jsonError(400, 'MessageRejected', 'Email address is not verified.')),
    );

    const sending = sendWithRetry(createSesMailer(client), email, {
      sleep: async () => undefined,
      intervalMs: 0,
    });

    await expect(sending).rejects.toMatchObject({
      name: 'MailerError',
      code: 'MessageRejected',
      retryable: false,
    });
    expect(sends()).toHaveLength(1);
  });

  it.each([
    ['a reset connection', Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' })],
    ['a broken pipe', Object.assign(new Error('write EPIPE'), { code: 'EPIPE' })],
    ['a timeout', Object.assign(new Error('Connection timed out after 5000 ms'), { name: 'TimeoutError' })],
  ])('does not send again after %s: SES may have accepted the message', async (_, failure) => {
    const { client, sends } = sesAnswering(inTurn(failure));

    const sending = sendWithRetry(createSesMailer(client), email, {
      sleep: async () => undefined,
      intervalMs: 0,
    });

    await expect(sending).rejects.toMatchObject({
      name: 'MailerError',
      code: 'SendOutcomeUnknown',
      ambiguous: true,
      message: expect.stringContaining(failure.message),
    });
    expect(sends()).toHaveLength(1);
  });

  it('retries a refused connection: SES never saw the request', async () => {
    const { client } = sesAnswering(inTurn(refused(), accepted('m-3')));

    const result = await sendWithRetry(createSesMailer(client), email, {
      sleep: async () => undefined,
      intervalMs: 0,
    });

    expect(result).toEqual({ messageId: 'm-3', attempts: 2 });
  });

  it('gives up after the last attempt with the throttling error', async () => {
    const { client, sends } = sesAnswering(inTurn(throttled('slow down')));

    await expect(
      sendWithRetry(createSesMailer(client), email, {
        sleep: async () => undefined,
        intervalMs: 0,
      }),
    ).rejects.toBeInstanceOf(MailerError);
    expect(sends()).toHaveLength(4);
  });

  it('sends one Simple message to one recipient with the custom headers and a configuration set', async () => {
    const { client, sends } = sesAnswering(inTurn(accepted('m-2')));

    await createSesMailer(client, { configurationSet: 'digest' }).send(email);

    expect(JSON.parse(sends()[0]?.body ?? '{}')).toMatchObject({
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
    const { client } = sesAnswering((request) => {
      if (request.method === 'GET' && request.path === '/v2/email/account') {
        return jsonAnswer({
          ProductionAccessEnabled: false,
          SendQuota: { MaxSendRate: 1, Max24HourSend: 200, SentLast24Hours: 3 },
        });
      }
      const identity = decodeURIComponent(request.path.replace(/^\/v2\/email\/identities\//, ''));
      if (request.method === 'GET' && identity === 'example.com')
        return jsonAnswer({ VerifiedForSendingStatus: true });
      return jsonError(404, 'NotFoundException', 'no');
    });
    const mailer = createSesMailer(client);

    expect(await mailer.account()).toEqual({
      sandbox: true,
      maxSendRate: 1,
      max24HourSend: 200,
      sentLast24Hours: 3,
    });
    expect(await mailer.isVerified('ana@example.com')).toBe(true);
  });

  it('starts no attempt without time left for it and its ledger write: nothing is sent, the next run sends', async () => {
    const { client, sends } = sesAnswering(inTurn(accepted('m-4')));

    const sending = sendWithRetry(createSesMailer(client), email, {
      sleep: async () => undefined,
      intervalMs: 0,
      hasTimeLeft: () => false,
    });

    await expect(sending).rejects.toMatchObject({ code: 'NoTimeLeft', retryable: true, ambiguous: false });
    expect(sends()).toHaveLength(0);
  });

  it('stops retrying when the time runs out, naming the last refusal', async () => {
    const { client, sends } = sesAnswering(inTurn(throttled('slow down')));
    let left = 1;

    const sending = sendWithRetry(createSesMailer(client), email, {
      sleep: async () => undefined,
      intervalMs: 0,
      hasTimeLeft: () => left-- > 0,
    });

    await expect(sending).rejects.toMatchObject({
      code: 'NoTimeLeft',
      retryable: true,
      message: expect.stringContaining('after TooManyRequestsException: slow down'),
    });
    expect(sends()).toHaveLength(1);
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
      const { client } = sesAnswering(inTurn(throttled('Maximum sending rate exceeded.'), accepted('m-5')));
      const { pace, events } = recordingPace();

      const result = await sendWithRetry(createSesMailer(client), email, {
        sleep: async () => void events.push('sleep'),
        intervalMs: 0,
        pace,
      });

      expect(result).toEqual({ messageId: 'm-5', attempts: 2 });
      expect(events).toEqual(['take', 'throttled', 'sleep', 'take', 'accepted']);
    });

    it('does not slow down for an error that is not throttling', async () => {
      const { client } = sesAnswering(inTurn(refused(), accepted('m-6')));
      const { pace, events } = recordingPace();

      await sendWithRetry(createSesMailer(client), email, {
        sleep: async () => undefined,
        intervalMs: 0,
        pace,
      });

      expect(events).toEqual(['take', 'take', 'accepted']);
    });

    it('takes no slot when there is no time left for the attempt', async () => {
      const { client } = sesAnswering(inTurn(accepted('m-7')));
      const { pace, events } = recordingPace();

      const sending = sendWithRetry(createSesMailer(client), email, {
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
