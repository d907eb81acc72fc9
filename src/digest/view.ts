/**
 * What a digest shows, before it becomes HTML or text. Built from grouped summaries and resolved links;
 * the renderers only format it, and the size budget only moves items from `groups` to `more` and chooses
 * how many of the titles in `more` are listed.
 */
import type { StoredSummary } from './stored-summary.js';
import type { Story } from './stories.js';
import { plainText, safeHttpUrl, truncate } from './text.js';

export interface ItemLink {
  url: string;
  /** Set for a presigned link to the stored original: when it stops working, already formatted. */
  expires?: string;
}

export interface DigestItemView {
  title: string;
  summary: string;
  people: string[];
  places: string[];
  readingMinutes: number;
  sources: string[];
  link: ItemLink;
  /** The other uploads of the same event (stories.ts), each named and linked; at most ALSO_REPORTED_SHOWN. */
  alsoReportedBy: { label: string; link: ItemLink }[];
  /** How many other uploads report it, shown or not. */
  alsoReportedCount: number;
}

/** One entry of the "also in this period" list: a title, linked when the story has a link. */
export interface MoreItem {
  title: string;
  url?: string;
}

/** A longer link is not worth its share of the list's bytes: that title is listed without it. */
export const MORE_URL_MAX = 2_048;

export function moreItem(title: string, url: string): MoreItem {
  return url.length <= MORE_URL_MAX ? { title, url } : { title };
}

export interface DigestView {
  /** "Tue 24 Nov": the subscriber's local date the digest belongs to. */
  dateLabel: string;
  /** "Wed 25 Nov": set when it goes out on a later local date (a day caught up late), to say so. */
  sentLateOn?: string;
  /** `week` for a weekly digest (`dateLabel` is its send day): named so in the subject and heading. */
  period?: 'day' | 'week';
  groups: { label: string; items: DigestItemView[] }[];
  /**
   * The stories not shown in full (beyond the top stories, or moved out by the size budget), listed by
   * linked title under "also in this period" and counted as "and N more".
   */
  more: MoreItem[];
  /**
   * How many of the first titles in `more` are listed; the others are only counted in N. Set by the size
   * budget; unset, up to MORE_TITLES_SHOWN are listed. Never more than MORE_TITLES_SHOWN.
   */
  moreShown?: number;
  unsubscribeUrl?: string;
  /** The subscriber's preferences page (the subscribe function), beside the unsubscribe link. */
  manageUrl?: string;
}

/** The "and N more" list names at most this many titles; N still counts them all. */
export const MORE_TITLES_SHOWN = 100;
const TITLE_MAX = 200;
const SENTENCES_MAX = 1_200;
const NAMES_MAX = 4;

const names = (list: { name: string }[]) =>
  list.slice(0, NAMES_MAX).map((n) => truncate(plainText(n.name), 80));

/** At most this many "also reported by" links per story; the count says how many there are. */
export const ALSO_REPORTED_SHOWN = 5;

/** What an "also reported by" link says: the outlet's host, or the stored original's file name. */
export function reporterLabel(item: StoredSummary): string {
  const own = safeHttpUrl(item.summary.source.url);
  const label = own ? new URL(own).hostname.replace(/^www\./, '') : item.summary.source.key.split('/').pop();
  return truncate(plainText(label ?? item.summary.source.key), 60);
}

/**
 * The title as the digest shows it. A headline the product derived is a span from inside a sentence
 * ("profits at US media giant TimeWarner"): it is shown with a capital, as a headline is; a stored title
 * stays the verbatim span. A first word with a capital inside ("iPhone", "eBay") is left as written.
 */
export function headlineText(title: StoredSummary['summary']['title']): string {
  const text = truncate(plainText(title.text), TITLE_MAX);
  if (title.origin !== 'first-sentence' || !/^\p{Ll}+(?![\p{L}\p{N}])/u.test(text)) return text;
  const [first = ''] = text;
  return first.toLocaleUpperCase() + text.slice(first.length);
}

export function itemView(
  item: StoredSummary,
  link: ItemLink,
  others: { item: StoredSummary; link: ItemLink }[] = [],
): DigestItemView {
  const { summary } = item;
  return {
    title: headlineText(summary.title),
    summary: truncate(plainText(summary.summary.join(' ')), SENTENCES_MAX),
    people: names(summary.entities.people),
    places: names(summary.entities.places),
    readingMinutes: summary.readingTimeMinutes,
    sources: names(summary.sources),
    link,
    alsoReportedBy: others
      .slice(0, ALSO_REPORTED_SHOWN)
      .map((other) => ({ label: reporterLabel(other.item), link: other.link })),
    alsoReportedCount: others.length,
  };
}

/** The label of the top stories' section. */
export const TOP_STORIES_LABEL = 'Top stories';

/**
 * The digest of ranked stories: the first `topStories` in full under "Top stories", each with its other
 * reports; the rest by linked title in `more`. The size budget may move more of them to `more`.
 */
export function storiesView(
  ranked: Story[],
  topStories: number,
  linkFor: (item: StoredSummary) => ItemLink,
  dateLabel: string,
  unsubscribeUrl: string | undefined,
  sentLateOn?: string,
): DigestView {
  const top = ranked.slice(0, Math.max(0, topStories));
  const rest = ranked.slice(top.length);
  return {
    dateLabel,
    ...(sentLateOn !== undefined && { sentLateOn }),
    groups:
      top.length === 0
        ? []
        : [
            {
              label: TOP_STORIES_LABEL,
              items: top.map((story) =>
                itemView(
                  story.lead,
                  linkFor(story.lead),
                  story.others.map((item) => ({ item, link: linkFor(item) })),
                ),
              ),
            },
          ],
    more: rest.map((story) => moreItem(headlineText(story.lead.summary.title), linkFor(story.lead).url)),
    ...(unsubscribeUrl !== undefined && { unsubscribeUrl }),
  };
}

/** The entries the "and N more" list names, the same in HTML and text. */
export function listedMore(view: DigestView): MoreItem[] {
  return view.more.slice(0, Math.min(view.moreShown ?? MORE_TITLES_SHOWN, MORE_TITLES_SHOWN));
}

export function itemCount(view: DigestView): number {
  return view.groups.reduce((n, g) => n + g.items.length, 0) + view.more.length;
}
