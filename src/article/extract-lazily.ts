/**
 * `extractArticle` for the Lambda: the HTML reader (Readability, linkedom, htmlparser2 and a CSS parser) and
 * the Markdown reader (marked) are loaded on the first upload that needs them, not at cold start, so a text
 * upload never loads them (in the bundle, esbuild turns each `import()` into a deferred initialization of
 * code already in the same file).
 */
import type { ArticleDocument } from './document.js';
import {
  decodeUpload,
  finishArticle,
  readerNeeded,
  type ExtractHints,
  type FormatReaders,
} from './extract-core.js';

export async function extractArticleLazily(bytes: Uint8Array, hints: ExtractHints): Promise<ArticleDocument> {
  const upload = decodeUpload(bytes, hints);
  const needed = readerNeeded(upload);
  const readers: Partial<FormatReaders> = {};
  if (needed === 'html') readers.html = (await import('./html.js')).extractHtml;
  if (needed === 'markdown') readers.markdown = (await import('./markdown.js')).extractMarkdown;
  return finishArticle(upload, readers);
}
