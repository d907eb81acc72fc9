/**
 * A view becomes a message: subject, HTML and text. Gmail clips an HTML body above 102 KB and hides the
 * rest, including the unsubscribe link in the footer. So the final HTML is held to a byte budget whatever
 * the articles contain, counting every part as sent (escaped, UTF-8): header, items, the "and N more" list
 * and the footer. The least important items move, from the end, into the "and N more" list; an item too
 * large to fit on its own (a huge link) moves there too. That list names only as many titles as its share
 * of the budget holds, and N still counts them all. The text part shows the same items and titles, and no
 * part of it is longer than in the HTML, so it keeps within the same budget.
 */
import { itemHtml, moreTitleHtml, renderHtml } from './render-html.js';
import { renderText } from './render-text.js';
import { plainText, truncate } from './text.js';
import {
  itemCount,
  moreItem,
  MORE_TITLES_SHOWN,
  type DigestItemView,
  type DigestView,
  type MoreItem,
} from './view.js';

/** Below Gmail's 102 KB with room for the transfer encoding of non-ASCII text. */
export const HTML_BUDGET_BYTES = 90 * 1024;
/** The most of the budget the titles of the "and N more" list take: 100 ordinary titles need 6-13 KB. */
export const MORE_LIST_MAX_BYTES = 16 * 1024;
const SUBJECT_MAX = 78;

export interface ComposedDigest {
  subject: string;
  html: string;
  text: string;
  view: DigestView;
}

/** A title as subject text: one line, and no markup characters ("&" reads "and"). */
const subjectText = (value: string) =>
  plainText(value.replace(/&/g, ' and ').replace(/[<>]/g, ' ')).replace(/ {2,}/g, ' ');

/** "Your digest", or "Your weekly digest" for one that covers a week (named for its send day). */
const digestName = (period: DigestView['period']) =>
  period === 'week' ? 'Your weekly digest' : 'Your digest';

/**
 * Plain text, one line, no entities: the day, the top story and how many others the digest holds, e.g.
 * "Your digest for Tue 24 Nov: Quay widening approved, and 37 more". The title is shortened, never the rest.
 */
export function digestSubject(
  dateLabel: string,
  topTitle: string | undefined,
  stories: number,
  period?: DigestView['period'],
): string {
  const prefix = `${digestName(period)} for ${subjectText(dateLabel)}: `;
  if (stories === 0 || topTitle === undefined || subjectText(topTitle) === '') {
    return truncate(`${prefix}${stories === 0 ? 'nothing new' : `${stories} stories`}`, SUBJECT_MAX);
  }
  const rest = stories > 1 ? `, and ${stories - 1} more` : '';
  const room = Math.max(12, SUBJECT_MAX - prefix.length - rest.length);
  return `${prefix}${truncate(subjectText(topTitle), room)}${rest}`;
}

const utf8Bytes = (value: string) => Buffer.byteLength(value, 'utf8');

interface PlacedItem {
  group: number;
  item: DigestItemView;
}

/** The view with only the kept items in full; the titles of the others lead `more`, in their order. */
function keepOnly(view: DigestView, flat: PlacedItem[], kept: ReadonlySet<number>): DigestView {
  const groups: DigestView['groups'] = [];
  const leftOut: MoreItem[] = [];
  let current: { group: number; items: DigestItemView[] } | undefined;
  flat.forEach(({ group, item }, index) => {
    if (!kept.has(index)) {
      leftOut.push(moreItem(item.title, item.link.url));
      return;
    }
    if (current?.group !== group) {
      current = { group, items: [] };
      groups.push({ label: view.groups[group]?.label ?? '', items: current.items });
    }
    current.items.push(item);
  });
  return { ...view, groups, more: [...leftOut, ...view.more] };
}

/** How many of the first titles of `more` the list can name within `allowance` bytes of HTML. */
function titlesWithin(more: MoreItem[], allowance: number): number {
  let used = 0;
  let count = 0;
  for (const entry of more.slice(0, MORE_TITLES_SHOWN)) {
    used += utf8Bytes(moreTitleHtml(entry));
    if (used > allowance) break;
    count++;
  }
  return count;
}

export function fitToBudget(view: DigestView, heading: string, budgetBytes: number): DigestView {
  const size = (v: DigestView) => utf8Bytes(renderHtml(v, heading));
  const flat = view.groups.flatMap((g, group) => g.items.map((item) => ({ group, item })));
  // Its HTML holds every item's rows: the whole view is rendered only when those alone are within budget.
  let rows = 0;
  const rowsWithin = flat.every(({ item }) => (rows += utf8Bytes(itemHtml(item))) <= budgetBytes);
  if (rowsWithin && size(view) <= budgetBytes) return view;
  // Header, footer with the unsubscribe link, and "and N more" naming no title: no article text but N.
  const frame = size({ ...keepOnly(view, flat, new Set()), moreShown: 0 });
  if (frame > budgetBytes) {
    throw new RangeError(
      `The digest's header and footer alone take ${frame} bytes, over the ${budgetBytes}-byte budget`,
    );
  }
  const listAllowance = Math.min(MORE_LIST_MAX_BYTES, budgetBytes - frame);
  // The items that may be kept: of those that fit beside the frame on their own (an item that cannot is
  // never kept), the first ones, as many as fit beside it counting their own rows alone. So no step of the
  // search renders much more than the budget, and only those items are measured, however many there are.
  const candidates: number[] = [];
  let used = frame;
  for (const [index, { item }] of flat.entries()) {
    const bytes = utf8Bytes(itemHtml(item));
    if (frame + bytes > budgetBytes) continue;
    used += bytes;
    if (used > budgetBytes) break;
    candidates.push(index);
  }
  const keepFirst = (keep: number): DigestView => {
    const kept = keepOnly(view, flat, new Set(candidates.slice(0, keep)));
    return { ...kept, moreShown: titlesWithin(kept.more, listAllowance) };
  };
  // The largest number of items that fits; more items are larger, but for a few bytes at the edges (the
  // digits of N, other titles filling the list), so the result is checked down to zero items, which fits:
  // the frame plus at most `listAllowance` bytes of titles.
  const fits = (keep: number) => size(keepFirst(keep)) <= budgetBytes;
  let low = 0;
  let high = candidates.length;
  while (low < high) {
    const mid = Math.ceil((low + high) / 2);
    if (fits(mid)) low = mid;
    else high = mid - 1;
  }
  while (low > 0 && !fits(low)) low--;
  return keepFirst(low);
}

export function composeDigest(view: DigestView, budgetBytes = HTML_BUDGET_BYTES): ComposedDigest {
  // A day caught up after the reader's midnight says so where they look first.
  const name = digestName(view.period);
  const heading =
    view.sentLateOn === undefined
      ? `${name} for ${view.dateLabel}`
      : `${name} for ${view.dateLabel}, sent late on ${view.sentLateOn}`;
  const fitted = fitToBudget(view, heading, budgetBytes);
  return {
    subject: digestSubject(
      view.dateLabel,
      fitted.groups[0]?.items[0]?.title ?? fitted.more[0]?.title,
      itemCount(fitted),
      view.period,
    ),
    html: renderHtml(fitted, heading),
    text: renderText(fitted, heading),
    view: fitted,
  };
}
