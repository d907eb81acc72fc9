/**
 * A view becomes a message: subject, HTML and text. Gmail clips an HTML body above 102 KB and hides the
 * rest (including the unsubscribe link), so the HTML is kept under a budget by moving the least
 * important items, from the end, into the "and N more" list.
 */
import { renderHtml } from './render-html.js';
import { renderText } from './render-text.js';
import { plainText, truncate } from './text.js';
import { itemCount, type DigestView } from './view.js';

/** Below Gmail's 102 KB with room for the transfer encoding of non-ASCII text. */
export const HTML_BUDGET_BYTES = 90 * 1024;
const SUBJECT_MAX = 78;

export interface ComposedDigest {
  subject: string;
  html: string;
  text: string;
  view: DigestView;
}

/** Plain text, one line, no entities: e.g. "Your digest for Tue 24 Nov: 12 articles". */
export function digestSubject(dateLabel: string, count: number): string {
  const what = count === 0 ? 'nothing new' : `${count} ${count === 1 ? 'article' : 'articles'}`;
  return truncate(plainText(`Your digest for ${dateLabel}: ${what}`), SUBJECT_MAX);
}

function keepFirst(view: DigestView, keep: number): DigestView {
  const flat = view.groups.flatMap((g) => g.items.map((item) => ({ label: g.label, item })));
  const groups: DigestView['groups'] = [];
  for (const { label, item } of flat.slice(0, keep)) {
    const last = groups.at(-1);
    if (last?.label === label) last.items.push(item);
    else groups.push({ label, items: [item] });
  }
  return { ...view, groups, more: [...flat.slice(keep).map((f) => f.item.title), ...view.more] };
}

export function fitToBudget(view: DigestView, heading: string, budgetBytes: number): DigestView {
  const fits = (v: DigestView) => Buffer.byteLength(renderHtml(v, heading), 'utf8') <= budgetBytes;
  if (fits(view)) return view;
  const total = view.groups.reduce((n, g) => n + g.items.length, 0);
  // Largest number of full items that fits; fewer full items is always smaller.
  let low = 0;
  let high = total - 1;
  while (low < high) {
    const mid = Math.ceil((low + high) / 2);
    if (fits(keepFirst(view, mid))) low = mid;
    else high = mid - 1;
  }
  return keepFirst(view, low);
}

export function composeDigest(view: DigestView, budgetBytes = HTML_BUDGET_BYTES): ComposedDigest {
  const heading = `Your digest for ${view.dateLabel}`;
  const fitted = fitToBudget(view, heading, budgetBytes);
  return {
    subject: digestSubject(view.dateLabel, itemCount(fitted)),
    html: renderHtml(fitted, heading),
    text: renderText(fitted, heading),
    view: fitted,
  };
}
