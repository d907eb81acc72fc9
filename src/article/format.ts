/** Decides how to read an upload: the declared content type first, then the key's extension, then sniffing. */
import type { ArticleFormat } from './document.js';

export interface FormatHints {
  key?: string;
  contentType?: string;
}

const BY_MEDIA_TYPE: Record<string, ArticleFormat> = {
  'text/html': 'html',
  'application/xhtml+xml': 'html',
  'text/markdown': 'markdown',
  'text/x-markdown': 'markdown',
  'application/json': 'json',
  'text/json': 'json',
};

const BY_EXTENSION: Record<string, ArticleFormat> = {
  html: 'html',
  htm: 'html',
  xhtml: 'html',
  md: 'markdown',
  markdown: 'markdown',
  json: 'json',
  txt: 'text',
  text: 'text',
};

export function detectFormat(text: string, hints: FormatHints): ArticleFormat {
  const mediaType = mediaTypeOf(hints.contentType);
  const declared = mediaType ? BY_MEDIA_TYPE[mediaType] : undefined;
  if (declared) return declared;
  const extension = hints.key?.toLowerCase().match(/\.([a-z]+)$/)?.[1];
  const byExtension = extension ? BY_EXTENSION[extension] : undefined;
  if (byExtension) return byExtension;
  // A declared text/plain is only trusted after the extension: uploaders often send it for any text.
  if (mediaType === 'text/plain') return 'text';
  return sniffFormat(text);
}

/** Content sniffing for uploads whose type and name say nothing (text/plain, octet-stream, no extension). */
export function sniffFormat(text: string): ArticleFormat {
  const head = text.slice(0, 4096).trimStart();
  if (/^(<!doctype html|<html[\s>]|<\?xml[^>]*>\s*<html)/i.test(head)) return 'html';
  if (/^[{]/.test(head) && looksLikeJsonObject(text)) return 'json';
  if ((head.match(/<(p|div|article|body|br|h[1-6])[\s>/]/gi)?.length ?? 0) >= 2) return 'html';
  const markdownSignals = head.match(
    /^(#{1,6} \S|[-*] \S|> \S|```)|\[[^\]\n]+\]\([^)\s]+\)|\*\*[^*\n]+\*\*/gm,
  );
  if ((markdownSignals?.length ?? 0) >= 2) return 'markdown';
  return 'text';
}

export function mediaTypeOf(contentType: string | undefined): string | undefined {
  return contentType?.split(';')[0]?.trim().toLowerCase() || undefined;
}

export function charsetOf(contentType: string | undefined): string | undefined {
  return contentType?.match(/;\s*charset\s*=\s*"?([^";\s]+)/i)?.[1];
}

function looksLikeJsonObject(text: string): boolean {
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === 'object' && value !== null && !Array.isArray(value);
  } catch {
    return false;
  }
}
