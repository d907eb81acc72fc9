import {
  HeadObjectCommand,
  ListObjectsV2Command,
  NotFound,
  S3Client,
  S3ServiceException,
} from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import {
  attachment,
  createS3LinkSigner,
  createS3OriginalLinks,
  OriginalAccessDeniedError,
} from '../../../src/aws/s3-presigner.js';

// Only send() is mocked: presigning signs offline and sends nothing.
const s3Mock = mockClient(S3Client);
// The mocks patch every client of the class in this worker: give the real ones back for the next file.
afterAll(() => {
  s3Mock.restore();
});
afterEach(() => s3Mock.reset());

describe('presigned links to stored originals', () => {
  it('state the earlier of the requested expiry and the expiry of the signing credentials', async () => {
    const soon = new Date(Date.now() + 3_600_000);
    const signer = (expiration?: Date) =>
      createS3LinkSigner(
        new S3Client({
          region: 'us-east-1',
          credentials: {
            accessKeyId: 'AKIDEXAMPLE',
            secretAccessKey: 'secret',
            sessionToken: 't',
            expiration,
          },
        }),
      );

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
    const signer = createS3LinkSigner(
      new S3Client({
        region: 'us-east-1',
        credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret', sessionToken: 't' },
      }),
    );

    const link = await signer.presign({ bucket: 'bucket', key: 'articles/a.txt' }, 604_800);

    expect(link.url).toMatch(/X-Amz-Expires=(3599|3600)&/);
    expect(link.expiresAt.getTime() - Date.now()).toBeLessThanOrEqual(3_600_000);
  });

  it('name the version of the stored original when the upload event named one', async () => {
    const signer = createS3LinkSigner(
      new S3Client({
        region: 'us-east-1',
        credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret' },
      }),
    );

    const link = await signer.presign({ bucket: 'bucket', key: 'articles/a.txt', versionId: 'v1.b+c' }, 600);

    expect(new URL(link.url).searchParams.get('versionId')).toBe('v1.b+c');
  });

  it('make S3 serve the original as a plain-text download, never as the type it was uploaded with', async () => {
    const signer = createS3LinkSigner(
      new S3Client({
        region: 'us-east-1',
        credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret' },
      }),
    );

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
  const links = () =>
    createS3OriginalLinks(
      new S3Client({
        region: 'us-east-1',
        credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret' },
      }),
    );
  /** A refused HEAD: no body, so only the status (the SDK names such an error `Unknown`). */
  const forbidden = () =>
    new S3ServiceException({ name: 'Unknown', $fault: 'client', $metadata: { httpStatusCode: 403 } });
  const listings = () => s3Mock.commandCalls(ListObjectsV2Command).map((c) => c.args[0].input);

  it('is presigned when the HEAD finds the original', async () => {
    s3Mock.on(HeadObjectCommand).resolves({ ContentType: 'text/plain; charset=windows-1252' });

    const link = await links().presignExisting(original, 300);

    expect(new URL(link?.url ?? 'http://x/').searchParams.get('response-content-type')).toBe(
      'text/plain; charset=windows-1252',
    );
    expect(listings()).toEqual([]);
  });

  it('is none when S3 answers the HEAD with 404, without a listing', async () => {
    s3Mock
      .on(HeadObjectCommand)
      .rejects(new NotFound({ message: 'Not Found', $metadata: { httpStatusCode: 404 } }));

    expect(await links().presignExisting(original, 300)).toBeUndefined();
    expect(listings()).toEqual([]);
  });

  it('is none when S3 answers 403 and the listing does not have the key (a deleted original)', async () => {
    s3Mock.on(HeadObjectCommand).rejects(forbidden());
    // A longer key under the same prefix is another object, not this one.
    s3Mock.on(ListObjectsV2Command).resolves({ Contents: [{ Key: `${original.key}.v2` }] });

    expect(await links().presignExisting(original, 300)).toBeUndefined();
    expect(listings()).toEqual([{ Bucket: 'bucket', Prefix: original.key, MaxKeys: 1 }]);
  });

  it('fails as a permission problem when S3 answers 403 and the listing has the key', async () => {
    s3Mock.on(HeadObjectCommand).rejects(forbidden());
    s3Mock.on(ListObjectsV2Command).resolves({ Contents: [{ Key: original.key }] });

    const presigning = links().presignExisting(original, 300);

    await expect(presigning).rejects.toThrow(OriginalAccessDeniedError);
    await expect(presigning).rejects.toThrow(
      /s3:\/\/bucket\/articles\/2026\/story\.txt with 403 although the key exists/,
    );
  });

  it('fails with the listing error when the key cannot be listed either', async () => {
    s3Mock.on(HeadObjectCommand).rejects(forbidden());
    s3Mock.on(ListObjectsV2Command).rejects(
      new S3ServiceException({
        name: 'AccessDenied',
        $fault: 'client',
        $metadata: { httpStatusCode: 403 },
      }),
    );

    await expect(links().presignExisting(original, 300)).rejects.toMatchObject({ name: 'AccessDenied' });
  });
});
