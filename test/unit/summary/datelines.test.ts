import { describe, expect, it } from 'vitest';
import { stripDatelines } from '../../../src/summary/datelines.js';
import { summarizePlainText } from '../../../src/summary/plain-text.js';
import { ungroundedSpans } from '../../support/grounding.js';

describe('stripDatelines', () => {
  it.each([
    ['(CNN)They may not be aliens.', 'They may not be aliens.'],
    ['(CNN) -- The president spoke.', 'The president spoke.'],
    ['LONDON (Reuters) - Oil prices rose.', 'Oil prices rose.'],
    ['Washington (CNN) -- A bill passed.', 'A bill passed.'],
    ['BEIRUT, Lebanon (AP) — Syrian forces advanced.', 'Syrian forces advanced.'],
    ['LONDON, March 3 (Reuters) - Shares fell.', 'Shares fell.'],
    ['Harbour Town, Freedonia (CNN)Rescuers reached the village.', 'Rescuers reached the village.'],
    ['Boston (CNN)Guilty on every count.', 'Guilty on every count.'],
    ['(The Weekly Gazette)Ann Smith, a comic writer, has died.', 'Ann Smith, a comic writer, has died.'],
    [
      'By . Jane Doe . PUBLISHED: 10:21 EST, 3 March 2014 . | . UPDATED: 11:02 EST, 3 March 2014 . The story.',
      'The story.',
    ],
    ['Last updated at 4:12 PM on 3rd March 2014 . The story.', 'The story.'],
  ])('removes the dateline from %j', (text, expected) => {
    expect(stripDatelines(text)).toBe(expected);
  });

  it.each([
    'The U.S. (AP) style guide says so.',
    'Reuters reported on Monday that prices rose.',
    'By the end of the day (CNN) had left.',
    'Prisoner Ann Smith (pictured) was jailed for five years.',
    '(Pictured) The old mill before the fire.',
  ])('leaves prose that merely mentions an agency: %j', (text) => {
    expect(stripDatelines(text)).toBe(text);
  });

  it('removes a dateline at the start of every paragraph, not only the first', () => {
    expect(stripDatelines('(CNN)One.\n\nLONDON (Reuters) - Two.')).toBe('One.\n\nTwo.');
  });
});

describe('summaries of wire stories', () => {
  it('never open the summary, a key point or the title with the dateline, and stay verbatim spans', () => {
    // Prepare
    const story =
      '(CNN)Flood defences along the river failed on Tuesday, forcing 2,000 people from their homes. ' +
      'Engineers said the barrier had not been inspected since 2019. ' +
      'The regional council promised an inquiry into the failure. ' +
      'Residents said the water rose faster than anyone expected.\n\n' +
      'LONDON (Reuters) - Insurers expect claims of about 40 million pounds.';

    // Act
    const content = summarizePlainText(story);

    // Assess
    const fields = [content.title.text, ...content.summary, ...content.keyPoints];
    expect(fields.filter((field) => /^\(CNN\)|\(Reuters\)/.test(field))).toEqual([]);
    expect(content.summary[0]).toBe(
      'Flood defences along the river failed on Tuesday, forcing 2,000 people from their homes.',
    );
    expect(ungroundedSpans(content, story)).toEqual([]);
  });
});
