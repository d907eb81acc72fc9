import { beforeAll, describe, expect, it } from 'vitest';
import { extractArticle } from '../../../src/article/extract.js';
import { summarizeDocument } from '../../../src/summary/summarize.js';
import type { SummaryContent } from '../../../src/summary/schema.js';
import { seedArticleBytes } from '../../support/samples.js';

const names = (list: Array<{ name: string }>) => list.map((e) => e.name);

describe('the seed sample (a dam leak and an evacuation in Marrowby, plain text without a headline)', () => {
  let content: SummaryContent;

  beforeAll(() => {
    content = summarizeDocument(extractArticle(seedArticleBytes(), { key: 'articles/dam-evacuation.txt' }));
  });

  it('finds the people it names, with surname-only mentions merged into the full name', () => {
    expect(names(content.entities.people).sort()).toEqual(
      ['Amara Okafor', 'Daniel Fenwick', 'Ingrid Halvorsen', 'Tomas Reyna'].sort(),
    );
    expect(content.entities.people.find((p) => p.name === 'Ingrid Halvorsen')?.mentions).toBe(4);
  });

  it('lists the town, its districts and the reservoirs as places', () => {
    expect(names(content.entities.places)).toEqual(
      expect.arrayContaining(['Marrowby', 'Old Quay', 'Greystone', 'Kelda Moor']),
    );
  });

  it('lists the bodies it names as organizations, the emergency directorate too', () => {
    expect(names(content.entities.organizations)).toEqual(
      expect.arrayContaining([
        'Tarne Valley Water Board',
        'Calloway Dam Services',
        'Northern Counties Emergency Directorate',
        'Environment Ministry',
      ]),
    );
  });

  it('lists the news outlets the article cites as its sources', () => {
    expect(names(content.sources).sort()).toEqual(['Marrowby Courier', 'NBS', 'Tarne Herald']);
  });

  it('keeps the related-stories list, the photo caption and the video credit out of every field', () => {
    const chosen = [content.title?.text, ...content.summary, ...content.keyPoints].join('\n');
    expect(chosen).not.toMatch(
      /RELATED STORIES|repairs delayed for a third year|record high|Featured Photo|Footage courtesy/,
    );
    expect(names(content.entities.people)).not.toContain('Featured Photo');
  });

  it('quotes the water board with its speaker and states the town size and the rain date', () => {
    expect(content.quotes[0]).toEqual({
      text: 'We saw wet concrete where there should be dry concrete, and we are not prepared to gamble with anyone’s home on that',
      speaker: 'Tarne Valley Water Board',
    });
    expect(content.numbers).toContainEqual(expect.objectContaining({ value: 48000, text: '48,000 people' }));
    expect(content.dates.map((d) => d.text)).toEqual(expect.arrayContaining(['Sunday', 'November 12']));
  });

  it('opens the summary with what happened, derives a short headline, and reports the article size', () => {
    expect(content.summary[0]).toMatch(/^Engineers opened the emergency spillway of the Halden Fell dam/);
    expect(content.title?.origin).toBe('first-sentence');
    expect(content.title?.text.split(' ').length).toBeLessThanOrEqual(12);
    expect(content.title?.text).not.toMatch(/…$/);
    expect(content.language).toBe('en');
    expect(content.wordCount).toBeGreaterThan(600);
    expect(content.truncated).toBe(false);
  });
});
