/**
 * Calibrates MIN_SENTENCE_SUPPORT (src/summary/verify-abstract.ts): the share of a sentence's content words
 * its article must contain. Supported examples: each sentence of a human reference summary, against its own
 * article. Unsupported: the same sentences against another article of the same set (a fixed shuffle). Prints
 * both distributions and, for each candidate threshold, how many of each it lets through, and how many whole
 * references pass.
 *
 * npx tsx scripts/calibrate-abstract-support.ts   (reads EVAL_DATA_DIR, default ../shared/eval; without it says
 * so and exits 0). Each set separately: BBC references are sentences of the article, CNN/DailyMail highlights
 * are written by journalists, so only the second says what paraphrase costs.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { indexArticle, sentenceSupport } from '../src/summary/verify-abstract.js';

const DIR = resolve(process.env.EVAL_DATA_DIR ?? '../shared/eval');
const FILES = ['bbc-dev250.jsonl', 'cnndm-frank250.jsonl'];

interface Item {
  article: string;
  reference: string;
}

function load(file: string): Item[] {
  return readFileSync(join(DIR, file), 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as Item)
    .filter((item) => item.article && item.reference);
}

const sentences = (text: string) =>
  text
    .split(/(?<=[.!?])\s+|\n+/)
    .map((s) => s.trim())
    .filter((s) => s.split(/\s+/).length >= 4);

const present = FILES.filter((f) => existsSync(join(DIR, f)));
if (present.length === 0) {
  console.log(`No evaluation data in ${DIR} (set EVAL_DATA_DIR): nothing to calibrate.`);
  process.exit(0);
}

const quantile = (values: number[], q: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
};
const share = <T>(values: T[], pass: (v: T) => boolean) => values.filter(pass).length / values.length;
const pct = (x: number) => `${(100 * x).toFixed(1)}%`;

for (const file of present) {
  const items = load(file);
  const indexes = items.map((item) => indexArticle(item.article));
  /** Per reference summary, the support of each of its sentences. */
  const supported: number[][] = [];
  const unsupported: number[][] = [];
  items.forEach((item, i) => {
    // A fixed derangement: each reference against the article a third of the set away.
    const other = indexes[(i + Math.floor(items.length / 3)) % items.length]!;
    const own = indexes[i]!;
    supported.push(sentences(item.reference).map((s) => sentenceSupport(s, own)));
    unsupported.push(sentences(item.reference).map((s) => sentenceSupport(s, other)));
  });
  const flat = (summaries: number[][]) => summaries.flat();
  console.log(`\n${file}: ${flat(supported).length} reference sentences of ${items.length} summaries`);
  for (const [name, values] of [
    ['supported (own article)', flat(supported)],
    ['unsupported (another article)', flat(unsupported)],
  ] as const) {
    const qs = [0.05, 0.1, 0.25, 0.5].map((q) => `p${q * 100}=${quantile(values, q).toFixed(2)}`);
    console.log(`${name}: ${qs.join(' ')}`);
  }
  console.log(
    'threshold | supported sentences kept | whole references kept | unsupported sentences let through',
  );
  for (let t = 0.3; t <= 0.851; t += 0.05) {
    const kept = share(flat(supported), (v) => v >= t);
    const whole = share(supported, (summary) => summary.every((v) => v >= t));
    const through = share(flat(unsupported), (v) => v >= t);
    console.log(`${t.toFixed(2)} | ${pct(kept)} | ${pct(whole)} | ${pct(through)}`);
  }
}
