/**
 * SUMMARIZER=bedrock end to end, without AWS: uploads to s3rver go through the real summarize handler and use
 * case, and the real Bedrock Runtime client (src/aws/bedrock-summarizer.ts) sends its Converse requests to a
 * request handler that answers them at the HTTP boundary, shaped as the Converse API reference documents
 * (https://docs.aws.amazon.com/bedrock/latest/APIReference/API_runtime_Converse.html): a toolUse block and
 * stopReason "tool_use", a refusal, a malformed tool input, throttling (429 ThrottlingException) and an
 * answer that never comes. Every upload ends as a stored summary: the model's when it passes the checks
 * against the article, else the extractive one with the reason. Then the Lambda entry itself, configured by
 * environment: with the default nothing reaches a Bedrock endpoint, with SUMMARIZER=bedrock it does.
 */
import { createServer, type ServerHttp2Session } from 'node:http2';
import type { AddressInfo } from 'node:net';
import { Readable } from 'node:stream';
import { GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import type { HttpRequest } from '@smithy/types';
import type { Context, S3Event } from 'aws-lambda';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { createS3LlmCallBudget } from '../../src/aws/bedrock-call-budget.js';
import { createBedrockRuntimeClient, createBedrockSummarizer } from '../../src/aws/bedrock-summarizer.js';
import { createS3ArticleStore } from '../../src/aws/s3-article-store.js';
import { createS3FailureStore, createS3SummaryStore } from '../../src/aws/s3-summary-store.js';
import { DEFAULT_BEDROCK_MODEL_ID } from '../../src/config.js';
import { createSummarizeHandler, type SummarizeReport } from '../../src/handlers/summarize-handler.js';
import { setEnv } from '../../src/local/lambda-runtime.js';
import {
  LOCAL_CREDENTIALS,
  LOCAL_REGION,
  startS3Emulator,
  type S3Emulator,
} from '../../src/local/emulators.js';
import { summarySchema, type Summary } from '../../src/summary/schema.js';
import { abstractDraftSchema, type AbstractDraft } from '../../src/summary/verify-abstract.js';
import * as z from '../../src/zod.js';
import { expectPublishedValid } from '../support/published-schema.js';
import { emulatorS3Client, emulatorS3Config } from '../support/s3-fixtures.js';
import { testSummarizeSettings } from '../support/summarize-settings.js';

const BUCKET = 'summarize-bedrock';
const MODEL_ID = DEFAULT_BEDROCK_MODEL_ID;
/** LLM_TIMEOUT_MS: room for the SDK's throttling backoff (up to 1 s, then 2 s), and a short one to wait out. */
const TIMEOUT_MS = 10_000;
const SHORT_TIMEOUT_MS = 400;
const context = { functionName: 'summarize', awsRequestId: 'test' } as Context;

/** Written for this test; every name, number and quotation of GOOD_DRAFT is in it. */
const ARTICLE = `# Port Calder ferry switches to electric power in June

The harbour ferry between Port Calder and Innis Point will run on electric power from 2 June, the town council decided on Tuesday by 14 votes to 3.

The conversion of the 40-year-old vessel cost 2.4 million euros, of which the regional government paid 1.1 million. "We will cut the ferry's fuel bill by two thirds," said harbour master Ines Varga.

Crossings will take 22 minutes instead of 18 during the first summer while the crew learns the new controls. Tickets stay at 4 euros for adults.

Opposition councillor Brendan Doyle voted against the plan, saying the batteries had not been tested in winter storms.
`;

const GOOD_DRAFT: AbstractDraft = {
  title: 'Port Calder ferry to run on electric power from June',
  summary: [
    'The Port Calder harbour ferry will run on electric power from 2 June after the town council voted 14 to 3 for the conversion.',
    'The conversion cost 2.4 million euros, and harbour master Ines Varga said it "will cut the ferry\'s fuel bill by two thirds".',
  ],
  keyPoints: [
    'The regional government paid 1.1 million euros of the cost.',
    'Crossings will take 22 minutes instead of 18 during the first summer.',
    'Councillor Brendan Doyle voted against the plan because the batteries had not been tested in winter storms.',
  ],
};

const withSummary = (sentence: string): AbstractDraft => ({
  ...GOOD_DRAFT,
  summary: [GOOD_DRAFT.summary[0]!, sentence],
});

// ---------------------------------------------------------------- Converse at the HTTP boundary

/** One answer of the fake Bedrock: an HTTP response, or `hang` (nothing until the request is aborted). */
type Answer = { status: number; body: unknown; errorType?: string } | 'hang';

/** A Converse response with the model's answer in a toolUse block, as the API reference shows it. */
function toolUseAnswer(input: unknown, stopReason = 'tool_use'): Answer {
  return {
    status: 200,
    body: {
      output: {
        message: {
          role: 'assistant',
          content: [
            { toolUse: { toolUseId: 'tooluse_kZJMlvQmRJ6eAyJE5GIl7Q', name: 'record_summary', input } },
          ],
        },
      },
      stopReason,
      usage: { inputTokens: 412, outputTokens: 168, totalTokens: 580 },
      metrics: { latencyMs: 912 },
    },
  };
}

const refusal: Answer = {
  status: 200,
  body: {
    output: {
      message: {
        role: 'assistant',
        content: [{ text: 'The generated text has been blocked by our content filters.' }],
      },
    },
    stopReason: 'content_filtered',
    usage: { inputTokens: 412, outputTokens: 0, totalTokens: 412 },
    metrics: { latencyMs: 301 },
  },
};

const throttled: Answer = {
  status: 429,
  errorType: 'ThrottlingException',
  body: { message: 'Too many requests, please wait before trying again.' },
};

interface SentRequest {
  method: string;
  path: string;
  body: Record<string, unknown>;
}

/** The request handler the Bedrock client is given: records each request and answers from `answers`. */
function fakeBedrock(answers: Answer[]) {
  const requests: SentRequest[] = [];
  const requestHandler = {
    async handle(
      request: { method: string; path: string; body?: unknown },
      options?: { abortSignal?: AbortSignal },
    ) {
      requests.push({
        method: request.method,
        path: request.path,
        body: JSON.parse(bodyText(request.body)) as Record<string, unknown>,
      });
      const answer = answers[Math.min(requests.length - 1, answers.length - 1)]!;
      if (answer === 'hang') return hangUntilAborted(options?.abortSignal);
      return {
        response: {
          statusCode: answer.status,
          headers: {
            'content-type': 'application/json',
            'x-amzn-requestid': `req-${requests.length}`,
            ...(answer.errorType && { 'x-amzn-errortype': answer.errorType }),
          },
          body: Readable.from([Buffer.from(JSON.stringify(answer.body))]),
        },
      };
    },
  };
  return { requestHandler, requests };
}

const bodyText = (body: unknown) =>
  body instanceof Uint8Array ? new TextDecoder().decode(body) : String(body);

/** What Node's HTTP handler does with an answer that never comes: rejects when the call is aborted. */
function hangUntilAborted(signal: AbortSignal | undefined): Promise<never> {
  return new Promise((_, reject) => {
    const abort = () => reject(Object.assign(new Error('Request aborted'), { name: 'AbortError' }));
    if (signal?.aborted) abort();
    else signal?.addEventListener('abort', abort, { once: true });
  });
}

// ---------------------------------------------------------------- the stack

let emulator: S3Emulator;
let s3: S3Client;
let notifications: S3Event[] = [];
let upload = 0;

beforeAll(async () => {
  emulator = await startS3Emulator({ buckets: [BUCKET] });
  emulator.onObjectCreated((event) => notifications.push(event));
  s3 = emulatorS3Client(emulator.endpoint);
});
afterAll(async () => {
  s3.destroy();
  await emulator.close();
});
beforeEach(() => {
  notifications = [];
});

/** The summarize handler with the Bedrock path wired to `answers`, and its own call counter. */
function bedrockHandler(
  answers: Answer[],
  options: { dailyBudget?: number; statePrefix?: string; timeoutMs?: number } = {},
) {
  const bedrock = fakeBedrock(answers);
  const timeoutMs = options.timeoutMs ?? TIMEOUT_MS;
  const client = createBedrockRuntimeClient({ AWS_REGION: LOCAL_REGION }, timeoutMs, {
    requestHandler: bedrock.requestHandler,
    credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret' },
  });
  const handler = createSummarizeHandler({
    articles: createS3ArticleStore(s3),
    summaries: createS3SummaryStore(s3, BUCKET),
    failures: createS3FailureStore(s3, BUCKET),
    settings: testSummarizeSettings(64 * 1024),
    abstractive: {
      summarizer: createBedrockSummarizer(client, { modelId: MODEL_ID, maxOutputTokens: 600, timeoutMs }),
      budget: createS3LlmCallBudget(
        s3,
        BUCKET,
        options.statePrefix ?? `state-${++upload}/`,
        options.dailyBudget ?? 100,
      ),
      maxInputTokens: 3_000,
    },
  });
  return { handler, requests: bedrock.requests };
}

/** Uploads the article under a new key and returns the event S3 sends for it. */
async function uploadArticle(): Promise<S3Event> {
  const key = `articles/ferry-${++upload}.md`;
  await s3.send(
    new PutObjectCommand({ Bucket: BUCKET, Key: key, Body: ARTICLE, ContentType: 'text/markdown' }),
  );
  // s3rver notifies every put (summaries and counters too): the event of this upload.
  const ofThisUpload = () => notifications.find((n) => n.Records[0]?.s3.object.key === key);
  await expect.poll(ofThisUpload).toBeDefined();
  return ofThisUpload()!;
}

async function readJson(key: string): Promise<unknown> {
  const object = await s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: key }));
  return JSON.parse(await object.Body!.transformToString()) as unknown;
}

/** Runs one upload through the handler and returns the summary it stored, checked against the published schema. */
async function summarizeOnce(handler: ReturnType<typeof bedrockHandler>['handler']): Promise<Summary> {
  const report = (await handler(await uploadArticle(), context)) as SummarizeReport;
  const [outcome] = report.outcomes;
  expect(outcome?.status).toBe('summarized');
  const record = await readJson(outcome?.status === 'summarized' ? outcome.summaryKey : '');
  expectPublishedValid('summary', record, 'stored summary');
  return summarySchema.parse(record);
}

const extractiveFallback = (code: string) => ({
  name: 'lead-centrality-coverage',
  llm: { provider: 'bedrock', modelId: MODEL_ID, fallback: { code, reason: expect.any(String) } },
});

describe('SUMMARIZER=bedrock through the summarize handler', () => {
  it('stores a verified answer as the summary: title, summary and key points from the model, the rest extractive', async () => {
    const { handler, requests } = bedrockHandler([toolUseAnswer(GOOD_DRAFT)]);

    const summary = await summarizeOnce(handler);

    expect(summary.title).toEqual({ text: GOOD_DRAFT.title, origin: 'abstractive' });
    expect(summary.summary).toEqual(GOOD_DRAFT.summary);
    expect(summary.keyPoints).toEqual(GOOD_DRAFT.keyPoints);
    expect(summary.summarizer).toEqual({
      name: 'llm-verified-against-source',
      version: '1.0.0',
      llm: { provider: 'bedrock', modelId: MODEL_ID },
    });
    // Entities, numbers and quotes stay extractive.
    expect(summary.entities.people.map((p) => p.name)).toContain('Ines Varga');
    expect(summary.quotes.map((q) => q.text).join(' ')).toContain('fuel bill by two thirds');
    // One Converse request, forcing the one tool whose schema is the summary schema's.
    expect(requests).toHaveLength(1);
    const [request] = requests;
    expect(request?.method).toBe('POST');
    expect(request?.path).toBe(`/model/${encodeURIComponent(MODEL_ID)}/converse`);
    expect(request?.body).toMatchObject({
      toolConfig: {
        toolChoice: { tool: { name: 'record_summary' } },
        tools: [{ toolSpec: { name: 'record_summary', inputSchema: { json: { type: 'object' } } } }],
      },
      inferenceConfig: { maxTokens: 600, temperature: 0 },
    });
    // The tool's input schema is the summary schema's, as JSON Schema (`$schema` left out).
    const tools = (request?.body.toolConfig as { tools: { toolSpec: { inputSchema: { json: unknown } } }[] })
      .tools;
    expect(tools[0]?.toolSpec.inputSchema.json).toEqual({
      ...z.toJSONSchema(abstractDraftSchema),
      $schema: undefined,
    });
    expect(JSON.stringify(request?.body.messages)).toContain('Opposition councillor Brendan Doyle');
  });

  it.each([
    [
      'an invented quote',
      withSummary('Harbour master Ines Varga said the ferry "will be the quietest in Europe".'),
      'unsupported-quote',
    ],
    [
      'a changed number',
      withSummary('The conversion of the vessel cost 2.6 million euros.'),
      'unsupported-number',
    ],
    [
      'a name the article does not have',
      withSummary('Mayor Tom Keller said the council would cut the fuel bill by two thirds.'),
      'unsupported-name',
    ],
    [
      'a sentence the article does not support',
      withSummary(
        "The ferry's passengers complained about delays and cancellations all through the autumn season.",
      ),
      'unsupported-sentence',
    ],
  ])('stores the extractive summary when the answer has %s, with the reason', async (_, draft, code) => {
    const { handler, requests } = bedrockHandler([toolUseAnswer(draft)]);

    const summary = await summarizeOnce(handler);

    expect(summary.summarizer).toMatchObject(extractiveFallback(code));
    expect(summary.title.origin).not.toBe('abstractive');
    expect(summary.summary.join(' ')).not.toContain(draft.summary[1]);
    expect(requests).toHaveLength(1);
  });

  it('stores the extractive summary when the tool input does not fit the schema', async () => {
    const { handler } = bedrockHandler([
      toolUseAnswer({ title: 'Ferry goes electric', summary: 'one string, not a list', keyPoints: [] }),
    ]);

    const summary = await summarizeOnce(handler);

    expect(summary.summarizer).toMatchObject(extractiveFallback('malformed-answer'));
    expect(summary.summarizer.llm?.fallback?.reason).toMatch(/summary/);
  });

  it('stores the extractive summary when the model refuses (stopReason content_filtered)', async () => {
    const { handler } = bedrockHandler([refusal]);

    const summary = await summarizeOnce(handler);

    expect(summary.summarizer).toMatchObject(extractiveFallback('refused'));
    expect(summary.summarizer.llm?.fallback?.reason).toContain('content_filtered');
  });

  it('retries a throttled call (the SDK, with backoff) and stores the verified answer', async () => {
    const { handler, requests } = bedrockHandler([throttled, toolUseAnswer(GOOD_DRAFT)]);

    const summary = await summarizeOnce(handler);

    expect(summary.title.origin).toBe('abstractive');
    expect(requests).toHaveLength(2);
  });

  it('stores the extractive summary when every attempt (three, by the SDK) is throttled', async () => {
    const { handler, requests } = bedrockHandler([throttled]);

    const summary = await summarizeOnce(handler);

    expect(summary.summarizer).toMatchObject(extractiveFallback('throttled'));
    expect(requests).toHaveLength(3);
  });

  it('stores the extractive summary when no answer comes within LLM_TIMEOUT_MS', async () => {
    const { handler, requests } = bedrockHandler(['hang'], { timeoutMs: SHORT_TIMEOUT_MS });
    const started = Date.now();

    const summary = await summarizeOnce(handler);

    expect(summary.summarizer).toMatchObject(extractiveFallback('timeout'));
    expect(Date.now() - started).toBeGreaterThanOrEqual(SHORT_TIMEOUT_MS);
    expect(Date.now() - started).toBeLessThan(SHORT_TIMEOUT_MS + 5_000);
    expect(requests).toHaveLength(1);
  });

  it('calls the model no more than LLM_DAILY_BUDGET times a UTC day, then stores extractive summaries', async () => {
    const statePrefix = `budget-${++upload}/`;
    const { handler, requests } = bedrockHandler([toolUseAnswer(GOOD_DRAFT)], {
      dailyBudget: 2,
      statePrefix,
    });

    const summaries = [
      await summarizeOnce(handler),
      await summarizeOnce(handler),
      await summarizeOnce(handler),
    ];

    expect(summaries.map((s) => s.summarizer.llm?.fallback?.code ?? s.title.origin)).toEqual([
      'abstractive',
      'abstractive',
      'budget-spent',
    ]);
    expect(requests).toHaveLength(2);
    const day = new Date().toISOString().slice(0, 10);
    expect(await readJson(`${statePrefix}llm-calls/${day}.json`)).toEqual({ day, calls: 2 });
  });

  it('counts concurrent calls exactly: no two invocations take the same last call', async () => {
    const statePrefix = `race-${++upload}/`;
    // Correctness, not speed: on a busy machine 5 s of lost rounds can pass before all eight are decided.
    const budget = createS3LlmCallBudget(s3, BUCKET, statePrefix, 5, { contentionWaitMs: 60_000 });
    const at = new Date();

    const taken = await Promise.all(Array.from({ length: 8 }, () => budget.take(at)));

    expect(taken.filter(Boolean)).toHaveLength(5);
    const day = at.toISOString().slice(0, 10);
    expect(await readJson(`${statePrefix}llm-calls/${day}.json`)).toEqual({ day, calls: 5 });
  });

  it('takes a call when connections drop before S3 answers, and never counts fewer calls than it gave', async () => {
    // Prepare: the first create and the first read of the counter never reach S3 (the connection drops).
    const statePrefix = `dropped-${++upload}/`;
    const plain = emulatorS3Client(emulator.endpoint);
    const real = plain.config.requestHandler;
    const dropped: string[] = [];
    const dropOnce = new Set(['PUT', 'GET']);
    const flaky = new S3Client({
      ...emulatorS3Config(emulator.endpoint),
      maxAttempts: 1,
      requestHandler: {
        handle: (request: HttpRequest, options?: { abortSignal?: AbortSignal }) => {
          if (request.path.includes(statePrefix) && dropOnce.delete(request.method)) {
            dropped.push(request.method);
            return Promise.reject(Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }));
          }
          return real.handle(request, options);
        },
        updateHttpClientConfig: () => undefined,
        httpHandlerConfigs: () => ({}),
      },
    });
    const budget = createS3LlmCallBudget(flaky, BUCKET, statePrefix, 5);
    const at = new Date();
    const day = at.toISOString().slice(0, 10);

    // Act
    const first = await budget.take(at);
    const second = await budget.take(at);

    // Assess
    expect(dropped).toEqual(['PUT', 'GET']);
    expect([first, second]).toEqual([true, true]);
    expect(await readJson(`${statePrefix}llm-calls/${day}.json`)).toEqual({ day, calls: 2 });
    flaky.destroy();
    plain.destroy();
  });
});

// ---------------------------------------------------------------- the Lambda entry, configured by environment

/**
 * A Bedrock Runtime endpoint (AWS_ENDPOINT_URL_BEDROCK_RUNTIME, which the SDK reads) recording what reaches
 * it. HTTP/2 without TLS, as the Bedrock Runtime client speaks HTTP/2 to an http:// endpoint.
 */
async function startBedrockEndpoint(): Promise<{ url: string; paths: string[]; close: () => Promise<void> }> {
  const paths: string[] = [];
  const server = createServer((request, response) => {
    paths.push(`${request.method} ${request.url}`);
    request.resume();
    request.on('end', () => {
      const answer = toolUseAnswer(GOOD_DRAFT);
      if (answer === 'hang') return;
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end(JSON.stringify(answer.body));
    });
  });
  // The SDK keeps its HTTP/2 session open: close them, or the server never stops.
  const sessions = new Set<ServerHttp2Session>();
  server.on('session', (session) => sessions.add(session));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const close = async () => {
    for (const session of sessions) session.destroy();
    await new Promise((resolve) => server.close(resolve));
  };
  return { url: `http://127.0.0.1:${port}`, paths, close };
}

describe('the summarize Lambda entry (src/handlers/summarize.main)', () => {
  type Main = (event: S3Event, context: Context) => Promise<SummarizeReport>;
  let endpoint: Awaited<ReturnType<typeof startBedrockEndpoint>>;

  beforeAll(async () => {
    endpoint = await startBedrockEndpoint();
  });
  afterAll(async () => {
    await endpoint.close();
  });

  async function mainWith(env: Record<string, string>): Promise<{ main: Main; restore: () => void }> {
    const restore = setEnv({
      ...LOCAL_CREDENTIALS,
      AWS_REGION: LOCAL_REGION,
      BUCKET,
      S3_ENDPOINT: emulator.endpoint,
      STATE_PREFIX: `entry-${++upload}/`,
      AWS_ENDPOINT_URL_BEDROCK_RUNTIME: endpoint.url,
      ...env,
    });
    vi.resetModules();
    const main = (await import('../../src/handlers/summarize.js')).main as unknown as Main;
    return { main, restore };
  }

  it('with the default summarizer, stores an extractive summary and sends nothing to Bedrock', async () => {
    const { main, restore } = await mainWith({});
    try {
      const report = await main(await uploadArticle(), context);

      expect(report.outcomes[0]).toMatchObject({
        status: 'summarized',
        summarizer: { name: 'lead-centrality-coverage' },
      });
      expect(
        report.outcomes[0]?.status === 'summarized' && report.outcomes[0].summarizer.llm,
      ).toBeUndefined();
      expect(endpoint.paths).toEqual([]);
    } finally {
      restore();
    }
  });

  it('with SUMMARIZER=bedrock, calls Converse on the configured model and stores the verified answer', async () => {
    const { main, restore } = await mainWith({ SUMMARIZER: 'bedrock' });
    try {
      const report = await main(await uploadArticle(), context);

      expect(report.outcomes[0]).toMatchObject({
        status: 'summarized',
        title: GOOD_DRAFT.title,
        summarizer: { name: 'llm-verified-against-source', llm: { provider: 'bedrock', modelId: MODEL_ID } },
      });
      expect(endpoint.paths).toEqual([`POST /model/${encodeURIComponent(MODEL_ID)}/converse`]);
    } finally {
      restore();
    }
  });
});
