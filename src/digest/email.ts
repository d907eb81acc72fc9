/**
 * One subscriber's digest email, from the summaries selected for them and the links already resolved for
 * each: told as stories (uploads about one event become one, stories.ts), ranked (top-stories.ts), the top
 * ones in full and the rest by linked title, rendered to HTML and text within the size budget, with the one-click unsubscribe headers
 * (RFC 8058) when there is an unsubscribe link. Pure: resolving links and sending are the use case's job.
 */
import { composeDigest } from './compose.js';
import { shortLocalDate } from './local-time.js';
import { clusterStories } from './stories.js';
import type { StoredSummary } from './stored-summary.js';
import { DEFAULT_TOP_STORIES, rankStories, type Interests } from './top-stories.js';
import { storiesView, type ItemLink } from './view.js';

export interface OutgoingEmail {
  from: string;
  to: string;
  subject: string;
  html: string;
  text: string;
  headers: { name: string; value: string }[];
}

export interface DigestEmailInput {
  sender: string;
  to: string;
  items: StoredSummary[];
  /** The link of each item, by its key. */
  links: ReadonlyMap<string, ItemLink>;
  unsubscribeUrl?: string;
  /** Their preferences page, linked in the footer. */
  manageUrl?: string;
  /** The subscriber's local date the digest belongs to (`YYYY-MM-DD`), named in the subject. */
  localDate: string;
  /**
   * What the digest covers: a day (daily, the default) or a week (weekly: `localDate` is its send day, the
   * window everything since the previous digest). For the subject and heading ("Your weekly digest for
   * Fri 27 Nov").
   */
  period?: 'day' | 'week';
  /** Their local date when it is sent (`YYYY-MM-DD`); a later one is stated in the heading. */
  sentOnLocalDate?: string;
  /** The subscriber's topics and keywords, which rank their stories; none: ranked without them. */
  interests?: Interests;
  /** How many stories are shown in full (DIGEST_TOP_STORIES); default DEFAULT_TOP_STORIES. */
  topStories?: number;
}

export function digestEmail(input: DigestEmailInput): OutgoingEmail {
  const { links, unsubscribeUrl } = input;
  const stories = rankStories(clusterStories(input.items), input.interests ?? { topics: [], keywords: [] });
  const base = storiesView(
    stories,
    input.topStories ?? DEFAULT_TOP_STORIES,
    (item) => {
      const link = links.get(item.key);
      if (!link) throw new Error(`No link was resolved for ${item.key}`);
      return link;
    },
    shortLocalDate(input.localDate),
    unsubscribeUrl,
    input.sentOnLocalDate !== undefined && input.sentOnLocalDate > input.localDate
      ? shortLocalDate(input.sentOnLocalDate)
      : undefined,
  );
  const view = {
    ...base,
    ...(input.manageUrl !== undefined && { manageUrl: input.manageUrl }),
    ...(input.period === 'week' && { period: 'week' as const }),
  };
  const composed = composeDigest(view);
  return {
    from: input.sender,
    to: input.to,
    subject: composed.subject,
    html: composed.html,
    text: composed.text,
    headers: unsubscribeUrl
      ? [
          { name: 'List-Unsubscribe', value: `<${unsubscribeUrl}>` },
          { name: 'List-Unsubscribe-Post', value: 'List-Unsubscribe=One-Click' },
        ]
      : [],
  };
}
