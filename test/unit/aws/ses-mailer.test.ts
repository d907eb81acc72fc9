/**
 * The SDK's own retries, seen at the HTTP handler: SendEmail makes one request per attempt of our loop, the
 * only retry layer; after a connection failure that may follow SES accepting the message it is not sent
 * again at all; throttling still is retried, by our loop.
 */
import { Readable } from 'node:stream';
import { SESv2Client } from '@aws-sdk/client-sesv2';
import { describe, expect, it } from 'vitest';
import { createSesMailer } from '../../../src/aws/ses-mailer.js';
import { sendWithRetry } from '../../../src/use-cases/run-digest/send.js';
import { OUTGOING } from '../../support/digest-memory.js';

const email = OUTGOING;

type Answer = Error | { status: number; type: string };

/** A client whose every HTTP request gets the next answer (the last one repeats); counts the requests. */
function clientAnswering(answers: Answer[]) {
  const requests: string[] = [];
  const client = new SESv2Client({
    region: 'eu-west-1',
    credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret' },
    // A client that would retry: the mailer must not let it.
    maxAttempts: 3,
    requestHandler: {
      async handle(request: { method: string; path: string }) {
        requests.push(`${request.method} ${request.path}`);
        const answer = answers[Math.min(requests.length - 1, answers.length - 1)]!;
        if (answer instanceof Error) throw answer;
        return {
          response: {
            statusCode: answer.status,
            headers: { 'content-type': 'application/json', 'x-amzn-errortype': answer.type },
            body: Readable.from([Buffer.from(JSON.stringify({ message: answer.type }))]),
          },
        };
      },
    },
  });
  return { client, requests };
}

const noWait = { sleep: async () => undefined, intervalMs: 0 };

describe('SendEmail over the SDK', () => {
  it('is sent once when the connection is reset: no SDK retry, no retry of ours', async () => {
    const reset = Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' });
    const { client, requests } = clientAnswering([reset]);

    const sending = sendWithRetry(createSesMailer(client), email, noWait);

    await expect(sending).rejects.toMatchObject({ code: 'SendOutcomeUnknown', ambiguous: true });
    expect(requests).toEqual(['POST /v2/email/outbound-emails']);
  });

  it('is sent once when the request times out', async () => {
    const timeout = Object.assign(new Error('Socket timed out'), { name: 'TimeoutError' });
    const { client, requests } = clientAnswering([timeout]);

    await expect(sendWithRetry(createSesMailer(client), email, noWait)).rejects.toMatchObject({
      ambiguous: true,
    });
    expect(requests).toHaveLength(1);
  });

  it.each([
    ['throttles', { status: 429, type: 'TooManyRequestsException' }],
    ['fails with a 500', { status: 500, type: 'InternalFailure' }],
  ])('is retried by our loop alone when SES %s: one request per attempt of ours', async (_, answer) => {
    const { client, requests } = clientAnswering([answer]);

    await expect(
      sendWithRetry(createSesMailer(client), email, {
        ...noWait,
        retry: { attempts: 2, baseDelayMs: 0, maxDelayMs: 0 },
      }),
    ).rejects.toMatchObject({ code: answer.type, retryable: true, ambiguous: false });
    expect(requests).toHaveLength(2);
  });
});
