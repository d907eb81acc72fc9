/** Bytes plus upload hints -> an ArticleDocument: decode, decide the format, extract, strip boilerplate. */
import { decodeBytes, htmlMetaCharset } from './charset.js';
import { UnreadableArticleError, type ArticleDocument } from './document.js';
import { removeBoilerplate } from './boilerplate.js';
import { charsetOf, detectFormat, mediaTypeOf } from './format.js';
import { extractHtml } from './html.js';
import { parseJsonArticle } from './json.js';
import { extractMarkdown } from './markdown.js';

export interface ExtractHints {
  key?: string;
  contentType?: string;
}

const BINARY_MEDIA =
  /^(image|audio|video|font)\/|^application\/(pdf|zip|gzip|x-tar|octet-stream-binary|vnd\.)/;

export function extractArticle(bytes: Uint8Array, hints: ExtractHints): ArticleDocument {
  const mediaType = mediaTypeOf(hints.contentType);
  if (mediaType && BINARY_MEDIA.test(mediaType)) {
    throw new UnreadableArticleError(
      'binary',
      `The upload's content type ${mediaType} is not a text format.`,
    );
  }
  const { text: raw, charset } = decodeBytes(bytes, charsetOf(hints.contentType) ?? htmlMetaCharset(bytes));
  const format = detectFormat(raw, hints);
  const parts = readNested(format, raw);
  const text = removeBoilerplate(normalizeText(parts.text));
  if (!/\p{L}{2,}/u.test(text)) {
    throw new UnreadableArticleError('no-text', `No readable text was found in the ${format} upload.`);
  }
  const title = parts.title ? normalizeText(parts.title).replace(/\s+/g, ' ') : undefined;
  return {
    format,
    charset,
    text,
    ...(title ? { title } : {}),
    ...(parts.url ? { url: parts.url } : {}),
    ...(parts.publishedAt ? { publishedAt: parts.publishedAt } : {}),
  };
}

interface FormatParts {
  text: string;
  title?: string;
  url?: string;
  publishedAt?: string;
}

/**
 * The parsers (linkedom, Readability, marked) recurse once per level of nesting, so a document nested
 * thousands of levels deep (`<div>` in `<div>`, `>>>>` quotes) overflows the stack. That upload will never
 * read, so it fails as unreadable, with its reason, instead of as an error the trigger retries.
 */
function readNested(format: ArticleDocument['format'], raw: string): FormatParts {
  try {
    return readFormat(format, raw);
  } catch (error: unknown) {
    if (error instanceof RangeError && /call stack/i.test(error.message)) {
      throw new UnreadableArticleError('too-complex', `The ${format} upload is nested too deeply to read.`);
    }
    throw error;
  }
}

function readFormat(format: ArticleDocument['format'], raw: string): FormatParts {
  switch (format) {
    case 'html':
      return extractHtml(raw);
    case 'markdown':
      return extractMarkdown(raw);
    case 'json': {
      const article = parseJsonArticle(raw);
      // A JSON body may itself be HTML (CMS exports often are).
      const body = /^\s*</.test(article.body) ? extractHtml(article.body).text : article.body;
      return { ...article, text: body };
    }
    case 'text':
      return { text: raw };
  }
}

/** Unicode NFC, one line-break style, no control characters, non-breaking spaces as spaces. */
export function normalizeText(text: string): string {
  return text
    .normalize('NFC')
    .replace(/\r\n?/g, '\n')
    .replace(/[\u00a0\u2007\u202f]/g, ' ')
    .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f\u200b\ufeff]/g, '');
}
