/**
 * The same story uploaded twice (a re-upload, a copy with a changed headline or footer) yields summaries
 * that share most of their sentences. Two summaries are the same story when they have the same id, the same
 * source URL, or word 3-gram ("shingle") sets of title, summary and key points with a Jaccard similarity of
 * at least DUPLICATE_SIMILARITY. In storage order, each summary is compared with the stories kept so far and
 * goes to the first one it matches; if it matches none, it is kept as a new story.
 *
 * The result is exactly that rule's, without comparing every pair (which grows with the square of the
 * window), by prefix filtering: sets with Jaccard similarity J ≥ t share at least t·|a| of the |a| shingles
 * of either one. With the shingles of the whole input ranked in one order (rarest first), two such sets
 * both hold their first common shingle among their first |a| - ⌊t·|a|⌋ + 1 shingles, their prefix. So only
 * prefixes are indexed and looked up, and each candidate found through them is checked with the exact
 * Jaccard similarity: a pair with no shared prefix shingle cannot reach the threshold.
 */
import type { StoredSummary } from './stored-summary.js';
import { words } from './text.js';

const SHINGLE = 3;
export const DUPLICATE_SIMILARITY = 0.5;

/** The words shingles are made of: title, summary and key points. */
function tokens(item: StoredSummary): string[] {
  const { summary } = item;
  return words([summary.title.text, ...summary.summary, ...summary.keyPoints].join(' '));
}

/**
 * Numbers keys (pairs of integers, the first below 2^53, the second below 2^32) 0, 1, 2, … in the order
 * first seen, like a Map from key to its size then: open addressing on typed arrays, cheaper than a Map
 * at the million keys of a large window.
 */
class Numbering {
  private highs = new Float64Array(1 << 12).fill(-1);
  private lows = new Uint32Array(1 << 12);
  private ids = new Uint32Array(1 << 12);
  private shift = 32 - 12;
  size = 0;

  of(high: number, low: number): number {
    const slot = this.slotOf(high, low);
    if (this.highs[slot] !== -1) return this.ids[slot] ?? 0;
    this.highs[slot] = high;
    this.lows[slot] = low;
    this.ids[slot] = this.size++;
    if (2 * this.size > this.highs.length) this.grow();
    return this.size - 1;
  }

  /** Where the key is, or the empty slot it goes to. */
  private slotOf(high: number, low: number): number {
    const mask = this.highs.length - 1;
    // The 32-bit parts mixed, and the high bits of the product taken (multiplicative hashing).
    const mixed = (high | 0) ^ Math.imul((high / 0x100000000) | 0, 0x85ebca6b) ^ Math.imul(low, 0xc2b2ae35);
    let slot = Math.imul(mixed, 0x9e3779b1) >>> this.shift;
    for (;;) {
      const found = this.highs[slot];
      if (found === -1 || (found === high && this.lows[slot] === low)) return slot;
      slot = (slot + 1) & mask;
    }
  }

  private grow(): void {
    const { highs, lows, ids } = this;
    this.highs = new Float64Array(2 * highs.length).fill(-1);
    this.lows = new Uint32Array(2 * highs.length);
    this.ids = new Uint32Array(2 * highs.length);
    this.shift--;
    highs.forEach((high, slot) => {
      if (high === -1) return;
      const low = lows[slot] ?? 0;
      const to = this.slotOf(high, low);
      this.highs[to] = high;
      this.lows[to] = low;
      this.ids[to] = ids[slot] ?? 0;
    });
  }
}

/**
 * Each item's set of shingles, as ranks, ascending: rank 0 is the shingle the fewest items hold (ties by
 * first appearance), so a set's prefix is its first elements. A shingle is its 3 words in a row; text of
 * fewer words is one shingle of all of them (`none` stands in for the missing ones). Words, then shingles
 * are numbered rather than joined into strings; a shingle's key is its first two words as one number (below
 * 2^53 for up to 90 million distinct words) and its third.
 */
function rankedShingles(items: StoredSummary[]): { sets: Uint32Array[]; count: number } {
  const wordIds = new Map<string, number>();
  const texts = items.map((item) => {
    const text = tokens(item);
    const ids = new Uint32Array(text.length);
    text.forEach((word, i) => {
      let id = wordIds.get(word);
      if (id === undefined) wordIds.set(word, (id = wordIds.size));
      ids[i] = id;
    });
    return ids;
  });
  const none = wordIds.size;
  const base = none + 1;
  const shingleIds = new Numbering();
  const shinglesOf = (text: Uint32Array) =>
    text.length < SHINGLE ? Math.min(text.length, 1) : text.length - SHINGLE + 1;
  const most = texts.reduce((sum, text) => sum + shinglesOf(text), 0);
  /** How many items hold each shingle, and the last item that did. */
  const holders = new Uint32Array(most);
  const lastHolder = new Int32Array(most).fill(-1);
  const sets = texts.map((text, index) => {
    const set: number[] = [];
    for (let i = 0; i < shinglesOf(text); i++) {
      const id = shingleIds.of((text[i] ?? none) * base + (text[i + 1] ?? none), text[i + 2] ?? none);
      if (lastHolder[id] === index) continue;
      lastHolder[id] = index;
      holders[id] = (holders[id] ?? 0) + 1;
      set.push(id);
    }
    return set;
  });
  const count = shingleIds.size;
  const order = new Float64Array(count);
  for (let id = 0; id < count; id++) order[id] = (holders[id] ?? 0) * count + id;
  order.sort();
  const rankOf = new Uint32Array(count);
  for (let rank = 0; rank < count; rank++) rankOf[(order[rank] ?? 0) % count] = rank;
  const ranked = sets.map((set) => {
    const ranks = new Uint32Array(set.length);
    set.forEach((id, i) => (ranks[i] = rankOf[id] ?? 0));
    return ranks.sort();
  });
  return { sets: ranked, count };
}

/** The length of the prefix two similar sets share a shingle in; rounding down only lengthens it. */
const prefixLength = (size: number) => size - Math.floor(DUPLICATE_SIMILARITY * size) + 1;

/**
 * Whether |a ∩ b| / |a ∪ b| ≥ DUPLICATE_SIMILARITY, for ascending sets whose first common shingle is a[i],
 * b[j]. It needs |a ∩ b| ≥ t·(|a| + |b|) / (1 + t), so the merge gives up as soon as the rest cannot get
 * there (with one to spare for rounding); the answer is the same division as ever.
 */
function similarFrom(a: Uint32Array, b: Uint32Array, i: number, j: number): boolean {
  const within = (DUPLICATE_SIMILARITY * (a.length + b.length)) / (1 + DUPLICATE_SIMILARITY) - 1;
  let shared = 1;
  for (i++, j++; i < a.length && j < b.length;) {
    if (shared + Math.min(a.length - i, b.length - j) < within) return false;
    const x = a[i] ?? 0;
    const y = b[j] ?? 0;
    if (x === y) shared++;
    if (x <= y) i++;
    if (y <= x) j++;
  }
  return shared / (a.length + b.length - shared) >= DUPLICATE_SIMILARITY;
}

/** Where each kept story is, by a key (its id, its URL): the first place wins a match. */
class Places {
  private readonly byKey = new Map<string, number[]>();

  first(key: string | undefined): number {
    const places = key === undefined ? undefined : this.byKey.get(key);
    return places === undefined || places.length === 0 ? Infinity : Math.min(...places);
  }

  add(key: string | undefined, place: number): void {
    if (key === undefined) return;
    const places = this.byKey.get(key);
    if (places) places.push(place);
    else this.byKey.set(key, [place]);
  }

  remove(key: string, place: number): void {
    this.byKey.set(
      key,
      (this.byKey.get(key) ?? []).filter((p) => p !== place),
    );
  }
}

/**
 * For each shingle (by rank), the kept stories whose prefix holds it, in the order added (ascending place),
 * with the shingle's position there. Entries are linked in flat arrays rather than an array per shingle: a
 * large window has hundreds of thousands of shingles.
 */
class PrefixIndex {
  private readonly heads: Int32Array;
  private readonly tails: Int32Array;
  private readonly nexts: Int32Array;
  private readonly places: Uint32Array;
  private readonly positions: Uint32Array;
  private size = 0;

  constructor(shingles: number, entries: number) {
    this.heads = new Int32Array(shingles).fill(-1);
    this.tails = new Int32Array(shingles).fill(-1);
    this.nexts = new Int32Array(entries).fill(-1);
    this.places = new Uint32Array(entries);
    this.positions = new Uint32Array(entries);
  }

  add(shingle: number, place: number, position: number): void {
    const entry = this.size++;
    this.places[entry] = place;
    this.positions[entry] = position;
    if (this.heads[shingle] === -1) this.heads[shingle] = entry;
    else this.nexts[this.tails[shingle] ?? 0] = entry;
    this.tails[shingle] = entry;
  }

  /** The shingle's first entry, then `next` of it, until -1. */
  first(shingle: number): number {
    return this.heads[shingle] ?? -1;
  }

  next(entry: number): number {
    return this.nexts[entry] ?? -1;
  }

  place(entry: number): number {
    return this.places[entry] ?? 0;
  }

  position(entry: number): number {
    return this.positions[entry] ?? 0;
  }
}

/**
 * Keeps one of each group of near-duplicates, in storage order. The first-stored copy holds the place and
 * its shingles stand for the story; a later copy replaces it only when it has the article's own URL and the
 * first does not.
 */
export function dropNearDuplicates(items: StoredSummary[]): StoredSummary[] {
  const ordered = [...items].sort((a, b) => a.storedAt.getTime() - b.storedAt.getTime());
  const { sets, count } = rankedShingles(ordered);
  const kept: { item: StoredSummary; shingles: Uint32Array }[] = [];
  const keptById = new Places();
  const keptByUrl = new Places();
  const keptByShingle = new PrefixIndex(
    count,
    sets.reduce((sum, set) => sum + prefixLength(set.length), 0),
  );
  /** The item that last met each place in the index: only the first meeting is at their first common shingle. */
  const metBy = new Int32Array(ordered.length).fill(-1);
  ordered.forEach((item, index) => {
    const own = sets[index] ?? new Uint32Array();
    const prefix = own.subarray(0, prefixLength(own.length));
    const { id, source } = item.summary;
    let match = Math.min(keptById.first(id), keptByUrl.first(source.url));
    for (let position = 0; position < prefix.length; position++) {
      const shingle = prefix[position] ?? 0;
      for (let entry = keptByShingle.first(shingle); entry !== -1; entry = keptByShingle.next(entry)) {
        const place = keptByShingle.place(entry);
        if (place >= match) break;
        if (metBy[place] === index) continue;
        metBy[place] = index;
        const story = kept[place];
        if (story && similarFrom(own, story.shingles, position, keptByShingle.position(entry))) match = place;
      }
    }
    const story = kept[match];
    if (!story) {
      const place = kept.push({ item, shingles: own }) - 1;
      keptById.add(id, place);
      keptByUrl.add(source.url, place);
      prefix.forEach((shingle, position) => keptByShingle.add(shingle, place, position));
    } else if (source.url !== undefined && story.item.summary.source.url === undefined) {
      keptById.remove(story.item.summary.id, match);
      keptById.add(id, match);
      keptByUrl.add(source.url, match);
      story.item = item;
    }
  });
  return kept.map((k) => k.item);
}

/** Each summary's shingle set, made once: a digest run compares the same summaries for every subscriber. */
const shingleSets = new WeakMap<StoredSummary, Set<string>>();

function shingleSet(item: StoredSummary): Set<string> {
  let set = shingleSets.get(item);
  if (!set) shingleSets.set(item, (set = makeShingleSet(item)));
  return set;
}

/** The shingles of one text, as strings: for comparing a single pair (`isNearDuplicate`). */
function makeShingleSet(item: StoredSummary): Set<string> {
  const text = tokens(item);
  if (text.length < SHINGLE) return new Set([text.join(' ')]);
  const set = new Set<string>();
  for (let i = 0; i + SHINGLE <= text.length; i++) set.add(text.slice(i, i + SHINGLE).join(' '));
  return set;
}

/**
 * The rule above for one pair, without the storage-order grouping: same id, same source URL, or shingle
 * Jaccard similarity of at least DUPLICATE_SIMILARITY. The evaluation's baseline, and part of the same-event
 * rule (stories.ts).
 */
export function isNearDuplicate(a: StoredSummary, b: StoredSummary): boolean {
  if (a.summary.id === b.summary.id) return true;
  if (a.summary.source.url !== undefined && a.summary.source.url === b.summary.source.url) return true;
  const x = shingleSet(a);
  const y = shingleSet(b);
  let shared = 0;
  for (const shingle of x) if (y.has(shingle)) shared++;
  return shared / (x.size + y.size - shared) >= DUPLICATE_SIMILARITY;
}
