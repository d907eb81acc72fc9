/**
 * Bytes -> string. Decides the charset from, in order: a byte-order mark, strict UTF-8 validity, the
 * charset the uploader declared, and finally a statistical detector (chardet) for BOM-less legacy text.
 *
 * Decoding is Node's own `TextDecoder` (WHATWG Encoding on full ICU, as on Node 20 and Lambda's nodejs24.x):
 * UTF-8, UTF-16LE/BE, windows-1250 to 1258, ISO-8859-2 to 16, KOI8-R/U, IBM866, macintosh, Shift_JIS,
 * EUC-JP, ISO-2022-JP, GBK, GB18030, Big5 and EUC-KR; UTF-32, which WHATWG leaves out, is decoded here.
 * Two decoders are narrower on ICU than in browsers: EUC-KR without the cp949 (UHC) Hangul extension and
 * Big5 without HKSCS. Text that needs either is refused with a reason instead of being silently garbled, as
 * are declared charsets no decoder here knows (ISO-8859-16, DOS code pages, UTF-7). A label that is no
 * charset at all (base64) counts as no declaration, and the detector decides instead.
 */
import chardet from 'chardet';
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
  if (bom) return finish(decodeAs(bytes.subarray(bom.bytes.length), bom.charset), bom.charset);
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
  if (declared && !bytes.includes(0)) return finish(decodeAs(bytes, declared), declared);
  const label = declaredCharset === undefined ? '' : cleanLabel(declaredCharset);
  if (UNSUPPORTED_CHARSET.test(label)) {
    throw new UnreadableArticleError(
      'undecodable',
      `The upload declares the charset ${label}, which this service cannot decode. ` +
        'Convert the file to UTF-8 and upload it again.',
    );
  }
  const detected =
    utf16ByNulPattern(bytes) ?? normalizeCharset(chardet.detect(detectionSample(bytes)) ?? undefined);
  if (!detected)
    throw new UnreadableArticleError('undecodable', 'The charset of the upload could not be detected.');
  if (bytes.includes(0) && !detected.startsWith('utf-16') && !detected.startsWith('utf-32')) {
    throw new UnreadableArticleError('binary', 'The upload contains NUL bytes: it is binary, not text.');
  }
  return finish(decodeAs(bytes, detected), detected);
}

/**
 * What chardet is shown of a large upload: it reads every byte it is given, which took 1.5-1.8 s for 5 MiB of
 * legacy text, and it decides as well from the parts that hold non-ASCII bytes (ASCII is the same in every
 * charset it tells apart). So: the first block, then each block with a byte of 0x80 or more, up to 64 KiB.
 */
const DETECTION_BLOCK = 4096;
const DETECTION_SAMPLE = 64 * 1024;

function detectionSample(bytes: Uint8Array): Uint8Array {
  if (bytes.length <= DETECTION_SAMPLE) return bytes;
  const blocks: Uint8Array[] = [];
  let size = 0;
  for (let start = 0; start < bytes.length && size < DETECTION_SAMPLE; start += DETECTION_BLOCK) {
    const block = bytes.subarray(start, start + DETECTION_BLOCK);
    if (start === 0 || block.some((b) => b >= 0x80)) {
      blocks.push(block);
      size += block.length;
    }
  }
  return Buffer.concat(blocks);
}

/** `charset` is a name `normalizeCharset` returned. Not fatal: a stray bad byte becomes U+FFFD, as in browsers. */
function decodeAs(bytes: Uint8Array, charset: string): string {
  if (charset === 'utf-32le' || charset === 'utf-32be') return decodeUtf32(bytes, charset === 'utf-32le');
  if (charset === 'euc-kr' && usesUhcExtension(bytes)) throw extensionNotDecoded('cp949 (UHC) Hangul');
  const text = new TextDecoder(charset).decode(bytes);
  // ICU's Big5 maps HKSCS characters to the private use area, which browsers decode as Hong Kong text.
  if (charset === 'big5' && /[\ue000-\uf8ff]/u.test(text)) throw extensionNotDecoded('HKSCS');
  return charset === 'windows-1252' ? text.replace(/[\u0080-\u009f]/g, windows1252Extension) : text;
}

/**
 * ICU's EUC-KR decoder drops the lead byte of a cp949 (UHC) syllable and lets its trail byte through as ASCII
 * ("김똠방" becomes "김c방"), without an error even in fatal mode. Strict EUC-KR has both bytes of a pair in
 * 0xA1-0xFE, so any other non-ASCII pair is the extension.
 */
function usesUhcExtension(bytes: Uint8Array): boolean {
  for (let i = 0; i < bytes.length; i++) {
    const lead = bytes[i] ?? 0;
    if (lead < 0x80) continue;
    const trail = bytes[i + 1] ?? 0;
    if (lead < 0xa1 || trail < 0xa1) return true;
    i++;
  }
  return false;
}

const extensionNotDecoded = (extension: string) =>
  new UnreadableArticleError(
    'undecodable',
    `The upload uses ${extension} characters, which this service cannot decode without losing them. ` +
      'Convert the file to UTF-8 and upload it again.',
  );

/**
 * What windows-1252 puts at bytes 0x80-0x9F (WHATWG index-windows-1252), where Latin-1 has C1 controls.
 * Node 20.18.3+ decodes windows-1252 (and the Latin-1 labels) through a Latin-1 fast path that yields those
 * controls instead (nodejs/node#56542, #60888; correct before and in later majors), so they are mapped here:
 * a no-op where the decoder is right, since a correct one never yields them except for the five bytes
 * windows-1252 leaves as they are (0x81, 0x8D, 0x8F, 0x90, 0x9D).
 */
const WINDOWS_1252_80_9F =
  '\u20ac\u0081\u201a\u0192\u201e\u2026\u2020\u2021\u02c6\u2030\u0160\u2039\u0152\u008d\u017d\u008f' +
  '\u0090\u2018\u2019\u201c\u201d\u2022\u2013\u2014\u02dc\u2122\u0161\u203a\u0153\u009d\u017e\u0178';
const windows1252Extension = (c1: string) => WINDOWS_1252_80_9F[c1.charCodeAt(0) - 0x80] ?? c1;

function decodeUtf32(bytes: Uint8Array, littleEndian: boolean): string {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let start = 0;
  if (bytes.length >= 4 && view.getUint32(0, littleEndian) === 0xfeff) start = 4;
  const parts: string[] = [];
  let chunk: number[] = [];
  for (let i = start; i + 4 <= bytes.length; i += 4) {
    const code = view.getUint32(i, littleEndian);
    chunk.push(code > 0x10ffff || (code >= 0xd800 && code <= 0xdfff) ? 0xfffd : code);
    if (chunk.length === 8192) {
      parts.push(String.fromCodePoint(...chunk));
      chunk = [];
    }
  }
  if (bytes.length % 4 !== 0) chunk.push(0xfffd);
  parts.push(String.fromCodePoint(...chunk));
  return parts.join('');
}

/**
 * Labels meaning "ASCII", which is UTF-8's first 128 characters (WHATWG would read them as windows-1252), and
 * the UTF-32 names WHATWG leaves out.
 */
const OWN_LABELS: Record<string, string> = {
  'us-ascii': 'utf-8',
  ascii: 'utf-8',
  'utf-32': 'utf-32le',
  'utf-32le': 'utf-32le',
  'utf-32be': 'utf-32be',
  // Common names WHATWG does not list for charsets it decodes under another name.
  latin9: 'iso-8859-15',
  cp874: 'windows-874',
  cp932: 'shift_jis',
  cp936: 'gbk',
  'euc-cn': 'gbk',
  cp949: 'euc-kr',
  cp950: 'big5',
  ucs2: 'utf-16le',
  'ucs-2': 'utf-16le',
  utf16: 'utf-16le',
  maccyrillic: 'x-mac-cyrillic',
};

/** Charsets that exist but that no decoder here knows: declared, they are refused rather than guessed. */
const UNSUPPORTED_CHARSET = /^(?:iso[-_]?8859[-_]?16|latin10|utf-?7|(?:cp|ibm|dos-?)\d{3,5}|mac[a-z]+)$/;

const cleanLabel = (label: string) =>
  label
    .trim()
    .replace(/^["']|["']$/g, '')
    .toLowerCase();

/**
 * Maps a charset label to the WHATWG name of the decoder used for it (e.g. "Shift_JIS" -> "shift_jis",
 * "cp1251" -> "windows-1251"), or undefined when no decoder knows it. As browsers do, Latin-1 labels decode as
 * windows-1252: it only adds printable characters (curly quotes, dashes, €) where Latin-1 has unused control
 * codes. Transfer encodings (base64, hex) are not charsets and are never known.
 */
export function normalizeCharset(label: string | undefined): string | undefined {
  if (!label) return undefined;
  const name = cleanLabel(label);
  const own = OWN_LABELS[name];
  if (own) return own;
  try {
    return new TextDecoder(name).encoding;
  } catch {
    return undefined;
  }
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
