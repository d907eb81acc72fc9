/**
 * The article-link endpoint over a mocked S3 client (the adapter presigns for real, offline): a genuine
 * token is redirected to a URL presigned at click time for a few minutes; everything else gets a page.
 */
import {
  HeadObjectCommand,
  ListObjectsV2Command,
  NotFound,
  S3Client,
  S3ServiceException,
} from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
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
import { functionUrlEvent } from '../../support/digest-events.js';
import { quietLogger } from '../../support/digest-memory.js';

const SECRET = 'a-secret-of-at-least-thirty-two-characters';
const BUCKET = 'digest-test-bucket';
const NOW = new Date('2026-11-24T07:00:00.000Z');
const LATER = new Date('2026-12-24T07:00:00.000Z');
const ref = { bucket: BUCKET, key: 'articles/a b+c%d/ünï.md' };

const s3Mock = mockClient(S3Client);
// The mocks patch every client of the class in this worker: give the real ones back for the next file.
afterAll(() => {
  s3Mock.restore();
});
afterEach(() => s3Mock.reset());

/** A HEAD refused: no body, so only the status (the SDK names such an error `Unknown`). */
const forbidden = () =>
  new S3ServiceException({ name: 'Unknown', $fault: 'client', $metadata: { httpStatusCode: 403 } });

/** Flips one character of the signature (the last one carries padding bits, so not that one). */
const tamper = (token: string) => {
  const at = token.length - 2;
  return token.slice(0, at) + (token[at] === 'A' ? 'B' : 'A') + token.slice(at + 1);
};

function endpoint(secrets: LinkSecretSource = fixedSecrets(SECRET)) {
  const s3 = new S3Client({
    region: 'eu-west-1',
    credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret', sessionToken: 'session' },
  });
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
    s3Mock.on(HeadObjectCommand).resolves({ ContentLength: 12 });
    const { call, info } = endpoint();
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
    expect(s3Mock.commandCalls(HeadObjectCommand)[0]?.args[0].input).toEqual({
      Bucket: BUCKET,
      Key: ref.key,
    });
    expect(info).toHaveBeenCalledWith(
      'Article link request',
      expect.objectContaining({ status: 302, key: ref.key }),
    );
    expect(JSON.stringify(info.mock.calls)).not.toContain(token.split('.')[1]);
  });

  it('presigns the original as a plain-text download, so an uploaded HTML page never renders on the bucket origin', async () => {
    s3Mock.on(HeadObjectCommand).resolves({ ContentType: 'text/html; charset=ISO-8859-1' });
    const { call } = endpoint();
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
    s3Mock.on(HeadObjectCommand).resolves({ ContentType: 'text/html' });
    const { call } = endpoint();

    const response = await call('GET', articleLinkToken(SECRET, ref, LATER));

    const location = new URL(String(response.headers?.Location));
    expect(location.searchParams.get('response-content-type')).toBe('text/plain; charset=utf-8');
    expect(location.searchParams.get('response-content-disposition')).toMatch(/^attachment; filename="/);
  });

  it('redirects a link signed with a key rotated in since it read its secrets, after reading them again', async () => {
    s3Mock.on(HeadObjectCommand).resolves({});
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
    const { call } = endpoint(secrets);

    const old = await call('GET', articleLinkToken(SECRET, ref, LATER));
    const fresh = await call('GET', articleLinkToken(rotated, ref, LATER));
    const again = await call('GET', articleLinkToken(rotated, ref, LATER));

    expect([old.statusCode, fresh.statusCode, again.statusCode]).toEqual([302, 302, 302]);
    expect(reads).toBe(1);
  });

  it('presigns the version the token names', async () => {
    s3Mock.on(HeadObjectCommand).resolves({});
    const { call } = endpoint();

    const response = await call('GET', articleLinkToken(SECRET, { ...ref, versionId: 'v-7' }, LATER));

    expect(new URL(String(response.headers?.Location)).searchParams.get('versionId')).toBe('v-7');
    expect(s3Mock.commandCalls(HeadObjectCommand)[0]?.args[0].input.VersionId).toBe('v-7');
  });

  it('answers HEAD like GET, without a body', async () => {
    s3Mock.on(HeadObjectCommand).resolves({});
    const { call } = endpoint();

    const response = await call('HEAD', articleLinkToken(SECRET, ref, LATER));

    expect([response.statusCode, response.body]).toEqual([302, '']);
    expect(response.headers?.Location).toMatch(/^https:\/\//);
  });

  it('refuses a missing, tampered or unsubscribe token with 403, without touching S3', async () => {
    const { call } = endpoint();

    const responses = await Promise.all([
      call('GET', undefined),
      call('GET', tamper(articleLinkToken(SECRET, ref, LATER))),
      call('GET', unsubscribeToken(SECRET, 'ab'.repeat(16))),
    ]);

    expect(responses.map((r) => r.statusCode)).toEqual([403, 403, 403]);
    expect(responses[0]?.body).toContain('This link is not valid');
    expect(responses.every((r) => r.headers?.Location === undefined)).toBe(true);
    expect(s3Mock.calls()).toHaveLength(0);
  });

  it('says an expired link expired and what to do instead, with 410', async () => {
    const { call } = endpoint();

    const response = await call('GET', articleLinkToken(SECRET, ref, new Date(NOW.getTime() - 1000)));

    expect(response.statusCode).toBe(410);
    expect(response.body).toContain('This link has expired');
    expect(response.body).toContain('valid until 2026-11-24 06:59 UTC');
    expect(response.body).toContain('more recent digest');
    expect(s3Mock.calls()).toHaveLength(0);
  });

  it('answers 404 when the object is gone or is not one this function serves', async () => {
    s3Mock
      .on(HeadObjectCommand)
      .rejects(new NotFound({ message: 'Not Found', $metadata: { httpStatusCode: 404 } }));
    const { call } = endpoint();

    const gone = await call('GET', articleLinkToken(SECRET, ref, LATER));
    const otherBucket = await call('GET', articleLinkToken(SECRET, { ...ref, bucket: 'elsewhere' }, LATER));
    const otherPrefix = await call('GET', articleLinkToken(SECRET, { ...ref, key: 'state/x.json' }, LATER));

    expect([gone.statusCode, otherBucket.statusCode, otherPrefix.statusCode]).toEqual([404, 404, 404]);
    expect(gone.body).toContain('no longer available');
    expect(s3Mock.commandCalls(HeadObjectCommand)).toHaveLength(1);
  });

  it('answers 404 when S3 refuses the HEAD with 403 and the listing shows the original is gone', async () => {
    // What S3 answers for a missing key when it does not count the prefix-scoped ListBucket grant.
    s3Mock.on(HeadObjectCommand).rejects(forbidden());
    s3Mock.on(ListObjectsV2Command).resolves({ Contents: [{ Key: `${ref.key}.bak` }] });
    const { call } = endpoint();

    const gone = await call('GET', articleLinkToken(SECRET, ref, LATER));

    expect(gone.statusCode).toBe(404);
    expect(gone.body).toContain('no longer available');
    expect(s3Mock.commandCalls(ListObjectsV2Command).map((c) => c.args[0].input)).toEqual([
      { Bucket: BUCKET, Prefix: ref.key, MaxKeys: 1 },
    ]);
  });

  it('fails loudly (a Lambda error, alarmed, logged) when S3 refuses the HEAD of an original that is there', async () => {
    s3Mock.on(HeadObjectCommand).rejects(forbidden());
    s3Mock.on(ListObjectsV2Command).resolves({ Contents: [{ Key: ref.key }] });
    const { call, error } = endpoint();

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
    s3Mock
      .on(HeadObjectCommand)
      .rejects(
        new S3ServiceException({ name: 'SlowDown', $fault: 'server', $metadata: { httpStatusCode: 503 } }),
      );
    const { call } = endpoint();

    await expect(call('GET', articleLinkToken(SECRET, ref, LATER))).rejects.toThrow(S3ServiceException);
    expect(s3Mock.commandCalls(ListObjectsV2Command)).toHaveLength(0);
  });

  it('allows only GET and HEAD', async () => {
    const { call } = endpoint();
    const token = articleLinkToken(SECRET, ref, LATER);

    const responses = await Promise.all(['POST', 'PUT', 'DELETE'].map((method) => call(method, token)));

    expect(responses.map((r) => r.statusCode)).toEqual([405, 405, 405]);
  });
});
