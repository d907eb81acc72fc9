import {
  GetObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
  S3ServiceException,
} from '@aws-sdk/client-s3';
import { sdkStreamMixin } from '@smithy/core/serde';
import type { Context, S3Event } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { Readable } from 'node:stream';
import { readFileSync } from 'node:fs';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import { createS3ArticleStore } from '../../../src/aws/s3-article-store.js';
import { createS3FailureStore, createS3SummaryStore } from '../../../src/aws/s3-summary-store.js';
import { RetryableUploadError, createSummarizeHandler } from '../../../src/handlers/summarize-handler.js';
import { seedArticle } from '../../support/samples.js';
import { testSummarizeSettings } from '../../support/summarize-settings.js';

const s3Mock = mockClient(S3Client);
// The mocks patch every client of the class in this worker: give the real ones back for the next file.
afterAll(() => {
  s3Mock.restore();
});
const context = { functionName: 'summarize', awsRequestId: 'unit' } as Context;
const putEvent = JSON.parse(readFileSync('events/s3-put.json', 'utf-8')) as S3Event;

function handler(metrics?: Metrics) {
  const s3 = new S3Client({ region: 'us-east-1', credentials: { accessKeyId: 'x', secretAccessKey: 'x' } });
  return createSummarizeHandler(
    {
      articles: createS3ArticleStore(s3),
      summaries: createS3SummaryStore(s3, 'bucket'),
      failures: createS3FailureStore(s3, 'bucket'),
      settings: testSummarizeSettings(),
    },
    undefined,
    metrics,
  );
}

const accessDenied = () =>
  new S3ServiceException({
    name: 'AccessDenied',
    $fault: 'client',
    $metadata: { httpStatusCode: 403 },
    message: 'Access Denied',
  });
const throttled = () =>
  new S3ServiceException({
    name: 'SlowDown',
    $fault: 'server',
    $metadata: { httpStatusCode: 503 },
    message: 'Please reduce your request rate.',
  });
const body = (text: string) => sdkStreamMixin(Readable.from([Buffer.from(text)]));

describe('summarize handler', () => {
  afterEach(() => s3Mock.reset());

  it('decodes the key from the sample event before reading the object', async () => {
    s3Mock
      .on(GetObjectCommand)
      .resolves({ Body: body(seedArticle()), ContentLength: 4000, ContentType: 'text/plain' });
    s3Mock.on(PutObjectCommand).resolves({});

    await handler()(putEvent, context);

    expect(s3Mock.commandCalls(GetObjectCommand)[0]?.args[0].input.Key).toBe(
      'articles/Russia raid in Nalchik – 100% report.txt',
    );
    expect(s3Mock.commandCalls(PutObjectCommand)[0]?.args[0].input.IfNoneMatch).toBe('*');
    expect(s3Mock.commandCalls(PutObjectCommand)[0]?.args[0].input.Key).toMatch(
      /^summaries\/2026\/11\/24\/[a-f0-9]{32}\.json$/,
    );
  });

  it('fails the invocation so Lambda retries when S3 throttles, after handling the other records', async () => {
    const [first] = putEvent.Records;
    if (!first) throw new Error('events/s3-put.json has no record');
    const second = structuredClone(first);
    second.s3.object.key = 'articles/other.txt';
    // General behaviour first, the specific key after it: aws-sdk-client-mock matches the last that fits.
    s3Mock.on(GetObjectCommand).rejects(throttled());
    s3Mock
      .on(GetObjectCommand, { Key: 'articles/other.txt' })
      .resolves({ Body: body(seedArticle()), ContentLength: 4000 });
    s3Mock.on(PutObjectCommand).resolves({});

    const metrics = new Metrics({ namespace: 'test', serviceName: 'summarize' });
    const counted: string[] = [];
    vi.spyOn(metrics, 'addMetric').mockImplementation((name) => {
      counted.push(name);
      return metrics;
    });

    await expect(handler(metrics)({ Records: [first, second] }, context)).rejects.toBeInstanceOf(
      RetryableUploadError,
    );
    expect(counted.sort()).toEqual(['ArticlesRetried', 'ArticlesSummarized']);

    const written = s3Mock.commandCalls(PutObjectCommand).map((c) => c.args[0].input.Key);
    expect(written).toHaveLength(1);
    expect(written[0]).toMatch(/^summaries\//);
  });

  it('reports a redelivered upload as already summarized when S3 refuses the conditional write', async () => {
    s3Mock.on(GetObjectCommand).resolves({ Body: body(seedArticle()), ContentLength: 4000 });
    s3Mock.on(PutObjectCommand).rejects(
      new S3ServiceException({
        name: 'PreconditionFailed',
        $fault: 'client',
        $metadata: { httpStatusCode: 412 },
      }),
    );

    const report = await handler()(putEvent, context);

    expect(report.outcomes[0]?.status).toBe('already-summarized');
    expect(s3Mock.commandCalls(PutObjectCommand)).toHaveLength(1);
  });

  it.each([
    ['the key is not listed: the upload was deleted, so a failure record', [], 'failed'],
    [
      'the key is listed: a real permission problem, so a retry',
      [{ Key: 'articles/Russia raid in Nalchik – 100% report.txt' }],
      'retry',
    ],
  ])('tells a 403 on the read apart by listing the key: %s', async (_case, contents, expected) => {
    s3Mock.on(GetObjectCommand).rejects(accessDenied());
    s3Mock.on(ListObjectsV2Command).resolves({ Contents: contents });
    s3Mock.on(PutObjectCommand).resolves({});

    const run = handler()(putEvent, context);

    if (expected === 'retry') {
      await expect(run).rejects.toBeInstanceOf(RetryableUploadError);
    } else {
      expect((await run).outcomes[0]).toMatchObject({ status: 'failed', code: 'not-found' });
      expect(s3Mock.commandCalls(PutObjectCommand)[0]?.args[0].input.Key).toMatch(/^failures\//);
    }
  });

  it('rejects an event that is not an S3 notification before doing any work', async () => {
    await expect(handler()({ hello: 'world' } as never, context)).rejects.toThrow(
      /expects an S3 ObjectCreated notification/,
    );
    expect(s3Mock.calls()).toHaveLength(0);
  });
});
