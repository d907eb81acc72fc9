/**
 * The unsubscribe round trip over s3rver + aws-ses-v2-local: the digest's List-Unsubscribe URL, a GET that
 * only confirms, the one-click POST, idempotence, and no digest afterwards.
 */
import { createHmac } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createS3Client } from '../../src/aws/clients.js';
import { createS3Unsubscribes } from '../../src/aws/s3-unsubscribes.js';
import { loadLinkEndpointConfig } from '../../src/config.js';
import { fixedSecrets } from '../../src/links/link-secrets.js';
import {
  startFunctionUrl,
  type FunctionUrlHandler,
  type LocalFunctionUrl,
} from '../../src/local/function-url.js';
import { runDigest } from '../../src/use-cases/run-digest/run-digest.js';
import { subscriberId } from '../../src/digest/subscribers.js';
import { createUnsubscribeHandler } from '../../src/handlers/unsubscribe-handler.js';
import { unsubscribeToken } from '../../src/links/unsubscribe-token.js';
import { LOCAL_CREDENTIALS, LOCAL_REGION } from '../../src/local/emulators.js';
import { functionUrlEvent } from '../support/digest-events.js';
import { TEST_BUCKET, TEST_SECRET, useDigestStack } from '../support/digest-stack.js';
import { quietLogger } from '../support/digest-memory.js';
import { buildSummary, summaryKey } from '../support/summary-fixtures.js';
import { startFaultProxy, type Fault } from '../support/fault-proxy.js';

const env = { RECIPIENTS: 'ana@example.com,bo@example.org', DIGEST_TIME_ZONE: 'UTC', DIGEST_SEND_HOUR: '0' };
const DAY_MS = 24 * 60 * 60 * 1000;

const stack = useDigestStack();

/** Wired as the entry wires it, from LINK_SIGNING_SECRET alone (as in the local stack). */
function unsubscribeConfig() {
  return loadLinkEndpointConfig('unsubscribe', { BUCKET: TEST_BUCKET, LINK_SIGNING_SECRET: TEST_SECRET });
}

function unsubscribeHandler(s3 = stack().s3) {
  return createUnsubscribeHandler(
    {
      secrets: fixedSecrets(unsubscribeConfig().linkSecrets),
      unsubscribes: createS3Unsubscribes(s3, TEST_BUCKET, 'state/'),
      now: () => new Date(),
    },
    quietLogger(),
  );
}

/** S3's answer to a conditional write that meets another one in progress on the same key. */
const conditionalRequestConflict: Fault = {
  kind: 'respond',
  label: 's3-409-ConditionalRequestConflict',
  status: 409,
  headers: { 'content-type': 'application/xml', 'x-amz-request-id': 'FAULTPROXY' },
  body:
    '<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>ConditionalRequestConflict</Code>' +
    '<Message>The conditional request cannot succeed due to a conflicting operation against this resource.</Message>' +
    '<RequestId>FAULTPROXY</RequestId></Error>',
};

async function tokenFromDigest(address: string): Promise<string> {
  const email = (await stack().ses.emails()).find((m) => m.destination.to.includes(address));
  const header = email?.headers?.find((h) => h.name === 'List-Unsubscribe')?.value ?? '';
  return new URL(header.slice(1, -1)).searchParams.get('token') ?? '';
}

describe('unsubscribe round trip', () => {
  it('confirms on GET, unsubscribes on the one-click POST, idempotently, and the next digest skips the address', async () => {
    const story = buildSummary({ title: 'First story' });
    await stack().putSummary(story, summaryKey(story, new Date()));
    const today = new Date(Date.now() + 2000);
    await runDigest(stack().deps(env), today);
    const token = await tokenFromDigest('ana@example.com');
    const handler = unsubscribeHandler();
    const unsubscribed = () => createS3Unsubscribes(stack().s3, TEST_BUCKET, 'state/').all();

    const page = await handler(functionUrlEvent('GET', token), {} as never);
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('<form method="post"');
    expect(await unsubscribed()).not.toContain(subscriberId('ana@example.com'));

    const first = await handler(functionUrlEvent('POST', token), {} as never);
    const again = await handler(functionUrlEvent('POST', token), {} as never);
    expect([first.statusCode, again.statusCode]).toEqual([200, 200]);
    expect(again.body).toContain('You are unsubscribed');
    expect(await unsubscribed()).toEqual(new Set([subscriberId('ana@example.com')]));

    await stack().ses.clear();
    // The next day has nothing new; the short note makes sure it is the address, not the content, that is skipped.
    await runDigest(stack().deps({ ...env, SEND_EMPTY_DIGEST: 'true' }), new Date(today.getTime() + DAY_MS));
    const emails = await stack().ses.emails();
    expect(emails.map((m) => m.destination.to)).toEqual([['bo@example.org']]);
  });

  it('rejects a missing or forged token without touching state', async () => {
    const handler = unsubscribeHandler();
    const forged = `${subscriberId('bo@example.org')}.${'A'.repeat(43)}`;

    const responses = await Promise.all([
      handler(functionUrlEvent('POST', undefined), {} as never),
      handler(functionUrlEvent('POST', forged), {} as never),
      handler(functionUrlEvent('GET', 'not-a-token'), {} as never),
    ]);

    expect(responses.map((r) => r.statusCode)).toEqual([400, 400, 400]);
    expect(await createS3Unsubscribes(stack().s3, TEST_BUCKET, 'state/').all()).not.toContain(
      subscriberId('bo@example.org'),
    );
  });

  it('unsubscribes when the write races another conditional write to the same key (S3 409)', async () => {
    const proxy = await startFaultProxy({ target: stack().s3Emulator.endpoint });
    const s3 = createS3Client(
      { AWS_REGION: LOCAL_REGION, S3_ENDPOINT: proxy.url },
      {
        credentials: {
          accessKeyId: LOCAL_CREDENTIALS.AWS_ACCESS_KEY_ID,
          secretAccessKey: LOCAL_CREDENTIALS.AWS_SECRET_ACCESS_KEY,
        },
      },
    );
    try {
      proxy.add({
        name: 'racing write',
        method: 'PUT',
        path: /\/state\/unsubscribed\//,
        times: 1,
        fault: conditionalRequestConflict,
      });
      const id = subscriberId('gus@example.com');
      const token = unsubscribeToken(unsubscribeConfig().linkSecrets.current, id);

      const response = await unsubscribeHandler(s3)(functionUrlEvent('POST', token), {} as never);

      expect(proxy.injected('s3-409-ConditionalRequestConflict')).toBe(1);
      expect(response.statusCode).toBe(200);
      expect(response.body).toContain('You are unsubscribed');
      expect(await createS3Unsubscribes(stack().s3, TEST_BUCKET, 'state/').all()).toContain(id);
    } finally {
      s3.destroy();
      await proxy.close();
    }
  });

  describe('over HTTP, as mail clients send it', () => {
    let endpoint: LocalFunctionUrl | undefined;
    beforeAll(async () => {
      const handler = unsubscribeHandler();
      endpoint = await startFunctionUrl(
        () => handler as unknown as FunctionUrlHandler,
        () => ({}) as never,
      );
    });
    afterAll(async () => {
      await endpoint?.close();
    });

    const unsubscribed = () => createS3Unsubscribes(stack().s3, TEST_BUCKET, 'state/').all();
    const url = (token: string) => `${endpoint?.url ?? ''}?token=${encodeURIComponent(token)}`;
    const oneClick = () => {
      const form = new FormData();
      form.set('List-Unsubscribe', 'One-Click');
      return form;
    };

    it('unsubscribes on a urlencoded or multipart one-click POST and on no other POST', async () => {
      const [gmail, multipart, other] = ['cy@example.com', 'di@example.com', 'ed@example.com'];
      const token = async (address: string) => {
        await stack().ses.clear();
        const story = buildSummary({ title: `For ${address}` });
        await stack().putSummary(story, summaryKey(story, new Date()));
        await runDigest(stack().deps({ ...env, RECIPIENTS: address }), new Date(Date.now() + 2000));
        return tokenFromDigest(address);
      };
      const tokens = {
        gmail: await token(gmail),
        multipart: await token(multipart),
        other: await token(other),
      };

      const refused = await Promise.all([
        fetch(url(tokens.other), { method: 'POST' }),
        fetch(url(tokens.other), { method: 'POST', body: new URLSearchParams({ foo: 'bar' }) }),
        fetch(url(tokens.other), {
          method: 'POST',
          body: new URLSearchParams({ 'List-Unsubscribe': 'Yes' }),
        }),
      ]);
      const accepted = await Promise.all([
        fetch(url(tokens.gmail), {
          method: 'POST',
          headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
          body: 'List-Unsubscribe=One-Click',
        }),
        fetch(url(tokens.multipart), { method: 'POST', body: oneClick() }),
      ]);

      expect(refused.map((r) => r.status)).toEqual([400, 400, 400]);
      expect(await refused[1]?.text()).toContain('nothing was changed');
      expect(accepted.map((r) => r.status)).toEqual([200, 200]);
      const ids = await unsubscribed();
      expect(ids).toContain(subscriberId(gmail));
      expect(ids).toContain(subscriberId(multipart));
      expect(ids).not.toContain(subscriberId(other));
    });

    it('still unsubscribes with a link from a digest sent before tokens named their key', async () => {
      const id = subscriberId('fay@example.com');
      const legacy = `${id}.${createHmac('sha256', TEST_SECRET).update(`digest-unsubscribe/v1/${id}`).digest('base64url')}`;

      const response = await fetch(url(legacy), { method: 'POST', body: oneClick() });

      expect(response.status).toBe(200);
      expect(await unsubscribed()).toContain(id);
    });
  });
});
