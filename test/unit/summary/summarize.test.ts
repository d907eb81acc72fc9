import { describe, expect, it } from 'vitest';
import { extractArticle } from '../../../src/article/extract.js';
import { UnreadableArticleError } from '../../../src/article/document.js';
import { DEFAULT_SUMMARIZE_OPTIONS } from '../../../src/summary/options.js';
import { summarizeDocument } from '../../../src/summary/summarize.js';
import { SUMMARY_SCHEMA_VERSION, summarySchema } from '../../../src/summary/schema.js';
import { loadSummarizeConfig } from '../../../src/config.js';
import { seedArticleBytes } from '../../support/samples.js';

const SEED = 'articles/dam-evacuation.txt';

describe('summarizeDocument', () => {
  it('returns content that, completed by the pipeline fields, is a valid stored summary', () => {
    // Prepare
    const doc = extractArticle(seedArticleBytes(), { key: SEED, contentType: 'text/plain' });

    // Act
    const content = summarizeDocument(doc);
    const stored = summarySchema.safeParse({
      schemaVersion: SUMMARY_SCHEMA_VERSION,
      id: '0123456789abcdef',
      source: {
        bucket: 'b',
        key: SEED,
        size: seedArticleBytes().byteLength,
        format: doc.format,
        charset: doc.charset,
      },
      createdAt: new Date(0).toISOString(),
      ...content,
    });

    // Assess
    expect(stored.error?.issues ?? []).toEqual([]);
    expect(content.summary.length).toBeGreaterThanOrEqual(1);
    expect(content.keyPoints.length).toBeGreaterThanOrEqual(3);
  });

  it('keeps the summary within the word budget it is given', () => {
    // Prepare
    const doc = extractArticle(seedArticleBytes(), { key: SEED });

    // Act
    const content = summarizeDocument(doc, { maxWords: 40, maxSentences: 2 });

    // Assess
    const words = content.summary.join(' ').split(/\s+/).length;
    expect(words).toBeLessThanOrEqual(40);
    expect(content.summary.length).toBeLessThanOrEqual(2);
  });

  it('analyses only the first maxAnalysedChars characters of a long article and says so', () => {
    // Prepare
    const doc = extractArticle(seedArticleBytes(), { key: SEED });

    // Act
    const content = summarizeDocument(doc, { maxAnalysedChars: 1000 });

    // Assess
    expect(content.truncated).toBe(true);
    for (const sentence of [...content.summary, ...content.keyPoints]) {
      expect(doc.text.indexOf(sentence)).toBeLessThan(1000);
    }
  });

  it('uses the same defaults as the Lambda configuration', () => {
    // Prepare
    const config = loadSummarizeConfig({ BUCKET: 'my-bucket' });

    // Act
    const lambdaDefaults = {
      maxSentences: config.SUMMARY_MAX_SENTENCES,
      maxWords: config.SUMMARY_MAX_WORDS,
      maxAnalysedChars: config.MAX_ANALYSED_CHARS,
    };

    // Assess
    expect(DEFAULT_SUMMARIZE_OPTIONS).toEqual(lambdaDefaults);
  });

  it('refuses a document without sentences instead of returning an empty summary', () => {
    // Prepare
    const doc = { format: 'text' as const, charset: 'utf-8', text: '   ' };

    // Act
    const act = () => summarizeDocument(doc);

    // Assess
    expect(act).toThrow(UnreadableArticleError);
  });
});
