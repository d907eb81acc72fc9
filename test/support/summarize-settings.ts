/** The summarize settings the Lambda runs with by default, for tests that wire the use case themselves. */
import type { SummarizeUploadSettings } from '../../src/use-cases/summarize-upload/summarize-upload.js';
import { DEFAULT_SUMMARIZE_OPTIONS } from '../../src/summary/options.js';

export const testSummarizeSettings = (maxArticleBytes = 1_000_000): SummarizeUploadSettings => ({
  articlesPrefix: 'articles/',
  summariesPrefix: 'summaries/',
  failuresPrefix: 'failures/',
  maxArticleBytes,
  summarize: DEFAULT_SUMMARIZE_OPTIONS,
});
