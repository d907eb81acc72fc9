import { beforeAll, describe, expect, it } from 'vitest';
import { extractArticle } from '../../../src/article/extract.js';
import { summarizeDocument } from '../../../src/summary/summarize.js';
import type { SummaryContent } from '../../../src/summary/schema.js';
import { seedArticleBytes } from '../../support/samples.js';

const names = (list: Array<{ name: string }>) => list.map((e) => e.name);

describe('the seed article (Russian raid on an ISIS cell in Nalchik)', () => {
  let content: SummaryContent;

  beforeAll(() => {
    content = summarizeDocument(
      extractArticle(seedArticleBytes(), { key: 'articles/000_4ee77f7c6db00e4b.txt' }),
    );
  });

  it('finds the people it names, with surname-only mentions merged into the full name', () => {
    expect(names(content.entities.people)).toEqual(
      expect.arrayContaining(['Tamerlan Tsarnaev', 'Dzhokar Tsarnaev', 'Robert Zankishiev']),
    );
    expect(content.entities.people.find((p) => p.name === 'Robert Zankishiev')?.mentions).toBe(3);
  });

  it('finds the places of the story', () => {
    expect(names(content.entities.places)).toEqual(
      expect.arrayContaining([
        'Nalchik',
        'Kabardino-Balkaria Republic',
        'Syria',
        'Russia',
        'Dagestan',
        'Chechnya',
        'North Caucasus',
      ]),
    );
  });

  it('finds the organizations it mentions', () => {
    expect(names(content.entities.organizations)).toEqual(
      expect.arrayContaining(['ISIS', 'National Anti-Terrorist Committee']),
    );
  });

  it('lists the news outlets the article cites as its sources', () => {
    expect(names(content.sources)).toEqual(
      expect.arrayContaining(['RT', 'Interfax', 'The Moscow Times', 'Associated Press']),
    );
  });

  it('keeps the noise lines out of the summary and key points', () => {
    const chosen = [...content.summary, ...content.keyPoints].join('\n');
    expect(chosen).not.toMatch(/RELATED STORIES|Featured Photo|courtesy of RT|YouTube Screen Capture/);
  });

  it('quotes the agency statement with its speaker and states the city size as a number', () => {
    expect(content.quotes[0]).toEqual({
      text: 'The gang had organized channels for sending local residents to Syria to fight alongside terror groups',
      speaker: 'Anti-Terrorist agency',
    });
    expect(content.numbers).toContainEqual(expect.objectContaining({ value: 240000, text: '240,000' }));
    expect(content.dates.map((d) => d.text)).toEqual(expect.arrayContaining(['Sunday', 'November 10']));
  });

  it('opens the summary with what happened and reports the article size', () => {
    expect(content.summary[0]).toMatch(/^As Russia continues to pummel ISIS targets in Syria/);
    expect(content.language).toBe('en');
    expect(content.wordCount).toBeGreaterThan(600);
    expect(content.truncated).toBe(false);
  });
});
