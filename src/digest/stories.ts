/**
 * One story, many sources: uploads about the same event become one story, told once by its best summary,
 * with the others as "also reported by". Sameness is decided from what summaries already hold.
 *
 * The rule. Two summaries report the same event when either
 * - they are near-duplicates (`isNearDuplicate`: same id, same source URL, or word 3-gram Jaccard ≥ 0.5), or
 * - they name at least one of the same people, organisations or places (names compared case- and
 *   punctuation-insensitively), and the Dice similarity of their content-word stems (title, summary, key
 *   points and key phrases; no stopwords, no bare numbers, none of the words of the names they hold) is
 *   - at least SAME_EVENT_SIMILARITY (0.2) when they have two or more things in common: names, or specific
 *     figures (a number with a unit, or of 100 or more, that is not a year, such as "4.2 million");
 *   - at least SAME_EVENT_ONE_NAME (0.5) when one name is all they have in common;
 *   and that word similarity plus the Dice similarity of their sets of names is at least
 *   SAME_EVENT_WORDS_AND_NAMES (0.75).
 *
 * A shared name alone never merges: two council stories on the same day name the same council. The word
 * similarity is what tells "council approves the quay widening" from "council rejects the bus lane". The
 * names' similarity is what tells two events of one kind apart when some names recur: the Chargers player
 * arrested for drunk driving in 2008 from the one arrested in 2012, whose reports name the team, the city
 * and the earlier case, but not the same player.
 *
 * How the thresholds were chosen: measured (scripts/eval-clusters.ts, `npm run eval`) on ECB+ (Cybulska and
 * Vossen 2014, CC BY 3.0): 980 English news articles, 86 events in 43 pairs of events of the same kind,
 * built by scripts/eval-clusters-data.ts. The topics were split in two by a hash of the topic number;
 * the thresholds were tuned on one half (48 events) and checked on the other (38 events). Before, with
 * 0.3 and 0.5 and no words-and-names threshold, pairwise precision was 0.91 (tuning half) and 0.89
 * (held-out half) at recall 0.17 and 0.22; with these, 0.98 and 0.99 at recall 0.14 and 0.19; the
 * near-duplicate rule alone merges 0.7% of the pairs that belong together. Precision came first: two
 * different events must almost never merge, so some reports of one event stay separate stories.
 *
 * Grouping. Summaries are taken best first (`importance`, then earliest stored); each joins the first story
 * whose lead (its first, so best, summary) it matches, or leads a new one. Only leads are compared, so a
 * story cannot drift by chaining (A like B, B like C, A unlike C). Near-duplicates are not looked for here:
 * the caller drops them first (`dropNearDuplicates`, indexed), and a summary that names nobody leads its own
 * story. Candidates are found through the leads' names, rarest name first, and at most MAX_CANDIDATES leads
 * are compared with each summary: a name most of the window holds ("US") would otherwise make the work
 * grow with the square of the window (2,000 summaries naming one place took 21 s). Reports of one event
 * share a rarer name than that: the bound cost 1 of the 5,540 same-event pairs of the measured set.
 */
import { CALENDAR_WORDS, contentStems } from '../summary/tokens.js';
import { importance } from './importance.js';
import { isNearDuplicate } from './near-duplicates.js';
import type { StoredSummary } from './stored-summary.js';

/** Dice similarity of content-word stems needed with two or more names or figures in common. */
export const SAME_EVENT_SIMILARITY = 0.2;
/** Dice similarity needed when a single name is all they have in common. */
export const SAME_EVENT_ONE_NAME = 0.5;
/** The Dice similarity of their content-word stems plus that of their names, needed in every case. */
export const SAME_EVENT_WORDS_AND_NAMES = 0.75;
/** The most story leads one summary is compared with (see "Grouping"). */
export const MAX_CANDIDATES = 16;

/** One event: the summary that tells it, and the other uploads that report it too, best first. */
export interface Story {
  lead: StoredSummary;
  others: StoredSummary[];
}

/** What sameness is decided from, worked out once per summary. */
export interface EventFeatures {
  names: Set<string>;
  stems: Set<string>;
  figures: Set<string>;
}

/** "Mayor Ana Lopes", "mayor ana lopes." and "MAYOR ANA LOPES" are one name. */
export function normalizedName(name: string): string {
  return (
    name
      .normalize('NFKC')
      .toLowerCase()
      .match(/[\p{L}\p{N}]+/gu)
      ?.join(' ') ?? ''
  );
}

const isYear = (value: number) => Number.isInteger(value) && value >= 1800 && value <= 2100;

/**
 * Worked out once per stored summary: a run clusters the same summaries for every subscriber, and stemming
 * is most of the work.
 */
const featuresOf = new WeakMap<StoredSummary, EventFeatures>();

export function eventFeatures(item: StoredSummary): EventFeatures {
  let features = featuresOf.get(item);
  if (!features) featuresOf.set(item, (features = computeFeatures(item)));
  return features;
}

function computeFeatures(item: StoredSummary): EventFeatures {
  const { summary } = item;
  const { people, organizations, places } = summary.entities;
  const names = new Set(
    [...people, ...organizations, ...places].map((n) => normalizedName(n.name)).filter(Boolean),
  );
  // The names' own words are left out: a shared name is already required, and counting its words again
  // would make any two stories about one board or one town look alike.
  const nameStems = new Set(
    contentStems([...people, ...organizations, ...places].map((n) => n.name).join(' \n ')),
  );
  const stems = new Set(
    contentStems(
      [summary.title.text, ...summary.summary, ...summary.keyPoints, ...summary.keywords].join(' \n '),
    ).filter((stem) => !nameStems.has(stem) && !CALENDAR_STEMS.has(stem)),
  );
  // Only figures specific to one event: a unit, or 100 and over. Dates and the day or hour numbers they
  // hold ("November 26", "19:40") are shared by everything reported that day, so they count for nothing.
  const figures = new Set<string>();
  for (const { value, unit } of summary.numbers) {
    if ((unit || Math.abs(value) >= 100) && !isYear(value))
      figures.add(`${value}${unit ? ` ${unit.toLowerCase()}` : ''}`);
  }
  return { names, stems, figures };
}

/** Months and weekdays: every story of a day holds them. */
const CALENDAR_STEMS = new Set(contentStems([...CALENDAR_WORDS].join(' ')));

/** How many values the two sets share, counting no further than `enough`. */
function shared(a: Set<string>, b: Set<string>, enough: number): number {
  const [small, large] = a.size <= b.size ? [a, b] : [b, a];
  let count = 0;
  for (const value of small) if (large.has(value) && ++count >= enough) break;
  return count;
}

/** 2|A ∩ B| / (|A| + |B|); 0 for two empty sets. */
export function dice(a: Set<string>, b: Set<string>): number {
  if (a.size + b.size === 0) return 0;
  const [small, large] = a.size <= b.size ? [a, b] : [b, a];
  let shared = 0;
  for (const value of small) if (large.has(value)) shared++;
  return (2 * shared) / (a.size + b.size);
}

/** The two thresholds of the rule; other values only for measuring them (scripts/eval-clusters.ts). */
export interface EventThresholds {
  similarity: number;
  oneName: number;
  wordsAndNames: number;
}

export const EVENT_THRESHOLDS: EventThresholds = {
  similarity: SAME_EVENT_SIMILARITY,
  oneName: SAME_EVENT_ONE_NAME,
  wordsAndNames: SAME_EVENT_WORDS_AND_NAMES,
};

/**
 * The second half of the rule: a shared name, similar enough words (more so with one thing in common), and
 * similar enough words and names together.
 */
export function sameEventFeatures(
  a: EventFeatures,
  b: EventFeatures,
  thresholds: EventThresholds = EVENT_THRESHOLDS,
): boolean {
  const names = shared(a.names, b.names, 2);
  if (names === 0) return false;
  const inCommon = names + shared(a.figures, b.figures, 2 - names);
  const words = dice(a.stems, b.stems);
  return (
    words >= (inCommon >= 2 ? thresholds.similarity : thresholds.oneName) &&
    words + dice(a.names, b.names) >= thresholds.wordsAndNames
  );
}

/** The whole rule for one pair. */
export function sameEvent(a: StoredSummary, b: StoredSummary): boolean {
  return isNearDuplicate(a, b) || sameEventFeatures(eventFeatures(a), eventFeatures(b));
}

/** Best first: the most substantive summary leads its story; of equals, the one stored first, then by key. */
function bestFirst(items: StoredSummary[]): StoredSummary[] {
  const scored = items.map((item) => ({ item, score: importance(item) }));
  scored.sort(
    (a, b) =>
      b.score - a.score ||
      a.item.storedAt.getTime() - b.item.storedAt.getTime() ||
      (a.item.key < b.item.key ? -1 : a.item.key > b.item.key ? 1 : 0),
  );
  return scored.map((s) => s.item);
}

/**
 * The window's summaries as stories (see the rule above). Every summary is in exactly one story. Meant for
 * summaries whose near-duplicates are already dropped (`dropNearDuplicates`).
 */
export function clusterStories(
  items: StoredSummary[],
  thresholds: EventThresholds = EVENT_THRESHOLDS,
): Story[] {
  const stories: { story: Story; features: EventFeatures }[] = [];
  /** For each name, the stories whose lead holds it, in the order made. */
  const byName = new Map<string, number[]>();
  for (const item of bestFirst(items)) {
    const features = eventFeatures(item);
    const match = candidateStories(features.names, byName).find((place) =>
      sameEventFeatures(features, stories[place]?.features ?? NO_FEATURES, thresholds),
    );
    if (match !== undefined) {
      stories[match]?.story.others.push(item);
      continue;
    }
    const place = stories.push({ story: { lead: item, others: [] }, features }) - 1;
    for (const name of features.names) {
      const places = byName.get(name);
      if (places) places.push(place);
      else byName.set(name, [place]);
    }
  }
  return stories.map((s) => s.story);
}

const NO_FEATURES: EventFeatures = { names: new Set(), stems: new Set(), figures: new Set() };

/**
 * The stories whose lead shares a name with the summary, at most MAX_CANDIDATES of them, taken from its
 * rarest names first; in the order the stories were made, so the first that matches wins as without the bound.
 */
function candidateStories(names: Set<string>, byName: Map<string, number[]>): number[] {
  const lists = [...names]
    .map((name) => byName.get(name))
    .filter((list) => list !== undefined)
    .sort((a, b) => a.length - b.length);
  const candidates = new Set<number>();
  for (const list of lists) {
    for (const place of list) {
      candidates.add(place);
      if (candidates.size >= MAX_CANDIDATES) return [...candidates].sort((a, b) => a - b);
    }
  }
  return [...candidates].sort((a, b) => a - b);
}

/** How many uploads report the story. */
export const reports = (story: Story): number => 1 + story.others.length;
