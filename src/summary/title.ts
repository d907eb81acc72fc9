/**
 * The summary's title: the document's own when it has one, otherwise a headline taken from the lead,
 * saying where it came from.
 *
 * A derived headline is a verbatim span of one sentence (trimmed of edge punctuation), at most
 * MAX_HEADLINE_WORDS words, never an ellipsis, and never the opening of summary[0]: the reader sees the
 * summary right below it, so a headline that only repeats its first words says nothing.
 */
import type { ScoredSentence } from './rank.js';
import type { SummaryContent } from './schema.js';
import type { Sentence } from './sentences.js';
import { STOPWORDS, contentStems, hasLetter, isAllCapitals, words } from './tokens.js';

type Title = SummaryContent['title'];

/** A first line longer than this is a sentence that lost its full stop, not a headline. */
const MAX_FIRST_LINE_WORDS = 18;
export const MAX_HEADLINE_WORDS = 12;
/** News puts the story in its first sentences; the headline is looked for there, in order. */
const LEAD_SENTENCES = 3;
/** A shorter span reads as a label (a bare name), not as a headline. */
const MIN_SPAN_WORDS = 3;
const MAX_SPAN_WORDS = 10;

/** The document's own title, or a short first line without closing punctuation (plain-text news files). */
export function givenTitle(ownTitle: string | undefined, text: string): Title | undefined {
  if (ownTitle?.trim()) return { text: ownTitle.trim(), origin: 'document' };
  // Read up to the first line break, not split into every line of the text; a text of one line has no
  // first line to take, and its words are not counted.
  const lineBreak = text.indexOf('\n');
  if (lineBreak < 0) return undefined;
  const firstLine = text.slice(0, lineBreak).trim();
  if (firstLine && firstLine.split(/\s+/).length <= MAX_FIRST_LINE_WORDS && !/[.!?:;,"”]$/.test(firstLine)) {
    return { text: firstLine, origin: 'first-line' };
  }
  return undefined;
}

interface Token {
  text: string;
  start: number;
  end: number;
}

/**
 * A headline for an article without a title: in the first lead sentence that has one, the span that starts
 * at the earliest word the article repeats (what it is about, usually the subject) and runs, within its
 * clause, to the last repeated word of at most MAX_SPAN_WORDS words. Repetition is what makes a word
 * headline material; starting at the subject keeps the span readable. When no word repeats (a very short
 * article), any content word will do. A span that opens summary[0] is skipped.
 */
export function deriveHeadline(
  sentences: readonly ScoredSentence[],
  summaryLead: string,
  functionWords: ReadonlySet<string>,
): Title {
  const frequency = new Map<string, number>();
  for (const sentence of sentences)
    for (const s of sentence.stems) frequency.set(s, (frequency.get(s) ?? 0) + 1);
  const lead = sentences.slice(0, LEAD_SENTENCES);
  const opensSummary = (span: string) => startsWithWords(summaryLead, span);
  const isContent = (token: string) => isContentWord(token, functionWords);
  const repeated = (token: string) =>
    isContent(token) && contentStems(token).some((s) => (frequency.get(s) ?? 0) > 1);
  const text =
    firstSpan(lead, repeated, isContent, MIN_SPAN_WORDS, opensSummary) ??
    firstSpan(lead, isContent, isContent, MIN_SPAN_WORDS, opensSummary) ??
    firstSpan(lead, isContent, isContent, 1, opensSummary) ??
    // One sentence of one clause: every span of it opens summary[0], so an opening has to do: the first
    // that is more than punctuation ("..." or "!!!" as a first line trims to nothing).
    [...lead.map((s) => s.text), summaryLead].map(opening).find(Boolean) ??
    summaryLead;
  return { text: clipCharacters(text), origin: 'first-sentence' };
}

const opening = (sentence: string) => trimEdges(sentence.split(/\s+/).slice(0, MAX_HEADLINE_WORDS).join(' '));

/**
 * Scripts written without spaces (Chinese, Japanese, Thai) make a whole clause one "word": the headline is
 * also kept to MAX_HEADLINE_CHARS, cut at a space when there is one, so it stays a span of the sentence.
 */
const MAX_HEADLINE_CHARS = 120;

function clipCharacters(text: string): string {
  const characters = Array.from(text);
  if (characters.length <= MAX_HEADLINE_CHARS) return text;
  const head = characters.slice(0, MAX_HEADLINE_CHARS).join('');
  const space = head.lastIndexOf(' ');
  return trimEdges(space > MAX_HEADLINE_CHARS / 2 ? head.slice(0, space) : head);
}

/**
 * The first span, in sentence and word order, that starts on a `marked` word, ends on the last marked word
 * of its clause within MAX_SPAN_WORDS (else on its last content word), has at least `minWords` words and
 * is not refused by `skip`.
 */
function firstSpan(
  sentences: readonly Sentence[],
  marked: (token: string) => boolean,
  isContent: (token: string) => boolean,
  minWords: number,
  skip: (span: string) => boolean,
): string | undefined {
  for (const sentence of sentences) {
    for (const clause of mainClauses(sentence.text)) {
      for (let from = 0; from < clause.length; from++) {
        const first = clause[from]?.text ?? '';
        // A headline starts on a word, not on what a dash or apostrophe glued to it ("-type", "'s").
        if (!OPENS_WORD.test(first) || !marked(first)) continue;
        const window = clause.slice(from, from + MAX_SPAN_WORDS);
        const endingOn = (test: (token: string) => boolean) =>
          lastIndex(window, (t, i) => i + 1 >= minWords && test(t.text) && !isPossessive(t.text));
        // Too few marked words after the start: any content word may close it, so the early start is kept.
        const lastMarked = endingOn(marked);
        const end = lastMarked >= 0 ? lastMarked : endingOn(isContent);
        if (end < 0) continue;
        const span = trimEdges(sentence.text.slice(window[0]?.start, window[end]?.end));
        if (span && !skip(span)) return span;
      }
    }
  }
  return undefined;
}

/**
 * The sentence's words grouped into clauses: a headline never runs across a comma, semicolon, colon,
 * dash, bracket, double quotation mark or ellipsis, which would leave it half a clause or an unbalanced
 * quote. Brackets and double quotes count even when glued to a word ("(CNN)Rescuers", "Trek"-type).
 */
function clauses(sentence: string): Token[][] {
  const groups: Token[][] = [[]];
  const close = () => {
    if ((groups.at(-1) ?? []).length > 0) groups.push([]);
  };
  for (const match of sentence.matchAll(/[^\s()[\]{}"“”]+|[()[\]{}"“”]/gu)) {
    const token = { text: match[0], start: match.index, end: match.index + match[0].length };
    if (/^(?:[()[\]{}"“”]|[—–-]+)$/u.test(token.text) || /…|\.\.\./.test(token.text.slice(0, -1))) {
      close();
      continue;
    }
    if (token.text.startsWith('‘')) close();
    groups.at(-1)?.push(token);
    if (/[,;:…]$|\.\.\.$/.test(token.text)) close();
  }
  return groups.filter((g) => g.length > 0);
}

/** News ledes open with a scene-setting clause ("As X continues…, Y did Z"); the news is in Y did Z. */
const SCENE_SETTING =
  /^(?:as|while|when|after|before|although|though|since|because|despite|amid|following|with|if)$/i;

/** The sentence's clauses without a leading scene-setting one (kept when it is the only clause). */
function mainClauses(sentence: string): Token[][] {
  const all = clauses(sentence);
  return all.length > 1 && SCENE_SETTING.test(all[0]?.[0]?.text ?? '') ? all.slice(1) : all;
}

function lastIndex<T>(items: readonly T[], test: (item: T, index: number) => boolean): number {
  for (let i = items.length - 1; i >= 0; i--) if (test(items[i] as T, i)) return i;
  return -1;
}

const OPENS_WORD = /^[\p{L}\p{N}]/u;
const EDGE_PUNCTUATION = /^[^\p{L}\p{N}]+|[^\p{L}\p{N}]+$/gu;

/** A word that carries meaning: not a function word (an all-caps acronym such as "US" is a name). */
function isContentWord(token: string, functionWords: ReadonlySet<string>): boolean {
  const word = token.replace(EDGE_PUNCTUATION, '');
  if (!hasLetter(word)) return false;
  if (isAllCapitals(word)) return true;
  const lower = word.toLowerCase();
  return !STOPWORDS.has(lower) && !functionWords.has(lower);
}

/** A headline ending on "the council's" leaves out what the council owns. */
const isPossessive = (token: string) => /['’]s?$/.test(token.replace(/[^\p{L}\p{N}'’]+$/u, ''));

/** Punctuation at the span's edges goes (a span stays a substring of its sentence). */
const trimEdges = (span: string) => span.replace(/^[\s‘'([]+/u, '').replace(/[\s.,;:!?…’')\]]+$/u, '');

/** Whether `text`, compared word by word ignoring case and punctuation, opens with `span`. */
export function startsWithWords(text: string, span: string): boolean {
  const head = words(text);
  const opening = words(span);
  return opening.length > 0 && opening.length <= head.length && opening.every((w, i) => w === head[i]);
}
