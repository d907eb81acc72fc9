import { S3ServiceException } from '@aws-sdk/client-s3';
import type { AwsCredentialIdentity } from '@smithy/types';
import { describe, expect, it } from 'vitest';
import { createS3Client } from '../../../src/aws/clients.js';
import {
  attachment,
  createS3LinkSigner,
  createS3OriginalLinks,
  OriginalAccessDeniedError,
} from '../../../src/aws/s3-presigner.js';
import {
  FAKE_CREDENTIALS,
  httpFake,
  isS3Listing,
  s3Error,
  s3Head,
  s3HeadError,
  s3Listing,
  s3Target,
  type FakeAnswer,
} from '../../support/aws-http-fake.js';

/** The production S3 client with `credentials`; presigning signs offline, so any request it sent fails. */
const offlineS3 = (credentials: AwsCredentialIdentity = FAKE_CREDENTIALS) =>
  createS3Client(
    { AWS_REGION: 'us-east-1' },
    {
      credentials,
      requestHandler: httpFake((request) => new Error(`presigning sent ${request.method} ${request.path}`))
        .requestHandler,
    },
  );

describe('presigned links to stored originals', () => {
  it('state the earlier of the requested expiry and the expiry of the signing credentials', async () => {
    const soon = new Date(Date.now() + 3_600_000);
    const signer = (expiration?: Date) =>
      createS3LinkSigner(offlineS3({ ...FAKE_CREDENTIALS, sessionToken: 't', expiration }));

    const temporary = await signer(soon).presign({ bucket: 'bucket', key: 'articles/a b.txt' }, 604_800);
    const longLived = await signer().presign({ bucket: 'bucket', key: 'articles/a b.txt' }, 600);

    // The URL claims no more than the stated expiry: the credentials' remaining hour, less the ms spent signing.
    expect(temporary.url).toMatch(
      /^https:\/\/bucket\.s3\.us-east-1\.amazonaws\.com\/articles\/a%20b\.txt\?.*X-Amz-Expires=(3600|359\d)&/,
    );
    expect(temporary.expiresAt).toEqual(soon);
    expect(longLived.expiresAt.getTime() - Date.now()).toBeGreaterThan(590_000);
  });

  it('state at most an hour for temporary credentials whose expiry the SDK does not know', async () => {
    const signer = createS3LinkSigner(offlineS3({ ...FAKE_CREDENTIALS, sessionToken: 't' }));

    const link = await signer.presign({ bucket: 'bucket', key: 'articles/a.txt' }, 604_800);

    expect(link.url).toMatch(/X-Amz-Expires=(3599|3600)&/);
    expect(link.expiresAt.getTime() - Date.now()).toBeLessThanOrEqual(3_600_000);
  });

  it('name the version of the stored original when the upload event named one', async () => {
    const signer = createS3LinkSigner(offlineS3());

    const link = await signer.presign({ bucket: 'bucket', key: 'articles/a.txt', versionId: 'v1.b+c' }, 600);

    expect(new URL(link.url).searchParams.get('versionId')).toBe('v1.b+c');
  });

  it('make S3 serve the original as a plain-text download, never as the type it was uploaded with', async () => {
    const signer = createS3LinkSigner(offlineS3());

    const link = await signer.presign({ bucket: 'bucket', key: 'articles/hostile page.html' }, 600);

    const query = new URL(link.url).searchParams;
    expect(query.get('response-content-type')).toBe('text/plain; charset=utf-8');
    expect(query.get('response-content-disposition')).toBe(
      `attachment; filename="hostile page.html"; filename*=UTF-8''hostile%20page.html`,
    );
  });
});

describe('the attachment file name', () => {
  it("is the key's last segment, in ASCII for old clients and exactly in filename* (RFC 6266, RFC 8187)", () => {
    expect(attachment('articles/plain.txt')).toBe(
      `attachment; filename="plain.txt"; filename*=UTF-8''plain.txt`,
    );
    expect(attachment(`articles/it's (1) 100%*.md`)).toBe(
      `attachment; filename="it's (1) 100_*.md"; filename*=UTF-8''it%27s%20%281%29%20100%25%2A.md`,
    );
    expect(attachment('articles/a\\b"c\u0001ü😀.txt')).toBe(
      `attachment; filename="a_b_c___.txt"; filename*=UTF-8''a%5Cb%22c%01%C3%BC%F0%9F%98%80.txt`,
    );
    expect(attachment('articles/')).toBe(`attachment; filename="article"; filename*=UTF-8''article`);
    expect(attachment('no-prefix')).toBe(`attachment; filename="no-prefix"; filename*=UTF-8''no-prefix`);
  });
});

describe('a link to a stored original presigned at click time', () => {
  const original = { bucket: 'bucket', key: 'articles/2026/story.txt' };
  /** The production S3 client (its retries included) answering the HEAD with `head`, a listing with `list`. */
  function links(head: FakeAnswer, list?: FakeAnswer) {
    const { requestHandler, requests } = httpFake((request) => {
      if (request.method === 'HEAD') return head;
      if (isS3Listing(request) && list) return list;
      return new Error(`The fake S3 has no answer for ${request.method} ${request.path}`);
    });
    const s3 = createS3Client({ AWS_REGION: 'us-east-1' }, { credentials: FAKE_CREDENTIALS, requestHandler });
    return {
      links: createS3OriginalLinks(s3),
      /** Each listing's bucket and query string (list-type=2 is ListObjectsV2). */
      listings: () =>
        requests.filter(isS3Listing).map((r) => ({ bucket: s3Target(r).bucket, query: r.query })),
    };
  }
  /** A refused HEAD: no body, so only the status (the SDK names such an error `Unknown`). */
  const forbidden = () => s3HeadError(403);
  /** The listing of the original's key as a prefix (MaxKeys 1). */
  const listingOfTheKey = {
    bucket: 'bucket',
    query: { 'list-type': '2', prefix: original.key, 'max-keys': '1' },
  };

  it('is presigned when the HEAD finds the original', async () => {
    const s3 = links(s3Head({ 'content-type': 'text/plain; charset=windows-1252' }));

    const link = await s3.links.presignExisting(original, 300);

    expect(new URL(link?.url ?? 'http://x/').searchParams.get('response-content-type')).toBe(
      'text/plain; charset=windows-1252',
    );
    expect(s3.listings()).toEqual([]);
  });

  it('is none when S3 answers the HEAD with 404, without a listing', async () => {
    const s3 = links(s3HeadError(404));

    expect(await s3.links.presignExisting(original, 300)).toBeUndefined();
    expect(s3.listings()).toEqual([]);
  });

  it('is none when S3 answers 403 and the listing does not have the key (a deleted original)', async () => {
    // A longer key under the same prefix is another object, not this one.
    const s3 = links(forbidden(), s3Listing([`${original.key}.v2`]));

    expect(await s3.links.presignExisting(original, 300)).toBeUndefined();
    expect(s3.listings()).toEqual([listingOfTheKey]);
  });

  it('fails as a permission problem when S3 answers 403 and the listing has the key', async () => {
    const s3 = links(forbidden(), s3Listing([original.key]));

    const presigning = s3.links.presignExisting(original, 300);

    await expect(presigning).rejects.toThrow(OriginalAccessDeniedError);
    await expect(presigning).rejects.toThrow(
      /s3:\/\/bucket\/articles\/2026\/story\.txt with 403 although the key exists/,
    );
  });

  it('fails with the listing error when the key cannot be listed either', async () => {
    const s3 = links(forbidden(), s3Error(403, 'AccessDenied', 'Access Denied'));

    const presigning = s3.links.presignExisting(original, 300);

    await expect(presigning).rejects.toMatchObject({ name: 'AccessDenied' });
    await expect(presigning).rejects.toBeInstanceOf(S3ServiceException);
  });
});
