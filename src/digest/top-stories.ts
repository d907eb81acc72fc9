/**
 * Which stories lead the digest. Stories are ranked by, in turn:
 * 1. how many uploads report the event (`reports`): what many outlets cover comes first;
 * 2. how many of the subscriber's topics and keywords the story matches (any of its uploads, the same
 *    matching as the filters in select.ts);
 * 3. substance: the lead summary's `importance` (cited sources, names, key points, length);
 * 4. recency: the latest upload of the story first;
 * then by title, so the order never depends on the input's.
 * The first `DIGEST_TOP_STORIES` (default 10) are shown in full; the others are listed by linked title
 * under "also in this period".
 */
import { importance } from './importance.js';
import { matchesFilters } from './select.js';
import type { Subscriber } from './subscribers.js';
import { reports, type Story } from './stories.js';

export const DEFAULT_TOP_STORIES = 10;

export type Interests = Pick<Subscriber, 'topics' | 'keywords'>;

/** How many of the subscriber's topics and keywords some upload of the story matches. */
export function interestScore(story: Story, interests: Interests): number {
  const members = [story.lead, ...story.others];
  const matches = (filter: Interests) => members.some((item) => matchesFilters(item, filter));
  return (
    interests.topics.filter((topic) => matches({ topics: [topic], keywords: [] })).length +
    interests.keywords.filter((keyword) => matches({ topics: [], keywords: [keyword] })).length
  );
}

const collator = new Intl.Collator();

const latest = (story: Story) =>
  Math.max(story.lead.storedAt.getTime(), ...story.others.map((o) => o.storedAt.getTime()));

export function rankStories(stories: Story[], interests: Interests): Story[] {
  const scored = stories.map((story) => ({
    story,
    reports: reports(story),
    interest: interestScore(story, interests),
    substance: importance(story.lead),
    latest: latest(story),
  }));
  scored.sort(
    (a, b) =>
      b.reports - a.reports ||
      b.interest - a.interest ||
      b.substance - a.substance ||
      b.latest - a.latest ||
      collator.compare(a.story.lead.summary.title.text, b.story.lead.summary.title.text),
  );
  return scored.map((s) => s.story);
}
