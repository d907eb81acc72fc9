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

type Answer = Error | { status: number; type: string; date?: Date };

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
            headers: {
              'content-type': 'application/json',
              'x-amzn-errortype': answer.type,
              ...(answer.date && { date: answer.date.toUTCString() }),
            },
            body: Readable.from([
              Buffer.from(
                JSON.stringify(answer.status < 300 ? { MessageId: 'message-1' } : { message: answer.type }),
              ),
            ]),
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

  it('keeps no address of the message SES rejects with: it is logged and stored on failure records', async () => {
    const rejection =
      'Email address is not verified. The following identities failed the check in region EU-WEST-1: ' +
      'reader.one@example.com, "Reader" <reader.two@example.org>';
    const client = new SESv2Client({
      region: 'eu-west-1',
      credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret' },
      requestHandler: {
        handle: async () => ({
          response: {
            statusCode: 400,
            headers: { 'content-type': 'application/json', 'x-amzn-errortype': 'MessageRejected' },
            body: Readable.from([Buffer.from(JSON.stringify({ message: rejection }))]),
          },
        }),
      },
    });

    const failure = await createSesMailer(client)
      .send(email)
      .then(
        () => new Error('SES accepted the message'),
        (error: unknown) => error as Error,
      );

    expect(failure).toMatchObject({ code: 'MessageRejected', retryable: false });
    expect(failure.message).toBe(
      'Email address is not verified. The following identities failed the check in region EU-WEST-1: ' +
        '[address], "Reader" <[address]>',
    );
  });
});

/** A client whose GetEmailIdentity answers from `identities` (SES's JSON), 404 NotFoundException otherwise. */
function clientWithIdentities(identities: Record<string, Record<string, unknown>>) {
  const asked: string[] = [];
  const client = new SESv2Client({
    region: 'eu-west-1',
    credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret' },
    requestHandler: {
      async handle(request: { method: string; path: string }) {
        const name = decodeURIComponent(request.path.replace(/^\/v2\/email\/identities\//, ''));
        asked.push(name);
        const identity = identities[name];
        return {
          response: {
            statusCode: identity ? 200 : 404,
            headers: {
              'content-type': 'application/json',
              ...(!identity && { 'x-amzn-errortype': 'NotFoundException' }),
            },
            body: Readable.from([
              Buffer.from(JSON.stringify(identity ?? { message: `Email identity ${name} does not exist.` })),
            ]),
          },
        };
      },
    },
  });
  return { client, asked };
}

const domainIdentity = (dkim: string, mailFrom?: { domain: string; status: string }) => ({
  IdentityType: 'DOMAIN',
  VerifiedForSendingStatus: dkim === 'SUCCESS',
  DkimAttributes: { SigningEnabled: true, Status: dkim },
  MailFromAttributes: {
    BehaviorOnMxFailure: 'USE_DEFAULT_VALUE',
    ...(mailFrom && { MailFromDomain: mailFrom.domain, MailFromDomainStatus: mailFrom.status }),
  },
});
const addressIdentity = {
  IdentityType: 'EMAIL_ADDRESS',
  VerifiedForSendingStatus: true,
  DkimAttributes: { SigningEnabled: false, Status: 'NOT_STARTED' },
};

describe('the sender identity, read with GetEmailIdentity for the address and for its domain', () => {
  it('reports a domain identity with Easy DKIM and a custom MAIL FROM, as the deploy guide sets it up', async () => {
    const { client, asked } = clientWithIdentities({
      'example.com': domainIdentity('SUCCESS', { domain: 'mail.example.com', status: 'SUCCESS' }),
    });

    expect(await createSesMailer(client).senderIdentity?.('digest@example.com')).toEqual({
      addressVerified: false,
      domainVerified: true,
      dkimStatus: 'SUCCESS',
      mailFromDomain: 'mail.example.com',
      mailFromStatus: 'SUCCESS',
    });
    expect(asked.sort()).toEqual(['digest@example.com', 'example.com']);
  });

  it('reports an address verified on its own, without its domain or DKIM', async () => {
    const { client } = clientWithIdentities({ 'digest@example.com': addressIdentity });

    expect(await createSesMailer(client).senderIdentity?.('digest@example.com')).toEqual({
      addressVerified: true,
      domainVerified: false,
      dkimStatus: 'NOT_STARTED',
      mailFromDomain: undefined,
      mailFromStatus: undefined,
    });
  });

  it("reports the domain's DKIM status while its CNAME records are not found", async () => {
    const { client } = clientWithIdentities({
      'digest@example.com': addressIdentity,
      'example.com': domainIdentity('PENDING', { domain: 'mail.example.com', status: 'PENDING' }),
    });

    expect(await createSesMailer(client).senderIdentity?.('digest@example.com')).toMatchObject({
      addressVerified: true,
      domainVerified: false,
      dkimStatus: 'PENDING',
      mailFromStatus: 'PENDING',
    });
  });

  it('reports neither when SES knows neither identity (404 NotFoundException)', async () => {
    const { client } = clientWithIdentities({});

    expect(await createSesMailer(client).senderIdentity?.('digest@example.com')).toEqual({
      addressVerified: false,
      domainVerified: false,
      dkimStatus: undefined,
      mailFromDomain: undefined,
      mailFromStatus: undefined,
    });
  });

  it('is sent again, signed with the corrected clock, after SES refuses a signature for clock skew', async () => {
    // Prepare: SES's clock is an hour ahead of ours, then the message goes through.
    const skewed = { status: 403, type: 'InvalidSignatureException', date: new Date(Date.now() + 3_600_000) };
    const { client, requests } = clientAnswering([skewed, { status: 200, type: '' }]);

    // Act
    const sent = await sendWithRetry(createSesMailer(client), email, noWait);

    // Assess
    expect(sent.messageId).toBe('message-1');
    expect(requests).toHaveLength(2);
    expect(client.config.systemClockOffset).toBeGreaterThan(3_500_000);
  });
});
