/**
 * Bytes plus upload hints -> an ArticleDocument: decode, decide the format, extract, strip boilerplate, with
 * every format's reader loaded up front (tools, tests, the CLI). The Lambda uses `extractArticleLazily`
 * (extract-lazily.ts), the same steps with the HTML and Markdown readers loaded only when an upload needs one.
 */
import type { ArticleDocument } from './document.js';
import { decodeUpload, finishArticle, type ExtractHints, type FormatReaders } from './extract-core.js';
import { extractHtml } from './html.js';
import { extractMarkdown } from './markdown.js';

export { normalizeText, type ExtractHints } from './extract-core.js';

const READERS: FormatReaders = { html: extractHtml, markdown: extractMarkdown };

export function extractArticle(bytes: Uint8Array, hints: ExtractHints): ArticleDocument {
  return finishArticle(decodeUpload(bytes, hints), READERS);
}
