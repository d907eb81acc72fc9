import { describe, expect, it } from 'vitest';
import { prepareSentences, reportsNews, selectSummary } from '../../../src/summary/rank.js';
import { splitSentences } from '../../../src/summary/sentences.js';

/** A short news item written for these tests. */
const STORY =
  'Think the harbour ferry will always run on diesel fuel? ' +
  'The Port Calder council voted on Tuesday to convert the harbour ferry to electric power by June. ' +
  'The harbour ferry carries about 400 passengers a day between the two banks of the river. ' +
  'Councillors said the electric ferry would cut fuel costs and noise for people living near the harbour. ' +
  'The conversion will be paid for by a regional transport grant approved last year. ' +
  'A local bakery also opened a new shop on the high street this week.';

const sentences = () => prepareSentences(splitSentences(STORY));

describe('summary selection', () => {
  it('does not take a question (a hook) or an opening quotation (a voice) as a summary sentence', () => {
    // Prepare
    const quotation = '"We will keep the ferry running all winter long," the skipper said.';
    const all = [...sentences(), ...prepareSentences(splitSentences(quotation))];

    // Act
    const candidates = all.filter(reportsNews).map((s) => s.text);

    // Assess
    expect(candidates).not.toContain('Think the harbour ferry will always run on diesel fuel?');
    expect(candidates).not.toContain(quotation);
    expect(candidates).toHaveLength(5);
  });

  it('leads with the news, stays within the word budget and keeps the article order', () => {
    // Act
    const summary = selectSummary(sentences(), 3, 40);

    // Assess
    expect(summary[0]?.text).toMatch(/^The Port Calder council voted/);
    expect(summary.reduce((words, s) => words + s.wordCount, 0)).toBeLessThanOrEqual(40);
    expect(summary.map((s) => s.index)).toEqual([...summary.map((s) => s.index)].sort((a, b) => a - b));
  });

  it('leaves out the sentence that is off the subject when the budget allows three', () => {
    // Act
    const summary = selectSummary(sentences(), 3, 90);

    // Assess
    expect(summary).toHaveLength(3);
    expect(summary.map((s) => s.text).join(' ')).not.toMatch(/bakery/);
  });
});
