/**
 * ROUGE-1, ROUGE-2 and ROUGE-Lsum F1 with the conventions of ROUGE-1.5.5 as re-implemented by Google's
 * rouge-score (`-m` Porter stemming): lowercase, every run of characters other than a-z and 0-9 is a
 * separator, tokens longer than three characters are stemmed, n-gram overlap is clipped by counts,
 * and Lsum is the summary-level LCS over sentences (one per line) with each token counted once.
 */
import { stemmer } from 'stemmer';

export interface RougeScores {
  rouge1: number;
  rouge2: number;
  rougeLsum: number;
}

export function tokenize(text: string): string[] {
  return text
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, ' ')
    .split(' ')
    .filter(Boolean)
    .map((token) => (token.length > 3 ? stemmer(token) : token));
}

function ngrams(tokens: string[], n: number): Map<string, number> {
  const counts = new Map<string, number>();
  for (let i = 0; i + n <= tokens.length; i++) {
    const gram = tokens.slice(i, i + n).join(' ');
    counts.set(gram, (counts.get(gram) ?? 0) + 1);
  }
  return counts;
}

function f1(hits: number, candidateTotal: number, referenceTotal: number): number {
  if (hits === 0 || candidateTotal === 0 || referenceTotal === 0) return 0;
  const precision = hits / candidateTotal;
  const recall = hits / referenceTotal;
  return (2 * precision * recall) / (precision + recall);
}

export function rougeN(candidate: string, reference: string, n: number): number {
  const c = ngrams(tokenize(candidate), n);
  const r = ngrams(tokenize(reference), n);
  let hits = 0;
  for (const [gram, count] of c) hits += Math.min(count, r.get(gram) ?? 0);
  const total = (m: Map<string, number>) => [...m.values()].reduce((a, b) => a + b, 0);
  return f1(hits, total(c), total(r));
}

/** Indices in `a` of one longest common subsequence of `a` and `b`. */
function lcsIndices(a: string[], b: string[]): number[] {
  const rows = a.length + 1;
  const cols = b.length + 1;
  const table = new Uint16Array(rows * cols);
  for (let i = 1; i < rows; i++) {
    for (let j = 1; j < cols; j++) {
      table[i * cols + j] =
        a[i - 1] === b[j - 1]
          ? (table[(i - 1) * cols + j - 1] ?? 0) + 1
          : Math.max(table[(i - 1) * cols + j] ?? 0, table[i * cols + j - 1] ?? 0);
    }
  }
  const indices: number[] = [];
  let i = a.length;
  let j = b.length;
  while (i > 0 && j > 0) {
    if (a[i - 1] === b[j - 1]) {
      indices.push(i - 1);
      i--;
      j--;
    } else if ((table[(i - 1) * cols + j] ?? 0) >= (table[i * cols + j - 1] ?? 0)) i--;
    else j--;
  }
  return indices.reverse();
}

/** Summary-level LCS: each reference sentence against the union of its LCS with every candidate sentence. */
export function rougeLsum(candidate: string, reference: string): number {
  const candidateSentences = lines(candidate).map(tokenize);
  const referenceSentences = lines(reference).map(tokenize);
  const counts = (sentences: string[][]) => {
    const m = new Map<string, number>();
    for (const token of sentences.flat()) m.set(token, (m.get(token) ?? 0) + 1);
    return m;
  };
  const candidateLeft = counts(candidateSentences);
  const referenceLeft = counts(referenceSentences);
  let hits = 0;
  for (const ref of referenceSentences) {
    const union = new Set(candidateSentences.flatMap((cand) => lcsIndices(ref, cand)));
    for (const index of [...union].sort((x, y) => x - y)) {
      const token = ref[index] ?? '';
      if ((candidateLeft.get(token) ?? 0) > 0 && (referenceLeft.get(token) ?? 0) > 0) {
        hits++;
        candidateLeft.set(token, (candidateLeft.get(token) ?? 0) - 1);
        referenceLeft.set(token, (referenceLeft.get(token) ?? 0) - 1);
      }
    }
  }
  return f1(hits, candidateSentences.flat().length, referenceSentences.flat().length);
}

function lines(text: string): string[] {
  return text.split('\n').filter((line) => line.trim());
}

/** Candidate and reference hold one sentence per line (the line breaks only matter to Lsum). */
export function rouge(candidate: string, reference: string): RougeScores {
  return {
    rouge1: rougeN(candidate, reference, 1),
    rouge2: rougeN(candidate, reference, 2),
    rougeLsum: rougeLsum(candidate, reference),
  };
}
