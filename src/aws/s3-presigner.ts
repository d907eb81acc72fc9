/**
 * Presigned GET links to stored originals. A URL signed with temporary credentials (a Lambda role) stops
 * working when those credentials expire, so the stated expiry is the earlier of the two when the SDK knows
 * the credentials' expiration.
 */
import { GetObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import type { LinkSigner } from '../ports.js';

export function createS3LinkSigner(s3: S3Client): LinkSigner {
  return {
    async presignGet(bucket, key, expiresInSeconds) {
      const credentials = await s3.config.credentials();
      const url = await getSignedUrl(s3, new GetObjectCommand({ Bucket: bucket, Key: key }), {
        expiresIn: expiresInSeconds,
      });
      const requested = Date.now() + expiresInSeconds * 1000;
      const expiresAt = Math.min(requested, credentials.expiration?.getTime() ?? requested);
      return { url, expiresAt: new Date(expiresAt) };
    },
  };
}
