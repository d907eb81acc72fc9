/**
 * What a digest shows, before it becomes HTML or text. Built from grouped summaries and resolved links;
 * the renderers only format it, and the size budget only moves items from `groups` to `more` and chooses
 * how many of the titles in `more` are listed.
 */
import type { StoredSummary } from './stored-summary.js';
import type { DigestGroup } from './group.js';
import { plainText, truncate } from './text.js';

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
}

export interface DigestView {
  /** "Tue 24 Nov": the subscriber's local date the digest belongs to. */
  dateLabel: string;
  /** "Wed 25 Nov": set when it goes out on a later local date (a day caught up late), to say so. */
  sentLateOn?: string;
  groups: { label: string; items: DigestItemView[] }[];
  /** Titles of the items that did not fit the size budget, listed as "and N more". */
  more: string[];
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

export function itemView(item: StoredSummary, link: ItemLink): DigestItemView {
  const { summary } = item;
  return {
    title: truncate(plainText(summary.title.text), TITLE_MAX),
    summary: truncate(plainText(summary.summary.join(' ')), SENTENCES_MAX),
    people: names(summary.entities.people),
    places: names(summary.entities.places),
    readingMinutes: summary.readingTimeMinutes,
    sources: names(summary.sources),
    link,
  };
}

export function digestView(
  groups: DigestGroup[],
  linkFor: (item: StoredSummary) => ItemLink,
  dateLabel: string,
  unsubscribeUrl: string | undefined,
  sentLateOn?: string,
): DigestView {
  return {
    dateLabel,
    ...(sentLateOn !== undefined && { sentLateOn }),
    groups: groups.map((g) => ({
      label: truncate(plainText(g.label), 60),
      items: g.items.map((item) => itemView(item, linkFor(item))),
    })),
    more: [],
    ...(unsubscribeUrl !== undefined && { unsubscribeUrl }),
  };
}

/** The titles the "and N more" list names, the same in HTML and text. */
export function listedMore(view: DigestView): string[] {
  return view.more.slice(0, Math.min(view.moreShown ?? MORE_TITLES_SHOWN, MORE_TITLES_SHOWN));
}

export function itemCount(view: DigestView): number {
  return view.groups.reduce((n, g) => n + g.items.length, 0) + view.more.length;
}
