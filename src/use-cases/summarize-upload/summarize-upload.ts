/**
 * The summarize use case: one uploaded object becomes a stored summary, or a failure record that says why.
 * Errors from the stores that a retry can fix (S3 throttling, timeouts) are rethrown so Lambda retries and
 * then dead-letters; errors that no retry can fix, which includes anything the pure steps (extract,
 * summarize, validate) throw, become a failure record, so nothing is silently lost or retried forever.
 */
import { extractArticleLazily } from '../../article/extract-lazily.js';
import { UnreadableArticleError, type UnreadableReason } from '../../article/document.js';
import {
  ArticleNotFoundError,
  ArticleSupersededError,
  ArticleTooLargeError,
  type ArticleRef,
  type ArticleStore,
  type FailureStore,
  type StoredArticle,
  type SummaryStore,
} from './ports.js';
import {
  SUMMARY_SCHEMA_VERSION,
  canonicalSourceUrl,
  summarySchema,
  type FailureRecord,
  type Summary,
} from '../../summary/schema.js';
import type { SummarizeOptions } from '../../summary/options.js';
import { summarizeDocument } from '../../summary/summarize.js';
import { partitionedKey, summaryIdFor } from '../../bucket-layout.js';

export interface SummarizeUploadSettings {
  articlesPrefix: string;
  summariesPrefix: string;
  failuresPrefix: string;
  maxArticleBytes: number;
  summarize: SummarizeOptions;
}

export interface SummarizeUploadDeps {
  articles: ArticleStore;
  summaries: SummaryStore;
  failures: FailureStore;
  settings: SummarizeUploadSettings;
  now?: () => Date;
}

export type UploadOutcome =
  | { status: 'summarized'; key: string; summaryKey: string; title: string }
  | { status: 'already-summarized'; key: string; summaryKey: string }
  | { status: 'failed'; key: string; failureKey: string; code: string; reason: string }
  | { status: 'ignored'; key: string; reason: string }
  | { status: 'superseded'; key: string; reason: string };

export async function summarizeUpload(ref: ArticleRef, deps: SummarizeUploadDeps): Promise<UploadOutcome> {
  const { settings } = deps;
  const now = deps.now ?? (() => new Date());
  if (!ref.key.startsWith(settings.articlesPrefix) || ref.key.endsWith('/')) {
    return { status: 'ignored', key: ref.key, reason: `not an article under ${settings.articlesPrefix}` };
  }
  const id = summaryIdFor(ref);
  const recordFailure = async (failure: Failure): Promise<UploadOutcome> => {
    const record: FailureRecord = {
      schemaVersion: SUMMARY_SCHEMA_VERSION,
      id,
      source: { bucket: ref.bucket, key: ref.key, size: ref.size, etag: ref.etag, versionId: ref.versionId },
      ...failure,
      failedAt: now().toISOString(),
    };
    const failureKey = partitionedKey(settings.failuresPrefix, ref.uploadedAt, id);
    await deps.failures.put(failureKey, record);
    return { status: 'failed', key: ref.key, failureKey, ...failure };
  };

  let stored: StoredArticle;
  try {
    stored = await deps.articles.read(ref, settings.maxArticleBytes);
  } catch (error: unknown) {
    if (error instanceof ArticleSupersededError)
      return { status: 'superseded', key: ref.key, reason: error.message };
    const failure = asReadFailure(error);
    if (!failure) throw error;
    return recordFailure(failure);
  }
  const made = await makeSummary(ref, id, stored, settings.summarize, now);
  if ('failure' in made) return recordFailure(made.failure);
  const summaryKey = partitionedKey(settings.summariesPrefix, ref.uploadedAt, id);
  const written = await deps.summaries.putIfAbsent(summaryKey, made.summary);
  return written
    ? { status: 'summarized', key: ref.key, summaryKey, title: made.summary.title.text }
    : { status: 'already-summarized', key: ref.key, summaryKey };
}

interface Failure {
  code: string;
  reason: string;
}

/**
 * The pure steps: bytes -> article -> summary -> schema. They do no I/O, so whatever they throw comes from
 * the upload or from a bug, and the same bytes would throw it again on every retry: it becomes the upload's
 * failure record instead of an error Lambda retries and dead-letters.
 */
async function makeSummary(
  ref: ArticleRef,
  id: string,
  stored: StoredArticle,
  options: SummarizeOptions,
  now: () => Date,
): Promise<{ summary: Summary } | { failure: Failure }> {
  try {
    const document = await extractArticleLazily(stored.bytes, {
      key: ref.key,
      contentType: stored.contentType,
    });
    // Canonical and RFC 3986-valid, or left out (not http(s), or unparseable): never a reason to lose the summary.
    const sourceUrl = canonicalSourceUrl(document.url ?? stored.metadata['source-url']);
    const summary: Summary = summarySchema.parse({
      schemaVersion: SUMMARY_SCHEMA_VERSION,
      id,
      source: {
        bucket: ref.bucket,
        key: ref.key,
        size: stored.size,
        etag: stored.etag ?? ref.etag,
        versionId: stored.versionId ?? ref.versionId,
        contentType: stored.contentType,
        format: document.format,
        charset: document.charset,
        url: sourceUrl,
        publishedAt: document.publishedAt,
      },
      ...summarizeDocument(document, options),
      createdAt: now().toISOString(),
    });
    return { summary };
  } catch (error: unknown) {
    return { failure: asContentFailure(error) };
  }
}

/** What the uploader can do about each kind of unreadable upload: a failure record says both. */
const WHAT_TO_DO: Record<UnreadableReason, string> = {
  empty: 'Upload the article itself: plain text, Markdown, HTML or JSON.',
  binary:
    'Only text formats are summarized: plain text, Markdown, HTML or JSON; convert documents and images to text first.',
  undecodable: 'Save the file as UTF-8 (or declare its charset in the Content-Type) and upload it again.',
  'too-large': 'Upload only the article text, or raise MAX_ARTICLE_BYTES.',
  'no-text': 'Check that the file holds the article body, not only markup, navigation or metadata.',
  'invalid-json': 'JSON uploads must be {"title", "body" or "text", "url"?, "publishedAt"?}.',
  'too-complex':
    'Upload the article itself, as plain text or simpler markup, rather than generated or broken markup.',
};

/** A read the store refused for good; undefined for "rethrow, a retry may help" (throttling, timeouts). */
function asReadFailure(error: unknown): Failure | undefined {
  if (error instanceof ArticleTooLargeError) {
    return { code: 'too-large', reason: `${error.message} ${WHAT_TO_DO['too-large']}` };
  }
  if (error instanceof ArticleNotFoundError) {
    return { code: 'not-found', reason: `${error.message} Upload it again if it was deleted by mistake.` };
  }
  return undefined;
}

/** Why the pure steps could not make a summary; any error from them is permanent. */
function asContentFailure(error: unknown): Failure {
  if (error instanceof UnreadableArticleError) {
    return { code: error.code, reason: `${error.message} ${WHAT_TO_DO[error.code]}` };
  }
  if (error instanceof Error && error.name === 'ZodError') {
    // Our own summarizer produced something off-schema: a bug, and retrying would produce it again.
    return {
      code: 'invalid-summary',
      reason: `The summarizer produced a summary that fails the schema (${error.message.slice(0, 500)}). This is a bug: report it with this record.`,
    };
  }
  const what = error instanceof Error ? `${error.name}: ${error.message.slice(0, 500)}` : String(error);
  const where = error instanceof Error ? error.stack?.split('\n')[1]?.trim() : undefined;
  return {
    code: 'internal',
    reason: `Reading or summarizing the upload failed with ${what}${where ? ` (${where})` : ''}. This is a bug, and a retry would fail the same way: report it with this record.`,
  };
}
