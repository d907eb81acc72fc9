/**
 * Classic extractive baselines, asked for a given number of sentences, over the same sentences the
 * product sees: Lead-N, and TextRank (Mihalcea & Tarau 2004) implemented faithfully: a graph of
 * sentences weighted by word overlap normalised by log lengths, ranked by weighted PageRank (d = 0.85).
 */
import type { Sentence } from '../src/summary/sentences.js';
import { contentStems } from '../src/summary/tokens.js';

export function leadN(sentences: Sentence[], n: number): string[] {
  return sentences.slice(0, n).map((s) => s.text);
}

const DAMPING = 0.85;
const ITERATIONS = 50;
const TOLERANCE = 1e-6;

export function textRank(sentences: Sentence[], n: number): string[] {
  const bags = sentences.map((s) => new Set(contentStems(s.text)));
  const size = sentences.length;
  const weights: number[][] = bags.map((a, i) =>
    bags.map((b, j) => {
      if (i === j || a.size < 2 || b.size < 2) return 0;
      let overlap = 0;
      for (const w of a) if (b.has(w)) overlap++;
      return overlap / (Math.log(a.size) + Math.log(b.size));
    }),
  );
  const outSums = weights.map((row) => row.reduce((x, y) => x + y, 0));
  let scores = new Array<number>(size).fill(1 / Math.max(size, 1));
  for (let iteration = 0; iteration < ITERATIONS; iteration++) {
    const next = scores.map((_, i) => {
      let incoming = 0;
      for (let j = 0; j < size; j++) {
        const w = weights[j]?.[i] ?? 0;
        const out = outSums[j] ?? 0;
        if (w > 0 && out > 0) incoming += (w / out) * (scores[j] ?? 0);
      }
      return (1 - DAMPING) / size + DAMPING * incoming;
    });
    const delta = next.reduce((sum, v, i) => sum + Math.abs(v - (scores[i] ?? 0)), 0);
    scores = next;
    if (delta < TOLERANCE) break;
  }
  return sentences
    .map((s, i) => ({ s, score: scores[i] ?? 0 }))
    .sort((a, b) => b.score - a.score || a.s.index - b.s.index)
    .slice(0, n)
    .sort((a, b) => a.s.index - b.s.index)
    .map(({ s }) => s.text);
}
