import {
  DeleteObjectCommand,
  GetObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  type S3Client,
} from '@aws-sdk/client-s3';
import type { Context, S3Event } from 'aws-lambda';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createS3ArticleStore } from '../../src/aws/s3-article-store.js';
import { createS3FailureStore, createS3SummaryStore } from '../../src/aws/s3-summary-store.js';
import { createSummarizeHandler, type SummarizeReport } from '../../src/handlers/summarize-handler.js';
import { startS3Emulator, type S3Emulator } from '../../src/local/emulators.js';
import { failureRecordSchema, summarySchema } from '../../src/summary/schema.js';
import { expectPublishedValid, recordKindOf } from '../support/published-schema.js';
import { emulatorS3Client } from '../support/s3-fixtures.js';
import { seedArticle } from '../support/samples.js';
import { testSummarizeSettings } from '../support/summarize-settings.js';

const BUCKET = 'summarize-it';
const context = { functionName: 'summarize', awsRequestId: 'test' } as Context;

describe('summarize handler on a real S3-compatible server', () => {
  let emulator: S3Emulator;
  let s3: S3Client;
  let handler: ReturnType<typeof createSummarizeHandler>;
  let notifications: S3Event[] = [];

  beforeAll(async () => {
    emulator = await startS3Emulator({ buckets: [BUCKET] });
    emulator.onObjectCreated((event) => notifications.push(event));
    s3 = emulatorS3Client(emulator.endpoint);
    handler = createSummarizeHandler({
      articles: createS3ArticleStore(s3),
      summaries: createS3SummaryStore(s3, BUCKET),
      failures: createS3FailureStore(s3, BUCKET),
      settings: testSummarizeSettings(64 * 1024),
    });
  });
  afterAll(async () => {
    s3.destroy();
    await emulator.close();
  });
  beforeEach(() => {
    notifications = [];
  });

  async function upload(
    key: string,
    body: string | Uint8Array,
    contentType = 'text/plain',
  ): Promise<S3Event> {
    await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: key, Body: body, ContentType: contentType }));
    await expect.poll(() => notifications.length).toBeGreaterThan(0);
    const event = notifications.shift();
    if (!event) throw new Error('no notification');
    return event;
  }

  /** A stored summary or failure record, checked against its published schema as a consumer would. */
  async function readJson(key: string): Promise<unknown> {
    const object = await s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: key }));
    const record = JSON.parse(await object.Body!.transformToString()) as unknown;
    expectPublishedValid(recordKindOf(key), record, key);
    return record;
  }

  it('summarizes an upload whose key has spaces, "+", "%" and unicode, from the event S3 sends', async () => {
    const key = 'articles/Marrowby dam + 100% café.txt';
    const event = await upload(key, seedArticle());
    expect(event.Records[0]?.s3.object.key).not.toContain(' ');

    const report = (await handler(event, context)) as SummarizeReport;

    const [outcome] = report.outcomes;
    expect(outcome).toMatchObject({ status: 'summarized', key });
    const summary = summarySchema.parse(
      await readJson(outcome?.status === 'summarized' ? outcome.summaryKey : ''),
    );
    expect(summary.source.key).toBe(key);
    expect(summary.title.text.length).toBeGreaterThan(10);
    expect(summary.wordCount).toBeGreaterThan(550);
    expect(summary.wordCount).toBeLessThan(800);
    expect(summary.summary.join(' ')).not.toMatch(/RELATED STORIES|Featured Photo|courtesy of/i);
  });

  it('writes under summaries/ only, so its own output can never match the articles/ trigger', async () => {
    const event = await upload('articles/second.txt', seedArticle());
    await handler(event, context);

    const listing = await s3.send(new ListObjectsV2Command({ Bucket: BUCKET }));
    const written = (listing.Contents ?? [])
      .map((o) => o.Key ?? '')
      .filter((k) => !k.startsWith('articles/'));
    expect(written.length).toBeGreaterThan(0);
    expect(written.every((k) => k.startsWith('summaries/') || k.startsWith('failures/'))).toBe(true);
  });

  it('is idempotent when S3 delivers the same event twice', async () => {
    const event = await upload('articles/twice.txt', seedArticle());

    const first = (await handler(event, context)) as SummarizeReport;
    const second = (await handler(event, context)) as SummarizeReport;

    expect(first.outcomes[0]?.status).toBe('summarized');
    expect(second.outcomes[0]?.status).toBe('already-summarized');
  });

  it('skips an upload overwritten before it was read, and summarizes the newer upload from its own event', async () => {
    const older = await upload(
      'articles/overwritten.txt',
      'An early draft. It was replaced quickly. Nobody read it.',
    );
    const newer = await upload('articles/overwritten.txt', seedArticle());

    const first = (await handler(older, context)) as SummarizeReport;
    const second = (await handler(newer, context)) as SummarizeReport;

    expect(first.outcomes[0]?.status).toBe('superseded');
    expect(second.outcomes[0]?.status).toBe('summarized');
  });

  it('records an upload deleted before it was read as a failure, not a retry', async () => {
    const event = await upload('articles/deleted.txt', seedArticle());
    await s3.send(new DeleteObjectCommand({ Bucket: BUCKET, Key: 'articles/deleted.txt' }));

    const report = (await handler(event, context)) as SummarizeReport;

    expect(report.outcomes[0]).toMatchObject({ status: 'failed', code: 'not-found' });
  });

  it('stores a failure record saying why for an empty upload, and no summary', async () => {
    const event = await upload('articles/empty.txt', '');

    const report = (await handler(event, context)) as SummarizeReport;

    const [outcome] = report.outcomes;
    expect(outcome?.status).toBe('failed');
    const record = failureRecordSchema.parse(
      await readJson(outcome?.status === 'failed' ? outcome.failureKey : ''),
    );
    expect(record).toMatchObject({ code: 'empty', source: { key: 'articles/empty.txt' } });
  });

  it('rejects an upload over the size limit without reading it into a summary', async () => {
    const event = await upload('articles/huge.txt', 'word '.repeat(20_000));

    const report = (await handler(event, context)) as SummarizeReport;

    expect(report.outcomes[0]).toMatchObject({ status: 'failed', code: 'too-large' });
  });
});
