/** Reads uploaded articles from S3, refusing to download more than the configured maximum. */
import { GetObjectCommand, NoSuchKey, type S3Client } from '@aws-sdk/client-s3';
import { UnreadableArticleError } from '../article/document.js';
import { ArticleNotFoundError, type ArticleRef, type ArticleStore, type StoredArticle } from '../ports.js';

export function createS3ArticleStore(s3: S3Client): ArticleStore {
  return {
    async read(ref: ArticleRef, maxBytes: number): Promise<StoredArticle> {
      const response = await s3
        .send(new GetObjectCommand({ Bucket: ref.bucket, Key: ref.key, VersionId: ref.versionId }))
        .catch((error: unknown) => {
          if (error instanceof NoSuchKey) {
            throw new ArticleNotFoundError(
              `s3://${ref.bucket}/${ref.key} no longer exists; it was deleted before it was read.`,
            );
          }
          throw error;
        });
      const size = response.ContentLength ?? 0;
      if (size > maxBytes) {
        response.Body?.transformToWebStream().cancel();
        throw new UnreadableArticleError(
          'too-large',
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
