/**
 * Same-event clustering, measured: pairwise precision and recall of "these two uploads report the same
 * event" against gold event labels, for the digest's rule (src/digest/stories.ts) next to today's
 * near-duplicate rule alone as the baseline, and for a sweep of the rule's threshold, all in one run.
 *
 * The labelled set is a JSONL file named by EVAL_CLUSTER_FILE, one article a line:
 * `{"id", "event", "article", "title"?, "url"?, "publishedAt"?}`, where articles with the same `event` report
 * the same event. Each article is summarized by the product (default settings, as a plain-text upload) and
 * the summaries are clustered, as the digest does. The file is never part of the repository: news text
 * belongs to its publishers. Without it the check says it is blocked on data, in one line.
 *
 * Pairwise scores: of all pairs of articles, TP are pairs in one predicted story and one gold event;
 * precision = TP / pairs put together, recall = TP / pairs that belong together.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { isNearDuplicate } from '../src/digest/near-duplicates.js';
import { clusterStories, EVENT_THRESHOLDS, type EventThresholds, type Story } from '../src/digest/stories.js';
import type { StoredSummary } from '../src/digest/stored-summary.js';
import { DEFAULT_SUMMARIZE_OPTIONS } from '../src/summary/options.js';
import { plainTextDocument } from '../src/summary/plain-text.js';
import { summarySchema } from '../src/summary/schema.js';
import { summarizeDocument } from '../src/summary/summarize.js';
import { reportProgress } from './progress.js';

export interface ClusterRow {
  id: string;
  event: string;
  article: string;
  title?: string;
  url?: string;
  publishedAt?: string;
}

export interface PairScores {
  system: string;
  /** Pairs put together, pairs that belong together, and both. */
  predicted: number;
  gold: number;
  truePositives: number;
  precision: number;
  recall: number;
}

const pairs = (n: number) => (n * (n - 1)) / 2;

/** Pairwise precision and recall of a partition (item index → cluster) against gold labels. */
export function pairScores(system: string, predicted: string[], gold: string[]): PairScores {
  const count = (labels: string[]) => {
    const sizes = new Map<string, number>();
    for (const label of labels) sizes.set(label, (sizes.get(label) ?? 0) + 1);
    return [...sizes.values()].reduce((sum, n) => sum + pairs(n), 0);
  };
  const both = predicted.map((p, i) => `${p}\u0000${gold[i] ?? ''}`);
  const predictedPairs = count(predicted);
  const goldPairs = count(gold);
  const truePositives = count(both);
  return {
    system,
    predicted: predictedPairs,
    gold: goldPairs,
    truePositives,
    precision: predictedPairs === 0 ? 1 : truePositives / predictedPairs,
    recall: goldPairs === 0 ? 1 : truePositives / goldPairs,
  };
}

/** Today's rule as dropNearDuplicates applies it: in storage order, each joins the first kept match. */
export function nearDuplicateClusters(items: StoredSummary[]): Map<StoredSummary, string> {
  const ordered = [...items].sort((a, b) => a.storedAt.getTime() - b.storedAt.getTime());
  const kept: StoredSummary[] = [];
  const clusterOf = new Map<StoredSummary, string>();
  for (const item of ordered) {
    const match = kept.find((k) => isNearDuplicate(item, k));
    if (match) clusterOf.set(item, clusterOf.get(match) ?? match.key);
    else {
      kept.push(item);
      clusterOf.set(item, item.key);
    }
  }
  return clusterOf;
}

export function storyClusters(stories: Story[]): Map<StoredSummary, string> {
  const clusterOf = new Map<StoredSummary, string>();
  for (const story of stories)
    for (const item of [story.lead, ...story.others]) clusterOf.set(item, story.lead.key);
  return clusterOf;
}

/** The product's summary of one labelled article, as the digest reads it back. */
function summarized(row: ClusterRow, index: number): StoredSummary | undefined {
  const content = summarizeDocument(plainTextDocument(row.article, row.title), DEFAULT_SUMMARIZE_OPTIONS);
  const key = `eval/${row.id}`;
  const published = row.publishedAt ? new Date(row.publishedAt) : undefined;
  const storedAt =
    published && !Number.isNaN(published.getTime())
      ? published
      : new Date(Date.UTC(2026, 0, 1) + index * 1000);
  const parsed = summarySchema.safeParse({
    ...content,
    schemaVersion: 1,
    id: createHash('sha256').update(key).digest('hex').slice(0, 32),
    source: {
      bucket: 'eval',
      key,
      size: Buffer.byteLength(row.article),
      format: 'text',
      charset: 'utf-8',
      ...(row.url !== undefined && { url: row.url }),
    },
    createdAt: storedAt.toISOString(),
  });
  return parsed.success ? { summary: parsed.data, key, storedAt } : undefined;
}

const points = (value: number) => Number((100 * value).toFixed(2));

/**
 * Thresholds tried beside the rule's own: its words-and-names threshold (0 turns that part off), with its two
 * word thresholds; and the rule as it was before it was measured (0.3, 0.5 on one name, no words-and-names).
 */
const SWEEP = [0, 0.6, 0.65, 0.7, 0.75, 0.8, 0.9];
const BEFORE_MEASURED: EventThresholds = { similarity: 0.3, oneName: 0.5, wordsAndNames: 0 };

export type ClusterEvaluation =
  | { blocked: true; line: string; figures: { blocked: true; reason: string } }
  | { blocked: false; table: string; figures: object };

export function evaluateClusters(file = process.env.EVAL_CLUSTER_FILE): ClusterEvaluation {
  if (!file || !existsSync(resolve(file))) {
    const reason = file
      ? `EVAL_CLUSTER_FILE ${resolve(file)} does not exist`
      : 'EVAL_CLUSTER_FILE is not set; build the ECB+ set with scripts/eval-clusters-data.ts, see docs/digest.md#same-event-grouping-measured';
    return {
      blocked: true,
      line: `Same-event clustering: BLOCKED ON DATA (${reason}). Set EVAL_CLUSTER_FILE to a JSONL of {id, event, article, title?} with public provenance.`,
      figures: { blocked: true, reason },
    };
  }
  const rows = readFileSync(resolve(file), 'utf8')
    .split('\n')
    .filter((line) => line.trim())
    .map((line) => JSON.parse(line) as ClusterRow);
  const items: StoredSummary[] = [];
  const gold: string[] = [];
  rows.forEach((row, i) => {
    const item = summarized(row, i);
    reportProgress(`same-event set: ${i + 1}/${rows.length} articles summarized`, i + 1, rows.length, {
      terminal: 50,
      log: 250,
    });
    if (!item) return;
    items.push(item);
    gold.push(String(row.event));
  });
  const labels = (clusterOf: Map<StoredSummary, string>) =>
    items.map((item) => clusterOf.get(item) ?? item.key);
  const systems: PairScores[] = [
    pairScores('near-duplicate rule (baseline, today)', labels(nearDuplicateClusters(items)), gold),
    pairScores(
      `same-event rule (${EVENT_THRESHOLDS.similarity}; ${EVENT_THRESHOLDS.oneName} on one name; ${EVENT_THRESHOLDS.wordsAndNames} words+names)`,
      labels(storyClusters(clusterStories(items))),
      gold,
    ),
  ];
  const sweep = [
    pairScores(
      'rule before it was measured (0.3; 0.5 on one name)',
      labels(storyClusters(clusterStories(items, BEFORE_MEASURED))),
      gold,
    ),
    ...SWEEP.map((wordsAndNames) => {
      const thresholds: EventThresholds = { ...EVENT_THRESHOLDS, wordsAndNames };
      return pairScores(
        `sweep words+names ${wordsAndNames}`,
        labels(storyClusters(clusterStories(items, thresholds))),
        gold,
      );
    }),
  ];
  const events = new Set(gold).size;
  const row = (s: PairScores) =>
    `| ${s.system} | ${s.predicted} | ${s.truePositives} | ${points(s.precision).toFixed(2)} | ${points(s.recall).toFixed(2)} |`;
  const table = [
    `${file}: ${items.length} articles (${rows.length - items.length} unsummarizable), ${events} events, ${systems[0]?.gold ?? 0} same-event pairs`,
    '',
    '| system | pairs merged | correct | precision ×100 | recall ×100 |',
    '|---|---:|---:|---:|---:|',
    ...[...systems, ...sweep].map(row),
  ].join('\n');
  const figure = (s: PairScores) => ({
    system: s.system,
    merged: s.predicted,
    correct: s.truePositives,
    precision: points(s.precision),
    recall: points(s.recall),
  });
  return {
    blocked: false,
    table,
    figures: {
      file: resolve(file),
      articles: items.length,
      events,
      goldPairs: systems[0]?.gold ?? 0,
      systems: systems.map(figure),
      sweep: sweep.map(figure),
    },
  };
}

/** `npx tsx scripts/eval-clusters.ts [FILE]`: this check alone (FILE, else EVAL_CLUSTER_FILE). */
if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const result = evaluateClusters(process.argv[2] ?? process.env.EVAL_CLUSTER_FILE);
  console.log(result.blocked ? result.line : result.table);
  console.log(JSON.stringify(result.figures));
}
