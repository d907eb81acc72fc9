/**
 * Uploads shaped to find superlinear work: text without sentence punctuation, one word repeated, thousands
 * of tiny lines, a single 200,000-character "word", runs of quotes, numbers and dates, other scripts,
 * regular-expression traps, deep nesting, and markup built to make the parsers (marked, htmlparser2,
 * Readability) work without end. Each must end, within a generous per-test timeout, in a valid summary or
 * an UnreadableArticleError with its reason. Before the linear-time fixes, the first of these took 141 s at
 * 106 KB; the timeouts bound the work without asserting wall-clock time.
 */
import { describe, expect, it } from 'vitest';
import { UnreadableArticleError } from '../../../src/article/document.js';
import { extractArticle } from '../../../src/article/extract.js';
import { asFullDocument, readabilityCanScore } from '../../../src/article/html.js';
import { measureHtml } from '../../../src/article/html-shape.js';
import { DEFAULT_SUMMARIZE_OPTIONS } from '../../../src/summary/options.js';
import { SUMMARY_SCHEMA_VERSION, summarySchema, type SummaryContent } from '../../../src/summary/schema.js';
import { summarizeDocument } from '../../../src/summary/summarize.js';
import { normalizeForGrounding } from '../../support/grounding.js';

const SIZE = 200_000;
const BOUND = { timeout: 20_000 };

/** `unit` repeated to exactly `size` characters. */
function fill(unit: string, size = SIZE): string {
  return unit.repeat(Math.ceil(size / unit.length)).slice(0, size);
}

type Outcome =
  { kind: 'summary'; content: SummaryContent } | { kind: 'unreadable'; error: UnreadableArticleError };

function summarizeUpload(text: string, key: string): Outcome {
  try {
    const doc = extractArticle(new TextEncoder().encode(text), { key });
    return { kind: 'summary', content: summarizeDocument(doc) };
  } catch (error: unknown) {
    if (error instanceof UnreadableArticleError) return { kind: 'unreadable', error };
    throw error;
  }
}

function expectValidSummary(outcome: Outcome, source: string): SummaryContent {
  expect(outcome.kind).toBe('summary');
  if (outcome.kind !== 'summary') throw new Error('unreachable');
  const stored = summarySchema.safeParse({
    schemaVersion: SUMMARY_SCHEMA_VERSION,
    id: '0123456789abcdef',
    source: { bucket: 'b', key: 'k', size: source.length, format: 'text', charset: 'utf-8' },
    createdAt: new Date(0).toISOString(),
    ...outcome.content,
  });
  expect(stored.error?.issues ?? []).toEqual([]);
  const haystack = normalizeForGrounding(source);
  for (const span of [...outcome.content.summary, ...outcome.content.keyPoints]) {
    expect(haystack.includes(normalizeForGrounding(span))).toBe(true);
    expect(span.length).toBeLessThanOrEqual(1_000);
  }
  return outcome.content;
}

const TEXT_CASES: ReadonlyArray<[string, string]> = [
  ['one unpunctuated run (the reported bug)', fill('the mayor said the new tram line would open soon and ')],
  [
    'a full stop every ten words, lowercase after it',
    fill('the mayor said the new tram line would open soon. '),
  ],
  ['one capitalised word repeated', fill('Word ')],
  ['20,000 one-word lines', fill('Tramline\n')],
  ['lowercase words each ending in a period', fill('word. ')],
  [
    'a capitalised run of words without punctuation',
    fill('The Mayor Said The New Tram Line Would Open Soon And '),
  ],
  [
    'a 200,000-character capitalised "word" with a sentence after it',
    `${'A'.repeat(SIZE - 30)} The tram opens now.`,
  ],
  ['quotations one after another', fill('"this is quite a long quote" he said ')],
  ['an opening quotation mark that never closes', fill('“open quote without end ')],
  ['a list of numbers', fill('1, 22, 333, 4,444, $5.5bn, 66%, ')],
  ['a list of dates', fill('Monday 10 November 2015, in 2014, Nov. 3, ')],
  ['short Cyrillic sentences', fill('Мэр сказал, что новая линия трамвая скоро откроется. ')],
  ['Chinese without spaces', fill('市长说新的电车线路很快就会开通。')],
  ['mixed scripts without punctuation', fill('the mayor мэр 市长 said сказал 说 😀 ')],
  ['attribution frames repeated', fill('according to Reuters and Interfax reported ')],
  ['a long run of spaces between two words', `word${' '.repeat(SIZE - 10)}words`],
  // A sentence end, then quotes that both close and open: the key-phrase tokenizer once read it quadratically.
  [
    'a period then a long run of double quotes',
    `Council votes today. The council met .${'"'.repeat(SIZE - 40)}-and`,
  ],
  ['titles made only of punctuation', `...\n\nHello.\n\n${'!!!\n\n'.repeat(1_000)}Hello.`],
];

describe('summarizing adversarial uploads of up to 200,000 characters', () => {
  for (const [name, text] of TEXT_CASES) {
    it(`returns a valid, grounded summary for ${name}`, BOUND, () => {
      // Act
      const outcome = summarizeUpload(text, 'articles/adversarial.txt');

      // Assess
      expectValidSummary(outcome, text);
    });
  }

  it('cuts a run without punctuation into sentences that rank, summarize and ground', BOUND, () => {
    // Prepare
    const text = fill('the mayor said the new tram line would open soon and ');

    // Act
    const content = expectValidSummary(summarizeUpload(text, 'articles/transcript.txt'), text);

    // Assess
    expect(content.summary[0]?.split(/\s+/).length).toBeLessThanOrEqual(DEFAULT_SUMMARIZE_OPTIONS.maxWords);
    expect(content.keyPoints.length).toBeGreaterThanOrEqual(1);
    expect(content.keywords).toContain('mayor');
  });

  it('ends in a valid outcome for a single 200,000-letter word', BOUND, () => {
    // Act
    const outcome = summarizeUpload('a'.repeat(SIZE), 'articles/one-word.txt');

    // Assess: one word is still text, summarized like any other.
    expectValidSummary(outcome, 'a'.repeat(SIZE));
  });

  it('reads byline and credit lines built to backtrack without trying every split of them', BOUND, () => {
    // Prepare
    const text = [
      'The tram line opens next week, the mayor said on Monday.',
      `By Ann${' and'.repeat(40)}!`,
      `By A${'-A'.repeat(40)}!`,
      `Photo by Ann${' and'.repeat(40)}!`,
      'Passengers will ride free for the first month of service.',
    ].join('\n');

    // Act and Assess
    expectValidSummary(summarizeUpload(text, 'articles/credits.txt'), text);
  });

  it('summarizes HTML of 12,000 paragraphs and a Markdown list nested 440 levels', BOUND, () => {
    // Prepare
    const html = `<html><body>${fill('<p>tram line</p>', SIZE - 40)}</body></html>`;
    const markdown = Array.from({ length: 440 }, (_, i) => `${' '.repeat(i * 2)}- tram item`).join('\n');

    // Act
    const fromHtml = summarizeUpload(html, 'articles/paragraphs.html');
    const fromMarkdown = summarizeUpload(markdown, 'articles/list.md');

    // Assess
    expect(fromHtml.kind).toBe('summary');
    expect(fromMarkdown.kind).toBe('summary');
  });

  it('refuses HTML nested 20,000 levels deep as unreadable, with the reason', BOUND, () => {
    // Prepare
    const html = `<html><body>${'<div>'.repeat(20_000)}tram line text here${'</div>'.repeat(20_000)}</body></html>`;

    // Act
    const outcome = summarizeUpload(html, 'articles/deep.html');

    // Assess
    expectTooComplex(outcome, /nested too deeply to read: more than 3,000 levels/);
  });

  it('reads HTML nested 2,000 levels deep without Readability', BOUND, () => {
    // Prepare
    const html = `<html><body>${'<div>'.repeat(2_000)}The tram line opens next week, the mayor said.${'</div>'.repeat(2_000)}</body></html>`;

    // Act
    const outcome = summarizeUpload(html, 'articles/nested.html');

    // Assess
    expect(outcome.kind === 'summary' && outcome.content.summary[0]).toBe(
      'The tram line opens next week, the mayor said.',
    );
  });
});

/** A summary the schema accepts, when its spans need not be verbatim in the markup (Markdown drops `*`). */
function expectStorableSummary(outcome: Outcome): void {
  expect(outcome.kind).toBe('summary');
  if (outcome.kind !== 'summary') return;
  const stored = summarySchema.safeParse({
    schemaVersion: SUMMARY_SCHEMA_VERSION,
    id: '0123456789abcdef',
    source: { bucket: 'b', key: 'k', size: 1, format: 'markdown', charset: 'utf-8' },
    createdAt: new Date(0).toISOString(),
    ...outcome.content,
  });
  expect(stored.error?.issues ?? []).toEqual([]);
}

function expectTooComplex(outcome: Outcome, reason: RegExp): void {
  expect(outcome.kind).toBe('unreadable');
  if (outcome.kind !== 'unreadable') return;
  expect(outcome.error.code).toBe('too-complex');
  expect(outcome.error.message).toMatch(reason);
}

describe('parsing markup built to make the parsers work without end', () => {
  // Before the bounds each took 20 s to several minutes, or aborted the process at 4 GB of heap.
  it.each([
    ['`*tram` repeated, 900 KB', fill('*tram', 900 * 1024)],
    ['`**tram` repeated, 900 KB', fill('**tram', 900 * 1024)],
    ['`_tram` repeated, 450 KB', fill('_tram', 450 * 1024)],
    ['a run of 300,000 exclamation marks', `tram line ${'!'.repeat(300 * 1024)}`],
  ])('summarizes Markdown of %s, which marked lexes in quadratic time', BOUND, (_name, markdown) => {
    // Act
    const outcome = summarizeUpload(markdown, 'articles/emphasis.md');

    // Assess
    expectStorableSummary(outcome);
  });

  it(
    'summarizes 30,000 Markdown lines that look like table rows, which marked reads in quadratic time',
    BOUND,
    () => {
      // Prepare: from every line, marked looks ahead to the end of the block for a table (400 KB took 17 s).
      const markdown = 'tram|line|now\n|-|-|\n'.repeat(30_000);

      // Act
      const outcome = summarizeUpload(markdown, 'articles/rows.md');

      // Assess
      expectStorableSummary(outcome);
    },
  );

  it(
    'reads a Markdown table of 20,000 columns as its lines of text instead of padding every row',
    BOUND,
    () => {
      // Prepare: marked pads each row to the header's width; 590 KB of this shape took over 4 GB.
      const markdown = `${'|tram'.repeat(20_000)}|\n${'|-'.repeat(20_000)}|\n${'tram line\n'.repeat(50)}`;

      // Act
      const doc = extractArticle(new TextEncoder().encode(markdown), { key: 'articles/table.md' });

      // Assess: laid out, the 50 rows alone would be 3 MB of empty cells; read as lines, about the upload.
      expect(doc.text.length).toBeLessThan(1.1 * markdown.length);
      expect(doc.text).toContain('tram line');
    },
  );

  it('refuses HTML that never closes its tags as too complex, naming the depth limit', BOUND, () => {
    // Prepare: 85,000 levels; the parser's time grows with the square of the depth (2 MiB took 120 s).
    const html = fill('<div><p><span><b><i>tram', 400 * 1024);

    // Act
    const outcome = summarizeUpload(html, 'articles/unclosed.html');

    // Assess
    expectTooComplex(outcome, /nested too deeply to read: more than 3,000 levels/);
  });

  it.each([
    [
      '2 MiB of <div> nested 100 deep',
      fill(`${'<div>'.repeat(100)}The tram line opens.${'</div>'.repeat(100)}`, 2 * 1024 * 1024),
    ],
    ['2 MiB of links, each in its own <div>', fill('<div><a href="#">tram line</a></div>', 2 * 1024 * 1024)],
  ])('refuses %s as too complex, naming the limit on tags and attributes', BOUND, (_name, html) => {
    // Act
    const outcome = summarizeUpload(html, 'articles/many-tags.html');

    // Assess
    expectTooComplex(outcome, /more than 200,000 tags and attributes/);
  });

  // Within the parser's limits but past Readability's, these took 9-12 s (and 930 MB for the links) with
  // Readability, against under a second without it: the shape is checked to be routed around it.
  const readWithoutReadability = (html: string) => !readabilityCanScore(measureHtml(asFullDocument(html)));

  it('reads 80,000 <div> in nests 148 deep block by block, without Readability', BOUND, () => {
    // Prepare
    const html = fill(`${'<div>'.repeat(148)}The tram line opens.${'</div>'.repeat(148)}`, 540 * 1650);

    // Act
    const outcome = summarizeUpload(html, 'articles/nests.html');

    // Assess
    expect(readWithoutReadability(html)).toBe(true);
    expect(outcome.kind === 'summary' && outcome.content.summary[0]).toBe('The tram line opens.');
  });

  it('reads 39,000 links, each in its own <div>, block by block, without Readability', BOUND, () => {
    // Prepare
    const html = '<div><a href="#">tram line</a></div>'.repeat(39_000);

    // Act
    const outcome = summarizeUpload(html, 'articles/links.html');

    // Assess
    expect(readWithoutReadability(html)).toBe(true);
    expect(outcome.kind === 'summary' && outcome.content.truncated).toBe(true);
  });
});
