/**
 * Classic extractive baselines, asked for a given number of sentences, over the same sentences the
 * product sees: Lead-N, and TextRank (Mihalcea & Tarau 2004) implemented faithfully: a graph of
 * sentences weighted by word overlap normalised by log lengths, ranked by weighted PageRank (d = 0.85);
 * and for key phrases, the single-word frequency keywords they replaced.
 */
import type { Sentence } from '../src/summary/sentences.js';
import { STOPWORDS, contentStems, stem, words } from '../src/summary/tokens.js';

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

/**
 * The keywords before key phrases: the most frequent single content words (two occurrences at least),
 * each in its most common written form.
 */
export function frequentWords(text: string, alsoSkip: ReadonlySet<string>, count = 8): string[] {
  const byStem = new Map<string, { count: number; forms: Map<string, number> }>();
  for (const word of words(text)) {
    if (word.length < 3 || STOPWORDS.has(word) || alsoSkip.has(word) || /\d/.test(word)) continue;
    const key = stem(word);
    const entry = byStem.get(key) ?? { count: 0, forms: new Map<string, number>() };
    entry.count += 1;
    entry.forms.set(word, (entry.forms.get(word) ?? 0) + 1);
    byStem.set(key, entry);
  }
  return [...byStem.values()]
    .filter((e) => e.count >= 2)
    .sort((a, b) => b.count - a.count)
    .slice(0, count)
    .map((e) => [...e.forms].sort((a, b) => b[1] - a[1] || a[0].length - b[0].length)[0]?.[0] ?? '')
    .filter(Boolean);
}
