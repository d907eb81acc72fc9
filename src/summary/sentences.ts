/**
 * Sentence segmentation with the ICU segmenter built into Node (Intl.Segmenter), which follows the
 * Unicode sentence-boundary rules. ICU in Node has no abbreviation suppressions, so a boundary after
 * "Mr." or "U.S." followed by a name is merged back here: that small list is the only hand-written part.
 */
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
      for (const piece of mergeAbbreviations([...segmenter.segment(line.text)]).flatMap(splitGluedCaption)) {
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

function mergeAbbreviations(segments: Intl.SegmentData[]): Array<{ text: string; index: number }> {
  const merged: Array<{ text: string; index: number }> = [];
  for (const segment of segments) {
    const previous = merged.at(-1);
    if (previous && continuesAfter(previous.text, segment.segment)) previous.text += segment.segment;
    else merged.push({ text: segment.segment, index: segment.index });
  }
  return merged;
}

function continuesAfter(previous: string, next: string): boolean {
  const lastWord = previous.trimEnd().match(/(\S+)\.$/)?.[1];
  if (lastWord === undefined) return false;
  if (/^[a-z]/.test(next.trimStart())) return true;
  const bare = lastWord.replace(/^[("'“‘]+/, '').toLowerCase();
  // Initials and dotted acronyms: "J. K. Rowling", "U.S. officials".
  if (/^(\p{L}\.)+\p{L}?$/u.test(bare) || /^\p{Lu}$/u.test(lastWord))
    return bare.length <= 4 && /^\p{Lu}/u.test(next.trimStart());
  return ABBREVIATIONS.has(bare);
}

/**
 * Photo captions in news feeds lose their closing period and run into the next sentence:
 * "... camouflaged in woodland In many of the pictures, ...". A capitalised function word right after a
 * lowercase word cannot continue a sentence, so the text is cut there.
 */
const GLUED_START =
  /(?<=[\p{Ll}\d'’”)])\s+(?=(?:The|He|She|It|Its|They|We|In|At|But|And|This|These|Those|His|Her|Their|When|While|After|Before|There)\s+[\p{Ll}\d])/gu;

function splitGluedCaption(piece: { text: string; index: number }): Array<{ text: string; index: number }> {
  const parts: Array<{ text: string; index: number }> = [];
  let from = 0;
  for (const match of piece.text.matchAll(GLUED_START)) {
    parts.push({ text: piece.text.slice(from, match.index), index: piece.index + from });
    from = match.index;
  }
  parts.push({ text: piece.text.slice(from), index: piece.index + from });
  return parts;
}
