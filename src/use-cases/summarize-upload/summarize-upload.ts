/**
 * The summarize use case: one uploaded object becomes a stored summary, or a failure record that says why.
 * Errors from the stores that a retry can fix (S3 throttling, timeouts) are rethrown so Lambda retries and
 * then dead-letters; errors that no retry can fix, which includes anything the pure steps (extract,
 * summarize, validate) throw, become a failure record, so nothing is silently lost or retried forever.
 *
 * With an LLM configured (SUMMARIZER=bedrock), its title, summary and key points replace the extractive ones
 * only when they pass the checks against the article; whatever goes wrong there (budget spent, throttling,
 * timeout, refusal, a malformed or unverifiable answer) stores the extractive summary with the reason.
 */
import { extractArticleLazily } from '../../article/extract-lazily.js';
import { UnreadableArticleError, type UnreadableReason } from '../../article/document.js';
import {
  AbstractiveSummaryError,
  ArticleNotFoundError,
  ArticleSupersededError,
  ArticleTooLargeError,
  type AbstractiveSummarizer,
  type ArticleRef,
  type ArticleStore,
  type FailureStore,
  type LlmCallBudget,
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
import {
  ABSTRACT_DRAFT_JSON_SCHEMA,
  abstractDraftSchema,
  cutToTokenBudget,
  indexArticle,
  verifyAbstract,
} from '../../summary/verify-abstract.js';
import { partitionedKey, summaryIdFor } from '../../bucket-layout.js';
import { describeIssues } from '../../errors.js';

/** What a summary whose title, summary and key points an LLM wrote (and the checks passed) is stored as. */
const VERIFIED_ABSTRACTIVE_SUMMARIZER = {
  name: 'llm-verified-against-source',
  version: '1.0.0',
} as const;

export interface SummarizeUploadSettings {
  articlesPrefix: string;
  summariesPrefix: string;
  failuresPrefix: string;
  maxArticleBytes: number;
  summarize: SummarizeOptions;
}

/** The LLM path (SUMMARIZER=bedrock); without it every summary is extractive and no LLM is called. */
export interface AbstractiveDeps {
  summarizer: AbstractiveSummarizer;
  budget: LlmCallBudget;
  /** The model is given at most this many (estimated) tokens of the article, cut at a sentence end. */
  maxInputTokens: number;
}

export interface SummarizeUploadDeps {
  articles: ArticleStore;
  summaries: SummaryStore;
  failures: FailureStore;
  settings: SummarizeUploadSettings;
  abstractive?: AbstractiveDeps;
  now?: () => Date;
}

export type UploadOutcome =
  | {
      status: 'summarized';
      key: string;
      summaryKey: string;
      title: string;
      summarizer: Summary['summarizer'];
    }
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
  const summary = deps.abstractive
    ? await abstractiveOrExtractive(made.summary, made.text, deps.abstractive, settings.summarize, now)
    : made.summary;
  const summaryKey = partitionedKey(settings.summariesPrefix, ref.uploadedAt, id);
  const written = await deps.summaries.putIfAbsent(summaryKey, summary);
  return written
    ? {
        status: 'summarized',
        key: ref.key,
        summaryKey,
        title: summary.title.text,
        summarizer: summary.summarizer,
      }
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
): Promise<{ summary: Summary; text: string } | { failure: Failure }> {
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
    return { summary, text: document.text };
  } catch (error: unknown) {
    return { failure: asContentFailure(error) };
  }
}

/**
 * The extractive summary with the LLM's title, summary and key points when they pass every check, else the
 * extractive summary as it is, with the reason in `summarizer.llm.fallback`. Never throws: the upload keeps
 * its summary whatever the LLM or the budget's store does. A redelivered event may call the model again; the
 * summary already stored wins (putIfAbsent).
 */
async function abstractiveOrExtractive(
  extractive: Summary,
  articleText: string,
  { summarizer, budget, maxInputTokens }: AbstractiveDeps,
  options: SummarizeOptions,
  now: () => Date,
): Promise<Summary> {
  const llm = { provider: summarizer.provider, modelId: summarizer.modelId };
  const fallback = (code: string, reason: string): Summary => ({
    ...extractive,
    summarizer: { ...extractive.summarizer, llm: { ...llm, fallback: { code, reason } } },
  });
  try {
    if (!(await budget.take(now()))) {
      return fallback('budget-spent', "This UTC day's LLM_DAILY_BUDGET of model calls is spent.");
    }
  } catch (error: unknown) {
    return fallback('budget-unavailable', `The call budget could not be counted: ${describe(error)}`);
  }
  try {
    const input = cutToTokenBudget(articleText, maxInputTokens);
    const limits = { maxSentences: options.maxSentences, maxWords: options.maxWords };
    const answer = await summarizer.draft({
      article: input.text,
      limits,
      answerSchema: ABSTRACT_DRAFT_JSON_SCHEMA,
    });
    const parsed = abstractDraftSchema.safeParse(answer);
    if (!parsed.success) {
      const issues = describeIssues(parsed.error.issues, 'answer', 3);
      return fallback('malformed-answer', `The answer does not fit its schema: ${issues}.`);
    }
    const draft = parsed.data;
    // Checked against what the model was given: whatever it states must be in there.
    const verdict = verifyAbstract(draft, indexArticle(input.text), limits);
    if (!verdict.ok) return fallback(verdict.code, verdict.reason);
    return summarySchema.parse({
      ...extractive,
      title: { text: draft.title, origin: 'abstractive' },
      summary: draft.summary,
      keyPoints: draft.keyPoints,
      summarizer: { ...VERIFIED_ABSTRACTIVE_SUMMARIZER, llm },
    });
  } catch (error: unknown) {
    if (error instanceof AbstractiveSummaryError) return fallback(error.code, error.message);
    return fallback('internal', `The LLM step failed: ${describe(error)}`);
  }
}

const describe = (error: unknown) =>
  error instanceof Error ? `${error.name}: ${error.message.slice(0, 500)}` : String(error);

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
  const what = describe(error);
  const where = error instanceof Error ? error.stack?.split('\n')[1]?.trim() : undefined;
  return {
    code: 'internal',
    reason: `Reading or summarizing the upload failed with ${what}${where ? ` (${where})` : ''}. This is a bug, and a retry would fail the same way: report it with this record.`,
  };
}
