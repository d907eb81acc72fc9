import { describe, expect, it } from 'vitest';
import { summaryIdFor } from '../../../../src/bucket-layout.js';
import { summarizeUpload } from '../../../../src/use-cases/summarize-upload/summarize-upload.js';
import type { ArticleStore } from '../../../../src/use-cases/summarize-upload/ports.js';
import { failureRecordSchema, summarySchema } from '../../../../src/summary/schema.js';
import { memoryArticles, memorySummarizeDeps } from '../../../support/memory-ports.js';
import { seedArticle } from '../../../support/samples.js';

const uploadedAt = new Date('2026-11-24T08:15:02Z');
const STORY =
  'Russian special forces wiped out a militant cell on Sunday. The raid took place outside Nalchik, officials said.';
const ref = (key: string, etag = 'etag-1') => ({ bucket: 'bucket-a', key, etag, uploadedAt });

const deps = (articles: ArticleStore) => memorySummarizeDeps(articles, new Date('2026-11-24T08:15:05Z'));

describe('summarizeUpload', () => {
  it('stores a schema-valid summary of the seed article in the upload date partition', async () => {
    const { value, summaries, failures } = deps(
      memoryArticles({ 'articles/seed.txt': { body: seedArticle(), contentType: 'text/plain' } }),
    );

    const outcome = await summarizeUpload(ref('articles/seed.txt'), value);

    const id = summaryIdFor(ref('articles/seed.txt'));
    expect(outcome).toMatchObject({ status: 'summarized', summaryKey: `summaries/2026/11/24/${id}.json` });
    const stored = summaries.stored.get(`summaries/2026/11/24/${id}.json`);
    expect(summarySchema.parse(stored).source).toMatchObject({
      bucket: 'bucket-a',
      key: 'articles/seed.txt',
      format: 'text',
    });
    expect(stored?.createdAt).toBe('2026-11-24T08:15:05.000Z');
    expect(failures.stored.size).toBe(0);
  });

  it('does not store a second copy when the same upload is delivered again', async () => {
    const { value, summaries } = deps(memoryArticles({ 'articles/seed.txt': { body: seedArticle() } }));

    await summarizeUpload(ref('articles/seed.txt'), value);
    const again = await summarizeUpload(ref('articles/seed.txt'), value);

    expect(again.status).toBe('already-summarized');
    expect(summaries.stored.size).toBe(1);
  });

  it('gives a new upload of the same key (new etag) its own summary', () => {
    expect(summaryIdFor(ref('articles/a.txt', 'v1'))).not.toBe(summaryIdFor(ref('articles/a.txt', 'v2')));
    expect(summaryIdFor(ref('articles/a.txt', 'v1'))).toBe(summaryIdFor(ref('articles/a.txt', 'v1')));
  });

  it.each([
    ['an empty file', '', 'empty', /Upload the article itself/],
    ['whitespace only', ' \n\t\n ', 'no-text', /holds the article body/],
    [
      'binary bytes',
      new Uint8Array([
        0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0x0d, 0x49, 0x48, 0x44, 0x52, 0, 1, 2, 3,
      ]),
      'binary',
      /convert documents and images to text/,
    ],
  ])('records a failure with a reason and stores no summary for %s', async (_name, body, code, remedy) => {
    const { value, summaries, failures } = deps(memoryArticles({ 'articles/bad.txt': { body } }));

    const outcome = await summarizeUpload(ref('articles/bad.txt'), value);

    expect(outcome).toMatchObject({ status: 'failed', code });
    expect(summaries.stored.size).toBe(0);
    const [record] = [...failures.stored.values()];
    expect(failureRecordSchema.parse(record).reason).toMatch(remedy);
    expect([...failures.stored.keys()][0]).toMatch(/^failures\/2026\/11\/24\/[a-f0-9]{32}\.json$/);
  });

  it('records an article deleted before it was read as a failure instead of retrying forever', async () => {
    const { value, failures } = deps(memoryArticles({}));

    const outcome = await summarizeUpload(ref('articles/gone.txt'), value);

    expect(outcome).toMatchObject({ status: 'failed', code: 'not-found' });
    expect(failures.stored.size).toBe(1);
  });

  it('rethrows an error a retry may fix and writes no failure record', async () => {
    const flaky: ArticleStore = {
      read: async () => Promise.reject(new Error('SlowDown: please reduce your request rate')),
    };
    const { value, failures, summaries } = deps(flaky);

    await expect(summarizeUpload(ref('articles/a.txt'), value)).rejects.toThrow('SlowDown');
    expect(failures.stored.size + summaries.stored.size).toBe(0);
  });

  it.each([
    ['a fragment of nested blocks', `<div><div><div><p>${STORY}</p></div></div></div>`],
    [
      'a fragment whose comment mentions <html> and <body>',
      `<div><div><div><p>${STORY}</p></div></div></div><!-- from <html><body> -->`,
    ],
    [
      'a page that leaves its article in <head>',
      `<html><head><div><p>${STORY}</p></div></head><body></body></html>`,
    ],
  ])('summarizes %s, which Readability threw on, instead of retrying it', async (_kind, html) => {
    // Prepare
    const { value, summaries, failures } = deps(
      memoryArticles({ 'articles/fragment.html': { body: html, contentType: 'text/html' } }),
    );

    // Act
    const outcome = await summarizeUpload(ref('articles/fragment.html'), value);

    // Assess
    expect(outcome.status).toBe('summarized');
    expect([...summaries.stored.values()][0]?.summary[0]).toBe(STORY.split(' The raid')[0]);
    expect(failures.stored.size).toBe(0);
  });

  it('records an error thrown by the pure steps as an internal failure, since a retry would throw it again', async () => {
    // Prepare: summarizeDocument throws a RangeError on a summary longer than three sentences.
    const { value, summaries, failures } = deps(
      memoryArticles({ 'articles/seed.txt': { body: seedArticle() } }),
    );
    value.settings = { ...value.settings, summarize: { ...value.settings.summarize, maxSentences: 4 } };

    // Act
    const outcome = await summarizeUpload(ref('articles/seed.txt'), value);

    // Assess
    expect(outcome).toMatchObject({ status: 'failed', code: 'internal' });
    const [record] = [...failures.stored.values()];
    expect(failureRecordSchema.parse(record).reason).toMatch(
      /^Reading or summarizing the upload failed with RangeError: maxSentences must be an integer from 1 to 3, got 4 \(at .+\)\. .*report it with this record\.$/,
    );
    expect(summaries.stored.size).toBe(0);
  });

  it.each([
    ['the summary', 'summaries'],
    ['the failure record', 'failures'],
  ] as const)('rethrows an error writing %s, so Lambda retries the upload', async (_what, store) => {
    // Prepare
    const { value } = deps(
      memoryArticles({ 'articles/seed.txt': { body: store === 'summaries' ? seedArticle() : '' } }),
    );
    const slowDown = async () => Promise.reject(new Error('SlowDown: please reduce your request rate'));
    if (store === 'summaries') value.summaries = { putIfAbsent: slowDown };
    else value.failures = { put: slowDown };

    // Act
    const outcome = summarizeUpload(ref('articles/seed.txt'), value);

    // Assess
    await expect(outcome).rejects.toThrow('SlowDown');
  });

  it('ignores objects outside the articles prefix, such as its own summaries', async () => {
    const { value, summaries, failures } = deps(memoryArticles({}));

    const outcome = await summarizeUpload(ref('summaries/2026/11/24/x.json'), value);

    expect(outcome.status).toBe('ignored');
    expect(summaries.stored.size + failures.stored.size).toBe(0);
  });
});
