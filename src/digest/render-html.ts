/**
 * The HTML part: a single 600px table, inline styles (Gmail and Outlook drop most <style> rules), system
 * fonts, and a prefers-color-scheme block for the clients that honour it (Apple Mail, iOS, Outlook.com);
 * the light palette is chosen so clients that invert colours themselves (Gmail apps) still read well.
 * Every piece of article text passes through `escapeHtml`; links are http(s) only.
 */
import { escapeHtml } from './text.js';
import { listedMore, type DigestItemView, type DigestView, type MoreItem } from './view.js';

const FONT = "-apple-system,BlinkMacSystemFont,'Segoe UI',Roboto,Helvetica,Arial,sans-serif";

const DARK_MODE_CSS = `
:root { color-scheme: light dark; supported-color-schemes: light dark; }
@media (prefers-color-scheme: dark) {
  .bg { background-color: #111418 !important; }
  .card { background-color: #1b2026 !important; border-color: #2c333b !important; }
  .text { color: #e6e8eb !important; }
  .muted { color: #a3acb6 !important; }
  .link { color: #7cb7ff !important; }
  .rule { border-color: #2c333b !important; }
}`;

/** One item's rows; exported so the size budget can measure items one by one. */
export function itemHtml(item: DigestItemView): string {
  const meta = [
    `${item.readingMinutes} min read`,
    item.people.length > 0 ? `People: ${item.people.map(escapeHtml).join(', ')}` : '',
    item.places.length > 0 ? `Places: ${item.places.map(escapeHtml).join(', ')}` : '',
    item.sources.length > 0 ? `Sources: ${item.sources.map(escapeHtml).join(', ')}` : '',
  ].filter(Boolean);
  const linkLabel = item.link.expires ? 'Read the original' : 'Read the article';
  const expiry = item.link.expires
    ? ` <span class="muted" style="color:#5f6b76;">(link valid until ${escapeHtml(item.link.expires)})</span>`
    : '';
  return `<tr><td class="rule" style="padding:14px 0;border-top:1px solid #e3e7eb;">
<div class="text" style="font-size:17px;line-height:1.35;font-weight:600;color:#16202a;">${escapeHtml(item.title)}</div>${alsoReportedHtml(item)}
<div class="text" style="font-size:15px;line-height:1.5;color:#2b3640;margin-top:6px;">${escapeHtml(item.summary)}</div>
<div class="muted" style="font-size:13px;line-height:1.5;color:#5f6b76;margin-top:6px;">${meta.join(' &middot; ')}</div>
<div style="font-size:14px;margin-top:6px;"><a class="link" href="${escapeHtml(item.link.url)}" style="color:#0b5cad;text-decoration:underline;">${linkLabel} &rarr;</a>${expiry}</div>
</td></tr>`;
}

/** The other uploads of the same event, linked, under the title. */
function alsoReportedHtml(item: DigestItemView): string {
  if (item.alsoReportedCount === 0) return '';
  const links = item.alsoReportedBy.map(
    (other) =>
      `<a class="link" href="${escapeHtml(other.link.url)}" style="color:#0b5cad;">${escapeHtml(other.label)}</a>`,
  );
  const unlisted = item.alsoReportedCount - item.alsoReportedBy.length;
  if (unlisted > 0) links.push(`${unlisted} more`);
  return `\n<div class="muted" style="font-size:13px;line-height:1.5;color:#5f6b76;margin-top:4px;">Also reported by ${links.join(', ')}</div>`;
}

/** One title of the "and N more" list, linked; the list is these, joined with nothing between them. */
export function moreTitleHtml(entry: MoreItem): string {
  const title = escapeHtml(entry.title);
  return entry.url === undefined
    ? `<li style="margin:2px 0;">${title}</li>`
    : `<li style="margin:2px 0;"><a class="link" href="${escapeHtml(entry.url)}" style="color:#0b5cad;">${title}</a></li>`;
}

function moreHtml(view: DigestView): string {
  if (view.more.length === 0) return '';
  const titles = listedMore(view).map(moreTitleHtml).join('');
  return `<tr><td class="rule" style="padding:14px 0;border-top:1px solid #e3e7eb;">
<div class="muted" style="font-size:12px;letter-spacing:0.08em;text-transform:uppercase;font-weight:700;color:#5f6b76;">Also in this period</div>
<div class="text" style="font-size:15px;font-weight:600;color:#16202a;margin-top:4px;">and ${view.more.length} more</div>
<ul class="muted" style="font-size:14px;line-height:1.5;color:#5f6b76;margin:6px 0 0;padding-left:20px;">${titles}</ul>
</td></tr>`;
}

export function renderHtml(view: DigestView, heading: string): string {
  const groups = view.groups
    .map(
      (g) => `<tr><td style="padding:18px 0 4px;">
<div class="muted" style="font-size:12px;letter-spacing:0.08em;text-transform:uppercase;font-weight:700;color:#5f6b76;">${escapeHtml(g.label)}</div>
</td></tr>
${g.items.map(itemHtml).join('\n')}`,
    )
    .join('\n');
  const empty =
    view.groups.length === 0 && view.more.length === 0
      ? '<tr><td class="text" style="padding:14px 0;font-size:15px;color:#2b3640;">Nothing new was published since your last digest.</td></tr>'
      : '';
  const manage = view.manageUrl
    ? ` &middot; <a class="link" href="${escapeHtml(view.manageUrl)}" style="color:#0b5cad;">Manage preferences</a>`
    : '';
  const unsubscribe = view.unsubscribeUrl
    ? ` &middot; <a class="link" href="${escapeHtml(view.unsubscribeUrl)}" style="color:#0b5cad;">Unsubscribe</a>`
    : '';
  return `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<meta name="color-scheme" content="light dark"><meta name="supported-color-schemes" content="light dark">
<title>${escapeHtml(heading)}</title><style>${DARK_MODE_CSS}</style></head>
<body class="bg" style="margin:0;padding:0;background-color:#f2f4f6;">
<table role="presentation" class="bg" width="100%" cellpadding="0" cellspacing="0" border="0" style="background-color:#f2f4f6;">
<tr><td align="center" style="padding:24px 12px;">
<table role="presentation" class="card" width="600" cellpadding="0" cellspacing="0" border="0" style="width:100%;max-width:600px;background-color:#ffffff;border:1px solid #e3e7eb;border-radius:8px;font-family:${FONT};">
<tr><td style="padding:20px 24px 8px;">
<div class="text" style="font-size:22px;font-weight:700;color:#16202a;">${escapeHtml(heading)}</div>
</td></tr>
<tr><td style="padding:0 24px 16px;"><table role="presentation" width="100%" cellpadding="0" cellspacing="0" border="0">
${groups}
${moreHtml(view)}
${empty}
</table></td></tr>
<tr><td class="muted rule" style="padding:14px 24px 20px;border-top:1px solid #e3e7eb;font-size:12px;line-height:1.5;color:#5f6b76;">
You receive this ${view.period === 'week' ? 'weekly' : 'daily'} digest of newly summarised articles${manage}${unsubscribe}
</td></tr>
</table></td></tr></table></body></html>`;
}
