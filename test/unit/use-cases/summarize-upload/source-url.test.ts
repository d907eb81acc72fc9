/**
 * Issue 17: the summary's `source.url` is stored canonical and RFC 3986-valid, or left out; a URL is never a
 * reason to lose the summary. Checked against the published schema, as a consumer of summaries/ would.
 */
import { describe, expect, it } from 'vitest';
import { summarizeUpload } from '../../../../src/use-cases/summarize-upload/summarize-upload.js';
import { memoryArticles, memorySummarizeDeps } from '../../../support/memory-ports.js';
import { expectPublishedValid } from '../../../support/published-schema.js';

const STORY =
  'The harbour authority in Porto Calder will add a late ferry sailing from March, its board decided on Thursday. ' +
  'The new crossing leaves the north quay at 23:40 and reaches the island twenty minutes later, the authority said. ' +
  'Night-shift workers at the island hospital had asked for the change for two years, according to their union.';

/** One upload, as JSON naming `url`, or as plain text with `url` in the object's `source-url` metadata. */
function upload(url: string, via: 'json' | 'metadata') {
  const body = via === 'json' ? JSON.stringify({ title: 'Late ferry sailing', url, body: STORY }) : STORY;
  const metadata: Record<string, string> = via === 'metadata' ? { 'source-url': url } : {};
  const key = `articles/ferry.${via === 'json' ? 'json' : 'txt'}`;
  const contentType = via === 'json' ? 'application/json' : 'text/plain';
  const { value: deps, summaries } = memorySummarizeDeps(
    memoryArticles({ [key]: { body, contentType, metadata } }),
    new Date('2026-11-30T08:00:00Z'),
  );
  const ref = { bucket: 'bucket-a', key, etag: 'etag-1', uploadedAt: new Date('2026-11-30T07:59:00Z') };
  return { run: () => summarizeUpload(ref, deps), summaries };
}

describe('summarizeUpload: source.url', () => {
  it.each([
    [
      'json',
      'https://news.example.org/porto-ferry?a=1&b=<2>',
      'https://news.example.org/porto-ferry?a=1&b=%3C2%3E',
    ],
    [
      'json',
      'https://news.example.org/Porto Calder/balsa noturna?hora=23h40#seção',
      'https://news.example.org/Porto%20Calder/balsa%20noturna?hora=23h40#se%C3%A7%C3%A3o',
    ],
    ['json', 'https://news.example.org/a|b?q=[1]#x#y', 'https://news.example.org/a%7Cb?q=%5B1%5D#x%23y'],
    ['metadata', 'HTTPS://News.Example.ORG/ferry schedule', 'https://news.example.org/ferry%20schedule'],
  ] as const)('stores a %s URL %j as %j, valid against the published schema', async (via, raw, stored) => {
    const { run, summaries } = upload(raw, via);

    const outcome = await run();

    expect(outcome.status).toBe('summarized');
    const [summary] = summaries.stored.values();
    expect(summary?.source.url).toBe(stored);
    expectPublishedValid('summary', summary, 'the stored summary');
  });

  it.each([
    ['a javascript: URL', 'javascript:alert(document.cookie)'],
    ['a data: URL', 'data:text/html,<script>alert(1)</script>'],
    ['an ftp URL', 'ftp://files.example.org/ferry.txt'],
    ['no URL at all', 'the ferry page'],
    ['a host RFC 3986 cannot hold', 'http://news{example}.org/ferry'],
  ])('keeps the summary and leaves out %s', async (_what, raw) => {
    const { run, summaries } = upload(raw, 'json');

    const outcome = await run();

    expect(outcome.status).toBe('summarized');
    const [summary] = summaries.stored.values();
    expect(summary?.source.url).toBeUndefined();
    expectPublishedValid('summary', summary, 'the stored summary');
  });
});
