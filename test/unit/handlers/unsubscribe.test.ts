/**
 * The deployed unsubscribe entry: its signing secrets come from Secrets Manager when only the ARN is set,
 * and are read again when a token names a key rotated in since.
 */
import { createHmac } from 'node:crypto';
import { ConditionalCheckFailedException, DynamoDBClient, UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { LambdaFunctionURLEvent } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { subscriberId } from '../../../src/digest/subscribers.js';
import { unsubscribeToken } from '../../../src/links/unsubscribe-token.js';
import { functionUrlEvent } from '../../support/digest-events.js';

const KEY = 'k'.repeat(64);
const ROTATED = 'r'.repeat(64);
const SECRET_ARN =
  'arn:aws:secretsmanager:us-east-1:123456789012:secret:article-digest/dev/unsubscribe-AbCdEf';
const id = subscriberId('ana@example.com');
/** Changes one character of the MAC (not the last, whose unused bits a spelling check alone would catch). */
const tamper = (token: string) => `${token.slice(0, -2)}${token.at(-2) === 'A' ? 'B' : 'A'}${token.at(-1)}`;
const secrets = mockClient(SecretsManagerClient);
const dynamodb = mockClient(DynamoDBClient);
afterAll(() => {
  secrets.restore();
  dynamodb.restore();
});

beforeEach(() => {
  vi.resetModules();
  vi.stubEnv('BUCKET', 'digest-test-bucket');
  vi.stubEnv('DIGEST_TABLE', 'digest-test-table');
  vi.stubEnv('LINK_SIGNING_SECRET', '');
  vi.stubEnv('UNSUBSCRIBE_SIGNING_SECRET', '');
  vi.stubEnv('UNSUBSCRIBE_SIGNING_SECRET_ID', SECRET_ARN);
  vi.stubEnv('AWS_ACCESS_KEY_ID', 'AKIDEXAMPLE');
  vi.stubEnv('AWS_SECRET_ACCESS_KEY', 'secret');
  vi.stubEnv('POWERTOOLS_LOG_LEVEL', 'SILENT');
  dynamodb.on(UpdateItemCommand).resolves({});
});
afterEach(() => {
  secrets.reset();
  dynamodb.reset();
  vi.unstubAllEnvs();
});

const entry = async () => (await import('../../../src/handlers/unsubscribe.js')).main;
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
    secrets.on(GetSecretValueCommand, { SecretId: SECRET_ARN }).resolves({ SecretString: KEY });
    const main = await entry();

    const token = unsubscribeToken(KEY, id);
    const valid = await main(functionUrlEvent('GET', token), {} as never);
    const again = await main(functionUrlEvent('GET', token), {} as never);
    const altered = await main(functionUrlEvent('GET', tamper(token)), {} as never);

    expect([valid.statusCode, again.statusCode, altered.statusCode]).toEqual([200, 200, 400]);
    expect(secrets.commandCalls(GetSecretValueCommand)).toHaveLength(1);
  });

  it("keeps verifying unsubscribe links sent before tokens named their key (the stack's first secret)", async () => {
    secrets.on(GetSecretValueCommand).resolves({ SecretString: KEY });
    const main = await entry();
    const legacy = `${id}.${createHmac('sha256', KEY).update(`digest-unsubscribe/v1/${id}`).digest('base64url')}`;

    const response = await main(functionUrlEvent('GET', legacy), {} as never);

    expect(response.statusCode).toBe(200);
  });

  it('unsubscribes on the one-click POST (base64 or plain body) and on no other POST', async () => {
    secrets.on(GetSecretValueCommand).resolves({ SecretString: KEY });
    const main = await entry();
    const token = unsubscribeToken(KEY, id);

    const others = await Promise.all([
      main(post(token, 'foo=bar'), {} as never),
      main(post(token, ''), {} as never),
      main({ ...post(token, ''), body: undefined }, {} as never),
    ]);
    expect(others.map((r) => r.statusCode)).toEqual([400, 400, 400]);
    expect(others[0]?.body).toContain('nothing was changed');
    expect(dynamodb.commandCalls(UpdateItemCommand)).toHaveLength(0);

    // The fixture is what a function URL delivers for Gmail's POST: the form body, base64-encoded.
    const encoded = await main(functionUrlEvent('POST', token), {} as never);
    const plain = await main(post(token, 'List-Unsubscribe=One-Click'), {} as never);
    expect([encoded.statusCode, plain.statusCode]).toEqual([200, 200]);
    const updates = dynamodb.commandCalls(UpdateItemCommand).map((c) => c.args[0].input);
    expect(updates).toHaveLength(2);
    expect(updates[0]).toMatchObject({
      TableName: 'digest-test-table',
      Key: { pk: { S: `SUB#${id}` }, sk: { S: 'PROFILE' } },
      ConditionExpression: expect.stringContaining('attribute_not_exists(#unsubscribedAt)'),
    });
  });

  it('answers a repeated one-click POST as a success when the store finds them already unsubscribed', async () => {
    secrets.on(GetSecretValueCommand).resolves({ SecretString: KEY });
    dynamodb
      .on(UpdateItemCommand)
      .rejects(
        new ConditionalCheckFailedException({ message: 'The conditional request failed', $metadata: {} }),
      );
    const main = await entry();

    const response = await main(post(unsubscribeToken(KEY, id), 'List-Unsubscribe=One-Click'), {} as never);

    expect(response.statusCode).toBe(200);
    expect(response.body).toContain('You are unsubscribed');
  });

  it('answers with headers that keep its pages unframed and unsniffed', async () => {
    secrets.on(GetSecretValueCommand).resolves({ SecretString: KEY });
    const main = await entry();

    const response = await main(functionUrlEvent('GET', unsubscribeToken(KEY, id)), {} as never);

    expect(response.headers).toMatchObject({
      'X-Content-Type-Options': 'nosniff',
      'Cache-Control': 'no-store',
      'Referrer-Policy': 'no-referrer',
    });
    expect(response.headers?.['Content-Security-Policy']).toContain("frame-ancestors 'none'");
  });

  it('reads its secret again for a token signed with a key rotated in since, then not again within a minute', async () => {
    secrets
      .on(GetSecretValueCommand)
      .resolvesOnce({ SecretString: KEY })
      .resolves({ SecretString: JSON.stringify({ current: ROTATED, previous: KEY, legacy: KEY }) });
    const main = await entry();
    const forgedKeyId = `${id}.forgedId.${'A'.repeat(43)}`;

    const before = await main(functionUrlEvent('GET', unsubscribeToken(KEY, id)), {} as never);
    const rotated = await main(functionUrlEvent('GET', unsubscribeToken(ROTATED, id)), {} as never);
    const previous = await main(functionUrlEvent('GET', unsubscribeToken(KEY, id)), {} as never);
    const forged = await main(functionUrlEvent('GET', forgedKeyId), {} as never);

    expect([before, rotated, previous, forged].map((r) => r.statusCode)).toEqual([200, 200, 200, 400]);
    expect(secrets.commandCalls(GetSecretValueCommand)).toHaveLength(2);
  });
});
