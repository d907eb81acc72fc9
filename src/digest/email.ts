/**
 * One subscriber's digest email, from the summaries selected for them and the links already resolved for
 * each: grouped, rendered to HTML and text within the size budget, with the one-click unsubscribe headers
 * (RFC 8058) when there is an unsubscribe link. Pure: resolving links and sending are the use case's job.
 */
import { composeDigest, HTML_BUDGET_BYTES } from './compose.js';
import { groupItems } from './group.js';
import { shortLocalDate } from './local-time.js';
import type { StoredSummary } from './stored-summary.js';
import { digestView, type ItemLink } from './view.js';

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
  /** Their local date when it is sent (`YYYY-MM-DD`); a later one is stated in the heading. */
  sentOnLocalDate?: string;
  htmlBudgetBytes?: number;
}

export function digestEmail(input: DigestEmailInput): OutgoingEmail {
  const { links, unsubscribeUrl } = input;
  const base = digestView(
    groupItems(input.items),
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
  const view = input.manageUrl === undefined ? base : { ...base, manageUrl: input.manageUrl };
  const composed = composeDigest(view, input.htmlBudgetBytes ?? HTML_BUDGET_BYTES);
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
