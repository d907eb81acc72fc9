/**
 * Presigned GET links to stored originals. A URL signed with temporary credentials (a Lambda role) stops
 * working when those credentials expire, so the stated expiry is never later than theirs: their expiration
 * when the SDK knows it, otherwise (temporary credentials of unknown lifetime) at most an hour, the shortest
 * a role session lasts. The digest therefore links through the article-link function where it can, which
 * presigns at click time with `createS3OriginalLinks` for a few minutes.
 *
 * Every link makes S3 answer with `Content-Type: text/plain` and `Content-Disposition: attachment` (the
 * signed `response-content-type` / `response-content-disposition` overrides, which the holder of the URL
 * cannot remove): an original is whatever was uploaded, and served with the uploader's type an HTML page
 * would render with its scripts on the bucket's origin. The charset is the one the upload declared, else
 * UTF-8; the download keeps the original's bytes and file name.
 */
import { GetObjectCommand, HeadObjectCommand, NotFound, type S3Client } from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import type { OriginalLinks, OriginalRef, PresignedLink } from '../links/ports.js';
import type { LinkSigner } from '../use-cases/run-digest/ports.js';
import { isStatus, keyExists } from './s3-objects.js';

/** The shortest session of a role (DurationSeconds minimum); Lambda's credentials last at least this. */
const UNKNOWN_TEMPORARY_LIFETIME_MS = 3_600_000;

async function presign(
  s3: S3Client,
  ref: OriginalRef,
  expiresInSeconds: number,
  uploadedContentType?: string,
): Promise<PresignedLink> {
  const credentials = await s3.config.credentials();
  const now = Date.now();
  const limit =
    credentials.expiration?.getTime() ??
    (credentials.sessionToken ? now + UNKNOWN_TEMPORARY_LIFETIME_MS : Infinity);
  const expiresAt = Math.min(now + expiresInSeconds * 1000, limit);
  // The URL claims no more than the stated expiry (at least a second, as SigV4 requires).
  const url = await getSignedUrl(
    s3,
    new GetObjectCommand({
      Bucket: ref.bucket,
      Key: ref.key,
      VersionId: ref.versionId,
      ResponseContentType: `text/plain; charset=${declaredCharset(uploadedContentType) ?? 'utf-8'}`,
      ResponseContentDisposition: attachment(ref.key),
    }),
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
      let contentType: string | undefined;
      try {
        const head = await s3.send(
          new HeadObjectCommand({ Bucket: ref.bucket, Key: ref.key, VersionId: ref.versionId }),
        );
        contentType = head.ContentType;
      } catch (error: unknown) {
        if (isStatus(error, 404) || error instanceof NotFound) return undefined;
        // S3 answers 403 instead of 404 for a missing key unless the caller may list the bucket, and whether
        // a ListBucket grant limited to articles/ counts is not documented. The listing (which that grant
        // does allow) tells the two apart: no such key is a deleted original; a key that is there is a real
        // permission problem, thrown as one.
        if (isStatus(error, 403)) {
          if (!(await keyExists(s3, ref.bucket, ref.key))) return undefined;
          throw new OriginalAccessDeniedError(ref, error);
        }
        throw error;
      }
      return presign(s3, ref, expiresInSeconds, contentType);
    },
  };
}

/** HEAD of a stored original that exists was refused: the role may not read it (a deployment problem). */
export class OriginalAccessDeniedError extends Error {
  override readonly name = 'OriginalAccessDeniedError';
  constructor(ref: OriginalRef, cause: unknown) {
    super(
      `S3 refused HEAD s3://${ref.bucket}/${ref.key}${ref.versionId === undefined ? '' : ` (version ${ref.versionId})`} ` +
        "with 403 although the key exists: the function's role lacks s3:GetObject" +
        `${ref.versionId === undefined ? '' : '/s3:GetObjectVersion'} on it, or a bucket policy or KMS key denies it.`,
      { cause },
    );
  }
}

/** The charset parameter of a Content-Type, when it is a plain charset name. */
function declaredCharset(contentType: string | undefined): string | undefined {
  const charset = /;\s*charset\s*=\s*"?([A-Za-z0-9._:-]{1,40})"?\s*(?:;|$)/i.exec(contentType ?? '')?.[1];
  return charset?.toLowerCase();
}

/**
 * `attachment` with the key's last segment as the file name (RFC 6266): an ASCII `filename` for old clients
 * (other characters, quotes, backslashes and `%` replaced by `_`) and the exact name as RFC 8187 `filename*`.
 */
export function attachment(key: string): string {
  const name = key.slice(key.lastIndexOf('/') + 1) || 'article';
  const ascii = name.replace(/[^\x20-\x7e]|["\\%]/gu, '_');
  const encoded = encodeURIComponent(name).replace(
    /['()*]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encoded}`;
}
