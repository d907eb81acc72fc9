/**
 * ArticleDocument -> SummaryContent: the pure core of the product. No I/O, no environment, no clock;
 * the pipeline adds id, source, schemaVersion and createdAt.
 */
import { UnreadableArticleError, type ArticleDocument } from '../article/document.js';
import { extractDates } from './dates.js';
import { stripDatelines } from './datelines.js';
import { extractEntities } from './entities.js';
import { extractKeywords } from './keywords.js';
import { detectLanguage, functionWords, isRomance } from './language.js';
import { extractNumbers } from './numbers.js';
import { extractQuotes } from './quotes.js';
import { prepareSentences, selectKeyPoints, selectSummary } from './rank.js';
import type { SummaryContent } from './schema.js';
import { splitSentences } from './sentences.js';
import { extractSources } from './sources.js';
import { deriveHeadline, givenTitle } from './title.js';
import { countWords } from './tokens.js';
import { DEFAULT_SUMMARIZE_OPTIONS, type SummarizeOptions } from './options.js';

/** The version changes whenever the same article would get a different summary. */
export const SUMMARIZER = { name: 'lead-centrality-coverage', version: '2.0.0' } as const;

const WORDS_PER_MINUTE = 230;
const MIN_KEY_POINTS = 3;
const MAX_KEY_POINTS = 5;

export function summarizeDocument(
  doc: ArticleDocument,
  options: Partial<SummarizeOptions> = {},
): SummaryContent {
  const settings = resolveOptions(options);
  const truncated = doc.text.length > settings.maxAnalysedChars;
  const text = stripDatelines(truncated ? cutAtWhitespace(doc.text, settings.maxAnalysedChars) : doc.text);
  const split = splitSentences(text);
  const sentences = prepareSentences(split);
  if (!sentences.some((s) => s.wordCount > 0)) {
    throw new UnreadableArticleError('no-text', 'The article has no sentences to summarize.');
  }
  const given = givenTitle(doc.title, text);
  // A headline taken from the first line is the title, not a sentence of the story.
  const body =
    given?.origin === 'first-line'
      ? sentences.filter((s) => s.index > 0 || s.text !== given.text)
      : sentences;
  const scope = body.length > 0 ? body : sentences;
  const summary = selectSummary(scope, settings.maxSentences, settings.maxWords);
  const keyPointCount = Math.min(MAX_KEY_POINTS, Math.max(MIN_KEY_POINTS, Math.round(scope.length / 4)));
  const keyPoints = selectKeyPoints(scope, keyPointCount);

  const language = detectLanguage(text);
  const entities = extractEntities(text, split, language);
  const dates = extractDates(text, doc.publishedAt);
  const wordCount = countWords(doc.text);
  return {
    // Derived after the summary: the headline must not repeat the opening of summary[0].
    title: given ?? deriveHeadline(scope, summary[0]?.text ?? '', functionWords(language)),
    language,
    summary: summary.map((s) => clipWords(s.text, settings.maxWords)),
    keyPoints: keyPoints.map((s) => s.text),
    entities,
    dates: dates.map(({ text: written, iso }) => ({ text: written, ...(iso ? { iso } : {}) })),
    numbers: extractNumbers(text, dates),
    quotes: extractQuotes(
      text,
      entities.people.map((p) => p.name),
    ),
    sources: extractSources(text, new Set(entities.organizations.map((o) => o.name))),
    keywords: extractKeywords(text, functionWords(language), isRomance(language)),
    wordCount,
    readingTimeMinutes: Math.max(1, Math.ceil(wordCount / WORDS_PER_MINUTE)),
    truncated,
    summarizer: { ...SUMMARIZER },
  };
}

function resolveOptions(options: Partial<SummarizeOptions>): SummarizeOptions {
  const settings = { ...DEFAULT_SUMMARIZE_OPTIONS, ...options };
  if (!Number.isInteger(settings.maxSentences) || settings.maxSentences < 1 || settings.maxSentences > 3) {
    throw new RangeError(`maxSentences must be an integer from 1 to 3, got ${settings.maxSentences}`);
  }
  for (const name of ['maxWords', 'maxAnalysedChars'] as const) {
    if (!Number.isInteger(settings[name]) || settings[name] < 1) {
      throw new RangeError(`${name} must be a positive integer, got ${settings[name]}`);
    }
  }
  return settings;
}

/** The first `limit` characters, ending at a word boundary so no word is cut in half. */
function cutAtWhitespace(text: string, limit: number): string {
  const head = text.slice(0, limit);
  const boundary = head.search(/\s\S*$/);
  return boundary > limit / 2 ? head.slice(0, boundary) : head;
}

/** A lone sentence longer than the word budget keeps its first words: still a span of the source. */
function clipWords(sentence: string, maxWords: number): string {
  const tokens = sentence.split(/\s+/);
  return tokens.length <= maxWords
    ? sentence
    : tokens
        .slice(0, maxWords)
        .join(' ')
        .replace(/[,;:]$/, '');
}
