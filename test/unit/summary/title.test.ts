import { describe, expect, it } from 'vitest';
import type { ArticleDocument } from '../../../src/article/document.js';
import { stripDatelines } from '../../../src/summary/datelines.js';
import type { SummaryContent } from '../../../src/summary/schema.js';
import { splitSentences } from '../../../src/summary/sentences.js';
import { summarizeDocument } from '../../../src/summary/summarize.js';
import { MAX_HEADLINE_WORDS, givenTitle, startsWithWords } from '../../../src/summary/title.js';

const textDocument = (text: string, title?: string): ArticleDocument => ({
  format: 'text',
  charset: 'utf-8',
  text,
  ...(title ? { title } : {}),
});

/** Every rule a derived headline keeps, checked on what the reader gets. */
function expectHeadlineRules(content: SummaryContent, text: string): void {
  const title = content.title.text;
  expect(content.title.origin).toBe('first-sentence');
  expect(title.length).toBeGreaterThan(0);
  expect(title.split(/\s+/).length).toBeLessThanOrEqual(MAX_HEADLINE_WORDS);
  expect(title).not.toMatch(/…|\.\.\./);
  const sentences = splitSentences(stripDatelines(text)).map((s) => s.text);
  expect(sentences.filter((s) => s.includes(title)).length).toBeGreaterThan(0);
  expect(startsWithWords(content.summary[0] ?? '', title)).toBe(false);
}

const TRAM_STORY = [
  'The city council of Ashvale approved a new tram line to the airport on Monday, ending a decade of debate.',
  'The tram line will cost £240 million and open in 2029, the council said.',
  'Supporters say the tram will cut traffic on the ring road, while opponents fear years of roadworks.',
  'The airport welcomed the vote and promised to pay for a new tram stop at its terminal.',
  'Work on the tram line starts next spring.',
].join(' ');

const REACTOR_STORY = [
  'Engineers at the Brannock research reactor have restarted it after a two-year safety overhaul, the operator said on Tuesday.',
  'The reactor, which makes isotopes for hospital scans, was shut after inspectors found cracked cooling pipes.',
  'Hospitals had to import isotopes while the reactor was closed.',
  'The operator said the reactor would reach full output within a month.',
].join('\n\n');

describe('derived headlines', () => {
  it.each([
    ['a council story', TRAM_STORY],
    ['a story with an attribution and paragraphs', REACTOR_STORY],
  ])('keep every rule on %s and read as a headline', (_, text) => {
    const content = summarizeDocument(textDocument(text));

    expectHeadlineRules(content, text);
    expect(content.title.text.split(/\s+/).length).toBeGreaterThanOrEqual(3);
  });

  it('start at what the article repeats rather than at the opening words summary[0] already shows', () => {
    const content = summarizeDocument(textDocument(TRAM_STORY));

    expect(content.summary[0]).toMatch(/^The city council of Ashvale/);
    expect(content.title.text).toMatch(/tram line/);
  });

  it('never cross a comma, a bracket or a quotation mark', () => {
    const text =
      'Officials in Dunmore said the “harbour wall plan” would protect homes, though fishermen disagree. ' +
      '(Coast Herald)Harbour wall works begin in May, and the harbour will stay open. ' +
      'The harbour wall plan was first proposed in 2019.';

    const content = summarizeDocument(textDocument(text));

    expectHeadlineRules(content, text);
    expect(content.title.text).not.toMatch(/[,()“”"]/);
  });

  it('give a single-sentence article a headline that is not its opening', () => {
    const text = 'Storms closed the coastal road between Penmore and Tully for six hours on Sunday night.';

    const content = summarizeDocument(textDocument(text));

    expectHeadlineRules(content, text);
  });

  it('give a two-word article a span of it that does not repeat the summary', () => {
    const content = summarizeDocument(textDocument('Prices fell.'));

    expectHeadlineRules(content, 'Prices fell.');
    expect(content.title.text).toBe('fell');
  });

  it('cut a long sentence without punctuation to at most twelve words, without an ellipsis', () => {
    const text = Array.from(
      { length: 8 },
      (_, i) => `the ferry crew number ${i} checked the lifeboats and the ropes`,
    ).join(' ');

    const content = summarizeDocument(textDocument(text));

    expectHeadlineRules(content, text);
  });

  it('take a headline from non-English text without starting on its function words', () => {
    const text = [
      'Die Stadt Lindau hat am Montag eine neue Fähre für den Bodensee in Betrieb genommen.',
      'Die Fähre fährt mit Strom und ersetzt ein altes Schiff aus dem Jahr 1971.',
      'Nach Angaben der Stadt spart die Fähre jedes Jahr viele Tonnen Diesel.',
    ].join(' ');

    const content = summarizeDocument(textDocument(text));

    expectHeadlineRules(content, text);
    expect(content.title.text).not.toMatch(/^(?:der|die|das|und|den|ein|eine|am|für|mit)\b/i);
  });

  it('keep a headline in a script without spaces to 120 characters, still a span of the text', () => {
    const clause = '市议会周一批准了一条通往机场的新电车线路结束了长达十年的辩论'.repeat(6);
    const text = `${clause}。电车线路将耗资两亿四千万英镑。`;

    const content = summarizeDocument(textDocument(text));

    expect(Array.from(content.title.text).length).toBeLessThanOrEqual(120);
    expect(content.title.text.length).toBeGreaterThan(0);
    expect(text.includes(content.title.text)).toBe(true);
  });

  it('never leave the title empty when the first sentences are only punctuation', () => {
    for (const text of ['...\n\nHello.', '!!!\n\nHello.\n\nHello.', ',\n\nOK.']) {
      expect(summarizeDocument(textDocument(text)).title.text).not.toBe('');
    }
  });
});

describe('given titles', () => {
  it("keep the document's own title as it is", () => {
    const content = summarizeDocument(textDocument(TRAM_STORY, 'Ashvale says yes to the airport tram'));

    expect(content.title).toEqual({ text: 'Ashvale says yes to the airport tram', origin: 'document' });
  });

  it('keep a short first line without closing punctuation, and leave it out of the summary', () => {
    const text = `Ashvale council approves airport tram line after decade of debate\n\n${TRAM_STORY}`;

    const content = summarizeDocument(textDocument(text));

    expect(content.title).toEqual({
      text: 'Ashvale council approves airport tram line after decade of debate',
      origin: 'first-line',
    });
    expect(content.summary[0]).not.toContain('after decade of debate');
  });

  it('are not taken from a first line that ends like a sentence or from one-line text', () => {
    expect(givenTitle(undefined, 'Prices fell on Monday.\nShops were quiet.')).toBeUndefined();
    expect(givenTitle(undefined, 'Harbour bridge reopens')).toBeUndefined();
    expect(givenTitle('  ', 'Harbour bridge reopens\nThe bridge reopened on Monday.')).toEqual({
      text: 'Harbour bridge reopens',
      origin: 'first-line',
    });
  });
});
