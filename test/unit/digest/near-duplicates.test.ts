import { describe, expect, it } from 'vitest';
import { DUPLICATE_SIMILARITY, dropNearDuplicates } from '../../../src/digest/near-duplicates.js';
import type { StoredSummary } from '../../../src/digest/stored-summary.js';
import { words } from '../../../src/digest/text.js';
import { storedSummary } from '../../support/digest-memory.js';
import { buildSummary, type SummaryFixture } from '../../support/summary-fixtures.js';
import { seededRandom } from '../../support/fault-proxy.js';

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

/**
 * The rule as first written: every new item against every kept one, in storage order. Counts how often a
 * later copy took a kept place and how many comparisons came out near the threshold.
 */
function referenceDropNearDuplicates(
  items: StoredSummary[],
  seen = { replaced: 0, nearThreshold: 0 },
): StoredSummary[] {
  const shingles = ({ summary }: StoredSummary) => {
    const tokens = words([summary.title.text, ...summary.summary, ...summary.keyPoints].join(' '));
    const set = new Set<string>();
    for (let i = 0; i + 3 <= tokens.length; i++) set.add(tokens.slice(i, i + 3).join(' '));
    if (set.size === 0 && tokens.length > 0) set.add(tokens.join(' '));
    return set;
  };
  const jaccard = (a: Set<string>, b: Set<string>) => {
    if (a.size === 0 || b.size === 0) return 0;
    let shared = 0;
    for (const s of a) if (b.has(s)) shared++;
    const similarity = shared / (a.size + b.size - shared);
    if (Math.abs(similarity - DUPLICATE_SIMILARITY) < 0.1) seen.nearThreshold++;
    return similarity;
  };
  const ordered = [...items].sort((a, b) => a.storedAt.getTime() - b.storedAt.getTime());
  const kept: { item: StoredSummary; shingles: Set<string> }[] = [];
  for (const item of ordered) {
    const own = shingles(item);
    const url = item.summary.source.url;
    const match = kept.find(
      (k) =>
        k.item.summary.id === item.summary.id ||
        (url !== undefined && k.item.summary.source.url === url) ||
        jaccard(k.shingles, own) >= DUPLICATE_SIMILARITY,
    );
    if (!match) kept.push({ item, shingles: own });
    else if (url !== undefined && match.item.summary.source.url === undefined) {
      match.item = item;
      seen.replaced++;
    }
  }
  return kept.map((k) => k.item);
}

/**
 * Stories from a small vocabulary (so unrelated ones share some 3-grams), and copies of earlier stories or
 * copies with sentences dropped, added or reworded, which land on both sides of the threshold; some share
 * the key (the same id) or the URL, some add a URL the original lacks, some have almost no words. Stored
 * in few distinct hours (ties keep input order), handed over shuffled.
 */
function plantedWindow(seed: number, count: number): StoredSummary[] {
  const random = seededRandom(seed);
  const below = (n: number) => Math.floor(random() * n);
  const vocabulary = Array.from({ length: 150 }, (_, i) => `w${i.toString(36)}`);
  const sentence = () =>
    `${Array.from({ length: 3 + below(14) }, () => vocabulary[below(vocabulary.length)]).join(' ')}.`;
  const reword = (text: string) =>
    text
      .split(' ')
      .map((word) => (random() < 0.15 ? (vocabulary[below(vocabulary.length)] ?? word) : word))
      .join(' ');
  const fixtures: SummaryFixture[] = [];
  for (let i = 0; i < count; i++) {
    const original = fixtures[below(fixtures.length)];
    const kind = random();
    let fixture: SummaryFixture;
    if (original === undefined || kind < 0.35) {
      fixture = {
        title: random() < 0.05 ? ['!!', 'w1', 'w1 w2'][below(3)]! : sentence().slice(0, -1),
        summary: Array.from({ length: 1 + below(3) }, sentence),
        keyPoints: Array.from({ length: below(4) }, sentence),
      };
      if (random() < 0.05) fixture.summary = ['—'];
    } else {
      const keyPoints = (original.keyPoints ?? []).filter(() => random() < 0.7);
      if (random() < 0.4) keyPoints.push(sentence());
      fixture = {
        title: random() < 0.5 ? original.title : sentence().slice(0, -1),
        summary: (original.summary ?? []).map((s) => (random() < 0.3 ? reword(s) : s)),
        keyPoints: keyPoints.slice(0, 5),
      };
      if (random() < 0.1) fixture.key = original.key;
      if (random() < 0.2 && original.url !== undefined) fixture.url = original.url;
    }
    fixture.key ??= `articles/planted-${seed}-${i}.txt`;
    if (fixture.url === undefined && random() < 0.3) fixture.url = `https://news.example.com/${below(count)}`;
    fixtures.push(fixture);
  }
  const items = fixtures.map((f) => storedSummary(buildSummary(f), hour(below(6))));
  for (let i = items.length - 1; i > 0; i--) {
    const j = below(i + 1);
    [items[i], items[j]] = [items[j]!, items[i]!];
  }
  return items;
}

describe('near-duplicates through the shingle index', () => {
  it('keep the same items in the same order as comparing every pair, on seeded windows with planted copies', () => {
    let dropped = 0;
    const seen = { replaced: 0, nearThreshold: 0 };
    for (let seed = 1; seed <= 60; seed++) {
      const items = plantedWindow(seed, 40 + seed * 4);
      const expected = referenceDropNearDuplicates(items, seen);

      expect(dropNearDuplicates(items).map((i) => items.indexOf(i))).toEqual(
        expected.map((i) => items.indexOf(i)),
      );
      dropped += items.length - expected.length;
    }
    // The windows exercise the rule: copies dropped, kept places taken over, similarities near the line.
    expect(dropped).toBeGreaterThan(1000);
    expect(seen.replaced).toBeGreaterThan(50);
    expect(seen.nearThreshold).toBeGreaterThan(1000);
  });
});
