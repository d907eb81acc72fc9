/** In-memory implementations of the summarize ports: real behaviour, no I/O, for unit tests of the use case. */
import {
  ArticleNotFoundError,
  ArticleTooLargeError,
  type ArticleStore,
  type FailureStore,
  type StoredArticle,
  type SummaryStore,
} from '../../src/use-cases/summarize-upload/ports.js';
import type { FailureRecord, Summary } from '../../src/summary/schema.js';
import type { SummarizeUploadDeps } from '../../src/use-cases/summarize-upload/summarize-upload.js';
import { testSummarizeSettings } from './summarize-settings.js';

export function memoryArticles(
  objects: Record<
    string,
    { body: string | Uint8Array; contentType?: string; metadata?: Record<string, string> }
  >,
): ArticleStore {
  return {
    async read(ref, maxBytes): Promise<StoredArticle> {
      const object = objects[ref.key];
      if (!object) throw new ArticleNotFoundError(`${ref.key} does not exist`);
      const bytes = typeof object.body === 'string' ? new TextEncoder().encode(object.body) : object.body;
      if (bytes.byteLength > maxBytes) {
        throw new ArticleTooLargeError(`${bytes.byteLength} bytes is over ${maxBytes}`);
      }
      return {
        bytes,
        size: bytes.byteLength,
        contentType: object.contentType,
        etag: ref.etag,
        metadata: object.metadata ?? {},
      };
    },
  };
}

export function memorySummaries(): SummaryStore & { stored: Map<string, Summary> } {
  const stored = new Map<string, Summary>();
  return {
    stored,
    async putIfAbsent(key, summary) {
      if (stored.has(key)) return false;
      stored.set(key, summary);
      return true;
    },
  };
}

export function memoryFailures(): FailureStore & { stored: Map<string, FailureRecord> } {
  const stored = new Map<string, FailureRecord>();
  return {
    stored,
    async put(key, record) {
      stored.set(key, record);
    },
  };
}

/** The summarize use case over in-memory stores, with the Lambda's default settings and a fixed clock. */
export function memorySummarizeDeps(articles: ArticleStore, now: Date) {
  const summaries = memorySummaries();
  const failures = memoryFailures();
  const value: SummarizeUploadDeps = {
    articles,
    summaries,
    failures,
    now: () => now,
    settings: testSummarizeSettings(),
  };
  return { value, summaries, failures };
}
