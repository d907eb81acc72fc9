/**
 * Headlines for uploads without a title, measured: on bbc-dev250 with the titles withheld (the article
 * alone, as a plain-text upload), ROUGE-1 F1 (stemmed) of the product's title against the real headline,
 * next to two baselines computed in the same run: the article's first 12 words and its first sentence.
 * On both evaluation sets it counts titles that break the headline rules: more than 12 words, an
 * ellipsis, not a verbatim span of one analysed sentence, the opening of summary[0].
 */
import { stripDatelines } from '../src/summary/datelines.js';
import { DEFAULT_SUMMARIZE_OPTIONS } from '../src/summary/options.js';
import { plainTextDocument } from '../src/summary/plain-text.js';
import { splitSentences } from '../src/summary/sentences.js';
import { summarizeDocument } from '../src/summary/summarize.js';
import { MAX_HEADLINE_WORDS, startsWithWords } from '../src/summary/title.js';
import { words } from '../src/summary/tokens.js';
import { hasEvalFile, readEvalRows } from './eval-data.js';
import { rougeN } from './rouge.js';

const REFERENCE_SET = 'bbc-dev250.jsonl';
const RULE_SETS = ['bbc-dev250.jsonl', 'cnndm-frank250.jsonl'];
const BASELINE_WORDS = 12;

interface Violations {
  set: string;
  articles: number;
  derived: number;
  /** Titles the article gave (a short first line), used as is and not held to the headline rules. */
  given: number;
  overLength: number;
  ellipsis: number;
  notSpan: number;
  opensSummary: number;
  /** The rule's letter against its spirit: titles that are summary[0]'s words from its 2nd word on… */
  fromSecondWord: number;
  /** …from its 3rd to 6th word… */
  fromThirdToSixthWord: number;
  /** …or from its 7th word or later. */
  fromSeventhWordOn: number;
}

interface SystemRow {
  system: string;
  words: number;
  rouge1: number;
}

const wordsIn = (text: string) => text.split(/\s+/).filter(Boolean).length;
const mean = (values: number[]) => (values.length ? values.reduce((a, b) => a + b, 0) / values.length : 0);
const points = (value: number) => Number((100 * value).toFixed(2));

/** The product's title and summary for an article uploaded without a title, and the sentences it analysed. */
function headlineOf(article: string) {
  const doc = plainTextDocument(article);
  const content = summarizeDocument(doc, DEFAULT_SUMMARIZE_OPTIONS);
  return { content, sentences: splitSentences(stripDatelines(doc.text)).map((s) => s.text) };
}

type Scores = Map<string, { words: number[]; f1: number[] }>;

/** Counts rule breaks over one set; where the set has real titles, also scores each system against them. */
function evaluateSet(set: string, scores: Scores): Violations {
  const rows = readEvalRows(set);
  const counts: Violations = {
    set: set.replace(/\.jsonl$/, ''),
    articles: rows.length,
    derived: 0,
    given: 0,
    overLength: 0,
    ellipsis: 0,
    notSpan: 0,
    opensSummary: 0,
    fromSecondWord: 0,
    fromThirdToSixthWord: 0,
    fromSeventhWordOn: 0,
  };
  const score = (system: string, candidate: string, reference: string) => {
    const entry = scores.get(system) ?? { words: [], f1: [] };
    entry.words.push(wordsIn(candidate));
    entry.f1.push(rougeN(candidate, reference, 1));
    scores.set(system, entry);
  };
  for (const row of rows) {
    const { content, sentences } = headlineOf(row.article);
    const title = content.title.text;
    if (set === REFERENCE_SET && row.title) {
      score('product', title, row.title);
      score(
        `first ${BASELINE_WORDS} words`,
        row.article.split(/\s+/).slice(0, BASELINE_WORDS).join(' '),
        row.title,
      );
      score('first sentence', sentences[0] ?? '', row.title);
    }
    if (content.title.origin !== 'first-sentence') {
      counts.given++;
      continue;
    }
    counts.derived++;
    if (wordsIn(title) > MAX_HEADLINE_WORDS) counts.overLength++;
    if (/…|\.\.\./.test(title)) counts.ellipsis++;
    if (!sentences.some((s) => s.includes(title))) counts.notSpan++;
    if (startsWithWords(content.summary[0] ?? '', title)) counts.opensSummary++;
    const offset = wordOffset(content.summary[0] ?? '', title);
    if (offset === 1) counts.fromSecondWord++;
    else if (offset >= 2 && offset <= 5) counts.fromThirdToSixthWord++;
    else if (offset >= 6) counts.fromSeventhWordOn++;
  }
  return counts;
}

/** At which word of `text` the words of `title` stand, compared word by word (-1 when they do not). */
function wordOffset(text: string, title: string): number {
  const all = words(text);
  const span = words(title);
  if (span.length === 0) return -1;
  for (let from = 0; from + span.length <= all.length; from++)
    if (span.every((word, i) => word === all[from + i])) return from;
  return -1;
}

/** The headline tables and their figures, or undefined when bbc-dev250 is not in the evaluation data. */
export function evaluateHeadlines(): { table: string; figures: object } | undefined {
  if (!hasEvalFile(REFERENCE_SET)) return undefined;
  const scores: Scores = new Map();
  const rules = RULE_SETS.filter(hasEvalFile).map((set) => evaluateSet(set, scores));
  const systems: SystemRow[] = [...scores].map(([system, { words, f1 }]) => ({
    system,
    words: Number(mean(words).toFixed(1)),
    rouge1: points(mean(f1)),
  }));
  const scoreTable = [
    `| ${REFERENCE_SET.replace(/\.jsonl$/, '')}, titles withheld | words | ROUGE-1 F1 |`,
    '|---|---:|---:|',
    ...systems.map((s) => `| ${s.system} | ${s.words.toFixed(1)} | ${s.rouge1.toFixed(2)} |`),
  ];
  const ruleTable = [
    `| set | articles | derived titles | given (first line) | over ${MAX_HEADLINE_WORDS} words | ellipsis | not a span of one sentence | opens summary[0] | summary[0] from its 2nd word | from its 3rd to 6th | from its 7th on |`,
    '|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
    ...rules.map(
      (r) =>
        `| ${r.set} | ${r.articles} | ${r.derived} | ${r.given} | ${r.overLength} | ${r.ellipsis} | ${r.notSpan} | ${r.opensSummary} | ${r.fromSecondWord} | ${r.fromThirdToSixthWord} | ${r.fromSeventhWordOn} |`,
    ),
  ];
  return { table: [...scoreTable, '', ...ruleTable].join('\n'), figures: { systems, rules } };
}
