/**
 * What the summarize use case needs from the outside world. Adapters in `src/aws/` implement these on S3;
 * tests pass emulator-backed adapters or in-memory ones.
 */
import type { UploadIdentity } from '../../bucket-layout.js';
import type { FailureRecord, Summary } from '../../summary/schema.js';
import type { AbstractLimits } from '../../summary/verify-abstract.js';

/** Where an uploaded article lives, as the S3 event names it (key already decoded). */
export interface ArticleRef extends UploadIdentity {
  size?: number;
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

/** The object is gone (deleted before it was read); a retry cannot bring it back. */
export class ArticleNotFoundError extends Error {
  override readonly name = 'ArticleNotFoundError';
}

/** The key was overwritten after this upload and before it was read: the newer upload has its own event. */
export class ArticleSupersededError extends Error {
  override readonly name = 'ArticleSupersededError';
}

/** The object is larger than the limit the use case read it with; it was not downloaded. */
export class ArticleTooLargeError extends Error {
  override readonly name = 'ArticleTooLargeError';
}

export interface ArticleStore {
  /** Reads at most `maxBytes`; larger objects are rejected before they are downloaded. */
  read(ref: ArticleRef, maxBytes: number): Promise<StoredArticle>;
}

export interface SummaryStore {
  /** Stores a validated summary at `key`; returns false when that key already holds one (a redelivery). */
  putIfAbsent(key: string, summary: Summary): Promise<boolean>;
}

export interface FailureStore {
  put(key: string, record: FailureRecord): Promise<void>;
}

export interface DraftRequest {
  /** The article text the model is given (already cut to the input token budget). */
  article: string;
  limits: AbstractLimits;
  /** JSON Schema of the answer: the input of the one tool the model must call. */
  answerSchema: Record<string, unknown>;
}

/**
 * Writes a title, summary and key points with an LLM (SUMMARIZER=bedrock). Its answer is only a draft: the use
 * case parses it, verifies it against the article, and stores the extractive summary instead when it cannot.
 */
export interface AbstractiveSummarizer {
  /** Recorded in each summary's `summarizer.llm`. */
  readonly provider: string;
  readonly modelId: string;
  /** The model's answer as it gave it (unparsed); throws AbstractiveSummaryError when there is none. */
  draft(request: DraftRequest): Promise<unknown>;
}

/** Why the LLM gave no usable draft; the upload still gets its extractive summary. */
export type AbstractiveErrorCode = 'throttled' | 'timeout' | 'refused' | 'malformed-answer' | 'model-error';

export class AbstractiveSummaryError extends Error {
  override readonly name = 'AbstractiveSummaryError';
  constructor(
    message: string,
    readonly code: AbstractiveErrorCode,
  ) {
    super(message);
  }
}

/** LLM_DAILY_BUDGET: how many LLM calls a UTC day may make, counted across all concurrent invocations. */
export interface LlmCallBudget {
  /** Counts one call against the UTC day of `at`; false, counting nothing, when that day's calls are spent. */
  take(at: Date): Promise<boolean>;
}
