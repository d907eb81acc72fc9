import type { Context, S3Event } from 'aws-lambda';
import { readFileSync } from 'node:fs';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createS3Client } from '../../../src/aws/clients.js';
import { createS3ArticleStore } from '../../../src/aws/s3-article-store.js';
import { createS3FailureStore, createS3SummaryStore } from '../../../src/aws/s3-summary-store.js';
import { RetryableUploadError, createSummarizeHandler } from '../../../src/handlers/summarize-handler.js';
import {
  FAKE_CREDENTIALS,
  httpFake,
  s3Error,
  s3Listing,
  s3Object,
  s3Target,
  s3Written,
  type FakeAnswer,
  type SeenRequest,
} from '../../support/aws-http-fake.js';
import { capturedLogger, linesSaying } from '../../support/log-lines.js';
import { seedArticle } from '../../support/samples.js';
import { testSummarizeSettings } from '../../support/summarize-settings.js';

const context = { functionName: 'summarize', awsRequestId: 'unit' } as Context;
const putEvent = JSON.parse(readFileSync('events/s3-put.json', 'utf-8')) as S3Event;
const UPLOADED_KEY = 'articles/Dam evacuation in Marrowby – 100% report.txt';

/** How the fake S3 answers each kind of request; GetObject may depend on the key. */
interface S3Answers {
  get?: (key: string) => FakeAnswer | Promise<FakeAnswer>;
  put?: FakeAnswer;
  list?: FakeAnswer;
}

/** S3 through the production client (its retries included), its requests answered by `answers`. */
function fakeS3(answers: S3Answers) {
  const unexpected = (request: SeenRequest) =>
    new Error(`The fake S3 has no answer for ${request.method} ${request.path}`);
  const { requestHandler, requests } = httpFake((request) => {
    if (request.method === 'GET' && request.query['list-type'] === '2')
      return answers.list ?? unexpected(request);
    if (request.method === 'GET') return answers.get?.(s3Target(request).key) ?? unexpected(request);
    if (request.method === 'PUT') return answers.put ?? unexpected(request);
    return unexpected(request);
  });
  const s3 = createS3Client({ AWS_REGION: 'us-east-1' }, { credentials: FAKE_CREDENTIALS, requestHandler });
  const isGet = (r: SeenRequest) => r.method === 'GET' && r.query['list-type'] === undefined;
  return {
    s3,
    requests,
    gets: () => requests.filter(isGet).map((r) => s3Target(r).key),
    puts: () => requests.filter((r) => r.method === 'PUT'),
  };
}

function handler(
  s3: ReturnType<typeof createS3Client>,
  metrics?: Metrics,
  logger?: Parameters<typeof createSummarizeHandler>[1],
) {
  return createSummarizeHandler(
    {
      articles: createS3ArticleStore(s3),
      summaries: createS3SummaryStore(s3, 'bucket'),
      failures: createS3FailureStore(s3, 'bucket'),
      settings: testSummarizeSettings(),
    },
    logger,
    metrics,
  );
}

const accessDenied = () => s3Error(403, 'AccessDenied', 'Access Denied');
const throttled = () => s3Error(503, 'SlowDown', 'Please reduce your request rate.');
const article = () => s3Object(seedArticle(), { 'content-type': 'text/plain' });

describe('summarize handler', () => {
  afterEach(() => {
    vi.restoreAllMocks();
    vi.unstubAllEnvs();
  });

  it('decodes the key from the sample event before reading the object', async () => {
    const s3 = fakeS3({ get: article, put: s3Written() });

    await handler(s3.s3)(putEvent, context);

    expect(s3.gets()[0]).toBe(UPLOADED_KEY);
    expect(s3.puts()[0]?.headers['if-none-match']).toBe('*');
    expect(s3Target(s3.puts()[0]!).key).toMatch(/^summaries\/2026\/11\/24\/[a-f0-9]{32}\.json$/);
  });

  it('fails the invocation so Lambda retries when S3 throttles, after handling the other records', async () => {
    const [first] = putEvent.Records;
    if (!first) throw new Error('events/s3-put.json has no record');
    const second = structuredClone(first);
    second.s3.object.key = 'articles/other.txt';
    const s3 = fakeS3({
      get: (key) => (key === 'articles/other.txt' ? article() : throttled()),
      put: s3Written(),
    });
    // The SDK's backoff between its retries of the 503 is a random share of its ceiling: none here.
    vi.spyOn(Math, 'random').mockReturnValue(0);

    const metrics = new Metrics({ namespace: 'test', serviceName: 'summarize' });
    const counted: string[] = [];
    vi.spyOn(metrics, 'addMetric').mockImplementation((name) => {
      counted.push(name);
      return metrics;
    });

    const { logger, lines } = capturedLogger('summarize-test');

    await expect(
      handler(s3.s3, metrics, logger)({ Records: [first, second] }, context),
    ).rejects.toBeInstanceOf(RetryableUploadError);
    expect(counted.sort()).toEqual(['ArticlesRetried', 'ArticlesSummarized']);
    // The error line names the upload that will be retried, the other line the one summarized.
    expect(linesSaying(lines, 'Could not summarize the article').map((line) => line.key)).toEqual([
      UPLOADED_KEY,
    ]);
    expect(linesSaying(lines, 'Stored the summary').map((line) => line.key)).toEqual(['articles/other.txt']);
    // The production client's own retries ran first: 3 attempts (maxAttempts) at the throttled key.
    expect(s3.gets()).toEqual([UPLOADED_KEY, UPLOADED_KEY, UPLOADED_KEY, 'articles/other.txt']);

    const written = s3.puts().map((r) => s3Target(r).key);
    expect(written).toHaveLength(1);
    expect(written[0]).toMatch(/^summaries\//);
  });

  it('names the upload it is about in every log line, when two invocations overlap in one process', async () => {
    // Prepare: the local stack runs invocations side by side on one module's logger; the empty upload's
    // read answers last, so the other invocation starts and finishes while it waits.
    const [first] = putEvent.Records;
    if (!first) throw new Error('events/s3-put.json has no record');
    const empty = structuredClone(first);
    empty.s3.object.key = 'articles/empty.txt';
    const answerLater = (answer: FakeAnswer) =>
      new Promise<FakeAnswer>((resolve) => setTimeout(() => resolve(answer), 50));
    const s3 = fakeS3({
      get: (key) => (key === 'articles/empty.txt' ? answerLater(s3Object('')) : article()),
      put: s3Written(),
    });
    const { logger, lines } = capturedLogger('summarize-test');
    const run = handler(s3.s3, undefined, logger);

    // Act
    const slow = run({ Records: [empty] }, { ...context, awsRequestId: 'empty' });
    await run({ Records: [first] }, { ...context, awsRequestId: 'seed' });
    await slow;

    // Assess
    expect(linesSaying(lines, 'Stored the summary').map((line) => line.key)).toEqual([UPLOADED_KEY]);
    expect(linesSaying(lines, 'The article cannot be summarized').map((line) => line.key)).toEqual([
      'articles/empty.txt',
    ]);
  });

  it("keeps the invocation on the record's log lines: its request id, and a cold start only on the first", async () => {
    // Prepare: Lambda's on-demand environment, where Powertools reports cold starts.
    vi.stubEnv('AWS_LAMBDA_INITIALIZATION_TYPE', 'on-demand');
    const s3 = fakeS3({ get: article, put: s3Written() });
    const { logger, lines } = capturedLogger('summarize-test');
    const run = handler(s3.s3, undefined, logger);

    // Act
    await run(putEvent, { ...context, awsRequestId: 'first' });
    await run(putEvent, { ...context, awsRequestId: 'second' });

    // Assess
    const stored = linesSaying(lines, 'Stored the summary');
    expect(stored.map((line) => [line.function_request_id, line.cold_start, line.key])).toEqual([
      ['first', true, UPLOADED_KEY],
      ['second', false, UPLOADED_KEY],
    ]);
  });

  it('reports a redelivered upload as already summarized when S3 refuses the conditional write', async () => {
    const s3 = fakeS3({
      get: article,
      put: s3Error(
        412,
        'PreconditionFailed',
        'At least one of the pre-conditions you specified did not hold',
      ),
    });

    const report = await handler(s3.s3)(putEvent, context);

    expect(report.outcomes[0]?.status).toBe('already-summarized');
    expect(s3.puts()).toHaveLength(1);
  });

  it.each([
    ['the key is not listed: the upload was deleted, so a failure record', [], 'failed'],
    ['the key is listed: a real permission problem, so a retry', [UPLOADED_KEY], 'retry'],
  ])('tells a 403 on the read apart by listing the key: %s', async (_case, listed, expected) => {
    const s3 = fakeS3({ get: accessDenied, list: s3Listing(listed), put: s3Written() });

    const run = handler(s3.s3)(putEvent, context);

    if (expected === 'retry') {
      await expect(run).rejects.toBeInstanceOf(RetryableUploadError);
    } else {
      expect((await run).outcomes[0]).toMatchObject({ status: 'failed', code: 'not-found' });
      expect(s3Target(s3.puts()[0]!).key).toMatch(/^failures\//);
    }
  });

  it('rejects an event that is not an S3 notification before doing any work', async () => {
    const s3 = fakeS3({});

    await expect(handler(s3.s3)({ hello: 'world' } as never, context)).rejects.toThrow(
      /expects an S3 ObjectCreated notification/,
    );
    expect(s3.requests).toHaveLength(0);
  });
});
