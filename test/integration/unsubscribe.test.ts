/**
 * The unsubscribe round trip over s3rver + aws-ses-v2-local + dynalite: the digest's List-Unsubscribe URL, a
 * GET that only confirms, the one-click POST (which unsubscribes the profile in the digest table),
 * idempotence, and no digest afterwards.
 */
import { createHmac } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { createDynamoDbClient } from '../../src/aws/clients.js';
import { createDynamoDbSubscriberStore } from '../../src/aws/dynamodb-subscriber-store.js';
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
import { LOCAL_REGION, LOCAL_CLIENT_CREDENTIALS } from '../../src/local/emulators.js';
import { functionUrlEvent } from '../support/digest-events.js';
import { TEST_BUCKET, TEST_SECRET, useDigestStack } from '../support/digest-stack.js';
import { quietLogger } from '../support/digest-memory.js';
import { buildSummary, summaryKey } from '../support/summary-fixtures.js';
import { startFaultProxy, type Fault } from '../support/fault-proxy.js';

const DAY_MS = 24 * 60 * 60 * 1000;

const stack = useDigestStack();

/** Wired as the entry wires it, from LINK_SIGNING_SECRET alone (as in the local stack). */
function unsubscribeConfig() {
  return loadLinkEndpointConfig('unsubscribe', {
    BUCKET: TEST_BUCKET,
    DIGEST_TABLE: stack().table(),
    LINK_SIGNING_SECRET: TEST_SECRET,
  });
}

/** As the entry wires it, on the table of the test running when a request comes (each test has its own). */
function unsubscribeHandler(dynamodb: () => DynamoDBClient = () => stack().dynamodb) {
  return createUnsubscribeHandler(
    {
      secrets: fixedSecrets(unsubscribeConfig().linkSecrets),
      unsubscribes: {
        add: (id, at) => createDynamoDbSubscriberStore(dynamodb(), stack().table()).add(id, at),
      },
      now: () => new Date(),
    },
    quietLogger(),
  );
}

/** The ids of every unsubscribed profile in the table. */
async function unsubscribed(): Promise<Set<string>> {
  const ids = new Set<string>();
  for await (const page of stack().store().list()) {
    for (const profile of page) if (profile.unsubscribedAt !== undefined) ids.add(profile.subscriber.id);
  }
  return ids;
}

/** DynamoDB's answer when a partition takes more writes than it can: the SDK retries it. */
const throughputExceeded: Fault = {
  kind: 'respond',
  label: 'dynamodb-400-ProvisionedThroughputExceeded',
  status: 400,
  headers: { 'content-type': 'application/x-amz-json-1.0', 'x-amzn-requestid': 'FAULTPROXY' },
  body: JSON.stringify({
    __type: 'com.amazonaws.dynamodb.v20120810#ProvisionedThroughputExceededException',
    message: 'The level of configured provisioned throughput for the table was exceeded.',
  }),
};

async function tokenFromDigest(address: string): Promise<string> {
  const email = (await stack().ses.emails()).find((m) => m.destination.to.includes(address));
  const header = email?.headers?.find((h) => h.name === 'List-Unsubscribe')?.value ?? '';
  return new URL(header.slice(1, -1)).searchParams.get('token') ?? '';
}

describe('unsubscribe round trip', () => {
  it('confirms on GET, unsubscribes on the one-click POST, idempotently, and the next digest skips the address', async () => {
    await stack().subscribeDue(['ana@example.com', 'bo@example.org']);
    const story = buildSummary({ title: 'First story' });
    await stack().putSummary(story, summaryKey(story, new Date()));
    const today = new Date(Date.now() + 2000);
    await runDigest(stack().deps(), today);
    const token = await tokenFromDigest('ana@example.com');
    const handler = unsubscribeHandler();

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
    await runDigest(stack().deps({ SEND_EMPTY_DIGEST: 'true' }), new Date(today.getTime() + DAY_MS));
    const emails = await stack().ses.emails();
    expect(emails.map((m) => m.destination.to)).toEqual([['bo@example.org']]);
  });

  it('rejects a missing or forged token without touching state', async () => {
    await stack().subscribeDue(['bo@example.org']);
    const handler = unsubscribeHandler();
    const forged = `${subscriberId('bo@example.org')}.${'A'.repeat(43)}`;

    const responses = await Promise.all([
      handler(functionUrlEvent('POST', undefined), {} as never),
      handler(functionUrlEvent('POST', forged), {} as never),
      handler(functionUrlEvent('GET', 'not-a-token'), {} as never),
    ]);

    expect(responses.map((r) => r.statusCode)).toEqual([400, 400, 400]);
    expect(await unsubscribed()).not.toContain(subscriberId('bo@example.org'));
    expect((await stack().store().get(subscriberId('bo@example.org')))?.dueAt).toBeDefined();
  });

  it('unsubscribes when DynamoDB throttles the write once (the SDK retries it)', async () => {
    const proxy = await startFaultProxy({ target: stack().dynamoDbEmulator.endpoint });
    const dynamodb = createDynamoDbClient(
      { AWS_REGION: LOCAL_REGION, DYNAMODB_ENDPOINT: proxy.url },
      { credentials: LOCAL_CLIENT_CREDENTIALS },
    );
    try {
      await stack().subscribeDue(['gus@example.com']);
      proxy.add({ name: 'throttled write', method: 'POST', times: 1, fault: throughputExceeded });
      const id = subscriberId('gus@example.com');
      const token = unsubscribeToken(unsubscribeConfig().linkSecrets.current, id);

      const response = await unsubscribeHandler(() => dynamodb)(functionUrlEvent('POST', token), {} as never);

      expect(proxy.injected('dynamodb-400-ProvisionedThroughputExceeded')).toBe(1);
      expect(response.statusCode).toBe(200);
      expect(response.body).toContain('You are unsubscribed');
      expect(await unsubscribed()).toContain(id);
    } finally {
      dynamodb.destroy();
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
        await stack().subscribeDue([address]);
        await runDigest(stack().deps(), new Date(Date.now() + 2000));
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
      await stack().subscribeDue(['fay@example.com']);
      const id = subscriberId('fay@example.com');
      const legacy = `${id}.${createHmac('sha256', TEST_SECRET).update(`digest-unsubscribe/v1/${id}`).digest('base64url')}`;

      const response = await fetch(url(legacy), { method: 'POST', body: oneClick() });

      expect(response.status).toBe(200);
      expect(await unsubscribed()).toContain(id);
    });
  });
});
