/** The deployed unsubscribe entry: its signing key comes from Secrets Manager when only the ARN is set. */
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { subscriberId } from '../../../src/digest/subscribers.js';
import { unsubscribeToken } from '../../../src/links/unsubscribe-token.js';
import { functionUrlEvent } from '../../support/digest-events.js';

const KEY = 'k'.repeat(64);
const secrets = mockClient(SecretsManagerClient);
afterAll(() => {
  secrets.restore();
  vi.unstubAllEnvs();
});

describe('the unsubscribe Lambda entry', () => {
  it('reads the signing key named by LINK_SIGNING_SECRET_ID once and verifies tokens with it', async () => {
    secrets.on(GetSecretValueCommand).resolves({ SecretString: KEY });
    vi.stubEnv('BUCKET', 'digest-test-bucket');
    vi.stubEnv('LINK_SIGNING_SECRET', '');
    vi.stubEnv(
      'LINK_SIGNING_SECRET_ID',
      'arn:aws:secretsmanager:us-east-1:123456789012:secret:unsubscribe-AbCdEf',
    );
    vi.stubEnv('POWERTOOLS_LOG_LEVEL', 'SILENT');
    const { main } = await import('../../../src/handlers/unsubscribe.js');

    const valid = await main(
      functionUrlEvent('GET', unsubscribeToken(KEY, subscriberId('ana@example.com'))),
      {} as never,
    );
    const forged = await main(
      functionUrlEvent('GET', unsubscribeToken('x'.repeat(64), subscriberId('ana@example.com'))),
      {} as never,
    );

    expect([valid.statusCode, forged.statusCode]).toEqual([200, 400]);
    expect(secrets.commandCalls(GetSecretValueCommand)).toHaveLength(1);
  });
});
