import { describe, expect, it } from 'vitest';
import { groupItems, importance, type DigestGroup } from '../../../src/digest/group.js';
import type { StoredSummary } from '../../../src/digest/stored-summary.js';
import { storedSummary } from '../../support/digest-memory.js';
import { buildSummary } from '../../support/summary-fixtures.js';
import { seededRandom } from '../../support/fault-proxy.js';

/** Grouping as first written: counts sorted for the top keyword, importance worked out per comparison. */
function referenceGroupItems(items: StoredSummary[]): DigestGroup[] {
  const keywordsOf = (item: StoredSummary) => [...new Set(item.summary.keywords.map((k) => k.toLowerCase()))];
  const byImportance = (a: StoredSummary, b: StoredSummary) =>
    importance(b) - importance(a) || a.summary.title.text.localeCompare(b.summary.title.text);
  const writtenForm = (list: StoredSummary[], keyword: string) =>
    list.flatMap((i) => i.summary.keywords).find((k) => k.toLowerCase() === keyword) ?? keyword;
  let remaining = [...items];
  const groups: DigestGroup[] = [];
  while (remaining.length > 1 && groups.length < 6) {
    const counts = new Map<string, number>();
    for (const item of remaining) for (const k of keywordsOf(item)) counts.set(k, (counts.get(k) ?? 0) + 1);
    const [keyword, count] = [...counts].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))[0] ?? [
      '',
      0,
    ];
    if (count < 2) break;
    const label = writtenForm(remaining, keyword);
    groups.push({
      label: label.charAt(0).toUpperCase() + label.slice(1),
      items: remaining.filter((i) => keywordsOf(i).includes(keyword)),
    });
    remaining = remaining.filter((i) => !keywordsOf(i).includes(keyword));
  }
  if (remaining.length > 0)
    groups.push({ label: groups.length === 0 ? 'Stories' : 'More stories', items: remaining });
  for (const group of groups) group.items.sort(byImportance);
  const top = (g: DigestGroup) => (g.items[0] ? importance(g.items[0]) : 0);
  return groups.sort(
    (a, b) => Number(a.label === 'More stories') - Number(b.label === 'More stories') || top(b) - top(a),
  );
}

/** Keywords held equally often, in several cases and scripts; importance and titles that tie. */
function window(seed: number, count: number): StoredSummary[] {
  const random = seededRandom(seed);
  const pick = <T>(list: T[]) => list[Math.floor(random() * list.length)] as T;
  const keywords = ['NASA', 'nasa', 'Élections', 'elections', 'Zürich', 'zebra', 'Bank of England', 'a', 'Z'];
  const titles = ['Tram line approved', 'tram line approved', 'Élan', 'Elan', 'Zoo', 'Ärger', 'apple'];
  return Array.from({ length: count }, (_, i) =>
    storedSummary(
      buildSummary({
        title: random() < 0.5 ? pick(titles) : `${pick(titles)} ${i}`,
        key: `articles/group-${seed}-${i}.txt`,
        keywords: keywords.filter(() => random() < 0.25),
        keyPoints: Array.from({ length: Math.floor(random() * 3) }, () => 'A point.'),
        sources: random() < 0.3 ? ['Reuters'] : [],
        wordCount: pick([300, 600]),
      }),
      new Date('2026-11-24T06:00:00Z'),
    ),
  );
}

describe('grouping many stories', () => {
  it('gives the same groups, labels and order as the straightforward grouping, ties included', () => {
    for (let seed = 1; seed <= 40; seed++) {
      const items = window(seed, 5 + seed * 5);

      expect(groupItems(items)).toEqual(referenceGroupItems(items));
    }
  });
});
