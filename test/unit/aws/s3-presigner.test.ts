import { S3Client } from '@aws-sdk/client-s3';
import { describe, expect, it } from 'vitest';
import { createS3LinkSigner } from '../../../src/aws/s3-presigner.js';

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
});
