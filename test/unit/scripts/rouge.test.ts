import { describe, expect, it } from 'vitest';
import { rouge, rougeLsum, rougeN, tokenize } from '../../../scripts/rouge.js';

describe('ROUGE', () => {
  it('scores a hand-computed single-sentence example: R1 5/6, R2 3/5, RLsum 5/6', () => {
    // Prepare: candidate and reference share the, cat, on, the, mat and the bigrams the-cat, on-the, the-mat.
    const candidate = 'The cat sat on the mat.';
    const reference = 'The cat is on the mat.';

    // Act
    const scores = rouge(candidate, reference);

    // Assess
    expect(scores.rouge1).toBeCloseTo(5 / 6, 10);
    expect(scores.rouge2).toBeCloseTo(3 / 5, 10);
    expect(scores.rougeLsum).toBeCloseTo(5 / 6, 10);
  });

  it('takes the union of LCS hits over candidate sentences for ROUGE-Lsum: 10/11', () => {
    // Prepare: reference line "a b c d" gets a,c from "a c e" and b from "b f"; line "e f" gets e and f.
    // Hits 5, candidate 5 tokens, reference 6: P = 1, R = 5/6, F = 10/11.
    const candidate = 'a c e\nb f';
    const reference = 'a b c d\ne f';

    // Act
    const score = rougeLsum(candidate, reference);

    // Assess
    expect(score).toBeCloseTo(10 / 11, 10);
  });

  it('stems words longer than three characters and splits on anything but letters and digits', () => {
    // Prepare
    const text = "Running dogs' U.S.-based cats";

    // Act
    const tokens = tokenize(text);

    // Assess
    expect(tokens).toEqual(['run', 'dog', 'u', 's', 'base', 'cat']);
    expect(rougeN('running dogs', 'run dog', 1)).toBe(1);
  });

  it('scores zero when nothing is shared or a side is empty', () => {
    expect(rougeN('alpha beta', 'gamma delta', 1)).toBe(0);
    expect(rougeLsum('', 'gamma delta')).toBe(0);
  });
});
