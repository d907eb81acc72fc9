import { describe, expect, it } from 'vitest';
import { digestEmail } from '../../../src/digest/email.js';
import { storedSummary } from '../../support/digest-memory.js';
import { buildSummary } from '../../support/summary-fixtures.js';

const at = new Date('2026-11-24T06:00:00Z');
const item = storedSummary(buildSummary({ title: 'Library extends opening hours' }), at);
const MANAGE = 'https://signup.example/preferences?token=abc.def&x=1';
const UNSUBSCRIBE = 'https://unsubscribe.example/?token=abc.def';

const email = (manageUrl?: string) =>
  digestEmail({
    sender: 'digest@example.com',
    to: 'ana@example.org',
    items: [item],
    links: new Map([[item.key, { url: 'https://news.example.com/a' }]]),
    unsubscribeUrl: UNSUBSCRIBE,
    ...(manageUrl !== undefined && { manageUrl }),
    localDate: '2026-11-24',
  });

describe("a digest's footer", () => {
  it('links to the preferences page beside unsubscribe, in HTML and in text', () => {
    const { html, text } = email(MANAGE);
    expect(html).toContain(
      `<a class="link" href="https://signup.example/preferences?token=abc.def&amp;x=1" style="color:#0b5cad;">Manage preferences</a>`,
    );
    expect(html.indexOf('Manage preferences')).toBeLessThan(html.indexOf('>Unsubscribe</a>'));
    expect(text).toMatch(/^Manage preferences: https:\/\/signup\.example\/preferences\?token=abc\.def&x=1$/m);
    expect(text).toMatch(/^Unsubscribe: https:\/\/unsubscribe\.example\//m);
  });

  it('has no preferences link where no subscribe function is configured', () => {
    const { html, text } = email();
    expect(html).not.toContain('Manage preferences');
    expect(text).not.toContain('Manage preferences');
  });
});
