/**
 * The same story uploaded twice (a re-upload, a copy with a changed headline or footer) yields summaries
 * that share most of their sentences. Compare word 3-gram sets of title, summary and key points; above
 * the threshold, or with the same source URL, the later one is dropped. Pairwise is fine at digest sizes.
 */
import type { StoredSummary } from './stored-summary.js';
import { words } from './text.js';

const SHINGLE = 3;
export const DUPLICATE_SIMILARITY = 0.5;

function shingles(item: StoredSummary): Set<string> {
  const { summary } = item;
  const tokens = words([summary.title.text, ...summary.summary, ...summary.keyPoints].join(' '));
  const set = new Set<string>();
  for (let i = 0; i + SHINGLE <= tokens.length; i++) set.add(tokens.slice(i, i + SHINGLE).join(' '));
  if (set.size === 0 && tokens.length > 0) set.add(tokens.join(' '));
  return set;
}

export function jaccard(a: Set<string>, b: Set<string>): number {
  if (a.size === 0 || b.size === 0) return 0;
  let shared = 0;
  for (const s of a) if (b.has(s)) shared++;
  return shared / (a.size + b.size - shared);
}

/**
 * Keeps one of each group of near-duplicates, in storage order. The first-stored copy holds the place; a
 * later copy replaces it only when it has the article's own URL and the first does not.
 */
export function dropNearDuplicates(items: StoredSummary[]): StoredSummary[] {
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
    }
  }
  return kept.map((k) => k.item);
}
