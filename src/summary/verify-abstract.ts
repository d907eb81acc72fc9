/**
 * An LLM-written title, summary and key points, checked against the article text the model was given before
 * anything of it is stored. Pure: no I/O, no clock. What it checks, and how the support threshold was
 * chosen: docs/llm-summaries.md.
 */
import * as z from '../zod.js';
import { summarySchema } from './schema.js';
import { contentStems, stem, words } from './tokens.js';

/**
 * What the model is asked for (the tool's input schema is generated from it) and what its answer is parsed
 * with: the summary's own `summary` and `keyPoints`, and the text of its `title`.
 */
export const abstractDraftSchema = z.object({
  title: summarySchema.shape.title.shape.text.check(z.describe('A short, factual headline for the article.')),
  summary: summarySchema.shape.summary.check(
    z.describe(
      'What is new, in 1-3 short sentences, using only facts, names, numbers and quotations the article states.',
    ),
  ),
  keyPoints: summarySchema.shape.keyPoints.check(
    z.describe('Up to 5 single-sentence points a reader would underline, each stated in the article.'),
  ),
});
export type AbstractDraft = z.infer<typeof abstractDraftSchema>;

/** `abstractDraftSchema` as JSON Schema (without `$schema`): what the model's tool input must match. */
export const ABSTRACT_DRAFT_JSON_SCHEMA: Record<string, unknown> = Object.fromEntries(
  Object.entries(z.toJSONSchema(abstractDraftSchema)).filter(([key]) => key !== '$schema'),
);

export interface AbstractLimits {
  /** Sentences in `summary` (SUMMARY_MAX_SENTENCES). */
  maxSentences: number;
  /** Words in `summary`, all together (SUMMARY_MAX_WORDS). */
  maxWords: number;
}

/** A headline longer than this is a sentence, not a title. */
const MAX_TITLE_WORDS = 20;
/** A key point is one sentence; longer than this it is a paragraph. */
const MAX_KEY_POINT_WORDS = 60;

/**
 * The least share of a sentence's content words (stemmed, stopwords and numbers left out) that the article
 * must contain for the sentence to count as supported. Calibrated by scripts/calibrate-abstract-support.ts on
 * human reference summaries (supported) and other articles' references (unsupported): docs/llm-summaries.md.
 */
export const MIN_SENTENCE_SUPPORT = 0.6;

export type VerificationFailureCode =
  'too-long' | 'unsupported-number' | 'unsupported-quote' | 'unsupported-name' | 'unsupported-sentence';

export type Verification = { ok: true } | { ok: false; code: VerificationFailureCode; reason: string };

/** The article as the checks read it, prepared once. */
export interface ArticleIndex {
  text: string;
  numbers: ReadonlySet<string>;
  /** Every word, lowercased. */
  words: ReadonlySet<string>;
  /** Words the article writes with a capital first letter, lowercased. */
  capitalized: ReadonlySet<string>;
  stems: ReadonlySet<string>;
}

export function indexArticle(article: string): ArticleIndex {
  const text = normalize(article);
  const tokens = wordTokens(article);
  return {
    text,
    numbers: new Set(numbersIn(text)),
    words: new Set(tokens.map((t) => t.toLowerCase())),
    capitalized: new Set(tokens.filter(startsUppercase).map((t) => t.toLowerCase())),
    stems: new Set(contentStems(text)),
  };
}

/** The first check that fails, or ok: lengths, then numbers, quotes, names, and each sentence's support. */
export function verifyAbstract(
  draft: AbstractDraft,
  article: ArticleIndex,
  limits: AbstractLimits,
): Verification {
  const tooLong = lengthProblem(draft, limits);
  if (tooLong) return { ok: false, code: 'too-long', reason: tooLong };
  const parts = [
    { name: 'title', text: draft.title, titleCase: true },
    ...draft.summary.map((text, i) => ({ name: `summary[${i}]`, text, titleCase: false })),
    ...draft.keyPoints.map((text, i) => ({ name: `keyPoints[${i}]`, text, titleCase: false })),
  ];
  for (const part of parts) {
    const text = normalize(part.text);
    const number = numbersIn(text).find((n) => !article.numbers.has(n));
    if (number !== undefined) {
      return fail('unsupported-number', `${part.name} has the number ${number}, which the article does not`);
    }
    const quote = quotedSpans(text).find((q) => !article.text.includes(q));
    if (quote !== undefined) {
      return fail('unsupported-quote', `${part.name} quotes "${quote}", which the article does not say`);
    }
    const name = unknownName(part.text, article, part.titleCase);
    if (name !== undefined) {
      return fail(
        'unsupported-name',
        `${part.name} has the capitalized word "${name}", which the article does not`,
      );
    }
    for (const sentence of sentencesOf(part.text)) {
      const support = sentenceSupport(sentence, article);
      if (support < MIN_SENTENCE_SUPPORT) {
        return fail(
          'unsupported-sentence',
          `${part.name}: only ${Math.round(support * 100)}% of the content words of "${clip(sentence)}" are in the article (at least ${MIN_SENTENCE_SUPPORT * 100}% needed)`,
        );
      }
    }
  }
  return { ok: true };
}

/** The share of the sentence's distinct content stems that the article has; 1 for a sentence without any. */
export function sentenceSupport(sentence: string, article: Pick<ArticleIndex, 'stems'>): number {
  const stems = new Set(contentStems(normalize(sentence)));
  if (stems.size === 0) return 1;
  let found = 0;
  for (const s of stems) if (article.stems.has(s)) found++;
  return found / stems.size;
}

function fail(code: VerificationFailureCode, reason: string): Verification {
  return { ok: false, code, reason };
}

/** Limits beyond the schema's own (1-3 summary sentences, at most 5 key points), which parsing enforces. */
function lengthProblem(draft: AbstractDraft, limits: AbstractLimits): string | undefined {
  const count = (text: string) => words(text).length;
  if (count(draft.title) > MAX_TITLE_WORDS) return `the title has more than ${MAX_TITLE_WORDS} words`;
  if (draft.summary.length > limits.maxSentences) {
    return `the summary has ${draft.summary.length} sentences, more than ${limits.maxSentences}`;
  }
  const summaryWords = draft.summary.reduce((sum, s) => sum + count(s), 0);
  if (summaryWords > limits.maxWords) {
    return `the summary has ${summaryWords} words, more than ${limits.maxWords}`;
  }
  if (draft.keyPoints.some((p) => count(p) > MAX_KEY_POINT_WORDS)) {
    return `a key point has more than ${MAX_KEY_POINT_WORDS} words`;
  }
  return undefined;
}

/**
 * Compared after normalization: Unicode compatibility forms (NFKC), lowercase, one kind of quotation mark,
 * apostrophe and dash, single spaces. A model that writes “ ” for the article's " is not inventing anything.
 */
export function normalize(text: string): string {
  return text
    .normalize('NFKC')
    .toLowerCase()
    .replace(/[\u2018\u2019\u201A\u201B\u2032]/g, "'")
    .replace(/[\u201C\u201D\u201E\u201F\u00AB\u00BB\u2033]/g, '"')
    .replace(/[\u2010-\u2015\u2212]/g, '-')
    .replace(/\u00AD/g, '')
    .replace(/\s+/g, ' ');
}

/** Digit runs with their thousands separators dropped (60,000 is 60000) and decimals kept (1.13). */
function numbersIn(text: string): string[] {
  return (text.match(/\d+(?:[.,]\d+)*/g) ?? []).map((n) =>
    /^\d{1,3}(?:,\d{3})+(?:\.\d+)?$/.test(n) ? n.replaceAll(',', '') : n,
  );
}

/**
 * What the text puts in quotation marks (normalized text: every double quote is `"`, every single one `'`):
 * double-quoted spans, and single-quoted ones whose marks do not touch letters (so apostrophes are not read
 * as quotes). An elided quote ("a ... b") is checked piece by piece; end punctuation is left out.
 */
function quotedSpans(text: string): string[] {
  const spans = [
    ...Array.from(text.matchAll(/"([^"]+)"/g), (m) => m[1] ?? ''),
    ...Array.from(text.matchAll(/(?<![\p{L}\p{N}])'([^']+)'(?![\p{L}\p{N}])/gu), (m) => m[1] ?? ''),
  ];
  return spans
    .flatMap((span) => span.split(/\.{3}|…|\[[^\]]*\]/))
    .map((piece) => piece.trim().replace(/^[\s,.;:!?-]+|[\s,.;:!?-]+$/g, ''))
    .filter((piece) => piece.length > 0);
}

/** Words as they are written (letters, inner apostrophes and hyphens), possessive `'s` left out. */
function wordTokens(text: string): string[] {
  return (text.normalize('NFKC').match(/\p{L}[\p{L}\p{M}]*(?:['’-][\p{L}\p{M}]+)*/gu) ?? []).flatMap((w) =>
    w.replace(/['’]s$/u, '').split('-'),
  );
}

const startsUppercase = (word: string) => /^\p{Lu}/u.test(word);

/**
 * A capitalized word the article does not have. Where a capital only marks the start of a sentence (or of a
 * quotation, or any word of a Title Case headline) the word may appear in the article in any case and form
 * (its stem: "Stays" for the article's "stay"); elsewhere the article must write it capitalized too, so an
 * invented "Mark" is not excused by the article's "mark".
 */
function unknownName(text: string, article: ArticleIndex, titleCase: boolean): string | undefined {
  for (const sentence of sentencesOf(text.normalize('NFKC'))) {
    const tokens = wordTokens(sentence);
    const openers = new Set(
      Array.from(sentence.matchAll(/(?:^|["“‘'(:]\s*)(\p{L}[\p{L}\p{M}]*)/gu), (m) => m[1] ?? ''),
    );
    for (const token of tokens) {
      if (!startsUppercase(token)) continue;
      const lower = token.toLowerCase();
      const known =
        titleCase || openers.has(token)
          ? article.words.has(lower) || article.stems.has(stem(lower))
          : article.capitalized.has(lower);
      if (!known) return token;
    }
  }
  return undefined;
}

/** Sentences of one summary item: split after . ! or ? where a capital, digit or quotation follows. */
function sentencesOf(text: string): string[] {
  return text
    .split(/(?<=[.!?]["”’)]?)\s+(?=[\p{Lu}\p{N}"“‘(])/u)
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
}

const clip = (text: string) => (text.length > 120 ? `${text.slice(0, 117)}...` : text);

/** Tokens are estimated as characters / 4, the usual figure for English prose (docs/llm-summaries.md). */
export const CHARS_PER_TOKEN = 4;

/**
 * The part of the article the model is given: at most `maxTokens` estimated tokens, ending after the last
 * whole sentence that fits (at a space if no sentence ends in the second half), so that neither the model
 * nor the checks see a sentence cut in half.
 */
export function cutToTokenBudget(text: string, maxTokens: number): { text: string; cut: boolean } {
  const limit = maxTokens * CHARS_PER_TOKEN;
  if (text.length <= limit) return { text, cut: false };
  const head = text.slice(0, limit + 1);
  const sentenceEnds = Array.from(head.matchAll(/[.!?]["”’)]?(?=\s)/g), (m) => m.index + m[0].length);
  const lastSentenceEnd = sentenceEnds.at(-1) ?? 0;
  const end = lastSentenceEnd > limit / 2 ? lastSentenceEnd : Math.max(head.lastIndexOf(' ', limit), 1);
  return { text: text.slice(0, end).trimEnd(), cut: true };
}
