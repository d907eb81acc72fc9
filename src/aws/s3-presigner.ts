/**
 * Presigned GET links to stored originals. Note: a URL signed with temporary credentials (a Lambda role)
 * stops working when those credentials expire, which can be before `expiresInSeconds`.
 */
import { GetObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import type { LinkSigner } from '../ports.js';

export function createS3LinkSigner(s3: S3Client): LinkSigner {
  return {
    presignGet: (bucket, key, expiresInSeconds) =>
      getSignedUrl(s3, new GetObjectCommand({ Bucket: bucket, Key: key }), { expiresIn: expiresInSeconds }),
  };
}
