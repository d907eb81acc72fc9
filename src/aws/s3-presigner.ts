/**
 * Presigned GET links to stored originals. A URL signed with temporary credentials (a Lambda role) stops
 * working when those credentials expire, so the stated expiry is never later than theirs: their expiration
 * when the SDK knows it, otherwise (temporary credentials of unknown lifetime) at most an hour, the shortest
 * a role session lasts. The digest therefore links through the article-link function where it can, which
 * presigns at click time with `createS3OriginalLinks` for a few minutes.
 */
import {
  GetObjectCommand,
  HeadObjectCommand,
  NotFound,
  S3ServiceException,
  type S3Client,
} from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import type { OriginalLinks, OriginalRef, PresignedLink } from '../links/ports.js';
import type { LinkSigner } from '../use-cases/run-digest/ports.js';

/** The shortest session of a role (DurationSeconds minimum); Lambda's credentials last at least this. */
const UNKNOWN_TEMPORARY_LIFETIME_MS = 3_600_000;

async function presign(s3: S3Client, ref: OriginalRef, expiresInSeconds: number): Promise<PresignedLink> {
  const credentials = await s3.config.credentials();
  const now = Date.now();
  const limit =
    credentials.expiration?.getTime() ??
    (credentials.sessionToken ? now + UNKNOWN_TEMPORARY_LIFETIME_MS : Infinity);
  const expiresAt = Math.min(now + expiresInSeconds * 1000, limit);
  // The URL claims no more than the stated expiry (at least a second, as SigV4 requires).
  const url = await getSignedUrl(
    s3,
    new GetObjectCommand({ Bucket: ref.bucket, Key: ref.key, VersionId: ref.versionId }),
    { expiresIn: Math.max(1, Math.floor((expiresAt - now) / 1000)) },
  );
  return { url, expiresAt: new Date(expiresAt) };
}

export function createS3LinkSigner(s3: S3Client): LinkSigner {
  return { presign: (ref, expiresInSeconds) => presign(s3, ref, expiresInSeconds) };
}

export function createS3OriginalLinks(s3: S3Client): OriginalLinks {
  return {
    async presignExisting(ref, expiresInSeconds) {
      try {
        await s3.send(new HeadObjectCommand({ Bucket: ref.bucket, Key: ref.key, VersionId: ref.versionId }));
      } catch (error: unknown) {
        if (isMissing(error)) return undefined;
        throw error;
      }
      return presign(s3, ref, expiresInSeconds);
    },
  };
}

/** A HEAD has no body, so a missing key or version is only its status: 404. */
function isMissing(error: unknown): boolean {
  return (
    error instanceof NotFound ||
    (error instanceof S3ServiceException && error.$metadata.httpStatusCode === 404)
  );
}
