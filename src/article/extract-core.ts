/**
 * The steps of reading an upload that every format shares: decode, decide the format, then (given the
 * reader for that format) extract, normalize and strip boilerplate. The HTML and Markdown readers are passed
 * in, so this module does not load them: `extract.ts` gives them all at once (tools and tests), and
 * `extract-lazily.ts` loads only the one an upload needs (the Lambda, so a text upload and the cold start never
 * pay for the HTML parser).
 */
import { decodeBytes, htmlMetaCharset } from './charset.js';
import { UnreadableArticleError, type ArticleDocument, type ArticleFormat } from './document.js';
import { removeBoilerplate } from './boilerplate.js';
import { charsetOf, detectFormat, mediaTypeOf } from './format.js';
import type { HtmlArticle } from './html.js';
import { parseJsonArticle, type JsonArticle } from './json.js';
import type { MarkdownArticle } from './markdown.js';

export interface ExtractHints {
  key?: string;
  contentType?: string;
}

/** The readers of the formats that need a parser; each is only called for its own format. */
export interface FormatReaders {
  html: (source: string) => HtmlArticle;
  markdown: (source: string) => MarkdownArticle;
}

/** An upload decoded and its format decided; a JSON upload is already parsed. */
export interface DecodedUpload {
  format: ArticleFormat;
  charset: string;
  raw: string;
  json?: JsonArticle;
}

const BINARY_MEDIA =
  /^(image|audio|video|font)\/|^application\/(pdf|zip|gzip|x-tar|octet-stream-binary|vnd\.)/;

export function decodeUpload(bytes: Uint8Array, hints: ExtractHints): DecodedUpload {
  const mediaType = mediaTypeOf(hints.contentType);
  if (mediaType && BINARY_MEDIA.test(mediaType)) {
    throw new UnreadableArticleError(
      'binary',
      `The upload's content type ${mediaType} is not a text format.`,
    );
  }
  const { text: raw, charset } = decodeBytes(bytes, charsetOf(hints.contentType) ?? htmlMetaCharset(bytes));
  const format = detectFormat(raw, hints);
  if (format !== 'json') return { format, charset, raw };
  return { format, charset, raw, json: guardNesting(format, () => parseJsonArticle(raw)) };
}

/** Which reader `finishArticle` will call for this upload, if any. */
export function readerNeeded(upload: DecodedUpload): keyof FormatReaders | undefined {
  if (upload.format === 'html' || (upload.json && isHtml(upload.json.body))) return 'html';
  if (upload.format === 'markdown') return 'markdown';
  return undefined;
}

/** `readers` must hold the reader `readerNeeded` names. */
export function finishArticle(upload: DecodedUpload, readers: Partial<FormatReaders>): ArticleDocument {
  const { format, charset } = upload;
  const parts = guardNesting(format, () => readFormat(upload, readers));
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

/** A JSON body may itself be HTML (CMS exports often are). */
const isHtml = (body: string) => /^\s*</.test(body);

/**
 * The parsers (linkedom, Readability, marked) recurse once per level of nesting, so a document nested
 * thousands of levels deep (`<div>` in `<div>`, `>>>>` quotes) overflows the stack. That upload will never
 * read, so it fails as unreadable, with its reason, instead of as an error the trigger retries.
 */
function guardNesting<T>(format: ArticleFormat, read: () => T): T {
  try {
    return read();
  } catch (error: unknown) {
    if (error instanceof RangeError && /call stack/i.test(error.message)) {
      throw new UnreadableArticleError('too-complex', `The ${format} upload is nested too deeply to read.`);
    }
    throw error;
  }
}

function readFormat(upload: DecodedUpload, readers: Partial<FormatReaders>): FormatParts {
  switch (upload.format) {
    case 'html':
      return reader(readers, 'html')(upload.raw);
    case 'markdown':
      return reader(readers, 'markdown')(upload.raw);
    case 'json': {
      const article = upload.json ?? parseJsonArticle(upload.raw);
      const body = isHtml(article.body) ? reader(readers, 'html')(article.body).text : article.body;
      return { ...article, text: body };
    }
    case 'text':
      return { text: upload.raw };
  }
}

function reader<K extends keyof FormatReaders>(readers: Partial<FormatReaders>, name: K): FormatReaders[K] {
  const found = readers[name];
  if (!found) throw new Error(`The ${name} reader was not loaded (see readerNeeded).`);
  return found as FormatReaders[K];
}

/** Unicode NFC, one line-break style, no control characters, non-breaking spaces as spaces. */
export function normalizeText(text: string): string {
  return text
    .normalize('NFC')
    .replace(/\r\n?/g, '\n')
    .replace(/[\u00a0\u2007\u202f]/g, ' ')
    .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f\u200b\ufeff]/g, '');
}
