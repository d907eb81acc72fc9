/**
 * Grouping and order. Importance is a plain heuristic: well-sourced, substantive stories first (cited
 * sources, named people/places/organisations, key points, length). Groups are keyword clusters built
 * greedily: the key phrase shared by most remaining stories (compared case-insensitively) forms a group,
 * labelled as written, and so on; stories that share no key phrase go to a final "More stories" group.
 */
import type { StoredSummary } from './stored-summary.js';

export interface DigestGroup {
  label: string;
  items: StoredSummary[];
}

const MAX_GROUPS = 6;
const OTHER = 'More stories';

export function importance(item: StoredSummary): number {
  const { summary } = item;
  const named =
    summary.entities.people.length + summary.entities.places.length + summary.entities.organizations.length;
  return (
    3 * summary.sources.length +
    Math.min(named, 6) +
    summary.keyPoints.length +
    Math.log2(summary.wordCount + 1) / 2
  );
}

/** Compares as `localeCompare` does (ECMA-402), without setting up the comparison on each call. */
const collator = new Intl.Collator();

/** Most important first, then by title: each item's importance worked out once, not per comparison. */
function sortByImportance(items: StoredSummary[]): void {
  const scored = items.map((item) => ({ item, score: importance(item), title: item.summary.title.text }));
  scored.sort((a, b) => b.score - a.score || collator.compare(a.title, b.title));
  scored.forEach(({ item }, i) => (items[i] = item));
}

function keywordsOf(item: StoredSummary): string[] {
  return [...new Set(item.summary.keywords.map((k) => k.toLowerCase()))];
}

/** The keyword most items hold; of those held equally often, the first in collation order. */
function mostShared(counts: Map<string, number>): [string, number] {
  let best: [string, number] = ['', 0];
  for (const entry of counts) {
    if (entry[1] > best[1] || (entry[1] === best[1] && collator.compare(entry[0], best[0]) < 0)) best = entry;
  }
  return best;
}

export function groupItems(items: StoredSummary[]): DigestGroup[] {
  const keywords = new Map(items.map((item) => [item, keywordsOf(item)]));
  const holds = (item: StoredSummary, keyword: string) => keywords.get(item)?.includes(keyword) ?? false;
  let remaining = [...items];
  const groups: DigestGroup[] = [];
  while (remaining.length > 1 && groups.length < MAX_GROUPS) {
    const counts = new Map<string, number>();
    for (const item of remaining) {
      for (const k of keywords.get(item) ?? []) counts.set(k, (counts.get(k) ?? 0) + 1);
    }
    const [keyword, count] = mostShared(counts);
    if (count < 2) break;
    groups.push({
      label: capitalize(writtenForm(remaining, keyword)),
      items: remaining.filter((i) => holds(i, keyword)),
    });
    remaining = remaining.filter((i) => !holds(i, keyword));
  }
  if (remaining.length > 0) groups.push({ label: groups.length === 0 ? 'Stories' : OTHER, items: remaining });
  for (const group of groups) sortByImportance(group.items);
  const top = (g: DigestGroup) => (g.items[0] ? importance(g.items[0]) : 0);
  return groups.sort((a, b) => Number(a.label === OTHER) - Number(b.label === OTHER) || top(b) - top(a));
}

/** The key phrase as the first story holding it writes it: "NASA", "Bank of England", not "Nasa". */
function writtenForm(items: StoredSummary[], keyword: string): string {
  for (const item of items) {
    const form = item.summary.keywords.find((k) => k.toLowerCase() === keyword);
    if (form) return form;
  }
  return keyword;
}

function capitalize(value: string): string {
  return value.charAt(0).toUpperCase() + value.slice(1);
}
