/**
 * npm run eval: the product, with the Lambda's default settings, over every evaluation file with
 * reference summaries (`*.jsonl` in EVAL_DATA_DIR, default ../shared/eval; see eval-data.ts), scored with ROUGE against the human references next to baselines computed in the same run.
 * Progress goes to stderr; the table to stdout and to out/eval/ (JSON and Markdown) with an SVG chart.
 * `--update-docs` also copies the chart to docs/eval-chart.svg. The last line is one JSON object of the figures.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DEFAULT_SUMMARIZE_OPTIONS } from '../src/summary/options.js';
import { summarizeDocument } from '../src/summary/summarize.js';
import { plainTextDocument } from '../src/summary/plain-text.js';
import { splitSentences } from '../src/summary/sentences.js';
import { leadN, textRank } from './baselines.js';
import { EVAL_DATA_DIR, evalFiles, missingEvalData, readEvalRows } from './eval-data.js';
import { renderChart } from './eval-chart.js';
import { evaluateHeadlines } from './eval-headlines.js';
import { evaluateEntities } from './eval-entities.js';
import { evaluateKeyPhrases } from './eval-keyphrases.js';
import { evaluateClusters } from './eval-clusters.js';
import { reportProgress } from './progress.js';
import { rouge, type RougeScores } from './rouge.js';
import { checkCommandLine } from '../src/local/command-line.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const OUT_DIR = join(ROOT, 'out', 'eval');

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

/** How often a dateline ("(CNN)", "LONDON (Reuters) -") opens a field: in the source, Lead-3 and the product. */
export interface DatelineRow {
  file: string;
  articles: number;
  /** Articles with a dateline at the start of a paragraph. */
  inSource: number;
  /** Lead-3 summaries with a sentence that starts with one (the baseline keeps them). */
  lead3: number;
  /** Product summaries, key points and titles that start with one (the goal is none). */
  summary: number;
  keyPoints: number;
  title: number;
}

/**
 * Checked independently of `stripDatelines`, which it measures: an agency or publisher in brackets within
 * the first words ("(CNN)", "Kathmandu, Nepal (CNN)", "(The Hollywood Reporter)"), a Daily Mail byline or
 * timestamp, or "Last updated".
 */
const DATELINE_OPENING =
  /^(?:[^.!?()]{0,40}\((?:CNN|Reuters|AP|AFP|UPI|Bloomberg|dpa|EFE|ANSA|PA|Xinhua|CNS)\)|\((?:The )?\p{Lu}[^()]{1,40}\)(?=\S)|By \.|PUBLISHED:|Last updated)/u;
const opensWithDateline = (text: string) =>
  text.split('\n').some((paragraph) => DATELINE_OPENING.test(paragraph.trim()));

function evaluateFile(name: string): { results: ResultRow[]; datelines?: DatelineRow } {
  const file = basename(name, '.jsonl');
  // Files without reference summaries (the entity sets) are not scored with ROUGE.
  const rows = readEvalRows(name).flatMap((row) =>
    row.reference ? [{ ...row, reference: row.reference }] : [],
  );
  if (rows.length === 0) return { results: [] };
  const datelines: DatelineRow = {
    file,
    articles: rows.length,
    inSource: 0,
    lead3: 0,
    summary: 0,
    keyPoints: 0,
    title: 0,
  };
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
    if (opensWithDateline(row.article)) datelines.inSource++;
    if (leadN(sentences, 3).some(opensWithDateline)) datelines.lead3++;
    if (content.summary.some(opensWithDateline)) datelines.summary++;
    if (content.keyPoints.some(opensWithDateline)) datelines.keyPoints++;
    if (opensWithDateline(content.title.text)) datelines.title++;
    reportProgress(`${file}: ${i + 1}/${rows.length} articles`, i + 1, rows.length, {
      terminal: 25,
      log: 125,
    });
  });
  const results = [product.summary, lead3, textRank3, product.keyPoints, leadK, textRankK].map((a) =>
    a.row(file),
  );
  return { results, datelines };
}

function datelineTable(rows: DatelineRow[]): string {
  const header =
    '| file | articles | with a dateline | Lead-3 opening with one | product summary | product keyPoints | product title |\n' +
    '|---|---:|---:|---:|---:|---:|---:|';
  const body = rows.map(
    (r) =>
      `| ${r.file} | ${r.articles} | ${r.inSource} | ${r.lead3} | ${r.summary} | ${r.keyPoints} | ${r.title} |`,
  );
  return [header, ...body].join('\n');
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
  const files = evalFiles();
  if (files.length === 0) {
    console.error(missingEvalData('npm run eval'));
    const clusters = evaluateClusters();
    console.log(clusters.blocked ? clusters.line : clusters.table);
    console.log(
      JSON.stringify({ skipped: true, evalDataDir: EVAL_DATA_DIR, results: [], clusters: clusters.figures }),
    );
    return;
  }
  const evaluated = files.map(evaluateFile);
  const results = evaluated.flatMap((e) => e.results);
  const datelines = evaluated.flatMap((e) => (e.datelines ? [e.datelines] : []));
  const table = markdownTable(results);
  const chart = renderChart(results);
  mkdirSync(OUT_DIR, { recursive: true });
  writeFileSync(
    join(OUT_DIR, 'results.json'),
    `${JSON.stringify({ options: DEFAULT_SUMMARIZE_OPTIONS, results, datelines }, null, 2)}\n`,
  );
  writeFileSync(join(OUT_DIR, 'results.md'), `${table}\n`);
  writeFileSync(join(OUT_DIR, 'eval-chart.svg'), chart);
  if (process.argv.includes('--update-docs')) writeFileSync(join(ROOT, 'docs', 'eval-chart.svg'), chart);
  console.log(`ROUGE F1 x100 (stemmed), settings ${JSON.stringify(DEFAULT_SUMMARIZE_OPTIONS)}\n`);
  console.log(table);
  console.log(
    '\nDatelines and bylines: fields that start with one (Lead-3 keeps them; the product removes them)\n',
  );
  console.log(datelineTable(datelines));
  const entities = evaluateEntities();
  if (entities) {
    console.log('\nEntities on CoNLL-2003 dev (NER-SOURCES.md rules), product vs raw compromise, ×100\n');
    console.log(entities.table);
  }
  const keyPhrases = evaluateKeyPhrases();
  console.log(
    '\nKey phrases (rules checked independently); in brackets the single-word keywords they replace, same run\n',
  );
  console.log(keyPhrases.table);
  const headlines = evaluateHeadlines();
  if (headlines) {
    console.log(
      '\nHeadlines for uploads without a title: ROUGE-1 F1 x100 against the real titles, and rule breaks\n',
    );
    console.log(headlines.table);
  }
  const clusters = evaluateClusters();
  if (clusters.blocked) console.log(`\n${clusters.line}`);
  else {
    console.log(
      '\nSame-event clustering (EVAL_CLUSTER_FILE): pairwise precision and recall, digest rule vs near-duplicates\n',
    );
    console.log(clusters.table);
  }
  const seconds = (Date.now() - started) / 1000;
  console.error(`\n${seconds.toFixed(1)} s; results in ${OUT_DIR}`);
  console.log(
    JSON.stringify({
      skipped: false,
      evalDataDir: EVAL_DATA_DIR,
      seconds,
      results: figures(results),
      datelines,
      headlines: headlines?.figures,
      entities: entities?.figures,
      keyPhrases: keyPhrases.figures,
      clusters: clusters.figures,
    }),
  );
}

/** The table as one JSON line: ROUGE F1 x100 per file, field and system. */
function figures(results: ResultRow[]) {
  return results.map((r) => ({
    file: r.file,
    field: r.field,
    system: r.system,
    rouge1: Number(points(r.scores.rouge1)),
    rouge2: Number(points(r.scores.rouge2)),
    rougeLsum: Number(points(r.scores.rougeLsum)),
  }));
}

checkCommandLine(
  `usage: npm run eval [-- --update-docs]
  Scores the product against the human summaries and gold entities in EVAL_DATA_DIR (default ../shared/eval),
  next to baselines computed in the same run; the tables go to stdout and out/eval/, the last line is one
  JSON object of the figures. --update-docs also copies the chart to docs/eval-chart.svg.`,
  { options: { '--update-docs': 'flag' } },
);
main();
