/**
 * Key phrases in npm run eval: per evaluation file with reference summaries, how many phrases an article
 * gets, how many are multi-word, whether the rules hold (checked here independently of keywords.ts: Porter
 * stems, plural endings and a table of country adjectives, and a verbatim search of the article), and, as
 * quality signals, how many phrases have every word in the human reference summary and how much of the
 * reference's content words the phrases hold, next to the single-word frequency keywords they replace,
 * computed in the same run.
 */
import { basename } from 'node:path';
import { stemmer } from 'stemmer';
import { stripDatelines } from '../src/summary/datelines.js';
import { extractKeywords } from '../src/summary/keywords.js';
import { detectLanguage, functionWords } from '../src/summary/language.js';
import { STOPWORDS } from '../src/summary/tokens.js';
import { frequentWords } from './baselines.js';
import { evalFiles, readEvalRows } from './eval-data.js';
import { tokenize } from './rouge.js';

export interface KeyPhraseFigures {
  file: string;
  articles: number;
  phrasesPerArticle: number;
  /** Share of phrases with two or three words, x100. */
  multiWord: number;
  /** Articles with fewer than 5 or more than 10 phrases. */
  outside5to10: number;
  /** Pairs within one article's phrases that are one thing: same stems, a plural, a country and its adjective. */
  nearDuplicatePairs: number;
  /** Phrases breaking a form rule: over three words, a function word at either end, a word without a letter. */
  ruleBreaks: number;
  /** Phrases not found in the article, case-insensitively (must be 0). */
  notVerbatim: number;
  /** Share of phrases, x100, whose every word (stemmed) occurs in the reference summary. */
  inReference: number;
  /** Share, x100, of the reference's content words (stemmed) that some phrase holds. */
  referenceCovered: number;
  /** The same for the single-word frequency keywords, and their near-duplicate pairs. */
  baselineInReference: number;
  baselineReferenceCovered: number;
  baselineNearDuplicatePairs: number;
}

/** Adjective (and plural noun) → country, for the independent near-duplicate check. */
const COUNTRY_OF: Record<string, string> = Object.fromEntries(
  (
    'american:america americans:america russian:russia russians:russia chinese:china british:britain ' +
    'english:england french:france german:germany germans:germany italian:italy italians:italy ' +
    'spanish:spain japanese:japan indian:india indians:india pakistani:pakistan afghan:afghanistan ' +
    'iraqi:iraq iraqis:iraq iranian:iran iranians:iran syrian:syria syrians:syria israeli:israel ' +
    'israelis:israel palestinian:palestine palestinians:palestine egyptian:egypt turkish:turkey ' +
    'greek:greece ukrainian:ukraine ukrainians:ukraine korean:korea mexican:mexico mexicans:mexico ' +
    'canadian:canada canadians:canada australian:australia australians:australia irish:ireland ' +
    'scottish:scotland welsh:wales dutch:netherlands swiss:switzerland swedish:sweden polish:poland ' +
    'african:africa european:europe europeans:europe asian:asia brazilian:brazil nigerian:nigeria ' +
    'saudi:saudi yemeni:yemen libyan:libya cuban:cuba'
  )
    .split(' ')
    .map((pair) => pair.split(':') as [string, string]),
);

const lowerWords = (phrase: string) =>
  phrase
    .toLowerCase()
    .split(/\s+/)
    .map((w) => w.replace(/['’]s$/, ''));
const stemSet = (phrase: string) => [...new Set(lowerWords(phrase).map((w) => stemmer(w)))].sort().join(' ');
const singular = (word: string) => word.replace(/ies$/, 'y').replace(/(?:es|s)$/, '');
const lastSingular = (phrase: string) => {
  const ws = lowerWords(phrase);
  return [...ws.slice(0, -1), singular(ws.at(-1) ?? '')].join(' ');
};
const countries = (phrase: string) =>
  lowerWords(phrase)
    .map((w) => COUNTRY_OF[w] ?? w)
    .join(' ');

export function nearDuplicate(a: string, b: string): boolean {
  return stemSet(a) === stemSet(b) || lastSingular(a) === lastSingular(b) || countries(a) === countries(b);
}

function nearDuplicatePairs(phrases: string[]): number {
  let pairs = 0;
  phrases.forEach((a, i) => phrases.slice(i + 1).forEach((b) => (pairs += Number(nearDuplicate(a, b)))));
  return pairs;
}

function breaksRules(phrase: string): boolean {
  const ws = phrase.split(/\s+/);
  const functionWordAt = (w: string | undefined) =>
    w !== undefined && STOPWORDS.has(w) && w === w.toLowerCase();
  return (
    ws.length > 3 || functionWordAt(ws[0]) || functionWordAt(ws.at(-1)) || ws.some((w) => !/\p{L}/u.test(w))
  );
}

/** The reference's content words, stemmed as ROUGE stems them. */
const contentTokens = (text: string) =>
  new Set(
    tokenize(
      text
        .split(/\s+/)
        .filter((w) => !STOPWORDS.has(w.toLowerCase()))
        .join(' '),
    ),
  );

/** Share of the reference's content words that some phrase holds. */
function covered(phrases: string[], reference: ReadonlySet<string>): number {
  const held = new Set(phrases.flatMap((p) => tokenize(p)));
  return reference.size ? [...reference].filter((t) => held.has(t)).length / reference.size : 0;
}

/** Every word of the phrase, stemmed as ROUGE stems, is in the reference ("of" aside). */
function inReference(phrase: string, reference: ReadonlySet<string>): boolean {
  const tokens = tokenize(phrase).filter((t) => t !== 'of');
  return tokens.length > 0 && tokens.every((t) => reference.has(t));
}

const mean = (values: number[]) => (values.length ? values.reduce((a, b) => a + b, 0) / values.length : 0);
const share = (hits: number, total: number) => Number((total ? (100 * hits) / total : 0).toFixed(1));

function evaluateFile(name: string): KeyPhraseFigures | undefined {
  const rows = readEvalRows(name).filter((row) => row.reference);
  if (rows.length === 0) return undefined;
  const counts: number[] = [];
  let phrases = 0;
  let multi = 0;
  let outside = 0;
  let pairs = 0;
  let breaks = 0;
  let missing = 0;
  let hits = 0;
  let baselinePhrases = 0;
  let baselineHits = 0;
  let baselinePairs = 0;
  let coverage = 0;
  let baselineCoverage = 0;
  for (const row of rows) {
    // As summarize.ts calls it: datelines cut, the language's function words skipped.
    const text = stripDatelines(row.article);
    const skip = functionWords(detectLanguage(text));
    const product = extractKeywords(text, skip);
    const baseline = frequentWords(text, skip);
    const reference = new Set(tokenize(row.reference ?? ''));
    const referenceContent = contentTokens(row.reference ?? '');
    const article = row.article.toLowerCase();
    counts.push(product.length);
    phrases += product.length;
    multi += product.filter((p) => p.includes(' ')).length;
    outside += Number(product.length < 5 || product.length > 10);
    pairs += nearDuplicatePairs(product);
    breaks += product.filter(breaksRules).length;
    missing += product.filter((p) => !article.includes(p.toLowerCase())).length;
    hits += product.filter((p) => inReference(p, reference)).length;
    baselinePhrases += baseline.length;
    baselineHits += baseline.filter((p) => inReference(p, reference)).length;
    baselinePairs += nearDuplicatePairs(baseline);
    coverage += covered(product, referenceContent);
    baselineCoverage += covered(baseline, referenceContent);
  }
  return {
    file: basename(name, '.jsonl'),
    articles: rows.length,
    phrasesPerArticle: Number(mean(counts).toFixed(2)),
    multiWord: share(multi, phrases),
    outside5to10: outside,
    nearDuplicatePairs: pairs,
    ruleBreaks: breaks,
    notVerbatim: missing,
    inReference: share(hits, phrases),
    referenceCovered: share(coverage, rows.length),
    baselineInReference: share(baselineHits, baselinePhrases),
    baselineReferenceCovered: share(baselineCoverage, rows.length),
    baselineNearDuplicatePairs: baselinePairs,
  };
}

export function evaluateKeyPhrases(): { table: string; figures: KeyPhraseFigures[] } {
  const figures = evalFiles().flatMap((name) => evaluateFile(name) ?? []);
  const header =
    '| file | articles | phrases per article | multi-word % | outside 5-10 | near-duplicate pairs (single words) | rule breaks | not verbatim | in reference % (single words) | reference words covered % (single words) |\n' +
    '|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|';
  const body = figures.map(
    (f) =>
      `| ${f.file} | ${f.articles} | ${f.phrasesPerArticle.toFixed(2)} | ${f.multiWord.toFixed(1)} | ${f.outside5to10} | ` +
      `${f.nearDuplicatePairs} (${f.baselineNearDuplicatePairs}) | ${f.ruleBreaks} | ${f.notVerbatim} | ` +
      `${f.inReference.toFixed(1)} (${f.baselineInReference.toFixed(1)}) | ` +
      `${f.referenceCovered.toFixed(1)} (${f.baselineReferenceCovered.toFixed(1)}) |`,
  );
  return { table: [header, ...body].join('\n'), figures };
}
