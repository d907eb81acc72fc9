/** Where things live in the bucket. One place, so the writer, the digest and the tests agree. */
import { createHash } from 'node:crypto';
import type { ArticleRef } from '../ports.js';

/**
 * Stable per upload: the same object version (a redelivered event) maps to the same id, so it overwrites
 * nothing and duplicates nothing; a new upload of the key (new etag/version) gets a new id.
 */
export function summaryIdFor(ref: Pick<ArticleRef, 'bucket' | 'key' | 'versionId' | 'etag'>): string {
  const version = ref.versionId ?? ref.etag ?? '';
  return createHash('sha256').update(`${ref.bucket}\n${ref.key}\n${version}`).digest('hex').slice(0, 32);
}

/** `<prefix>YYYY/MM/DD/<id>.json`, dated by the upload (UTC), so a late redelivery lands on the same key. */
export function partitionedKey(prefix: string, uploadedAt: Date, id: string): string {
  const [date] = uploadedAt.toISOString().split('T');
  return `${prefix}${(date ?? '').replaceAll('-', '/')}/${id}.json`;
}

/** S3 notifications URL-encode keys as a form does ("+" for a space); this is the one place they are decoded. */
export function decodeS3EventKey(encoded: string): string {
  return decodeURIComponent(encoded.replace(/\+/g, ' '));
}
