/**
 * Entity quality and cost, product vs raw compromise, by the rules of the NER data's NER-SOURCES.md:
 * names normalized on both sides, compared per document and type as sets, true/false positives and misses
 * summed over documents (micro average), strict (equal names) and lenient (one name's words are a
 * contiguous run of the other's). Cost is the median time of entity extraction alone per CNN/DailyMail
 * article. Evaluation only: the data is read from EVAL_DATA_DIR and never copied into the repository.
 */
import nlp from 'compromise';
import { performance } from 'node:perf_hooks';
import { stripDatelines } from '../src/summary/datelines.js';
import { extractEntities, type Entities } from '../src/summary/entities.js';
import { detectLanguage } from '../src/summary/language.js';
import { plainTextDocument } from '../src/summary/plain-text.js';
import { splitSentences } from '../src/summary/sentences.js';
import { summarizeDocument } from '../src/summary/summarize.js';
import { hasEvalFile, readEvalRows } from './eval-data.js';

const NER_FILE = 'conll2003-dev-docs.jsonl';
const TIMING_FILE = 'cnndm-frank250.jsonl';
const WARM_UP_ARTICLES = 20;
const TYPES = ['people', 'organizations', 'places'] as const;
type EntityType = (typeof TYPES)[number];
export type Names = Record<EntityType, string[]>;

export interface NerRow {
  id: string;
  article: string;
  gold: Names;
}

interface Counts {
  truePositives: number;
  predicted: number;
  gold: number;
  /** Gold names some prediction matches (lenient recall counts these, not predictions). */
  goldFound: number;
}

export interface Score {
  precision: number;
  recall: number;
  f1: number;
}

/** NFKC, lowercase, surrounding punctuation and symbols and a trailing possessive stripped, spaces collapsed. */
export function normalizeName(name: string): string {
  const trim = (s: string) => s.replace(/^[\p{P}\p{S}\s]+|[\p{P}\p{S}\s]+$/gu, '');
  return trim(trim(name.normalize('NFKC').toLowerCase().replace(/\s+/g, ' ')).replace(/['’]s$/u, '')).replace(
    /\s+/g,
    ' ',
  );
}

function contains(haystack: string[], needle: string[]): boolean {
  for (let i = 0; i + needle.length <= haystack.length; i++) {
    if (needle.every((w, j) => haystack[i + j] === w)) return true;
  }
  return false;
}

const overlaps = (a: string, b: string): boolean => {
  const x = a.split(' ');
  const y = b.split(' ');
  return contains(x, y) || contains(y, x);
};

function normalizedSet(names: readonly string[]): string[] {
  return [...new Set(names.map(normalizeName).filter(Boolean))];
}

function countDocument(predicted: readonly string[], gold: readonly string[], lenient: boolean): Counts {
  const p = normalizedSet(predicted);
  const g = normalizedSet(gold);
  const same = lenient ? overlaps : (a: string, b: string) => a === b;
  return {
    predicted: p.length,
    gold: g.length,
    truePositives: p.filter((name) => g.some((other) => same(name, other))).length,
    goldFound: g.filter((name) => p.some((other) => same(name, other))).length,
  };
}

function score(counts: Counts): Score {
  const precision = counts.predicted ? counts.truePositives / counts.predicted : 0;
  const recall = counts.gold ? counts.goldFound / counts.gold : 0;
  const f1 = precision + recall ? (2 * precision * recall) / (precision + recall) : 0;
  return { precision, recall, f1 };
}

const add = (a: Counts, b: Counts): Counts => ({
  truePositives: a.truePositives + b.truePositives,
  predicted: a.predicted + b.predicted,
  gold: a.gold + b.gold,
  goldFound: a.goldFound + b.goldFound,
});
const ZERO: Counts = { truePositives: 0, predicted: 0, gold: 0, goldFound: 0 };

type Mode = 'strict' | 'lenient';
type SystemScores = Record<EntityType | 'overall', Record<Mode, Score>>;

export function scoreSystem(rows: readonly NerRow[], predict: (article: string) => Names): SystemScores {
  const totals = { strict: { ...emptyTotals() }, lenient: { ...emptyTotals() } };
  for (const row of rows) {
    const predicted = predict(row.article);
    for (const mode of ['strict', 'lenient'] as const) {
      for (const type of TYPES) {
        totals[mode][type] = add(
          totals[mode][type],
          countDocument(predicted[type], row.gold[type], mode === 'lenient'),
        );
      }
    }
  }
  const result = {} as SystemScores;
  for (const type of [...TYPES, 'overall'] as const) {
    const pick = (mode: Mode) =>
      type === 'overall' ? TYPES.map((t) => totals[mode][t]).reduce(add, ZERO) : totals[mode][type];
    result[type] = { strict: score(pick('strict')), lenient: score(pick('lenient')) };
  }
  return result;
}

function emptyTotals(): Record<EntityType, Counts> {
  return { people: ZERO, organizations: ZERO, places: ZERO };
}

const names = (entities: Entities): Names => ({
  people: entities.people.map((e) => e.name),
  organizations: entities.organizations.map((e) => e.name),
  places: entities.places.map((e) => e.name),
});

function productEntities(article: string): Names {
  return names(summarizeDocument(plainTextDocument(article)).entities);
}

function compromiseEntities(article: string): Names {
  const doc = nlp(article);
  return {
    people: doc.people().out('array') as string[],
    organizations: doc.organizations().out('array') as string[],
    places: doc.places().out('array') as string[],
  };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? (sorted[mid] ?? 0) : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
}

/** Median ms per article of `extract` alone, timed warm (after a few articles, as in a Lambda that has served some). */
function medianMs<T>(inputs: readonly T[], extract: (input: T) => unknown): number {
  for (const input of inputs.slice(0, WARM_UP_ARTICLES)) extract(input);
  const times = inputs.map((input) => {
    const start = performance.now();
    extract(input);
    return performance.now() - start;
  });
  return median(times);
}

/** Each system on what it would be given: the product after datelines, splitting and language, which are not timed. */
function timeExtraction(articles: readonly string[]): { product: number; compromise: number } {
  const inputs = articles.map((article) => {
    const text = stripDatelines(plainTextDocument(article).text);
    return { text, sentences: splitSentences(text), language: detectLanguage(text) };
  });
  return {
    product: medianMs(inputs, ({ text, sentences, language }) => extractEntities(text, sentences, language)),
    compromise: medianMs(articles, compromiseEntities),
  };
}

const points = (value: number) => (100 * value).toFixed(1);

function table(systems: Record<string, SystemScores>, ms: Record<string, number | undefined>): string {
  const header =
    '| system | type | strict P | strict R | strict F1 | lenient P | lenient R | lenient F1 | ms per CNN/DM article (median) |\n' +
    '|---|---|---:|---:|---:|---:|---:|---:|---:|';
  const rows = Object.entries(systems).flatMap(([system, scores]) =>
    ([...TYPES, 'overall'] as const).map((type) => {
      const { strict, lenient } = scores[type];
      const cost = type === 'overall' && ms[system] !== undefined ? (ms[system] ?? 0).toFixed(2) : '';
      return (
        `| ${system} | ${type} | ${points(strict.precision)} | ${points(strict.recall)} | ${points(strict.f1)} | ` +
        `${points(lenient.precision)} | ${points(lenient.recall)} | ${points(lenient.f1)} | ${cost} |`
      );
    }),
  );
  return [header, ...rows].join('\n');
}

const rounded = (scores: SystemScores) =>
  Object.fromEntries(
    Object.entries(scores).map(([type, modes]) => [
      type,
      Object.fromEntries(
        Object.entries(modes).map(([mode, s]) => [
          mode,
          {
            precision: Number(points(s.precision)),
            recall: Number(points(s.recall)),
            f1: Number(points(s.f1)),
          },
        ]),
      ),
    ]),
  );

/** The entity table and its figures, or undefined when the NER data is absent. */
export function evaluateEntities(): { table: string; figures: object } | undefined {
  if (!hasEvalFile(NER_FILE)) return undefined;
  const rows = readEvalRows(NER_FILE) as unknown as NerRow[];
  const systems = {
    product: scoreSystem(rows, productEntities),
    compromise: scoreSystem(rows, compromiseEntities),
  };
  const ms = hasEvalFile(TIMING_FILE)
    ? timeExtraction(readEvalRows(TIMING_FILE).map((row) => row.article))
    : { product: undefined, compromise: undefined };
  return {
    table: table(systems, ms),
    figures: {
      file: NER_FILE.replace(/\.jsonl$/, ''),
      documents: rows.length,
      product: { ...rounded(systems.product), msPerArticle: ms.product },
      compromise: { ...rounded(systems.compromise), msPerArticle: ms.compromise },
    },
  };
}

if (process.argv[1] && import.meta.url.endsWith(process.argv[1].replace(/.*\//, '/'))) {
  const result = evaluateEntities();
  console.log(result ? result.table : `no ${NER_FILE} in the evaluation data`);
}
