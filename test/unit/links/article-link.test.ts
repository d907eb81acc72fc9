/**
 * The article-link endpoint over the production S3 client whose HTTP requests a fake answers as S3 would
 * (the adapter presigns for real, offline; only its HEAD and listing go to the fake): a genuine token is redirected to a URL presigned at click time for a few minutes; everything else gets a page.
 */
import { S3ServiceException } from '@aws-sdk/client-s3';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createS3Client } from '../../../src/aws/clients.js';
import { createS3OriginalLinks, OriginalAccessDeniedError } from '../../../src/aws/s3-presigner.js';
import {
  articleLinkToken,
  readArticleLinkToken,
  REDIRECT_LINK_SECONDS,
  type ArticleLinkDeps,
} from '../../../src/links/article-link.js';
import { fixedSecrets, rereadingSecrets } from '../../../src/links/link-secrets.js';
import type { LinkSecretSource } from '../../../src/links/ports.js';
import { signToken } from '../../../src/links/signed-token.js';
import { unsubscribeToken } from '../../../src/links/unsubscribe-token.js';
import { createArticleLinkHandler } from '../../../src/handlers/article-link-handler.js';
import {
  FAKE_CREDENTIALS,
  httpFake,
  isS3Listing,
  s3Head,
  s3HeadError,
  s3Listing,
  s3Target,
  type FakeAnswer,
} from '../../support/aws-http-fake.js';
import { functionUrlEvent } from '../../support/digest-events.js';
import { quietLogger } from '../../support/digest-memory.js';

const SECRET = 'a-secret-of-at-least-thirty-two-characters';
const BUCKET = 'digest-test-bucket';
const NOW = new Date('2026-11-24T07:00:00.000Z');
const LATER = new Date('2026-12-24T07:00:00.000Z');
const ref = { bucket: BUCKET, key: 'articles/a b+c%d/ünï.md' };

afterEach(() => {
  vi.restoreAllMocks();
});

/** How the fake S3 answers the HEAD of an original and the listing of its key. */
interface S3Answers {
  head?: FakeAnswer;
  list?: FakeAnswer;
}

/** A HEAD refused: no body, so only the status (the SDK names such an error `Unknown`). */
const forbidden = () => s3HeadError(403);

/** Flips one character of the signature (the last one carries padding bits, so not that one). */
const tamper = (token: string) => {
  const at = token.length - 2;
  return token.slice(0, at) + (token[at] === 'A' ? 'B' : 'A') + token.slice(at + 1);
};

/** The endpoint over the production S3 client (its retries included), its requests answered by `answers`. */
function endpoint(answers: S3Answers = {}, secrets: LinkSecretSource = fixedSecrets(SECRET)) {
  const { requestHandler, requests } = httpFake((request) => {
    if (request.method === 'HEAD' && answers.head) return answers.head;
    if (isS3Listing(request) && answers.list) return answers.list;
    return new Error(`The fake S3 has no answer for ${request.method} ${request.path}`);
  });
  const s3 = createS3Client(
    { AWS_REGION: 'eu-west-1' },
    { credentials: { ...FAKE_CREDENTIALS, sessionToken: 'session' }, requestHandler },
  );
  const deps: ArticleLinkDeps = {
    secrets,
    bucket: BUCKET,
    articlesPrefix: 'articles/',
    links: createS3OriginalLinks(s3),
    now: () => NOW,
  };
  const logger = quietLogger();
  const info = vi.spyOn(logger, 'info');
  const error = vi.spyOn(logger, 'error');
  const handler = createArticleLinkHandler(deps, logger);
  return {
    call: (method: string, token?: string) => handler(functionUrlEvent(method, token), {} as never),
    info,
    error,
    requests,
    /** Each HEAD's bucket, decoded key and query string (versionId). */
    heads: () => requests.filter((r) => r.method === 'HEAD').map((r) => ({ ...s3Target(r), query: r.query })),
    /** Each listing's bucket and query string (list-type=2 is ListObjectsV2). */
    listings: () => requests.filter(isS3Listing).map((r) => ({ bucket: s3Target(r).bucket, query: r.query })),
  };
}

describe('article-link tokens', () => {
  it('name the object, its version and the expiry, and nothing can be changed', () => {
    const token = articleLinkToken(SECRET, { ...ref, versionId: 'v1.2' }, LATER);
    const [, signature] = token.split('.');
    const forged = (claims: object) =>
      `${Buffer.from(JSON.stringify(claims)).toString('base64url')}.${signature}`;

    expect(readArticleLinkToken(SECRET, token)).toEqual({ ...ref, versionId: 'v1.2', expiresAt: LATER });
    expect(readArticleLinkToken(SECRET, articleLinkToken(SECRET, ref, LATER))).toEqual({
      ...ref,
      expiresAt: LATER,
    });
    expect(readArticleLinkToken(SECRET, tamper(token))).toBeUndefined();
    expect(
      readArticleLinkToken(SECRET, forged({ b: BUCKET, k: 'articles/other.md', e: 1798095600 })),
    ).toBeUndefined();
    expect(readArticleLinkToken(SECRET, forged({ b: BUCKET, k: ref.key, e: 4102444800 }))).toBeUndefined();
    expect(readArticleLinkToken('another-secret-of-thirty-two-characters', token)).toBeUndefined();
  });

  it('are not unsubscribe tokens, and an unsubscribe token is not one', () => {
    const unsubscribe = unsubscribeToken(SECRET, 'ab'.repeat(16));
    const sameBytes = signToken(
      SECRET,
      'unsubscribe',
      articleLinkToken(SECRET, ref, LATER).split('.')[0] ?? '',
    );

    expect(readArticleLinkToken(SECRET, unsubscribe)).toBeUndefined();
    expect(readArticleLinkToken(SECRET, sameBytes)).toBeUndefined();
  });

  it('refuse a genuine signature over a payload that is not a link', () => {
    const notJson = signToken(SECRET, 'articleLink', Buffer.from('{oops').toString('base64url'));
    const noKey = signToken(SECRET, 'articleLink', Buffer.from('{"b":"x","e":1}').toString('base64url'));

    expect(readArticleLinkToken(SECRET, notJson)).toBeUndefined();
    expect(readArticleLinkToken(SECRET, noKey)).toBeUndefined();
  });
});

describe('the article-link endpoint', () => {
  it('redirects a genuine link to the object, presigned now for a few minutes, with the page headers', async () => {
    const { call, info, heads } = endpoint({ head: s3Head({ 'content-length': '12' }) });
    const token = articleLinkToken(SECRET, ref, LATER);

    const response = await call('GET', token);

    expect(response.statusCode).toBe(302);
    const location = new URL(String(response.headers?.Location));
    expect(location.host).toBe(`${BUCKET}.s3.eu-west-1.amazonaws.com`);
    expect(decodeURIComponent(location.pathname)).toBe(`/${ref.key}`);
    expect(location.searchParams.get('X-Amz-Expires')).toBe(String(REDIRECT_LINK_SECONDS));
    expect(location.searchParams.has('X-Amz-Signature')).toBe(true);
    expect(response.headers).toMatchObject({
      'Cache-Control': 'no-store',
      'Referrer-Policy': 'no-referrer',
      'X-Robots-Tag': 'noindex',
      'X-Content-Type-Options': 'nosniff',
      'Content-Security-Policy': expect.stringContaining("default-src 'none'"),
    });
    expect(response.headers?.['Content-Security-Policy']).toContain("frame-ancestors 'none'");
    expect(heads()[0]).toEqual({ bucket: BUCKET, key: ref.key, query: {} });
    expect(info).toHaveBeenCalledWith(
      'Article link request',
      expect.objectContaining({ status: 302, key: ref.key }),
    );
    expect(JSON.stringify(info.mock.calls)).not.toContain(token.split('.')[1]);
  });

  it('presigns the original as a plain-text download, so an uploaded HTML page never renders on the bucket origin', async () => {
    const { call } = endpoint({ head: s3Head({ 'content-type': 'text/html; charset=ISO-8859-1' }) });
    const html = { bucket: BUCKET, key: 'articles/reports/Q3 "final" – ünï.html' };

    const response = await call('GET', articleLinkToken(SECRET, html, LATER));

    const location = new URL(String(response.headers?.Location));
    expect(location.searchParams.get('response-content-type')).toBe('text/plain; charset=iso-8859-1');
    expect(location.searchParams.get('response-content-disposition')).toBe(
      `attachment; filename="Q3 _final_ _ _n_.html"; filename*=UTF-8''Q3%20%22final%22%20%E2%80%93%20%C3%BCn%C3%AF.html`,
    );
    // Query parameters of a presigned URL are part of what SigV4 signs: the reader cannot drop them.
    expect(location.searchParams.has('X-Amz-Signature')).toBe(true);
  });

  it('answers in UTF-8 when the upload declared no charset', async () => {
    const { call } = endpoint({ head: s3Head({ 'content-type': 'text/html' }) });

    const response = await call('GET', articleLinkToken(SECRET, ref, LATER));

    const location = new URL(String(response.headers?.Location));
    expect(location.searchParams.get('response-content-type')).toBe('text/plain; charset=utf-8');
    expect(location.searchParams.get('response-content-disposition')).toMatch(/^attachment; filename="/);
  });

  it('redirects a link signed with a key rotated in since it read its secrets, after reading them again', async () => {
    const rotated = 'a-rotated-in-secret-of-thirty-two-characters';
    let reads = 0;
    const secrets = rereadingSecrets(
      { current: SECRET },
      async () => {
        reads += 1;
        return { current: rotated, previous: SECRET };
      },
      { minIntervalMs: 0 },
    );
    const { call } = endpoint({ head: s3Head() }, secrets);

    const old = await call('GET', articleLinkToken(SECRET, ref, LATER));
    const fresh = await call('GET', articleLinkToken(rotated, ref, LATER));
    const again = await call('GET', articleLinkToken(rotated, ref, LATER));

    expect([old.statusCode, fresh.statusCode, again.statusCode]).toEqual([302, 302, 302]);
    expect(reads).toBe(1);
  });

  it('presigns the version the token names', async () => {
    const { call, heads } = endpoint({ head: s3Head({ 'x-amz-version-id': 'v-7' }) });

    const response = await call('GET', articleLinkToken(SECRET, { ...ref, versionId: 'v-7' }, LATER));

    expect(new URL(String(response.headers?.Location)).searchParams.get('versionId')).toBe('v-7');
    expect(heads()[0]?.query.versionId).toBe('v-7');
  });

  it('answers HEAD like GET, without a body', async () => {
    const { call } = endpoint({ head: s3Head() });

    const response = await call('HEAD', articleLinkToken(SECRET, ref, LATER));

    expect([response.statusCode, response.body]).toEqual([302, '']);
    expect(response.headers?.Location).toMatch(/^https:\/\//);
  });

  it('refuses a missing, tampered or unsubscribe token with 403, without touching S3', async () => {
    const { call, requests } = endpoint({ head: s3Head() });

    const responses = await Promise.all([
      call('GET', undefined),
      call('GET', tamper(articleLinkToken(SECRET, ref, LATER))),
      call('GET', unsubscribeToken(SECRET, 'ab'.repeat(16))),
    ]);

    expect(responses.map((r) => r.statusCode)).toEqual([403, 403, 403]);
    expect(responses[0]?.body).toContain('This link is not valid');
    expect(responses.every((r) => r.headers?.Location === undefined)).toBe(true);
    expect(requests).toHaveLength(0);
  });

  it('says an expired link expired and what to do instead, with 410', async () => {
    const { call, requests } = endpoint({ head: s3Head() });

    const response = await call('GET', articleLinkToken(SECRET, ref, new Date(NOW.getTime() - 1000)));

    expect(response.statusCode).toBe(410);
    expect(response.body).toContain('This link has expired');
    expect(response.body).toContain('valid until 2026-11-24 06:59 UTC');
    expect(response.body).toContain('more recent digest');
    expect(requests).toHaveLength(0);
  });

  it('answers 404 when the object is gone or is not one this function serves', async () => {
    const { call, heads } = endpoint({ head: s3HeadError(404) });

    const gone = await call('GET', articleLinkToken(SECRET, ref, LATER));
    const otherBucket = await call('GET', articleLinkToken(SECRET, { ...ref, bucket: 'elsewhere' }, LATER));
    const otherPrefix = await call('GET', articleLinkToken(SECRET, { ...ref, key: 'state/x.json' }, LATER));

    expect([gone.statusCode, otherBucket.statusCode, otherPrefix.statusCode]).toEqual([404, 404, 404]);
    expect(gone.body).toContain('no longer available');
    expect(heads()).toHaveLength(1);
  });

  it('answers 404 when S3 refuses the HEAD with 403 and the listing shows the original is gone', async () => {
    // What S3 answers for a missing key when it does not count the prefix-scoped ListBucket grant.
    const { call, listings } = endpoint({ head: forbidden(), list: s3Listing([`${ref.key}.bak`]) });

    const gone = await call('GET', articleLinkToken(SECRET, ref, LATER));

    expect(gone.statusCode).toBe(404);
    expect(gone.body).toContain('no longer available');
    expect(listings()).toEqual([
      { bucket: BUCKET, query: { 'list-type': '2', prefix: ref.key, 'max-keys': '1' } },
    ]);
  });

  it('fails loudly (a Lambda error, alarmed, logged) when S3 refuses the HEAD of an original that is there', async () => {
    const { call, error } = endpoint({ head: forbidden(), list: s3Listing([ref.key]) });

    await expect(call('GET', articleLinkToken(SECRET, ref, LATER))).rejects.toThrow(
      OriginalAccessDeniedError,
    );
    expect(error).toHaveBeenCalledWith(
      'Article link request failed',
      expect.objectContaining({
        errorName: 'OriginalAccessDeniedError',
        error: expect.stringContaining(`s3://${BUCKET}/${ref.key}`),
      }),
    );
  });

  it('fails loudly when S3 fails for another reason', async () => {
    // S3's 503 SlowDown to a HEAD: the status alone, which the SDK retries (3 attempts) before failing.
    const { call, heads, listings } = endpoint({ head: s3HeadError(503), list: s3Listing([ref.key]) });
    // The SDK's backoff between its retries of the 503 is a random share of its ceiling: none here.
    vi.spyOn(Math, 'random').mockReturnValue(0);

    await expect(call('GET', articleLinkToken(SECRET, ref, LATER))).rejects.toThrow(S3ServiceException);
    expect(listings()).toHaveLength(0);
    expect(heads()).toHaveLength(3);
  });

  it('allows only GET and HEAD', async () => {
    const { call } = endpoint({ head: s3Head() });
    const token = articleLinkToken(SECRET, ref, LATER);

    const responses = await Promise.all(['POST', 'PUT', 'DELETE'].map((method) => call(method, token)));

    expect(responses.map((r) => r.statusCode)).toEqual([405, 405, 405]);
  });
});
