/** The deployed article-link entry: its signing key comes from Secrets Manager when only the ARN is set. */
import { HeadObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { articleLinkToken } from '../../../src/links/article-link.js';
import { functionUrlEvent } from '../../support/digest-events.js';

const KEY = 'k'.repeat(64);
const secrets = mockClient(SecretsManagerClient);
const s3 = mockClient(S3Client);
afterAll(() => {
  secrets.restore();
  s3.restore();
  vi.unstubAllEnvs();
});

describe('the article-link Lambda entry', () => {
  it('reads the signing key named by LINK_SIGNING_SECRET_ID once and redirects genuine links', async () => {
    secrets.on(GetSecretValueCommand).resolves({ SecretString: KEY });
    s3.on(HeadObjectCommand).resolves({});
    vi.stubEnv('BUCKET', 'digest-test-bucket');
    vi.stubEnv('LINK_SIGNING_SECRET', '');
    vi.stubEnv('LINK_SIGNING_SECRET_ID', 'arn:aws:secretsmanager:us-east-1:123456789012:secret:key-AbCdEf');
    vi.stubEnv('AWS_ACCESS_KEY_ID', 'AKIDEXAMPLE');
    vi.stubEnv('AWS_SECRET_ACCESS_KEY', 'secret');
    vi.stubEnv('POWERTOOLS_LOG_LEVEL', 'SILENT');
    const { main } = await import('../../../src/handlers/article-link.js');
    const later = new Date(Date.now() + 86_400_000);
    const ref = { bucket: 'digest-test-bucket', key: 'articles/a.md' };

    const valid = await main(functionUrlEvent('GET', articleLinkToken(KEY, ref, later)), {} as never);
    const forged = await main(
      functionUrlEvent('GET', articleLinkToken('x'.repeat(64), ref, later)),
      {} as never,
    );

    expect([valid.statusCode, forged.statusCode]).toEqual([302, 403]);
    expect(secrets.commandCalls(GetSecretValueCommand)).toHaveLength(1);
  });
});
