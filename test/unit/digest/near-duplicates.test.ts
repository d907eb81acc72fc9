import { describe, expect, it } from 'vitest';
import { dropNearDuplicates } from '../../../src/digest/near-duplicates.js';
import { storedSummary } from '../../support/digest-memory.js';
import { buildSummary } from '../../support/summary-fixtures.js';

const hour = (h: number) => new Date(Date.UTC(2026, 10, 24, h));
const TRAM = {
  title: 'City council approves the new riverside tram line',
  summary: [
    'The council voted 31 to 12 to fund the first 6 km of the riverside tram line.',
    'Construction starts in spring and the first trams are expected in 2029.',
  ],
};

describe('near-duplicate stories', () => {
  it('keep one copy of the same story uploaded twice with a changed headline', () => {
    const first = storedSummary(buildSummary({ ...TRAM, key: 'articles/tram.txt' }), hour(1));
    const copy = storedSummary(
      buildSummary({ ...TRAM, title: 'Tram line approved by council', key: 'articles/tram-copy.html' }),
      hour(2),
    );
    const other = storedSummary(buildSummary({ title: 'Bus fares frozen for another year' }), hour(3));

    expect(dropNearDuplicates([copy, other, first]).map((i) => i.key)).toEqual([first.key, other.key]);
  });

  it('prefer the copy that has the article URL, and treat the same URL as the same story', () => {
    const noUrl = storedSummary(buildSummary({ ...TRAM, key: 'articles/a.txt' }), hour(1));
    const withUrl = storedSummary(
      buildSummary({ ...TRAM, key: 'articles/b.txt', url: 'https://news.example.com/tram' }),
      hour(2),
    );
    const sameUrl = storedSummary(
      buildSummary({
        title: 'Entirely different words',
        key: 'articles/c.txt',
        url: 'https://news.example.com/tram',
      }),
      hour(3),
    );

    expect(dropNearDuplicates([noUrl, withUrl, sameUrl]).map((i) => i.key)).toEqual([withUrl.key]);
  });

  it('keep different stories on the same topic', () => {
    const a = storedSummary(buildSummary({ title: 'Heatwave records broken across the south' }), hour(1));
    const b = storedSummary(
      buildSummary({ title: 'Drought pushes reservoir levels to a 30-year low' }),
      hour(2),
    );

    expect(dropNearDuplicates([a, b])).toHaveLength(2);
  });
});
