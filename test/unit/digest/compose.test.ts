import { describe, expect, it } from 'vitest';
import { composeDigest, HTML_BUDGET_BYTES, type ComposedDigest } from '../../../src/digest/compose.js';
import { storiesView, MORE_TITLES_SHOWN } from '../../../src/digest/view.js';
import { alone, storedSummary } from '../../support/digest-memory.js';
import { buildSummary, type SummaryFixture } from '../../support/summary-fixtures.js';

const at = new Date('2026-11-24T06:00:00Z');
const UNSUBSCRIBE = 'https://unsubscribe.example.com/u?s=subscriber-1&t=token';

/** Characters that escape to 4-6 bytes, an emoji, and RTL override / mark. */
const NASTY = `"<>&'😀\u202e\u200f`;
const nasty = (length: number) => NASTY.repeat(Math.ceil(length / NASTY.length)).slice(0, length);
const quotes = (length: number) => '"'.repeat(length);

function hostile(i: number): SummaryFixture {
  return {
    key: `articles/hostile-${i}.txt`,
    title: `${i} ${i % 2 === 0 ? quotes(300) : nasty(300)}`,
    summary: [quotes(600), nasty(600), `<b>${i}</b>`.repeat(80)],
    people: Array.from({ length: 4 }, () => quotes(100)),
    places: Array.from({ length: 4 }, () => nasty(100)),
    sources: Array.from({ length: 4 }, () => quotes(100)),
    keywords: [`topic${i % 5}`],
  };
}

function viewOf(fixtures: SummaryFixture[], urlFor: (index: number) => string) {
  const items = fixtures.map((f) => storedSummary(buildSummary(f), at));
  const index = new Map(items.map((item, i) => [item.key, i]));
  return storiesView(
    alone(items),
    items.length,
    (item) => ({ url: urlFor(index.get(item.key) ?? -1) }),
    'Tue 24 Nov',
    UNSUBSCRIBE,
  );
}

const longUrl = (i: number) => `https://news.example.com/${i}?${'a=1&b="x"&'.repeat(150)}`;
const bytes = (value: string) => Buffer.byteLength(value, 'utf8');
const shownInHtml = (d: ComposedDigest) => d.html.split('>Read the article &rarr;</a>').length - 1;
const shownInText = (d: ComposedDigest) => d.text.split('\n').filter((line) => line.startsWith('* ')).length;

describe('the Gmail clipping budget', () => {
  it('holds for the final HTML of 150 hostile summaries, with the unsubscribe link inside it', () => {
    const digest = composeDigest(
      viewOf(
        Array.from({ length: 150 }, (_, i) => hostile(i)),
        longUrl,
      ),
    );

    expect(bytes(digest.html)).toBeLessThanOrEqual(HTML_BUDGET_BYTES);
    const unsubscribeLink = `href="${UNSUBSCRIBE.replace('&', '&amp;')}" style="color:#0b5cad;">Unsubscribe</a>`;
    const linkAt = digest.html.indexOf(unsubscribeLink);
    expect(linkAt).toBeGreaterThan(0);
    expect(bytes(digest.html.slice(0, linkAt + unsubscribeLink.length))).toBeLessThanOrEqual(
      HTML_BUDGET_BYTES,
    );
    expect(digest.html.trimEnd().endsWith('</html>')).toBe(true);
    expect(shownInHtml(digest)).toBeGreaterThan(0);
    expect(bytes(digest.text)).toBeLessThanOrEqual(HTML_BUDGET_BYTES);
    expect(digest.text).toContain(`Unsubscribe: ${UNSUBSCRIBE}`);
  });

  it('states how many items were left out, the same in the HTML, the text and the subject', () => {
    const digest = composeDigest(
      viewOf(
        Array.from({ length: 150 }, (_, i) => hostile(i)),
        longUrl,
      ),
    );

    const shown = shownInHtml(digest);
    expect(shownInText(digest)).toBe(shown);
    expect(digest.view.groups.reduce((n, g) => n + g.items.length, 0)).toBe(shown);
    expect(digest.view.more).toHaveLength(150 - shown);
    expect(digest.html).toContain(`>and ${150 - shown} more</div>`);
    expect(digest.text).toContain(`\nand ${150 - shown} more:\n`);
    expect(digest.subject).toMatch(/^Your digest for Tue 24 Nov: .*, and 149 more$/);
    const listedInHtml = digest.html.split('<li style=').length - 1;
    const listedInText = digest.text.split('\n').filter((line) => line.startsWith('- ')).length;
    expect(listedInHtml).toBeGreaterThan(0);
    expect(listedInText).toBe(listedInHtml);
  });

  it('leaves out an item whose link alone is larger than the budget, and still shows the others', () => {
    const huge = `https://news.example.com/huge?${'q=<&'.repeat(30_000)}`;
    const fixtures = Array.from({ length: 20 }, (_, i) => ({
      key: `articles/normal-${i}.txt`,
      title: `Ordinary story ${i}`,
      keywords: ['news'],
    }));

    const digest = composeDigest(viewOf(fixtures, (i) => (i === 0 ? huge : `https://news.example.com/${i}`)));

    expect(bytes(digest.html)).toBeLessThanOrEqual(HTML_BUDGET_BYTES);
    expect(digest.view.more.map((m) => m.title)).toEqual(['Ordinary story 0']);
    expect(shownInHtml(digest)).toBe(19);
    expect(digest.html).toContain('>and 1 more</div>');
    expect(digest.html).toContain('>Ordinary story 0</li>');
  });

  it('holds a small budget too, by listing fewer of the left-out titles', () => {
    const budget = 12 * 1024;

    const digest = composeDigest(
      viewOf(
        Array.from({ length: 150 }, (_, i) => hostile(i)),
        longUrl,
      ),
      budget,
    );

    expect(bytes(digest.html)).toBeLessThanOrEqual(budget);
    expect(bytes(digest.text)).toBeLessThanOrEqual(budget);
    expect(digest.html).toContain('>Unsubscribe</a>');
    expect(digest.html).toContain(`>and ${digest.view.more.length} more</div>`);
  });

  it('refuses a budget too small for the header and the footer rather than cut the unsubscribe link', () => {
    const view = viewOf([hostile(1)], longUrl);

    expect(() => composeDigest(view, 1024)).toThrow(RangeError);
  });

  it('still lists the first 100 left-out titles of an ordinary digest that overflows', () => {
    const fixtures = Array.from({ length: 400 }, (_, i) => ({
      key: `articles/story-${i}.txt`,
      title: `Story number ${i} about something`,
      summary: [`Sentence ${i} `.repeat(30).trim() + '.'],
      keywords: ['news'],
    }));

    const digest = composeDigest(viewOf(fixtures, (i) => `https://news.example.com/${i}`));

    expect(bytes(digest.html)).toBeLessThanOrEqual(HTML_BUDGET_BYTES);
    const listed = digest.view.more.slice(0, MORE_TITLES_SHOWN);
    for (const { title } of listed) expect(digest.html).toContain(`>${title}</a></li>`);
    expect(digest.html).not.toContain(`>${digest.view.more[MORE_TITLES_SHOWN]?.title}</a></li>`);
    expect(digest.text.split('\n').filter((line) => line.startsWith('- '))).toHaveLength(MORE_TITLES_SHOWN);
  });
});

describe('a day caught up after the reader’s midnight', () => {
  const items = [
    storedSummary(buildSummary({ key: 'articles/ferry.txt', title: 'Ferry goes electric' }), at),
  ];
  const view = (sentLateOn?: string) =>
    storiesView(
      alone(items),
      items.length,
      () => ({ url: 'https://news.example.com/ferry' }),
      'Tue 24 Nov',
      UNSUBSCRIBE,
      sentLateOn,
    );

  it('says it is late, and on which day it went out, in the HTML and the text; the subject names its own day', () => {
    const late = composeDigest(view('Wed 25 Nov'));
    const onTime = composeDigest(view());

    expect(late.html).toContain('Your digest for Tue 24 Nov, sent late on Wed 25 Nov');
    expect(late.text.split('\n')[0]).toBe('Your digest for Tue 24 Nov, sent late on Wed 25 Nov');
    expect(late.subject).toMatch(/^Your digest for Tue 24 Nov:/);
    expect(onTime.html).not.toContain('sent late');
    expect(onTime.text.split('\n')[0]).toBe('Your digest for Tue 24 Nov');
  });
});
