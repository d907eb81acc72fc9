/**
 * The plain-text part: same content as the HTML, readable in a terminal or a text-only client. Article
 * text is already flattened to single lines by the view, so a CR/LF in a title cannot forge structure.
 * It names the same titles under "and N more" as the HTML, and nothing here is longer than its escaped
 * HTML counterpart, so the HTML's size budget bounds this part too.
 */
import { plainText } from './text.js';
import { listedMore, type DigestItemView, type DigestView } from './view.js';

function itemText(item: DigestItemView): string {
  const meta = [
    `${item.readingMinutes} min read`,
    item.people.length > 0 ? `People: ${item.people.join(', ')}` : '',
    item.places.length > 0 ? `Places: ${item.places.join(', ')}` : '',
    item.sources.length > 0 ? `Sources: ${item.sources.join(', ')}` : '',
  ].filter(Boolean);
  const expiry = item.link.expires ? ` (link valid until ${item.link.expires})` : '';
  const unlisted = item.alsoReportedCount - item.alsoReportedBy.length;
  const also =
    item.alsoReportedCount === 0
      ? []
      : [
          `  Also reported by ${[
            ...item.alsoReportedBy.map((other) => `${other.label} ${other.link.url}`),
            ...(unlisted > 0 ? [`${unlisted} more`] : []),
          ].join(', ')}`,
        ];
  return [
    `* ${item.title}`,
    ...also,
    `  ${item.summary}`,
    `  ${meta.join(' | ')}`,
    `  ${item.link.url}${expiry}`,
  ]
    .map(plainTextLine)
    .join('\n');
}

/** Each line is flattened on its own so the layout's indentation survives. */
function plainTextLine(line: string): string {
  const indent = line.match(/^ */)?.[0] ?? '';
  return indent + plainText(line);
}

export function renderText(view: DigestView, heading: string): string {
  const sections = view.groups.map((g) =>
    [`== ${plainText(g.label)} ==`, ...g.items.map(itemText)].join('\n\n'),
  );
  if (view.more.length > 0) {
    sections.push(
      [
        'Also in this period',
        `and ${view.more.length} more:`,
        ...listedMore(view).map((t) => `- ${plainText(t.title)}${t.url === undefined ? '' : ` ${t.url}`}`),
      ].join('\n'),
    );
  }
  if (sections.length === 0) sections.push('Nothing new was published since your last digest.');
  const footer = [
    `You receive this ${view.period === 'week' ? 'weekly' : 'daily'} digest of newly summarised articles.`,
    ...(view.manageUrl ? [`Manage preferences: ${view.manageUrl}`] : []),
    ...(view.unsubscribeUrl ? [`Unsubscribe: ${view.unsubscribeUrl}`] : []),
  ].join('\n');
  return `${plainText(heading)}\n\n${sections.join('\n\n')}\n\n-- \n${footer}\n`;
}
