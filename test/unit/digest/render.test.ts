import { describe, expect, it } from 'vitest';
import { composeDigest, digestSubject, HTML_BUDGET_BYTES } from '../../../src/digest/compose.js';
import { groupItems } from '../../../src/digest/group.js';
import { escapeHtml, plainText, safeHttpUrl, truncate } from '../../../src/digest/text.js';
import { digestView, MORE_TITLES_SHOWN } from '../../../src/digest/view.js';
import { storedSummary } from '../../support/digest-memory.js';
import { buildSummary, SAMPLE_DAY } from '../../support/summary-fixtures.js';

const at = new Date('2026-11-24T06:00:00Z');

function view(titles: string[], extra: Partial<Parameters<typeof buildSummary>[0]> = {}) {
  const items = titles.map((title) => storedSummary(buildSummary({ title, ...extra }), at));
  return digestView(
    groupItems(items),
    () => ({ url: 'https://news.example.com/a?x=1&y=2' }),
    'Tue 24 Nov',
    undefined,
  );
}

describe('article text in the email', () => {
  it('is escaped for HTML, flattened to one line, and never yields a non-http link', () => {
    expect(escapeHtml(`<script>alert("x")</script> & 'q'`)).toBe(
      '&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;q&#39;',
    );
    expect(plainText('Title\r\nBcc: x@example.com\u2028\u0007end')).toBe('Title Bcc: x@example.com end');
    expect(safeHttpUrl('javascript:alert(1)')).toBeUndefined();
    expect(safeHttpUrl('data:text/html,hi')).toBeUndefined();
    expect(safeHttpUrl('https://example.com/a b')).toBe('https://example.com/a%20b');
    expect(truncate('one two three four', 12)).toBe('one two…');
  });

  it('renders hostile titles inert in HTML and single-line in text', () => {
    const hostile = 'Hi <img src=x onerror=alert(1)> "quoted" & \'single\'\r\nX-Injected: yes';

    const digest = composeDigest(view([hostile]));

    expect(digest.html).not.toMatch(/<img|onerror=alert\(1\)>/);
    expect(digest.html).toContain(
      'Hi &lt;img src=x onerror=alert(1)&gt; &quot;quoted&quot; &amp; &#39;single&#39; X-Injected: yes',
    );
    expect(digest.text).toContain(`* Hi <img src=x onerror=alert(1)> "quoted" & 'single' X-Injected: yes`);
    expect(digest.html).toContain('href="https://news.example.com/a?x=1&amp;y=2"');
  });

  it('has a plain one-line subject with the local date and the count', () => {
    expect(digestSubject('Tue 24 Nov', 12)).toBe('Your digest for Tue 24 Nov: 12 articles');
    expect(digestSubject('Tue 24 Nov', 1)).toBe('Your digest for Tue 24 Nov: 1 article');
    expect(digestSubject('Tue 24 Nov', 0)).toBe('Your digest for Tue 24 Nov: nothing new');
    expect(digestSubject('Tue\r\n24 &amp; Nov', 3)).not.toMatch(/[\r\n]/);
  });

  it('stays under the Gmail clipping budget by listing the rest as "and N more" with titles', () => {
    const titles = Array.from({ length: 400 }, (_, i) => `Story number ${i} about something`);
    const long = Array.from({ length: 3 }, (_, i) => `Sentence ${i} `.repeat(30).trim() + '.');

    const digest = composeDigest(view(titles, { summary: long, keywords: ['news'] }));

    expect(Buffer.byteLength(digest.html)).toBeLessThanOrEqual(HTML_BUDGET_BYTES);
    const shown = digest.view.groups.reduce((n, g) => n + g.items.length, 0);
    expect(shown).toBeGreaterThan(20);
    expect(shown + digest.view.more.length).toBe(400);
    expect(digest.html).toContain(`and ${400 - shown} more`);
    expect(digest.html).toContain(digest.view.more[0]);
    expect(digest.text).toContain(`and ${400 - shown} more:`);
    expect(digest.subject).toBe('Your digest for Tue 24 Nov: 400 articles');
    expect(digest.view.more.length).toBeGreaterThan(MORE_TITLES_SHOWN);
  });

  it('shows a short note when there is nothing new', () => {
    const digest = composeDigest(view([]));

    expect(digest.subject).toBe('Your digest for Tue 24 Nov: nothing new');
    expect(digest.text).toContain('Nothing new was published since your last digest.');
  });
});

describe('grouping', () => {
  it('clusters by shared keyword, most important group and story first, loners last', () => {
    const items = SAMPLE_DAY.map((f) => storedSummary(buildSummary(f), at));

    const groups = groupItems(items);

    expect(groups.map((g) => g.label)).toEqual(['Transport', 'Climate', 'More stories']);
    expect(groups[0]?.items.map((i) => i.summary.title.text)).toEqual([
      'City council approves the new riverside tram line',
      'Bus fares frozen for another year',
    ]);
  });

  it('labels a group with the key phrase as the stories write it, matched case-insensitively', () => {
    const story = (title: string, keywords: string[]) => storedSummary(buildSummary({ title, keywords }), at);
    const items = [
      story('Launch delayed', ['NASA', 'launch window']),
      story('Probe reaches orbit', ['nasa', 'Mars']),
    ];

    expect(groupItems(items).map((g) => g.label)).toEqual(['NASA']);
  });
});
