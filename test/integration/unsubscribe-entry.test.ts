/**
 * The deployed unsubscribe entry: its signing secrets come from Secrets Manager when only the ARN is set,
 * and are read again when a token names a key rotated in since. The entry builds its own clients from the
 * environment, as on Lambda: Secrets Manager is a fake speaking its JSON 1.1 protocol on 127.0.0.1
 * (`AWS_ENDPOINT_URL_SECRETS_MANAGER`, a new one for each test), DynamoDB is dynalite behind a fault proxy
 * that injects nothing and only shows which writes the entry sent (`DYNAMODB_ENDPOINT`).
 */
import { createHmac, randomUUID } from 'node:crypto';
import type { LambdaFunctionURLEvent } from 'aws-lambda';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { createDigestTable } from '../../src/aws/digest-table.js';
import { createDynamoDbSubscriberStore } from '../../src/aws/dynamodb-subscriber-store.js';
import { subscriberId } from '../../src/digest/subscribers.js';
import { unsubscribeToken } from '../../src/links/unsubscribe-token.js';
import { LOCAL_REGION } from '../../src/local/emulators.js';
import { holding, type JsonResponder } from '../support/aws-http-fake-secrets.js';
import { startSecretsManagerServer, type SecretsManagerServer } from '../support/aws-http-server.js';
import { functionUrlEvent } from '../support/digest-events.js';
import { localDynamoDbForTests } from '../support/local-dynamodb.js';
import { subscribersOf } from '../support/digest-memory.js';
import { dynamoDbRequest, faults, startFaultProxy, type FaultProxy } from '../support/fault-proxy.js';

const KEY = 'k'.repeat(64);
const ROTATED = 'r'.repeat(64);
const SECRET_ARN =
  'arn:aws:secretsmanager:us-east-1:123456789012:secret:article-digest/dev/unsubscribe-AbCdEf';
const EMAIL = 'ana@example.com';
const id = subscriberId(EMAIL);
/** Changes one character of the MAC (not the last, whose unused bits a spelling check alone would catch). */
const tamper = (token: string) => `${token.slice(0, -2)}${token.at(-2) === 'A' ? 'B' : 'A'}${token.at(-1)}`;

let proxy: FaultProxy | undefined;
/** Straight to dynalite, not through the proxy: the test's own reads and writes are not the entry's. */
const dynalite = localDynamoDbForTests();
/** The inputs of the UpdateItem requests the entry sent in this test, in order. */
let updates: Record<string, unknown>[] = [];
/** This test's digest table (`DIGEST_TABLE`), holding Ana's profile. */
let table = '';
let secrets: SecretsManagerServer | undefined;

beforeAll(async () => {
  proxy = await startFaultProxy({ target: dynalite.endpoint });
  // A rule that never matches: it only sees every request go by.
  proxy.add({
    name: 'sees the UpdateItem requests',
    match: (request) => {
      const call = dynamoDbRequest(request);
      if (call?.operation === 'UpdateItem') updates.push(call.input);
      return false;
    },
    fault: faults.dropBeforeForwarding(),
  });
});
afterAll(async () => {
  await proxy?.close();
});

const store = () => createDynamoDbSubscriberStore(dynalite.client, table);

beforeEach(async () => {
  vi.resetModules();
  updates = [];
  table = `digest-test-${randomUUID()}`;
  await createDigestTable(dynalite.client, table);
  for (const subscriber of subscribersOf({ subscribers: [{ email: EMAIL }] })) {
    await store().put(subscriber, new Date(0));
  }
  vi.stubEnv('AWS_REGION', LOCAL_REGION);
  vi.stubEnv('AWS_ACCESS_KEY_ID', 'AKIDEXAMPLE');
  vi.stubEnv('AWS_SECRET_ACCESS_KEY', 'secret');
  vi.stubEnv('DYNAMODB_ENDPOINT', proxy!.url);
  vi.stubEnv('BUCKET', 'digest-test-bucket');
  vi.stubEnv('DIGEST_TABLE', table);
  vi.stubEnv('LINK_SIGNING_SECRET', '');
  vi.stubEnv('UNSUBSCRIBE_SIGNING_SECRET', '');
  vi.stubEnv('UNSUBSCRIBE_SIGNING_SECRET_ID', SECRET_ARN);
  vi.stubEnv('POWERTOOLS_LOG_LEVEL', 'SILENT');
});
afterEach(async () => {
  vi.unstubAllEnvs();
  await secrets?.close();
  secrets = undefined;
});

/** A fresh cold start of the entry, its Secrets Manager answering with `respond`. */
async function entry(respond: JsonResponder) {
  secrets = await startSecretsManagerServer(respond);
  vi.stubEnv('AWS_ENDPOINT_URL_SECRETS_MANAGER', secrets.url);
  return (await import('../../src/handlers/unsubscribe.js')).main;
}
/** Secrets Manager holding KEY in the secret UNSUBSCRIBE_SIGNING_SECRET_ID names. */
const holdingKey = holding({ [SECRET_ARN]: KEY });

const post = (token: string, body: string, contentType = 'application/x-www-form-urlencoded') => {
  const event = functionUrlEvent('POST', token);
  return {
    ...event,
    headers: { ...event.headers, 'content-type': contentType },
    body,
    isBase64Encoded: false,
  } satisfies LambdaFunctionURLEvent;
};

describe('the unsubscribe Lambda entry', () => {
  it('reads the secret UNSUBSCRIBE_SIGNING_SECRET_ID names once and verifies tokens with it', async () => {
    const main = await entry(holdingKey);

    const token = unsubscribeToken(KEY, id);
    const valid = await main(functionUrlEvent('GET', token), {} as never);
    const again = await main(functionUrlEvent('GET', token), {} as never);
    const altered = await main(functionUrlEvent('GET', tamper(token)), {} as never);

    expect([valid.statusCode, again.statusCode, altered.statusCode]).toEqual([200, 200, 400]);
    expect(secrets?.calls('GetSecretValue')).toHaveLength(1);
  });

  it("keeps verifying unsubscribe links sent before tokens named their key (the stack's first secret)", async () => {
    const main = await entry(holdingKey);
    const legacy = `${id}.${createHmac('sha256', KEY).update(`digest-unsubscribe/v1/${id}`).digest('base64url')}`;

    const response = await main(functionUrlEvent('GET', legacy), {} as never);

    expect(response.statusCode).toBe(200);
  });

  it('unsubscribes on the one-click POST (base64 or plain body) and on no other POST', async () => {
    const main = await entry(holdingKey);
    const token = unsubscribeToken(KEY, id);

    const others = await Promise.all([
      main(post(token, 'foo=bar'), {} as never),
      main(post(token, ''), {} as never),
      main({ ...post(token, ''), body: undefined }, {} as never),
    ]);
    expect(others.map((r) => r.statusCode)).toEqual([400, 400, 400]);
    expect(others[0]?.body).toContain('nothing was changed');
    expect(updates).toHaveLength(0);

    // The fixture is what a function URL delivers for Gmail's POST: the form body, base64-encoded.
    const encoded = await main(functionUrlEvent('POST', token), {} as never);
    const plain = await main(post(token, 'List-Unsubscribe=One-Click'), {} as never);
    expect([encoded.statusCode, plain.statusCode]).toEqual([200, 200]);
    expect(updates).toHaveLength(2);
    expect(updates[0]).toMatchObject({
      TableName: table,
      Key: { pk: { S: `SUB#${id}` }, sk: { S: 'PROFILE' } },
      ConditionExpression: expect.stringContaining('attribute_not_exists(#unsubscribedAt)'),
    });
    expect((await store().get(id))?.unsubscribedAt).toBeDefined();
  });

  it('answers a repeated one-click POST as a success when the store finds them already unsubscribed', async () => {
    await store().add(id, new Date());
    const main = await entry(holdingKey);

    const response = await main(post(unsubscribeToken(KEY, id), 'List-Unsubscribe=One-Click'), {} as never);

    // dynalite refused the entry's conditional write (ConditionalCheckFailedException is a 400).
    expect(updates).toHaveLength(1);
    expect(proxy?.log.at(-1)?.upstreamStatus).toBe(400);
    expect(response.statusCode).toBe(200);
    expect(response.body).toContain('You are unsubscribed');
  });

  it('answers with headers that keep its pages unframed and unsniffed', async () => {
    const main = await entry(holdingKey);

    const response = await main(functionUrlEvent('GET', unsubscribeToken(KEY, id)), {} as never);

    expect(response.headers).toMatchObject({
      'X-Content-Type-Options': 'nosniff',
      'Cache-Control': 'no-store',
      'Referrer-Policy': 'no-referrer',
    });
    expect(response.headers?.['Content-Security-Policy']).toContain("frame-ancestors 'none'");
  });

  it('reads its secret again for a token signed with a key rotated in since, then not again within a minute', async () => {
    const rotated = holding({
      [SECRET_ARN]: JSON.stringify({ current: ROTATED, previous: KEY, legacy: KEY }),
    });
    const main = await entry((call, index) => (index === 0 ? holdingKey : rotated)(call, index));
    const forgedKeyId = `${id}.forgedId.${'A'.repeat(43)}`;

    const before = await main(functionUrlEvent('GET', unsubscribeToken(KEY, id)), {} as never);
    const afterRotation = await main(functionUrlEvent('GET', unsubscribeToken(ROTATED, id)), {} as never);
    const previous = await main(functionUrlEvent('GET', unsubscribeToken(KEY, id)), {} as never);
    const forged = await main(functionUrlEvent('GET', forgedKeyId), {} as never);

    expect([before, afterRotation, previous, forged].map((r) => r.statusCode)).toEqual([200, 200, 200, 400]);
    expect(secrets?.calls('GetSecretValue')).toHaveLength(2);
  });
});
