/**
 * npm run eval: the product, with the Lambda's default settings, over every ../shared/eval/*.jsonl
 * file, scored with ROUGE against the human references next to baselines computed in the same run.
 * Progress goes to stderr; the table to stdout and to out/eval/ (JSON and Markdown) with an SVG chart.
 * `--update-docs` also copies the chart to docs/eval-chart.svg.
 */
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { summarizeDocument, DEFAULT_SUMMARIZE_OPTIONS } from '../src/summary/summarize.js';
import { plainTextDocument } from '../src/summary/plain-text.js';
import { splitSentences } from '../src/summary/sentences.js';
import { leadN, textRank } from './baselines.js';
import { renderChart } from './eval-chart.js';
import { rouge, type RougeScores } from './rouge.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const EVAL_DIR = join(ROOT, '..', 'shared', 'eval');
const OUT_DIR = join(ROOT, 'out', 'eval');

interface EvalRow {
  id: string;
  article: string;
  reference: string;
  title?: string;
}

/** One row of the results table: a system's mean scores on one field of one file. */
export interface ResultRow {
  file: string;
  field: 'summary' | 'keyPoints';
  system: string;
  articles: number;
  sentences: number;
  words: number;
  scores: RougeScores;
}

function mean(values: number[]): number {
  return values.length ? values.reduce((a, b) => a + b, 0) / values.length : 0;
}

class Accumulator {
  private readonly scores: RougeScores[] = [];
  private readonly sentenceCounts: number[] = [];
  private readonly wordCounts: number[] = [];
  constructor(
    readonly field: ResultRow['field'],
    readonly system: string,
  ) {}
  add(candidate: string[], reference: string): void {
    this.scores.push(rouge(candidate.join('\n'), reference));
    this.sentenceCounts.push(candidate.length);
    this.wordCounts.push(candidate.join(' ').split(/\s+/).filter(Boolean).length);
  }
  row(file: string): ResultRow {
    return {
      file,
      field: this.field,
      system: this.system,
      articles: this.scores.length,
      sentences: mean(this.sentenceCounts),
      words: mean(this.wordCounts),
      scores: {
        rouge1: mean(this.scores.map((s) => s.rouge1)),
        rouge2: mean(this.scores.map((s) => s.rouge2)),
        rougeLsum: mean(this.scores.map((s) => s.rougeLsum)),
      },
    };
  }
}

function evaluateFile(path: string): ResultRow[] {
  const file = basename(path, '.jsonl');
  const rows = readFileSync(path, 'utf8')
    .split('\n')
    .filter((line) => line.trim())
    .map((line) => JSON.parse(line) as EvalRow);
  const product = {
    summary: new Accumulator('summary', 'product'),
    keyPoints: new Accumulator('keyPoints', 'product'),
  };
  const lead3 = new Accumulator('summary', 'Lead-3');
  const textRank3 = new Accumulator('summary', 'TextRank-3');
  const leadK = new Accumulator('keyPoints', 'Lead-N');
  const textRankK = new Accumulator('keyPoints', 'TextRank-N');
  rows.forEach((row, i) => {
    const doc = plainTextDocument(row.article, row.title);
    const content = summarizeDocument(doc, DEFAULT_SUMMARIZE_OPTIONS);
    const sentences = splitSentences(doc.text);
    const n = content.keyPoints.length;
    product.summary.add(content.summary, row.reference);
    product.keyPoints.add(content.keyPoints, row.reference);
    lead3.add(leadN(sentences, 3), row.reference);
    textRank3.add(textRank(sentences, 3), row.reference);
    leadK.add(leadN(sentences, n), row.reference);
    textRankK.add(textRank(sentences, n), row.reference);
    if ((i + 1) % 25 === 0 || i + 1 === rows.length)
      process.stderr.write(`\r${file}: ${i + 1}/${rows.length} articles`);
  });
  process.stderr.write('\n');
  return [product.summary, lead3, textRank3, product.keyPoints, leadK, textRankK].map((a) => a.row(file));
}

const points = (value: number) => (100 * value).toFixed(2);

export function markdownTable(results: ResultRow[]): string {
  const header =
    '| file | field | system | sentences | words | ROUGE-1 | ROUGE-2 | ROUGE-Lsum |\n|---|---|---|---:|---:|---:|---:|---:|';
  const body = results.map(
    (r) =>
      `| ${r.file} | ${r.field} | ${r.system} | ${r.sentences.toFixed(2)} | ${r.words.toFixed(1)} | ` +
      `${points(r.scores.rouge1)} | ${points(r.scores.rouge2)} | ${points(r.scores.rougeLsum)} |`,
  );
  return [header, ...body].join('\n');
}

function main(): void {
  const started = Date.now();
  const files = readdirSync(EVAL_DIR)
    .filter((name) => name.endsWith('.jsonl'))
    .sort()
    .map((name) => join(EVAL_DIR, name));
  if (files.length === 0) throw new Error(`no *.jsonl files in ${EVAL_DIR}`);
  const results = files.flatMap(evaluateFile);
  const table = markdownTable(results);
  const chart = renderChart(results);
  mkdirSync(OUT_DIR, { recursive: true });
  writeFileSync(
    join(OUT_DIR, 'results.json'),
    `${JSON.stringify({ options: DEFAULT_SUMMARIZE_OPTIONS, results }, null, 2)}\n`,
  );
  writeFileSync(join(OUT_DIR, 'results.md'), `${table}\n`);
  writeFileSync(join(OUT_DIR, 'eval-chart.svg'), chart);
  if (process.argv.includes('--update-docs')) writeFileSync(join(ROOT, 'docs', 'eval-chart.svg'), chart);
  console.log(`ROUGE F1 x100 (stemmed), settings ${JSON.stringify(DEFAULT_SUMMARIZE_OPTIONS)}\n`);
  console.log(table);
  console.error(`\n${((Date.now() - started) / 1000).toFixed(1)} s; results in ${OUT_DIR}`);
}

main();
