import { describe, expect, it } from 'vitest';
import { normalizeName, scoreSystem, type Names, type NerRow } from '../../../scripts/eval-entities.js';

const none: Names = { people: [], organizations: [], places: [] };

describe('entity scoring (the NER data rules)', () => {
  it('normalizes case, surrounding punctuation, a possessive and spaces', () => {
    expect(normalizeName('  “ACME  Corp’s”. ')).toBe('acme corp');
    expect(normalizeName('U.S.')).toBe('u.s');
    expect(normalizeName('Ｏｓｌｏ')).toBe('oslo');
  });

  it('counts strict and lenient matches per type as sets, micro-averaged over documents', () => {
    // Prepare: one document, gold Ann Lee and Oslo; predicted "Lee" (lenient only), "Oslo" twice, "Bergen".
    const rows: NerRow[] = [
      { id: 'a', article: 'a', gold: { ...none, people: ['Ann Lee'], places: ['Oslo'] } },
      { id: 'b', article: 'b', gold: { ...none, organizations: ['Kestrel Bank'] } },
    ];
    const predictions: Record<string, Names> = {
      a: { ...none, people: ['Lee'], places: ['Oslo', 'OSLO', 'Bergen'] },
      b: { ...none, organizations: ['Kestrel Bank'] },
    };

    // Act
    const scores = scoreSystem(rows, (article) => predictions[article] ?? none);

    // Assess
    expect(scores.people.strict).toEqual({ precision: 0, recall: 0, f1: 0 });
    expect(scores.people.lenient).toEqual({ precision: 1, recall: 1, f1: 1 });
    expect(scores.places.strict.precision).toBe(0.5);
    expect(scores.places.strict.recall).toBe(1);
    expect(scores.overall.lenient.precision).toBe(3 / 4);
    expect(scores.overall.lenient.recall).toBe(1);
    expect(scores.overall.strict.precision).toBe(2 / 4);
    expect(scores.overall.strict.recall).toBe(2 / 3);
  });
});
