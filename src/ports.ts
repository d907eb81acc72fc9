/**
 * The narrow ports the core talks through. Adapters in `src/aws/` implement them on S3 and SES; tests
 * pass emulator-backed adapters or adapters over a mocked SDK client. Nothing here imports AWS.
 */
import type { FailureRecord, Summary } from './summary/schema.js';

/** Where an uploaded article lives, as the S3 event names it (key already decoded). */
export interface ArticleRef {
  bucket: string;
  key: string;
  size?: number;
  etag?: string;
  versionId?: string;
  /** When the object was uploaded (the event time); fixes the summary's date partition. */
  uploadedAt: Date;
}

export interface StoredArticle {
  bytes: Uint8Array;
  size: number;
  contentType?: string;
  etag?: string;
  versionId?: string;
  /** User metadata of the object (x-amz-meta-*), e.g. `source-url`. */
  metadata: Record<string, string>;
}

export interface ArticleStore {
  /** Reads at most `maxBytes`; larger objects are rejected before they are downloaded. */
  read(ref: ArticleRef, maxBytes: number): Promise<StoredArticle>;
}

export interface StoredSummary {
  summary: Summary;
  key: string;
  storedAt: Date;
}

export interface SummaryStore {
  /** Stores a validated summary at `key`; returns false when that key already holds one (a redelivery). */
  putIfAbsent(key: string, summary: Summary): Promise<boolean>;
}

export interface FailureStore {
  put(key: string, record: FailureRecord): Promise<void>;
}
