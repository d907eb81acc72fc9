/** The deployed article-link entry: its signing secrets come from Secrets Manager when only the ARN is set. */
import { HeadObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { articleLinkToken } from '../../../src/links/article-link.js';
import { functionUrlEvent } from '../../support/digest-events.js';

const KEY = 'k'.repeat(64);
const SECRET_ARN =
  'arn:aws:secretsmanager:us-east-1:123456789012:secret:article-digest/dev/article-link-AbCdEf';
/** Changes one character of the MAC (not the last, whose unused bits a spelling check alone would catch). */
const tamper = (token: string) => `${token.slice(0, -2)}${token.at(-2) === 'A' ? 'B' : 'A'}${token.at(-1)}`;
const secrets = mockClient(SecretsManagerClient);
const s3 = mockClient(S3Client);
afterAll(() => {
  secrets.restore();
  s3.restore();
  vi.unstubAllEnvs();
});

describe('the article-link Lambda entry', () => {
  it('reads the secret ARTICLE_LINK_SIGNING_SECRET_ID names once and redirects genuine links', async () => {
    secrets
      .on(GetSecretValueCommand, { SecretId: SECRET_ARN })
      .resolves({ SecretString: JSON.stringify({ current: KEY }) });
    s3.on(HeadObjectCommand).resolves({});
    vi.stubEnv('BUCKET', 'digest-test-bucket');
    vi.stubEnv('LINK_SIGNING_SECRET', '');
    vi.stubEnv('ARTICLE_LINK_SIGNING_SECRET', '');
    vi.stubEnv('ARTICLE_LINK_SIGNING_SECRET_ID', SECRET_ARN);
    vi.stubEnv('AWS_ACCESS_KEY_ID', 'AKIDEXAMPLE');
    vi.stubEnv('AWS_SECRET_ACCESS_KEY', 'secret');
    vi.stubEnv('POWERTOOLS_LOG_LEVEL', 'SILENT');
    const { main } = await import('../../../src/handlers/article-link.js');
    const later = new Date(Date.now() + 86_400_000);
    const ref = { bucket: 'digest-test-bucket', key: 'articles/a.md' };
    const token = articleLinkToken(KEY, ref, later);

    const valid = await main(functionUrlEvent('GET', token), {} as never);
    const again = await main(functionUrlEvent('GET', token), {} as never);
    const altered = await main(functionUrlEvent('GET', tamper(token)), {} as never);

    expect([valid.statusCode, again.statusCode, altered.statusCode]).toEqual([302, 302, 403]);
    expect(secrets.commandCalls(GetSecretValueCommand)).toHaveLength(1);
    expect(valid.headers).toMatchObject({ 'X-Content-Type-Options': 'nosniff' });
    expect(valid.headers?.['Content-Security-Policy']).toContain("frame-ancestors 'none'");
  });
});
