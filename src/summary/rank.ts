/**
 * Sentence selection. Two jobs, two objectives:
 * - the summary says what is new: news puts it first, so a position prior is combined with centrality
 *   (mean similarity to the other sentences) and redundancy removal, within a word budget;
 * - the key points cover the article: the sentences that carry most of its frequent content words,
 *   without repeating each other.
 */
import type { Sentence } from './sentences.js';
import { contentStems, countWords, hasLetter } from './tokens.js';

export interface ScoredSentence extends Sentence {
  stems: string[];
  /** How often each stem occurs in the sentence, in order of first occurrence. */
  termCounts: Map<string, number>;
  wordCount: number;
}

/** Each sentence's stems and counts, worked out once for every scorer (and the headline). */
export function prepareSentences(sentences: Sentence[]): ScoredSentence[] {
  return sentences.map(({ text, index, paragraph, start }) => {
    const stems = contentStems(text);
    return {
      text,
      index,
      paragraph,
      start,
      stems,
      termCounts: termVector(stems),
      wordCount: countWords(text),
    };
  });
}

/** Sentences that can stand alone in a summary: a real clause, not a caption fragment or a dangling quote. */
export function isCandidate(sentence: ScoredSentence): boolean {
  return sentence.wordCount >= 6 && sentence.stems.length >= 3 && hasLetter(sentence.text);
}

/**
 * The summary reports what happened: a question is a hook ("Think it's hard to redeem your miles?") and a
 * sentence that opens with a quotation is someone's voice, so neither leads it. Key points, which cover
 * the article, may hold both.
 */
export function reportsNews(sentence: ScoredSentence): boolean {
  return isCandidate(sentence) && !/\?["'”’)]*$/u.test(sentence.text) && !/^["'“‘]/u.test(sentence.text);
}

/** In how many sentences each stem occurs. */
function documentFrequencies(sentences: ScoredSentence[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const sentence of sentences)
    for (const s of sentence.termCounts.keys()) counts.set(s, (counts.get(s) ?? 0) + 1);
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

/**
 * The summary objective: position prior x centrality, multiplied so a late sentence needs much more
 * centrality to beat an early one. Length is left to the word budget. The tuned constants are these two.
 */
const REDUNDANCY_LIMIT = 0.5;
/** How many of the best-scored sentences the word-budget search considers. */
const SHORTLIST = 5;

interface Scored {
  sentence: ScoredSentence;
  score: number;
  vector: Map<string, number>;
}

export function selectSummary(
  sentences: ScoredSentence[],
  maxSentences: number,
  maxWords: number,
): ScoredSentence[] {
  const candidates = sentences.filter(reportsNews);
  const pool = candidates.length > 0 ? candidates : sentences.filter((s) => s.wordCount > 0);
  const centralityOf = meanSimilarities(sentences);
  const scored: Scored[] = pool.map((sentence, rank) => {
    const position = 1 / (1 + rank);
    const centrality = (centralityOf.get(sentence.index) ?? 0) + 0.01;
    return { sentence, vector: sentence.termCounts, score: position * centrality };
  });
  scored.sort((a, b) => b.score - a.score);
  const best = bestWithinBudget(scored.slice(0, SHORTLIST), maxSentences, maxWords);
  const chosen = best.length > 0 ? best : scored.slice(0, 1);
  return chosen.map((s) => s.sentence).sort((a, b) => a.index - b.index);
}

/**
 * LexRank-style degree centrality: each sentence's mean cosine similarity to every other sentence.
 * With unit vectors u, the sum of cosines of i to the others is u_i · (sum of all u) - 1, so this is
 * linear in the article's length rather than quadratic (long uploads have thousands of sentences).
 * Each u_i is read off the sentence's counts and norm as it is needed, not stored as a map per sentence.
 */
function meanSimilarities(sentences: ScoredSentence[]): Map<number, number> {
  const norms = sentences.map((s) => norm(s.termCounts));
  const total = new Map<string, number>();
  sentences.forEach((s, i) => {
    const magnitude = norms[i] as number;
    for (const [k, v] of s.termCounts) total.set(k, (total.get(k) ?? 0) + v / magnitude);
  });
  const others = Math.max(sentences.length - 1, 1);
  return new Map(
    sentences.map((s, i) => {
      if (s.termCounts.size === 0) return [s.index, 0];
      const magnitude = norms[i] as number;
      let dot = 0;
      for (const [k, v] of s.termCounts) dot += (v / magnitude) * (total.get(k) ?? 0);
      return [s.index, Math.max(0, dot - 1) / others];
    }),
  );
}

function norm(vector: Map<string, number>): number {
  let squares = 0;
  for (const v of vector.values()) squares += v * v;
  return Math.sqrt(squares);
}

/**
 * The set of at most `maxSentences` shortlisted sentences, none redundant with another, that fits the
 * word budget with the highest total score. Exhaustive: the shortlist is small (at most 26 subsets).
 */
function bestWithinBudget(shortlist: Scored[], maxSentences: number, maxWords: number): Scored[] {
  let best: Scored[] = [];
  let bestScore = 0;
  const search = (from: number, chosen: Scored[], words: number, score: number): void => {
    if (score > bestScore) {
      bestScore = score;
      best = [...chosen];
    }
    if (chosen.length >= maxSentences) return;
    for (let i = from; i < shortlist.length; i++) {
      const next = shortlist[i];
      if (!next || words + next.sentence.wordCount > maxWords) continue;
      if (chosen.some((c) => cosine(c.vector, next.vector) > REDUNDANCY_LIMIT)) continue;
      chosen.push(next);
      search(i + 1, chosen, words + next.sentence.wordCount, score + next.score);
      chosen.pop();
    }
  };
  search(0, [], 0, 0);
  return best;
}

/**
 * Key points: sentences that share the most content words with the rest of the article (each distinct
 * word counts the other sentences it appears in), skipping any that repeat a chosen point.
 */
export function selectKeyPoints(sentences: ScoredSentence[], count: number): ScoredSentence[] {
  const frequencies = documentFrequencies(sentences);
  const ranked = sentences
    .filter(isCandidate)
    .map((sentence) => {
      let score = 0;
      for (const s of sentence.termCounts.keys()) score = score + (frequencies.get(s) ?? 1) - 1;
      return { sentence, vector: sentence.termCounts, score };
    })
    .sort((a, b) => b.score - a.score);
  const chosen: typeof ranked = [];
  for (const entry of ranked) {
    if (chosen.length >= count) break;
    if (chosen.some((c) => cosine(c.vector, entry.vector) > KEY_POINT_REDUNDANCY_LIMIT)) continue;
    chosen.push(entry);
  }
  return chosen.map((c) => c.sentence).sort((a, b) => a.index - b.index);
}

const KEY_POINT_REDUNDANCY_LIMIT = 0.6;
