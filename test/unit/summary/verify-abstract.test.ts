import { describe, expect, it } from 'vitest';
import {
  CHARS_PER_TOKEN,
  MIN_SENTENCE_SUPPORT,
  abstractDraftSchema,
  cutToTokenBudget,
  indexArticle,
  sentenceSupport,
  verifyAbstract,
  type AbstractDraft,
} from '../../../src/summary/verify-abstract.js';

/** Written for these tests. */
const ARTICLE = `The central library will stay open until midnight from 1 May to 15 June, the city council announced on Tuesday, after students asked for more quiet space during exams.

The extra hours cost about 60,000 euros and are paid from the youth budget. “Every seat was taken by ten in the morning last year,” said librarian Tom Berg. The council's culture committee backed the plan 9-2.

Two reading rooms on the top floor will be kept silent, and the café will close at eight as before. A mark on the door will show which rooms are silent.`;

const article = indexArticle(ARTICLE);
const limits = { maxSentences: 3, maxWords: 90 };

const FAITHFUL: AbstractDraft = {
  title: 'Central Library Stays Open Until Midnight for Exams',
  summary: [
    'The central library will open until midnight from 1 May to 15 June after students asked for quiet space during exams.',
    'The extra hours cost about 60000 euros from the youth budget, and librarian Tom Berg said "every seat was taken by ten in the morning".',
  ],
  keyPoints: [
    "The council's culture committee backed the plan 9-2.",
    'Two reading rooms on the top floor will be kept silent.',
  ],
};

const withSentence = (sentence: string): AbstractDraft => ({
  ...FAITHFUL,
  summary: [FAITHFUL.summary[0]!, sentence],
});
const verify = (draft: AbstractDraft) => verifyAbstract(draft, article, limits);

describe('verifyAbstract', () => {
  it('accepts a faithful paraphrase: numbers re-spaced, quotation marks of another kind, Title Case', () => {
    expect(verify(FAITHFUL)).toEqual({ ok: true });
  });

  it.each([
    ['a changed number', 'The extra hours cost about 70,000 euros.', 'unsupported-number', /70000/],
    [
      'a number the article never gives',
      'The library has 120 seats for students.',
      'unsupported-number',
      /120/,
    ],
    [
      'an invented quotation',
      'Librarian Tom Berg said "students deserve better".',
      'unsupported-quote',
      /students deserve better/,
    ],
    [
      'a quotation with a word changed',
      'Tom Berg said "every seat was taken by nine in the morning".',
      'unsupported-quote',
      /nine/,
    ],
    [
      'a name the article does not have',
      'The new committee chair, Anna Kowalski, welcomed the longer hours.',
      'unsupported-name',
      /Anna/,
    ],
    [
      'a capitalized word the article writes only in lowercase',
      'The longer hours were proposed by Mark, the youth budget officer.',
      'unsupported-name',
      /Mark/,
    ],
    [
      'a sentence the article does not support',
      'The council expects noisy renovation works near the station and protests from parents.',
      'unsupported-sentence',
      /content words/,
    ],
  ])('rejects %s', (_, sentence, code, reason) => {
    const result = verify(withSentence(sentence));

    expect(result).toMatchObject({ ok: false, code });
    expect(result.ok ? '' : result.reason).toMatch(reason);
  });

  it('accepts a quotation elided with an ellipsis when each piece is the article’s', () => {
    expect(verify(withSentence('Tom Berg said "every seat was taken ... last year".'))).toEqual({ ok: true });
  });

  it('does not read apostrophes as quotation marks', () => {
    expect(verify(withSentence("The council's committee backed the library's longer hours."))).toEqual({
      ok: true,
    });
  });

  it('checks the title: a name in it must be in the article', () => {
    expect(verify({ ...FAITHFUL, title: 'Mayor Kowalski Keeps Library Open' })).toMatchObject({
      ok: false,
      code: 'unsupported-name',
    });
  });

  it.each([
    ['more sentences than SUMMARY_MAX_SENTENCES', { ...limits, maxSentences: 1 }, FAITHFUL],
    ['more words than SUMMARY_MAX_WORDS', { ...limits, maxWords: 20 }, FAITHFUL],
    ['a title of more than 20 words', limits, { ...FAITHFUL, title: 'library '.repeat(21).trim() }],
    ['a key point of more than 60 words', limits, { ...FAITHFUL, keyPoints: ['library '.repeat(61).trim()] }],
  ])('rejects %s as too long', (_, given, draft) => {
    expect(verifyAbstract(draft, article, given)).toMatchObject({ ok: false, code: 'too-long' });
  });
});

describe('sentenceSupport', () => {
  it('is the share of the sentence’s content words (stemmed) that the article has', () => {
    // exams, students, library, midnight: in the article; dragons, castles: not.
    expect(
      sentenceSupport('Students asked for the library to stay open until midnight during exams.', article),
    ).toBe(1);
    expect(sentenceSupport('Dragons and castles guard the library.', article)).toBeCloseTo(1 / 4);
    expect(sentenceSupport('It was what they said.', article)).toBe(1);
  });

  it('separates supported from unsupported sentences written for this test at the calibrated threshold', () => {
    const supported = [
      'Students asked the council for more quiet space during exams.',
      'The café keeps closing at eight, as before.',
      'Reading rooms on the top floor will be silent.',
    ];
    const unsupported = [
      'The mayor resigned after a scandal over parking fines.',
      'A new swimming pool opens next spring near the harbour.',
      'Farmers expect a record harvest despite the drought.',
    ];
    for (const s of supported)
      expect(sentenceSupport(s, article), s).toBeGreaterThanOrEqual(MIN_SENTENCE_SUPPORT);
    for (const s of unsupported) expect(sentenceSupport(s, article), s).toBeLessThan(MIN_SENTENCE_SUPPORT);
  });
});

describe('abstractDraftSchema', () => {
  it('takes its limits from the summary schema: 1-3 summary sentences, at most 5 key points', () => {
    expect(abstractDraftSchema.safeParse({ ...FAITHFUL, summary: [] }).success).toBe(false);
    expect(abstractDraftSchema.safeParse({ ...FAITHFUL, keyPoints: Array(6).fill('A point.') }).success).toBe(
      false,
    );
    expect(abstractDraftSchema.safeParse({ ...FAITHFUL, extra: 1 }).success).toBe(true);
  });
});

describe('cutToTokenBudget', () => {
  it('leaves a text within the budget as it is (tokens estimated as characters / 4)', () => {
    expect(CHARS_PER_TOKEN).toBe(4);
    expect(cutToTokenBudget('One. Two.', 3)).toEqual({ text: 'One. Two.', cut: false });
  });

  it('cuts a longer text after the last sentence that fits', () => {
    const text = 'First sentence here. Second sentence here. Third sentence is much longer than the rest.';

    const { text: cut, cut: wasCut } = cutToTokenBudget(text, 12);

    expect(wasCut).toBe(true);
    expect(cut).toBe('First sentence here. Second sentence here.');
    expect(cut.length).toBeLessThanOrEqual(12 * CHARS_PER_TOKEN);
  });

  it('cuts at a space when no sentence ends in the second half of the budget', () => {
    const text = `Short. ${'word '.repeat(40)}`;

    const { text: cut } = cutToTokenBudget(text, 10);

    expect(cut.length).toBeLessThanOrEqual(40);
    expect(cut).toMatch(/word$/);
  });
});
