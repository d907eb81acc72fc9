/** Reads uploaded articles from S3, refusing to download more than the configured maximum. */
import { GetObjectCommand, NoSuchKey, type S3Client } from '@aws-sdk/client-s3';
import {
  ArticleNotFoundError,
  ArticleSupersededError,
  ArticleTooLargeError,
  type ArticleRef,
  type ArticleStore,
  type StoredArticle,
} from '../use-cases/summarize-upload/ports.js';
import { isStatus, keyExists } from './s3-objects.js';

export function createS3ArticleStore(s3: S3Client): ArticleStore {
  return {
    async read(ref: ArticleRef, maxBytes: number): Promise<StoredArticle> {
      const location = `s3://${ref.bucket}/${ref.key}`;
      const response = await s3
        .send(
          new GetObjectCommand({
            Bucket: ref.bucket,
            Key: ref.key,
            VersionId: ref.versionId,
            // The event's ETag: if the key was overwritten since, this event's upload is gone and the
            // newer upload's own event summarizes the current content.
            IfMatch: ref.etag && !ref.versionId ? `"${ref.etag.replaceAll('"', '')}"` : undefined,
          }),
        )
        .catch(async (error: unknown) => {
          if (
            error instanceof NoSuchKey ||
            (isStatus(error, 403) && !(await keyExists(s3, ref.bucket, ref.key)))
          ) {
            // A role without bucket-wide s3:ListBucket gets 403, not 404, for a missing key: the listing
            // (allowed under articles/) tells a deleted upload from a real permission problem.
            throw new ArticleNotFoundError(
              `${location} no longer exists; it was deleted before it was read.`,
            );
          }
          if (isStatus(error, 412)) {
            throw new ArticleSupersededError(
              `${location} was overwritten after this upload and before it was read.`,
            );
          }
          throw error;
        });
      const size = response.ContentLength ?? 0;
      if (size > maxBytes) {
        response.Body?.transformToWebStream().cancel();
        throw new ArticleTooLargeError(
          `The article is ${size} bytes, over the ${maxBytes}-byte limit (MAX_ARTICLE_BYTES).`,
        );
      }
      const bytes = (await response.Body?.transformToByteArray()) ?? new Uint8Array();
      return {
        bytes,
        size: bytes.byteLength,
        contentType: response.ContentType,
        etag: response.ETag?.replaceAll('"', ''),
        versionId: response.VersionId,
        metadata: response.Metadata ?? {},
      };
    },
  };
}
