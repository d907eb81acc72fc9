import { describe, expect, it } from 'vitest';
import { composeDigest, digestSubject, HTML_BUDGET_BYTES } from '../../../src/digest/compose.js';
import { escapeHtml, plainText, safeHttpUrl, truncate } from '../../../src/digest/text.js';
import { storiesView, MORE_TITLES_SHOWN } from '../../../src/digest/view.js';
import { alone, storedSummary } from '../../support/digest-memory.js';
import { buildSummary } from '../../support/summary-fixtures.js';

const at = new Date('2026-11-24T06:00:00Z');

function view(titles: string[], extra: Partial<Parameters<typeof buildSummary>[0]> = {}) {
  const items = titles.map((title) => storedSummary(buildSummary({ title, ...extra }), at));
  return storiesView(
    alone(items),
    items.length,
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

  it('has a plain one-line subject with the local date, the top story and how many others', () => {
    expect(digestSubject('Tue 24 Nov', 'Quay widening approved', 38)).toBe(
      'Your digest for Tue 24 Nov: Quay widening approved, and 37 more',
    );
    expect(digestSubject('Tue 24 Nov', 'Quay widening approved', 1)).toBe(
      'Your digest for Tue 24 Nov: Quay widening approved',
    );
    expect(digestSubject('Tue 24 Nov', undefined, 0)).toBe('Your digest for Tue 24 Nov: nothing new');
    const weekly = composeDigest({ ...view(['Ferry goes electric']), period: 'week' });
    expect(weekly.text).toContain('You receive this weekly digest');
    expect(weekly.html).toContain('You receive this weekly digest');
    expect(composeDigest(view(['Ferry goes electric'])).text).toContain('You receive this daily digest');
    expect(digestSubject('Fri 27 Nov', 'Quay widening approved', 38, 'week')).toBe(
      'Your weekly digest for Fri 27 Nov: Quay widening approved, and 37 more',
    );
    expect(digestSubject('Tue\r\n24 &amp; Nov', 'A\r\nBcc: x@example.com <b>', 3)).not.toMatch(/[\r\n&<>]/);
  });

  it('shows a headline derived from inside a sentence with a capital, and a given title as written', () => {
    const derived = (title: string) => view([title], { titleOrigin: 'first-sentence' });
    const digest = composeDigest(derived('profits at US media giant TimeWarner'));
    expect(digest.subject).toContain(': Profits at US media giant TimeWarner');
    expect(digest.html).toContain('>Profits at US media giant TimeWarner<');
    expect(digest.text).toContain('* Profits at US media giant TimeWarner');
    // The "and N more" list shows the same form.
    const item = storedSummary(buildSummary({ title: 'one story', titleOrigin: 'first-sentence' }), at);
    const listed = storiesView(alone([item]), 0, () => ({ url: 'https://x.test/' }), 'd', undefined);
    expect(listed.more.map((entry) => entry.title)).toEqual(['One story']);
    expect(composeDigest(derived('iPhone sales doubled')).text).toContain('* iPhone sales doubled');
    expect(composeDigest(view(['profits at US media giant TimeWarner'])).text).toContain(
      '* profits at US media giant TimeWarner',
    );
  });

  it('shortens a long top story, never the day or the count', () => {
    const subject = digestSubject('Tue 24 Nov', 'A very long headline '.repeat(10), 1234);

    expect(subject.length).toBeLessThanOrEqual(78);
    expect(subject).toMatch(/^Your digest for Tue 24 Nov: A very long headline .*…, and 1233 more$/);
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
    expect(digest.html).toContain(digest.view.more[0]?.title);
    expect(digest.text).toContain(`and ${400 - shown} more:`);
    expect(digest.subject).toBe('Your digest for Tue 24 Nov: Story number 0 about something, and 399 more');
    expect(digest.view.more.length).toBeGreaterThan(MORE_TITLES_SHOWN);
  });

  it('shows a short note when there is nothing new', () => {
    const digest = composeDigest(view([]));

    expect(digest.subject).toBe('Your digest for Tue 24 Nov: nothing new');
    expect(digest.text).toContain('Nothing new was published since your last digest.');
  });
});
