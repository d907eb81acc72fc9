/**
 * Sentence selection. Two jobs, two objectives:
 * - the summary says what is new: news puts it first, so a position prior is combined with centrality
 *   (similarity to the whole article), a preference for sentences of typical length, and redundancy removal;
 * - the key points cover the article: greedy coverage of its frequent content words, each word counted
 *   once (SumBasic-style), so the points spread over everything the article talks about.
 */
import type { Sentence } from './sentences.js';
import { contentStems, countWords } from './tokens.js';

export interface ScoredSentence extends Sentence {
  stems: string[];
  wordCount: number;
}

export function prepareSentences(sentences: Sentence[]): ScoredSentence[] {
  return sentences.map((s) => ({ ...s, stems: contentStems(s.text), wordCount: countWords(s.text) }));
}

/** Sentences that can stand alone in a summary: a real clause, not a caption fragment or a dangling quote. */
export function isCandidate(sentence: ScoredSentence): boolean {
  return sentence.wordCount >= 6 && sentence.stems.length >= 3 && /\p{L}/u.test(sentence.text);
}

function documentFrequencies(sentences: ScoredSentence[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const sentence of sentences) for (const s of sentence.stems) counts.set(s, (counts.get(s) ?? 0) + 1);
  return counts;
}

function cosine(a: ReadonlyMap<string, number>, b: ReadonlyMap<string, number>): number {
  let dot = 0;
  let na = 0;
  let nb = 0;
  for (const [k, v] of a) {
    na += v * v;
    dot += v * (b.get(k) ?? 0);
  }
  for (const v of b.values()) nb += v * v;
  return na && nb ? dot / Math.sqrt(na * nb) : 0;
}

function termVector(stems: string[]): Map<string, number> {
  const vector = new Map<string, number>();
  for (const s of stems) vector.set(s, (vector.get(s) ?? 0) + 1);
  return vector;
}

/** Weights of the summary objective; few on purpose (see docs/summary-quality.md). */
const LEAD_WEIGHT = 1;
const CENTRALITY_WEIGHT = 1;
const TYPICAL_WORDS = 25;
const REDUNDANCY_LIMIT = 0.5;

export function selectSummary(
  sentences: ScoredSentence[],
  maxSentences: number,
  maxWords: number,
): ScoredSentence[] {
  const candidates = sentences.filter(isCandidate);
  const pool = candidates.length > 0 ? candidates : sentences.filter((s) => s.wordCount > 0);
  const whole = termVector(sentences.flatMap((s) => s.stems));
  const vectors = new Map(pool.map((s) => [s.index, termVector(s.stems)]));
  const scored = pool.map((s) => {
    const position = 1 / Math.sqrt(1 + pool.indexOf(s));
    const centrality = cosine(vectors.get(s.index) ?? new Map(), whole);
    const length = Math.exp(-Math.abs(Math.log(Math.max(s.wordCount, 1) / TYPICAL_WORDS)));
    return { sentence: s, score: (LEAD_WEIGHT * position + CENTRALITY_WEIGHT * centrality) * length };
  });
  scored.sort((a, b) => b.score - a.score);
  const chosen: ScoredSentence[] = [];
  let total = 0;
  for (const { sentence } of scored) {
    if (chosen.length >= maxSentences) break;
    if (total + sentence.wordCount > maxWords) continue;
    const vector = vectors.get(sentence.index) ?? new Map<string, number>();
    if (chosen.some((c) => cosine(vector, vectors.get(c.index) ?? new Map()) > REDUNDANCY_LIMIT)) continue;
    chosen.push(sentence);
    total += sentence.wordCount;
  }
  if (chosen.length === 0 && scored[0]) chosen.push(scored[0].sentence);
  return chosen.sort((a, b) => a.index - b.index);
}

export function selectKeyPoints(sentences: ScoredSentence[], count: number): ScoredSentence[] {
  const candidates = sentences.filter(isCandidate);
  const weights = documentFrequencies(candidates);
  const chosen: ScoredSentence[] = [];
  const remaining = new Set(candidates);
  while (chosen.length < count && remaining.size > 0) {
    let best: ScoredSentence | undefined;
    let bestScore = -1;
    for (const sentence of remaining) {
      const gain = [...new Set(sentence.stems)].reduce((sum, s) => sum + (weights.get(s) ?? 0), 0);
      if (gain > bestScore) {
        best = sentence;
        bestScore = gain;
      }
    }
    if (!best || bestScore <= 0) break;
    chosen.push(best);
    remaining.delete(best);
    for (const s of best.stems) weights.set(s, 0);
  }
  return chosen.sort((a, b) => a.index - b.index);
}
