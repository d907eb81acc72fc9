/**
 * Bytes -> string. Decides the charset from, in order: a byte-order mark, strict UTF-8 validity, the
 * charset the uploader declared, and finally a statistical detector (chardet) for BOM-less legacy text.
 */
import chardet from 'chardet';
import iconv from 'iconv-lite';
import { UnreadableArticleError } from './document.js';

export interface DecodedText {
  text: string;
  /** Lowercase WHATWG-style name, e.g. "utf-8", "windows-1251", "iso-8859-1", "utf-16le". */
  charset: string;
}

const BOMS: ReadonlyArray<{ bytes: number[]; charset: string }> = [
  { bytes: [0xef, 0xbb, 0xbf], charset: 'utf-8' },
  { bytes: [0xff, 0xfe], charset: 'utf-16le' },
  { bytes: [0xfe, 0xff], charset: 'utf-16be' },
];

/** Formats that are surely not text, recognised by their magic numbers. */
const BINARY_MAGIC: ReadonlyArray<number[]> = [
  [0x25, 0x50, 0x44, 0x46], // %PDF
  [0x89, 0x50, 0x4e, 0x47], // PNG
  [0xff, 0xd8, 0xff], // JPEG
  [0x47, 0x49, 0x46, 0x38], // GIF
  [0x50, 0x4b, 0x03, 0x04], // ZIP, DOCX, EPUB
  [0x1f, 0x8b], // gzip
];

export function decodeBytes(bytes: Uint8Array, declaredCharset?: string): DecodedText {
  if (bytes.length === 0) throw new UnreadableArticleError('empty', 'The upload is empty (0 bytes).');
  const bom = BOMS.find((b) => startsWith(bytes, b.bytes));
  if (bom)
    return finish(iconv.decode(Buffer.from(bytes.subarray(bom.bytes.length)), bom.charset), bom.charset);
  if (BINARY_MAGIC.some((magic) => startsWith(bytes, magic))) {
    throw new UnreadableArticleError(
      'binary',
      'The upload is a binary file (PDF, image or archive), not text.',
    );
  }
  const utf8 = strictUtf8(bytes);
  // Non-ASCII bytes that happen to form valid UTF-8 are vanishingly rare in legacy charsets, so valid
  // UTF-8 wins even over a declared charset (S3 content types are often set carelessly by uploaders).
  if (utf8 !== undefined && !bytes.includes(0)) return finish(utf8, 'utf-8');
  const declared = normalizeCharset(declaredCharset);
  if (declared && !bytes.includes(0)) return finish(iconv.decode(Buffer.from(bytes), declared), declared);
  const detected = utf16ByNulPattern(bytes) ?? normalizeCharset(chardet.detect(bytes) ?? undefined);
  if (!detected)
    throw new UnreadableArticleError('undecodable', 'The charset of the upload could not be detected.');
  if (bytes.includes(0) && !detected.startsWith('utf-16') && !detected.startsWith('utf-32')) {
    throw new UnreadableArticleError('binary', 'The upload contains NUL bytes: it is binary, not text.');
  }
  return finish(iconv.decode(Buffer.from(bytes), detected), detected);
}

const NOT_CHARSETS = new Set(['base64', 'base64url', 'hex', 'binary']);

/** Maps a label to the name iconv-lite knows, or undefined when it knows none. */
export function normalizeCharset(label: string | undefined): string | undefined {
  if (!label) return undefined;
  const name = label
    .trim()
    .replace(/^["']|["']$/g, '')
    .toLowerCase();
  // iconv-lite also "decodes" into base64 or hex digits: those are transfer encodings, not text charsets.
  if (!iconv.encodingExists(name) || NOT_CHARSETS.has(name.replace(/[^a-z0-9]/g, ''))) return undefined;
  // As browsers do (WHATWG Encoding), Latin-1 labels decode as windows-1252: it only adds printable
  // characters (curly quotes, dashes, €) where Latin-1 has unused control codes.
  const aliases: Record<string, string> = {
    utf8: 'utf-8',
    latin1: 'windows-1252',
    'iso-8859-1': 'windows-1252',
    'iso8859-1': 'windows-1252',
    'us-ascii': 'utf-8',
    ascii: 'utf-8',
  };
  return aliases[name] ?? name;
}

/**
 * BOM-less UTF-16 of mostly Latin text has a zero in every other byte; chardet only recognises UTF-16
 * by its BOM, so the zero pattern is checked here (on the first 4 KB).
 */
function utf16ByNulPattern(bytes: Uint8Array): string | undefined {
  const sample = bytes.subarray(0, 4096 - (Math.min(bytes.length, 4096) % 2));
  let evenZeros = 0;
  let oddZeros = 0;
  for (let i = 0; i < sample.length; i++) {
    if (sample[i] !== 0) continue;
    if (i % 2 === 0) evenZeros++;
    else oddZeros++;
  }
  const half = sample.length / 2;
  if (half === 0) return undefined;
  if (oddZeros / half > 0.3 && evenZeros / half < 0.02) return 'utf-16le';
  if (evenZeros / half > 0.3 && oddZeros / half < 0.02) return 'utf-16be';
  return undefined;
}

function strictUtf8(bytes: Uint8Array): string | undefined {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return undefined;
  }
}

/** Rejects text that decoded but is mostly control characters or replacement marks: it was not text. */
function finish(text: string, charset: string): DecodedText {
  const sample = text.slice(0, 20_000);
  const bad = sample.match(/[\u0000-\u0008\u000e-\u001f\ufffd]/g)?.length ?? 0;
  if (sample.length > 0 && bad / sample.length > 0.05) {
    throw new UnreadableArticleError('undecodable', `The upload does not decode as ${charset} text.`);
  }
  return { text, charset };
}

function startsWith(bytes: Uint8Array, prefix: number[]): boolean {
  return prefix.every((b, i) => bytes[i] === b);
}

/**
 * The charset an HTML document declares in a <meta> tag, found the way the HTML spec's prescan does:
 * in the first bytes read as ASCII, before the document can be decoded.
 */
export function htmlMetaCharset(bytes: Uint8Array): string | undefined {
  const head = Buffer.from(bytes.subarray(0, 2048)).toString('latin1');
  return head.match(/<meta[^>]+charset\s*=\s*["']?([\w:.-]+)/i)?.[1];
}
