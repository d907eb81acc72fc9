/**
 * The deployed article-link entry: its signing secrets come from Secrets Manager when only the ARN is set.
 * The entry builds its own clients from the environment, as on Lambda: Secrets Manager is a fake speaking
 * its JSON 1.1 protocol on 127.0.0.1 (`AWS_ENDPOINT_URL_SECRETS_MANAGER`), S3 is s3rver (`S3_ENDPOINT`).
 */
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { articleLinkToken } from '../../src/links/article-link.js';
import {
  LOCAL_CREDENTIALS,
  LOCAL_REGION,
  startS3Emulator,
  type S3Emulator,
} from '../../src/local/emulators.js';
import { holding } from '../support/aws-http-fake-secrets.js';
import { startSecretsManagerServer } from '../support/aws-http-server.js';
import { functionUrlEvent } from '../support/digest-events.js';
import { emulatorS3Client } from '../support/s3-fixtures.js';

const KEY = 'k'.repeat(64);
const BUCKET = 'digest-test-bucket';
const SECRET_ARN =
  'arn:aws:secretsmanager:us-east-1:123456789012:secret:article-digest/dev/article-link-AbCdEf';
/** Changes one character of the MAC (not the last, whose unused bits a spelling check alone would catch). */
const tamper = (token: string) => `${token.slice(0, -2)}${token.at(-2) === 'A' ? 'B' : 'A'}${token.at(-1)}`;

let s3rver: S3Emulator | undefined;
let secrets: Awaited<ReturnType<typeof startSecretsManagerServer>> | undefined;
beforeAll(async () => {
  s3rver = await startS3Emulator({ buckets: [BUCKET] });
  const s3 = emulatorS3Client(s3rver.endpoint);
  await s3.send(
    new PutObjectCommand({ Bucket: BUCKET, Key: 'articles/a.md', Body: '# A\n\nThe article.\n' }),
  );
  s3.destroy();
  secrets = await startSecretsManagerServer(holding({ [SECRET_ARN]: JSON.stringify({ current: KEY }) }));
});
afterAll(async () => {
  vi.unstubAllEnvs();
  await secrets?.close();
  await s3rver?.close();
});

describe('the article-link Lambda entry', () => {
  it('reads the secret ARTICLE_LINK_SIGNING_SECRET_ID names once and redirects genuine links', async () => {
    vi.stubEnv('AWS_REGION', LOCAL_REGION);
    // s3rver checks the SigV4 signature against its own fixed credentials.
    vi.stubEnv('AWS_ACCESS_KEY_ID', LOCAL_CREDENTIALS.AWS_ACCESS_KEY_ID);
    vi.stubEnv('AWS_SECRET_ACCESS_KEY', LOCAL_CREDENTIALS.AWS_SECRET_ACCESS_KEY);
    vi.stubEnv('AWS_ENDPOINT_URL_SECRETS_MANAGER', secrets?.url ?? '');
    vi.stubEnv('S3_ENDPOINT', s3rver?.endpoint ?? '');
    vi.stubEnv('BUCKET', BUCKET);
    vi.stubEnv('LINK_SIGNING_SECRET', '');
    vi.stubEnv('ARTICLE_LINK_SIGNING_SECRET', '');
    vi.stubEnv('ARTICLE_LINK_SIGNING_SECRET_ID', SECRET_ARN);
    vi.stubEnv('POWERTOOLS_LOG_LEVEL', 'SILENT');
    const { main } = await import('../../src/handlers/article-link.js');
    const later = new Date(Date.now() + 86_400_000);
    const ref = { bucket: BUCKET, key: 'articles/a.md' };
    const token = articleLinkToken(KEY, ref, later);

    const valid = await main(functionUrlEvent('GET', token), {} as never);
    const again = await main(functionUrlEvent('GET', token), {} as never);
    const altered = await main(functionUrlEvent('GET', tamper(token)), {} as never);

    expect([valid.statusCode, again.statusCode, altered.statusCode]).toEqual([302, 302, 403]);
    expect(secrets?.calls('GetSecretValue')).toHaveLength(1);
    expect(valid.headers).toMatchObject({ 'X-Content-Type-Options': 'nosniff' });
    expect(valid.headers?.['Content-Security-Policy']).toContain("frame-ancestors 'none'");
  });
});
