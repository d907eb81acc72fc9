/** Lambda entry (`src/handlers/summarize.main`): loads config once per cold start and wires S3 adapters. */
import { createS3LlmCallBudget } from '../aws/bedrock-call-budget.js';
import { createS3Client } from '../aws/clients.js';
import { createS3ArticleStore } from '../aws/s3-article-store.js';
import { createS3FailureStore, createS3SummaryStore } from '../aws/s3-summary-store.js';
import { loadSummarizeConfig, type SummarizeConfig } from '../config.js';
import type { AbstractiveSummarizer } from '../use-cases/summarize-upload/ports.js';
import type { AbstractiveDeps } from '../use-cases/summarize-upload/summarize-upload.js';
import { createSummarizeHandler } from './summarize-handler.js';

const config = loadSummarizeConfig();
const s3 = createS3Client(config);

/** SUMMARIZER=bedrock only: the default never creates a Bedrock client. */
function bedrockDeps(config: SummarizeConfig): AbstractiveDeps | undefined {
  if (config.SUMMARIZER !== 'bedrock') return undefined;
  // One attempt per counter request: a counter that cannot be updated only means an extractive summary,
  // so its S3 calls add a short, bounded time to the function's worst case (serverless.yml).
  const counterS3 = createS3Client(config, { maxAttempts: 1 });
  return {
    summarizer: lazyBedrockSummarizer(config),
    budget: createS3LlmCallBudget(counterS3, config.BUCKET, config.STATE_PREFIX, config.LLM_DAILY_BUDGET),
    maxInputTokens: config.LLM_MAX_INPUT_TOKENS,
  };
}

/**
 * The Bedrock client is loaded on the first draft, not at cold start (esbuild turns the `import()` into a
 * deferred initialization of code in the same bundle), so its size costs an extractive cold start nothing.
 */
function lazyBedrockSummarizer(config: SummarizeConfig): AbstractiveSummarizer {
  let loaded: Promise<AbstractiveSummarizer> | undefined;
  const load = () =>
    (loaded ??= import('../aws/bedrock-summarizer.js').then(
      ({ createBedrockRuntimeClient, createBedrockSummarizer }) =>
        createBedrockSummarizer(createBedrockRuntimeClient(config, config.LLM_TIMEOUT_MS), {
          modelId: config.BEDROCK_MODEL_ID,
          maxOutputTokens: config.LLM_MAX_OUTPUT_TOKENS,
          timeoutMs: config.LLM_TIMEOUT_MS,
        }),
    ));
  return {
    provider: 'bedrock',
    modelId: config.BEDROCK_MODEL_ID,
    draft: async (request) => (await load()).draft(request),
  };
}

export const main = createSummarizeHandler({
  articles: createS3ArticleStore(s3),
  summaries: createS3SummaryStore(s3, config.BUCKET),
  failures: createS3FailureStore(s3, config.BUCKET),
  settings: {
    articlesPrefix: config.ARTICLES_PREFIX,
    summariesPrefix: config.SUMMARIES_PREFIX,
    failuresPrefix: config.FAILURES_PREFIX,
    maxArticleBytes: config.MAX_ARTICLE_BYTES,
    summarize: {
      maxSentences: config.SUMMARY_MAX_SENTENCES,
      maxWords: config.SUMMARY_MAX_WORDS,
      maxAnalysedChars: config.MAX_ANALYSED_CHARS,
    },
  },
  abstractive: bedrockDeps(config),
});
