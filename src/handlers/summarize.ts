/** Lambda entry (`src/handlers/summarize.main`): loads config once per cold start and wires S3 adapters. */
import { createS3Client } from '../aws/clients.js';
import { createS3ArticleStore } from '../aws/s3-article-store.js';
import { createS3FailureStore, createS3SummaryStore } from '../aws/s3-summary-store.js';
import { loadSummarizeConfig } from '../config.js';
import { createSummarizeHandler } from './summarize-handler.js';

const config = loadSummarizeConfig();
const s3 = createS3Client(config);

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
});
