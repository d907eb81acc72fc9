/**
 * Sentence segmentation with the ICU segmenter built into Node (Intl.Segmenter), which follows the
 * Unicode sentence-boundary rules. ICU in Node has no abbreviation suppressions, so a boundary after
 * "Mr." or "U.S." followed by a name is merged back here: that small list is the only hand-written part.
 *
 * Every sentence is at most MAX_SENTENCE_CHARS long: transcripts, lists and exports without sentence
 * punctuation would otherwise be one "sentence" of the whole text, which no reader wants as a key point
 * and on which the tagger's per-sentence matching is superlinear (a 106 KB run took 141 s). An overlong
 * piece is cut at its last sentence end, else clause break, else space before the limit, so each part is
 * still a verbatim span of the source.
 */
import { isSingleCapital, opensUppercase } from './tokens.js';

export interface Sentence {
  /** The sentence as it appears in the text, trimmed. */
  text: string;
  /** Position among the document's sentences, from 0. */
  index: number;
  /** Paragraph number, from 0. */
  paragraph: number;
  /** Offset of the first character in the text. */
  start: number;
}

const segmenter = new Intl.Segmenter('en', { granularity: 'sentence' });

const ABBREVIATIONS = new Set(
  (
    'mr mrs ms dr prof st sen rep gov gen col lt sgt capt cmdr adm maj jr sr rev hon pres supt det insp ' +
    'inc co corp ltd plc bros vs no nos fig approx est dept univ ave blvd mt ft ' +
    'jan feb mar apr jun jul aug sep sept oct nov dec'
  ).split(' '),
);

export function splitSentences(text: string): Sentence[] {
  const sentences: Sentence[] = [];
  let offset = 0;
  text.split(/\n\s*\n/).forEach((paragraph, paragraphIndex) => {
    const paragraphStart = text.indexOf(paragraph, offset);
    offset = paragraphStart + paragraph.length;
    for (const line of splitLines(paragraph)) {
      for (const piece of mergeAbbreviations(segmentSentences(line.text))
        .flatMap(splitGluedCaption)
        .flatMap(splitOverlong)) {
        const trimmed = piece.text.trim();
        if (!trimmed) continue;
        const start = paragraphStart + line.start + piece.index + piece.text.indexOf(trimmed);
        sentences.push({ text: trimmed, index: sentences.length, paragraph: paragraphIndex, start });
      }
    }
  });
  return sentences;
}

/** A single line break inside a paragraph still ends a sentence when the next line starts a new one. */
function splitLines(paragraph: string): Array<{ text: string; start: number }> {
  const lines: Array<{ text: string; start: number }> = [];
  let start = 0;
  for (const line of paragraph.split('\n')) {
    lines.push({ text: line, start });
    start += line.length + 1;
  }
  return lines;
}

/**
 * Node's Intl.Segmenter spends time proportional to the whole string on each segment it returns (a
 * 200,000-character paragraph of short Cyrillic sentences took 16 s), so it reads windows of at most this
 * many characters, each ending at a space where one is near.
 */
const SEGMENTER_WINDOW = 2_000;

/** The characters after which UAX #29 may end a sentence: STerm, ATerm and the separators. */
const SENTENCE_BREAK = /[\p{Sentence_Terminal}\u2024\uFE52\uFF0E\u0085\u2028\u2029\n\r]/u;

interface Segment {
  segment: string;
  index: number;
}

/**
 * ICU's sentence segments of `text`, window by window. A boundary is decided by the text after it, so the
 * last two segments of a window (one cut by the window's end, one decided without all of its right context)
 * are read again at the start of the next window.
 */
function segmentSentences(text: string): Segment[] {
  // Without a sentence terminator or separator, the sentence-break rules find no boundary: one segment.
  if (!SENTENCE_BREAK.test(text)) return [{ segment: text, index: 0 }];
  if (text.length <= SEGMENTER_WINDOW) return [...segmenter.segment(text)];
  const segments: Segment[] = [];
  let from = 0;
  while (from < text.length) {
    const end = windowEnd(text, from);
    const found = [...segmenter.segment(text.slice(from, end))];
    const keep = end >= text.length ? found.length : Math.max(1, found.length - 2);
    for (const { segment, index } of found.slice(0, keep)) segments.push({ segment, index: from + index });
    const last = segments.at(-1);
    from = last ? last.index + last.segment.length : end;
  }
  return segments;
}

/** Where a window from `from` ends: after the last space in its second half, or at its limit. */
function windowEnd(text: string, from: number): number {
  const limit = from + SEGMENTER_WINDOW;
  if (limit >= text.length) return text.length;
  for (let i = limit; i > from + SEGMENTER_WINDOW / 2; i--) if (/\s/.test(text.charAt(i - 1))) return i;
  return /[\uDC00-\uDFFF]/.test(text.charAt(limit)) ? limit - 1 : limit;
}

function mergeAbbreviations(segments: Segment[]): Array<{ text: string; index: number }> {
  const merged: Array<{ text: string; index: number }> = [];
  let last = '';
  for (const segment of segments) {
    const previous = merged.at(-1);
    // Only the segment just appended can end in an abbreviation: testing it, not the merged text, keeps a
    // run of thousands of merges ("word. word. word.") linear.
    if (previous && continuesAfter(last, segment.segment)) previous.text += segment.segment;
    else merged.push({ text: segment.segment, index: segment.index });
    last = segment.segment;
  }
  return merged;
}

/** Longer abbreviations, initials and acronyms do not exist; a longer "word" before a period is no abbreviation. */
const MAX_ABBREVIATION_CHARS = 24;

/** The word that ends `text` with a period ("Mr" in "Mr. "), without scanning a long segment. */
function wordBeforeFinalPeriod(text: string): string | undefined {
  const tail = text.trimEnd().slice(-(MAX_ABBREVIATION_CHARS + 2));
  return tail.match(/(\S+)\.$/)?.[1];
}

const DOTTED_LETTERS = /^(\p{L}\.)+\p{L}?$/u;
const GERMAN_MONTH =
  /^(?:Januar|Jänner|Februar|März|April|Mai|Juni|Juli|August|September|Oktober|November|Dezember)\b/u;

function continuesAfter(previous: string, next: string): boolean {
  const lastWord = wordBeforeFinalPeriod(previous);
  if (lastWord === undefined) return false;
  if (/^[a-z]/.test(next.trimStart())) return true;
  const bare = lastWord.replace(/^[("'“‘]+/, '').toLowerCase();
  // A German date writes the day as an ordinal: "ab dem 1. Mai 2027".
  if (/^\d{1,2}$/.test(bare) && GERMAN_MONTH.test(next.trimStart())) return true;
  // Initials and dotted acronyms: "J. K. Rowling", "U.S. officials".
  if (DOTTED_LETTERS.test(bare) || isSingleCapital(lastWord))
    return bare.length <= 4 && opensUppercase(next.trimStart());
  return ABBREVIATIONS.has(bare);
}

/**
 * Photo captions in news feeds lose their closing period and run into the next sentence:
 * "... camouflaged in woodland In many of the pictures, ...". A capitalised function word right after a
 * lowercase word cannot continue a sentence, so the text is cut there. The look-behind comes after the first
 * space, so it is tried only where a space is (before it, it ran at every character: twice as slow), and it
 * reads back one character only, so a long run of spaces stays linear.
 */
const GLUED_START =
  /\s(?<=[\p{Ll}\d'’”)]\s)\s*(?=(?:The|He|She|It|Its|They|We|In|At|But|And|This|These|Those|His|Her|Their|When|While|After|Before|There)\s+[\p{Ll}\d])/gu;

/** GLUED_START to test a piece with: most have no glued caption, and `matchAll` copies its pattern first. */
const HAS_GLUED_START = new RegExp(GLUED_START.source, 'u');

function splitGluedCaption(piece: { text: string; index: number }): Array<{ text: string; index: number }> {
  if (!HAS_GLUED_START.test(piece.text)) return [piece];
  const parts: Array<{ text: string; index: number }> = [];
  let from = 0;
  for (const match of piece.text.matchAll(GLUED_START)) {
    parts.push({ text: piece.text.slice(from, match.index), index: piece.index + from });
    from = match.index;
  }
  parts.push({ text: piece.text.slice(from), index: piece.index + from });
  return parts;
}

/**
 * The longest sentence kept whole. News sentences stay far below it: in the 500 eval articles only two
 * "sentences" pass it, and both are lists run together without punctuation (1,040 and 1,860 characters).
 */
export const MAX_SENTENCE_CHARS = 1_000;

/** Where an overlong piece is cut, best first: after a sentence end, after a clause break, at a space. */
const CUT_AFTER: readonly RegExp[] = [
  /[.!?]['"’”)\]]*\s|[。！？]/gu,
  /[,;:]\s|[，；：、]|\s[—–-]\s/gu,
  /\s/gu,
];

function splitOverlong(piece: { text: string; index: number }): Array<{ text: string; index: number }> {
  if (piece.text.length <= MAX_SENTENCE_CHARS) return [piece];
  const parts: Array<{ text: string; index: number }> = [];
  let from = 0;
  while (piece.text.length - from > MAX_SENTENCE_CHARS) {
    const cut = cutPoint(piece.text, from);
    parts.push({ text: piece.text.slice(from, cut), index: piece.index + from });
    from = cut;
  }
  parts.push({ text: piece.text.slice(from), index: piece.index + from });
  return parts;
}

/**
 * The end of the next part of `text` from `from`: the last boundary of the best kind in the second half of
 * the allowed length (so parts are not tiny), or the limit itself, moved off a surrogate pair.
 */
function cutPoint(text: string, from: number): number {
  const window = text.slice(from + MAX_SENTENCE_CHARS / 2, from + MAX_SENTENCE_CHARS);
  for (const boundary of CUT_AFTER) {
    let end = -1;
    for (const match of window.matchAll(boundary)) end = match.index + match[0].length;
    if (end > 0) return from + MAX_SENTENCE_CHARS / 2 + end;
  }
  const limit = from + MAX_SENTENCE_CHARS;
  return /[\uDC00-\uDFFF]/.test(text.charAt(limit)) ? limit - 1 : limit;
}
