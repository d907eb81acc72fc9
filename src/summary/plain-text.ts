/** A plain-text article (as in the eval files and the CLI's JSONL mode) through the same path as an upload. */
import { extractArticle } from '../article/extract.js';
import type { ArticleDocument } from '../article/document.js';
import type { SummaryContent } from './schema.js';
import type { SummarizeOptions } from './options.js';
import { summarizeDocument } from './summarize.js';

export function plainTextDocument(article: string, title?: string): ArticleDocument {
  const doc = extractArticle(new TextEncoder().encode(article), { contentType: 'text/plain; charset=utf-8' });
  return title?.trim() ? { ...doc, title: title.trim() } : doc;
}

export function summarizePlainText(
  article: string,
  title?: string,
  options?: Partial<SummarizeOptions>,
): SummaryContent {
  return summarizeDocument(plainTextDocument(article, title), options);
}
