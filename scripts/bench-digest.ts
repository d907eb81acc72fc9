/**
 * npm run bench:digest -- [--quick] [--scenarios 10000@14x10,10000@200x1,100000@200x1] [--senders N]
 *                         [--summaries N]
 *
 * The digest at scale (issue 14): N subscribers all due in the same hour, sent through the real planner
 * (`createDigestHandler` over `digestDeps`, with a send queue) and the real sender (`createDigestSenderHandler`
 * over `senderDeps`) driven by the local SQS event source at maximum concurrency DIGEST_SENDERS, against
 * s3rver, dynalite (the digest table), fauxqs (the send queue and its dead-letter queue) and aws-ses-v2-local
 * behind a proxy that enforces an SES send rate (429 TooManyRequestsException past it; GetAccount answers
 * that MaxSendRate). Each SDK client gets, at the request-handler boundary, a delay for AWS's latency in the
 * region (S3 30 ms, SES 70 ms, DynamoDB 7 ms, SQS 10 ms) and a counter of requests by operation.
 *
 * A scenario `N@RxK` runs K times faster than life to fit in minutes: the rate limit K x R, every latency / K;
 * times and rates are reported divided back (simulated). Lambda timeouts are not scaled: the product's safety
 * margin before them is a constant (SAFETY_MARGIN_MS), and no invocation comes near them (the longest is
 * reported). dynalite and the SES emulator each run in a worker thread of this process (the 2-core machine's
 * second core); the product code, s3rver and fauxqs share the main thread.
 *
 * Progress goes to stderr every few seconds; a table per scenario, the targets and the cost table to stdout;
 * the last line is one JSON object (the largest scenario's figures at the top level, every scenario in
 * `scenarios`). Exit code 1 when a target fails.
 */
import { createHash } from 'node:crypto';
import { parseArgs } from 'node:util';
import { Worker } from 'node:worker_threads';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { Logger } from '@aws-lambda-powertools/logger';
import type { LogItemExtraInput, LogItemMessage } from '@aws-lambda-powertools/logger/types';
import { Metrics } from '@aws-lambda-powertools/metrics';
import {
  BatchWriteItemCommand,
  GetItemCommand,
  QueryCommand,
  type AttributeValue,
  type WriteRequest,
} from '@aws-sdk/client-dynamodb';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { CreateQueueCommand } from '@aws-sdk/client-sqs';
import { mapConcurrent } from '../src/concurrency.js';
import {
  createDynamoDbClient,
  createS3Client,
  createSesClient,
  createSqsClient,
} from '../src/aws/clients.js';
import { createDigestTable, dueShardOf, profileKey } from '../src/aws/digest-table.js';
import { loadDigestConfig } from '../src/config.js';
import { localTime } from '../src/digest/local-time.js';
import { createDigestHandler, digestDeps, type DigestEvent } from '../src/handlers/digest-handler.js';
import { createDigestSenderHandler, senderDeps } from '../src/handlers/digest-sender-handler.js';
import {
  LOCAL_REGION,
  sesEmulatorAccount,
  startS3Emulator,
  LOCAL_CLIENT_CREDENTIALS,
} from '../src/local/emulators.js';
import { lambdaContext } from '../src/local/lambda-runtime.js';
import { startSqsEmulator } from '../src/local/sqs-emulator.js';
import { startSqsEventSource, type SqsHandler } from '../src/local/sqs-event-source.js';
import type { DigestReport } from '../src/use-cases/run-digest/run-digest.js';
import { buildSummary, SAMPLE_DAY, summaryKey } from '../test/support/summary-fixtures.js';
import {
  cost,
  dailyUsage,
  DAYS_PER_MONTH,
  itemBytes,
  NO_USAGE,
  PRICES,
  type AttributeValueJson,
  type Usage,
} from './bench-digest/cost-model.js';
import { emptyCounts, instrument, type RequestCounts } from './bench-digest/sdk-instrumentation.js';
import type { SesProxyStats } from './bench-digest/ses-rate-limit-proxy.js';

// ------------------------------------------------------------------------------------------------ settings

/** AWS in-region latency per request (ms), before clock scaling. */
const LATENCY_MS = { s3: 30, ses: 70, dynamodb: 7, sqs: 10 } as const;
/** serverless.yml: both functions 1024 MB, 300 s; the queue's visibility timeout 6 x 300 s, 5 receives. */
const MEMORY_GB = 1;
const FUNCTION_TIMEOUT_MS = 300_000;
const VISIBILITY_TIMEOUT_SECONDS = 1_800;
const MAX_RECEIVES = 5;
const INLINE_SECONDS = 120;
const BUCKET = 'bench-digest-bucket';
const SENDER = 'digest@example.com';
const PROGRESS_EVERY_MS = 5_000;
const HOUR_S = 3_600;
/** A scenario stops waiting for its queue this long (real) after the planner, whatever the clock scale. */
const MAX_DRAIN_MS = 15 * 60_000;
/** Zones with whole, half and three-quarter hour offsets; each subscriber's send hour is their local hour now. */
const ZONES = [
  'UTC',
  'Europe/London',
  'Europe/Berlin',
  'Europe/Helsinki',
  'America/New_York',
  'America/Chicago',
  'America/Los_Angeles',
  'America/Sao_Paulo',
  'Asia/Kolkata',
  'Asia/Kathmandu',
  'Asia/Tokyo',
  'Australia/Sydney',
];

interface Scenario {
  subscribers: number;
  rateLimit: number;
  /** Clock scale: runs this many times faster than life. */
  k: number;
}

const usage =
  'usage: npm run bench:digest -- [--quick] [--scenarios N@RxK,...] [--senders N] [--summaries N]\n' +
  '  N subscribers due at once, SES limit R/s, clock K times faster; e.g. 10000@14x10,100000@200x1';

function options() {
  const { values } = parseArgs({
    options: {
      quick: { type: 'boolean', default: false },
      scenarios: { type: 'string' },
      senders: { type: 'string', default: '8' },
      summaries: { type: 'string', default: '20' },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) {
    console.log(usage);
    process.exit(0);
  }
  const quick = values.quick;
  const list =
    values.scenarios ?? (quick ? '2000@14x5,2000@200x0.75' : '10000@14x5,10000@200x0.75,100000@200x0.75');
  const scenarios = list.split(',').map((spec): Scenario => {
    const match = /^(\d+)@(\d+(?:\.\d+)?)x(\d+(?:\.\d+)?)$/.exec(spec.trim());
    if (!match) throw new Error(`bad scenario ${JSON.stringify(spec)}\n${usage}`);
    return { subscribers: Number(match[1]), rateLimit: Number(match[2]), k: Number(match[3]) };
  });
  const senders = Number(values.senders);
  const summaries = Number(values.summaries);
  if (!Number.isInteger(senders) || senders < 1)
    throw new Error(`--senders must be a whole number ≥ 1\n${usage}`);
  if (!Number.isInteger(summaries) || summaries < 1 || summaries > 1000)
    throw new Error(`--summaries must be 1-1000\n${usage}`);
  return { scenarios, senders, summaries };
}

// ------------------------------------------------------------------------------------------------ output

const started = performance.now();
function progress(line: string): void {
  console.error(`[${((performance.now() - started) / 1000).toFixed(1).padStart(6)} s] ${line}`);
}

function table(headers: string[], rows: string[][]): string {
  const line = (cells: string[]) => `| ${cells.join(' | ')} |`;
  return [line(headers), line(headers.map(() => '---')), ...rows.map(line)].join('\n');
}

const round = (value: number, digits = 2) => Math.round(value * 10 ** digits) / 10 ** digits;
const int = (value: number) => Math.round(value).toLocaleString('en-US');
const usd = (value: number) => (value < 0.01 ? `$${value.toFixed(4)}` : `$${value.toFixed(2)}`);

// ------------------------------------------------------------------------------------------------ emulators

/** Starts an emulator in its own thread (tsx's loader registered there too); resolves to its endpoint. */
function startInWorker(kind: 'dynamodb' | 'ses'): Promise<{ endpoint: string; worker: Worker }> {
  const entry = join(__dirname, 'bench-digest', 'emulator-worker.ts');
  const worker = new Worker(
    `require(${JSON.stringify(require.resolve('tsx/cjs'))}); require(${JSON.stringify(entry)});`,
    {
      eval: true,
      workerData: { kind },
    },
  );
  return new Promise((resolve, reject) => {
    worker.once('message', (message: { endpoint: string }) =>
      resolve({ endpoint: message.endpoint, worker }),
    );
    worker.once('error', reject);
  });
}

async function proxyControl<T>(endpoint: string, path: string, body?: unknown): Promise<T> {
  const response = await fetch(`${endpoint}/__bench/${path}`, {
    method: body === undefined ? 'GET' : 'POST',
    ...(body !== undefined && { body: JSON.stringify(body) }),
  });
  return (await response.json()) as T;
}

const credentials = LOCAL_CLIENT_CREDENTIALS;

interface Stack {
  s3Endpoint: string;
  sesEndpoint: string;
  dynamodbEndpoint: string;
  sqsEndpoint: string;
  close(): Promise<void>;
}

async function startStack(): Promise<Stack> {
  const [s3, sqs, dynamodb, ses] = await Promise.all([
    startS3Emulator({ buckets: [BUCKET] }),
    startSqsEmulator(),
    startInWorker('dynamodb'),
    startInWorker('ses'),
  ]);
  return {
    s3Endpoint: s3.endpoint,
    sesEndpoint: ses.endpoint,
    dynamodbEndpoint: dynamodb.endpoint,
    sqsEndpoint: sqs.endpoint,
    async close() {
      await Promise.all([s3.close(), sqs.close(), dynamodb.worker.terminate(), ses.worker.terminate()]);
    },
  };
}

// ------------------------------------------------------------------------------------------------ data

/** Summaries stored now under summaries/, as the summarize function would: every digest carries them all. */
async function storeSummaries(stack: Stack, count: number): Promise<void> {
  const s3 = createS3Client({ AWS_REGION: LOCAL_REGION, S3_ENDPOINT: stack.s3Endpoint }, { credentials });
  const now = new Date();
  await mapConcurrent(
    Array.from({ length: count }, (_, i) => i),
    8,
    async (i) => {
      const fixture = SAMPLE_DAY[i % SAMPLE_DAY.length]!;
      const summary = buildSummary({
        ...fixture,
        title: `${fixture.title} (${i + 1})`,
        key: `articles/bench-${i}.txt`,
      });
      await s3.send(
        new PutObjectCommand({
          Bucket: BUCKET,
          Key: summaryKey(summary, now),
          Body: JSON.stringify(summary),
        }),
      );
    },
  );
  s3.destroy();
  // Windows end on a whole second (S3's LastModified resolution): let this one pass.
  await new Promise((resolve) => setTimeout(resolve, 1100));
}

const subscriberIdFor = (scenario: number, i: number) =>
  createHash('md5').update(`bench-${scenario}-${i}`).digest('hex');
const emailFor = (i: number) => `reader-${i}@bench.example.com`;

/**
 * Writes the profiles straight into the table (BatchWriteItem, the layout of dynamodb-subscriber-store.ts),
 * each due since an hour ago with the send hour its zone shows now: all owed a digest at the run's `now`.
 * Zones at 23:xx are left out, so a subscriber's local day cannot end between seeding and the run.
 */
async function seedSubscribers(
  stack: Stack,
  tableName: string,
  scenario: number,
  count: number,
): Promise<string[]> {
  const dynamodb = createDynamoDbClient(
    { AWS_REGION: LOCAL_REGION, DYNAMODB_ENDPOINT: stack.dynamodbEndpoint },
    { credentials },
  );
  await createDigestTable(dynamodb, tableName);
  const now = new Date();
  const zones = ZONES.flatMap((timeZone) => {
    const hour = Math.floor(localTime(now, timeZone).minuteOfDay / 60);
    return hour === 23 ? [] : [{ timeZone, sendAt: `${String(hour).padStart(2, '0')}:00` }];
  });
  const at = now.toISOString();
  // Each due since a distinct millisecond of the last hour: dynalite keys an index entry by the index key and
  // only 6 hex digits of a hash of the table key, so thousands of profiles with one `dueAt` in a shard
  // overwrite each other's entries (about 24 of 100,000 vanished from the due index when all shared one).
  const dueAt = (i: number) => new Date(now.getTime() - HOUR_S * 1000 + (i % (HOUR_S * 1000))).toISOString();
  const item = (i: number): Record<string, AttributeValue> => {
    const id = subscriberIdFor(scenario, i);
    const zone = zones[i % zones.length]!;
    return {
      ...profileKey(id),
      id: { S: id },
      email: { S: emailFor(i) },
      timeZone: { S: zone.timeZone },
      sendAt: { S: zone.sendAt },
      topics: { L: [] },
      keywords: { L: [] },
      createdAt: { S: at },
      updatedAt: { S: at },
      dueShard: { S: dueShardOf(id) },
      dueAt: { S: dueAt(i) },
    };
  };
  const batches = Array.from({ length: Math.ceil(count / 25) }, (_, b) => b);
  await mapConcurrent(batches, 4, async (b) => {
    let requests: WriteRequest[] = Array.from({ length: Math.min(25, count - b * 25) }, (_, j) => ({
      PutRequest: { Item: item(b * 25 + j) },
    }));
    while (requests.length > 0) {
      const answer = await dynamodb.send(
        new BatchWriteItemCommand({ RequestItems: { [tableName]: requests } }),
      );
      requests = answer.UnprocessedItems?.[tableName] ?? [];
    }
  });
  dynamodb.destroy();
  return Array.from({ length: count }, (_, i) => emailFor(i));
}

// ------------------------------------------------------------------------------------------------ Lambda

/** Counts what the handlers report through metrics instead of printing EMF. */
class CountingMetrics extends Metrics {
  readonly totals: Record<string, number> = {};
  override addMetric(...[name, , value]: Parameters<Metrics['addMetric']>): this {
    this.totals[name] = (this.totals[name] ?? 0) + value;
    return this;
  }
  /** Nothing to print: the bench reads `totals`. */
  override publishStoredMetrics(): this {
    return this;
  }
}

/** Prints the first few warnings and errors (stderr), counts them all; info is below its level. */
class CountingLogger extends Logger {
  readonly counted = { warn: 0, error: 0 };
  override warn(input: LogItemMessage, ...extra: LogItemExtraInput): void {
    if (++this.counted.warn <= 3) super.warn(input, ...extra);
  }
  override error(input: LogItemMessage, ...extra: LogItemExtraInput): void {
    if (++this.counted.error <= 3) super.error(input, ...extra);
  }
}

interface Invocations {
  planner: number[];
  sender: number[];
  containers: number;
}

/**
 * Lambda's containers for the sender: an invocation takes a warm one or starts a new one (its own wiring, so
 * its own snapshot cache, as a container has); at most maxConcurrency are busy, as the mapping allows.
 */
function senderContainers(create: () => SqsHandler, invocations: Invocations): SqsHandler {
  const idle: SqsHandler[] = [];
  return async (event, context) => {
    let handler = idle.pop();
    if (handler === undefined) {
      handler = create();
      invocations.containers++;
    }
    const t0 = performance.now();
    try {
      return await handler(event, context);
    } finally {
      invocations.sender.push(performance.now() - t0);
      idle.push(handler);
    }
  };
}

// ------------------------------------------------------------------------------------------------ a scenario

interface ScenarioResult {
  name: string;
  subscribers: number;
  rateLimit: number;
  clockScale: number;
  senders: number;
  due: number;
  sent: number;
  accepted: number;
  duplicates: number;
  missed: number;
  throttled: number;
  achievedRate: number;
  /** The planner's report and how long it ran (simulated). */
  planner: DigestReport & { simulatedSeconds: number; realSeconds: number };
  /** From the planner's start to the last accepted send (simulated). */
  allSentSeconds: number;
  /** From the planner's start to the first accepted send (simulated). */
  firstSendSeconds: number;
  /** This process while the scenario ran: CPU (all threads, cores), main thread busy share, load average. */
  harness: { cores: number; mainThreadBusy: number; loadAverage: number };
  /** What the table holds for the first few subscribers who got nothing: why they were missed. */
  missedSample: Record<string, unknown>[];
  invocations: number;
  senderInvocations: number;
  containers: number;
  longestInvocationSeconds: number;
  gbSeconds: number;
  realSeconds: number;
  requests: Record<string, number>;
  counts: RequestCounts;
  warnings: number;
  errors: number;
  itemBytes: { profile: number; day: number };
  metrics: Record<string, number>;
}

async function runScenario(
  stack: Stack,
  index: number,
  scenario: Scenario,
  senders: number,
): Promise<ScenarioResult> {
  const { subscribers, rateLimit, k } = scenario;
  const name = `${subscribers.toLocaleString('en-US')} at ${rateLimit}/s`;
  const t0 = performance.now();
  const tableName = `bench-digest-${index}`;
  progress(`${name}: seeding ${subscribers.toLocaleString('en-US')} subscribers (clock x${k})`);
  const emails = await seedSubscribers(stack, tableName, index, subscribers);
  progress(`${name}: seeded in ${((performance.now() - t0) / 1000).toFixed(1)} s`);

  const scaledRate = rateLimit * k;
  await proxyControl(stack.sesEndpoint, 'configure', {
    rate: scaledRate,
    burst: Math.max(1, rateLimit),
    account: sesEmulatorAccount({
      productionAccess: true,
      maxSendRate: scaledRate,
      max24HourSend: 10_000_000,
    }),
  });

  const counts = emptyCounts();
  const aws = {
    AWS_REGION: LOCAL_REGION,
    S3_ENDPOINT: stack.s3Endpoint,
    SES_ENDPOINT: stack.sesEndpoint,
    DYNAMODB_ENDPOINT: stack.dynamodbEndpoint,
    SQS_ENDPOINT: stack.sqsEndpoint,
  };
  const clients = {
    s3: createS3Client(aws, { credentials }),
    ses: createSesClient(aws, { credentials }),
    dynamodb: createDynamoDbClient(aws, { credentials }),
    sqs: createSqsClient(aws, { credentials }),
  };
  const pollerSqs = createSqsClient(aws, { credentials });
  for (const [service, client] of Object.entries(clients) as [
    keyof typeof LATENCY_MS,
    (typeof clients)['s3'],
  ][]) {
    instrument(client, service, { latencyMs: LATENCY_MS[service] / k, counts: () => counts });
  }
  instrument(pollerSqs, 'sqs', { latencyMs: LATENCY_MS.sqs / k, counts: () => counts });

  const queue = async (queueName: string, attributes: Record<string, string> = {}) => {
    const { QueueUrl } = await clients.sqs.send(
      new CreateQueueCommand({ QueueName: queueName, Attributes: attributes }),
    );
    if (QueueUrl === undefined) throw new Error(`fauxqs created ${queueName} without a URL`);
    return QueueUrl;
  };
  const deadLetterUrl = await queue(`bench-digest-send-dlq-${index}`);
  const queueUrl = await queue(`bench-digest-send-${index}`, {
    VisibilityTimeout: String(VISIBILITY_TIMEOUT_SECONDS),
  });

  const config = loadDigestConfig({
    ...aws,
    BUCKET,
    DIGEST_TABLE: tableName,
    SENDER_EMAIL: SENDER,
    DIGEST_SEND_QUEUE_URL: queueUrl,
    DIGEST_SENDERS: String(senders),
    DIGEST_INLINE_SECONDS: String(Math.round(INLINE_SECONDS / k)),
    UNSUBSCRIBE_URL: 'https://unsubscribe.example.com/',
    ARTICLE_LINK_URL: 'https://links.example.com/',
    LINK_SIGNING_SECRET: 'bench-only-secret-0123456789-0123456789-abcdef',
  });
  const logger = new CountingLogger({ serviceName: 'bench-digest', logLevel: 'WARN' });
  const metrics = new CountingMetrics({ namespace: 'bench', serviceName: 'bench-digest' });
  const invocations: Invocations = { planner: [], sender: [], containers: 0 };
  const senderHandler = senderContainers(
    () =>
      createDigestSenderHandler(
        senderDeps(config, clients, logger),
        logger,
        metrics,
      ) as unknown as SqsHandler,
    invocations,
  );
  const eventSource = await startSqsEventSource({
    sqs: pollerSqs,
    queueUrl,
    handler: senderHandler,
    functionName: 'digestSender',
    maxConcurrency: senders,
    batchSize: 1,
    visibilityTimeoutSeconds: VISIBILITY_TIMEOUT_SECONDS,
    remainingTimeMs: FUNCTION_TIMEOUT_MS,
    deadLetterQueueUrl: deadLetterUrl,
    maxReceiveCount: MAX_RECEIVES,
    onError: (error) => logger.error('sqs event source', { error: String(error) }),
  });

  let last = {
    at: performance.now(),
    accepted: 0,
    cpu: process.cpuUsage(),
    loop: performance.eventLoopUtilization(),
  };
  const ticker = setInterval(() => {
    void proxyControl<SesProxyStats>(stack.sesEndpoint, 'stats').then((stats) => {
      const now = performance.now();
      const seconds = (now - last.at) / 1000;
      const rate = (stats.accepted - last.accepted) / seconds / k;
      const cpu = process.cpuUsage(last.cpu);
      const cores = (cpu.user + cpu.system) / 1e6 / seconds;
      const loop = performance.eventLoopUtilization(last.loop).utilization;
      last = {
        at: now,
        accepted: stats.accepted,
        cpu: process.cpuUsage(),
        loop: performance.eventLoopUtilization(),
      };
      progress(
        `${name}: sent ${int(stats.accepted)}/${int(subscribers)}, ${rate.toFixed(1)}/s simulated ` +
          `(last ${seconds.toFixed(0)} s), throttled ${int(stats.throttled)}, ` +
          `sender invocations ${int(invocations.sender.length)}, warnings ${logger.counted.warn}, ` +
          `errors ${logger.counted.error}; CPU ${cores.toFixed(2)} cores, main thread busy ${(100 * loop).toFixed(0)}%`,
      );
    });
  }, PROGRESS_EVERY_MS);

  const planner = createDigestHandler(digestDeps(config, clients, logger), logger, metrics) as unknown as (
    event: DigestEvent,
    context: ReturnType<typeof lambdaContext>,
  ) => Promise<DigestReport>;
  const cpu0 = process.cpuUsage();
  const loop0 = performance.eventLoopUtilization();
  const runAt = new Date();
  const plannerStart = Date.now();
  const p0 = performance.now();
  const report = await planner({ time: runAt.toISOString() }, lambdaContext('digest', FUNCTION_TIMEOUT_MS));
  invocations.planner.push(performance.now() - p0);
  progress(
    `${name}: planner done in ${((performance.now() - p0) / 1000).toFixed(1)} s real: due ${int(report.due)}, ` +
      `enqueued ${int(report.enqueued)} in ${int(report.batches)} batches, sent inline ${int(report.sent)}`,
  );
  let drainedInTime = true;
  await Promise.race([
    eventSource.drained(),
    new Promise<void>((resolve) =>
      setTimeout(
        () => {
          drainedInTime = false;
          resolve();
        },
        Math.min(MAX_DRAIN_MS, (HOUR_S * 1000) / k),
      ),
    ),
  ]);
  if (!drainedInTime) progress(`${name}: the queue did not drain within the simulated hour; stopping`);
  clearInterval(ticker);
  await eventSource.stop();
  const stats = await proxyControl<SesProxyStats>(stack.sesEndpoint, 'stats?recipients=1');
  const realSeconds = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  const harness = {
    cores: (cpu.user + cpu.system) / 1e6 / ((Date.now() - plannerStart) / 1000),
    mainThreadBusy: performance.eventLoopUtilization(loop0).utilization,
    loadAverage: loadavg()[0] ?? 0,
  };

  const reached = stats.recipients ?? {};
  const missedIndexes = emails.flatMap((email, i) => ((reached[email] ?? 0) === 0 ? [i] : []));
  const missed = missedIndexes.length;
  const missedSample = await describeMissed(
    clients.dynamodb,
    tableName,
    missedIndexes.slice(0, 5).map((i) => subscriberIdFor(index, i)),
  );
  const sentSpan = (stats.lastAcceptedAt - stats.firstAcceptedAt) / 1000;
  const achievedRate = sentSpan > 0 ? stats.accepted / sentSpan / k : 0;
  const durations = [...invocations.planner, ...invocations.sender];
  const itemSizes = await sampleItemBytes(clients.dynamodb, tableName, subscriberIdFor(index, 0));
  for (const client of [...Object.values(clients), pollerSqs]) client.destroy();

  const requests = Object.fromEntries(
    Object.entries(counts.byOperation).filter(([operation]) => operation !== 'sqs.GetQueueAttributes'),
  );
  return {
    name,
    subscribers,
    rateLimit,
    clockScale: k,
    senders,
    due: report.due,
    sent: subscribers - missed,
    accepted: stats.accepted,
    duplicates: stats.duplicates,
    missed,
    throttled: stats.throttled,
    achievedRate,
    planner: {
      ...report,
      simulatedSeconds: (invocations.planner[0]! / 1000) * k,
      realSeconds: invocations.planner[0]! / 1000,
    },
    allSentSeconds: ((stats.lastAcceptedAt - plannerStart) / 1000) * k,
    firstSendSeconds: ((stats.firstAcceptedAt - plannerStart) / 1000) * k,
    harness,
    missedSample,
    invocations: durations.length,
    senderInvocations: invocations.sender.length,
    containers: invocations.containers,
    longestInvocationSeconds: (Math.max(...durations) / 1000) * k,
    gbSeconds: (durations.reduce((sum, ms) => sum + ms, 0) / 1000) * k * MEMORY_GB,
    realSeconds,
    requests,
    counts,
    warnings: logger.counted.warn,
    errors: logger.counted.error,
    itemBytes: itemSizes,
    metrics: metrics.totals,
  };
}

/** The stored schedule, hold and ledger state of subscribers who got no digest. */
async function describeMissed(
  dynamodb: ReturnType<typeof createDynamoDbClient>,
  tableName: string,
  subscriberIds: string[],
): Promise<Record<string, unknown>[]> {
  return Promise.all(
    subscriberIds.map(async (id) => {
      const { Item } = await dynamodb.send(
        new GetItemCommand({ TableName: tableName, Key: profileKey(id), ConsistentRead: true }),
      );
      const text = (name: string) => Item?.[name]?.S;
      return {
        id,
        timeZone: text('timeZone'),
        sendAt: text('sendAt'),
        dueAt: text('dueAt'),
        latest: Item?.latest?.M?.status?.S,
        claim: Item?.claim?.M?.claimedAt?.S,
      };
    }),
  );
}

/** The billed size of a subscriber's profile (with `latest`) and of their day's ledger item, as stored. */
async function sampleItemBytes(
  dynamodb: ReturnType<typeof createDynamoDbClient>,
  tableName: string,
  subscriberId: string,
): Promise<{ profile: number; day: number }> {
  const read = async (sk: string) => {
    const { Items } = await dynamodb.send(
      new QueryCommand({
        TableName: tableName,
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :sk)',
        ExpressionAttributeValues: { ':pk': { S: `SUB#${subscriberId}` }, ':sk': { S: sk } },
      }),
    );
    const item = Items?.[0];
    return item === undefined ? 0 : itemBytes(item as Record<string, AttributeValueJson>);
  };
  return { profile: await read('PROFILE'), day: await read('DAY#') };
}

// ------------------------------------------------------------------------------------------------ cost

const op = (result: ScenarioResult, name: string) => result.requests[name] ?? 0;

/** Each request kind counted in the scenario, as the JSON's `requests`. */
function requestSummary(result: ScenarioResult) {
  const sum = (prefix: string, names: string[]) =>
    names.reduce((total, n) => total + op(result, `${prefix}.${n}`), 0);
  return {
    s3Get: op(result, 's3.GetObject'),
    s3Put: op(result, 's3.PutObject'),
    s3List: op(result, 's3.ListObjectsV2'),
    ses: op(result, 'ses.SendEmail'),
    sesOther: sum('ses', ['GetAccount', 'GetEmailIdentity']),
    dynamodbRead: sum('dynamodb', ['Query', 'GetItem', 'Scan']),
    dynamodbWrite: sum('dynamodb', ['UpdateItem', 'PutItem', 'DeleteItem']),
    dynamodbReadUnits: round(result.counts.dynamodbReadUnits),
    dynamodbWriteUnits: round(result.counts.dynamodbTableWriteUnits + result.counts.dynamodbIndexWriteUnits),
    sqs: sum('sqs', ['SendMessageBatch', 'ReceiveMessage', 'DeleteMessageBatch', 'DeleteMessage']),
    sqsBilled: result.counts.sqsBilledRequests,
  };
}

/**
 * Per run: what an hourly run costs whoever is due (its listing and reading of the summaries and the
 * snapshot, GetAccount and GetEmailIdentity, the 16 due queries, the invocation). Per subscriber: the rest
 * of the largest scenario divided by its subscribers (sends, claims, ledger writes, batches, sender time).
 */
function costModelInputs(result: ScenarioResult): { perRun: Usage; perSubscriber: Usage } {
  const perRun: Usage = {
    ...NO_USAGE,
    s3Get: op(result, 's3.GetObject') - result.containers,
    s3Put: op(result, 's3.PutObject'),
    s3List: op(result, 's3.ListObjectsV2'),
    dynamodbReadUnits: 16 * 0.5,
    lambdaRequests: 1,
    schedulerInvocations: 1,
  };
  const n = result.subscribers;
  const perSubscriber: Usage = {
    ...NO_USAGE,
    sesMails: op(result, 'ses.SendEmail') / n,
    s3Get: result.containers / n,
    dynamodbReadUnits: Math.max(0, result.counts.dynamodbReadUnits - perRun.dynamodbReadUnits) / n,
    dynamodbWriteUnits: (result.counts.dynamodbTableWriteUnits + result.counts.dynamodbIndexWriteUnits) / n,
    sqsRequests: result.counts.sqsBilledRequests / n,
    lambdaRequests: result.senderInvocations / n,
    lambdaGbSeconds: result.gbSeconds / n,
  };
  return { perRun, perSubscriber };
}

/** Lambda's SQS pollers long-poll the queue around the clock: about 5 pollers x 3 ReceiveMessage a minute. */
const IDLE_POLLS_PER_DAY = 5 * 3 * 60 * 24;

function costTable(result: ScenarioResult): { rows: string[][]; monthly: Record<string, number> } {
  const { perRun, perSubscriber } = costModelInputs(result);
  const rows: string[][] = [];
  const monthly: Record<string, number> = {};
  for (const subscribers of [1_000, 100_000, 1_000_000]) {
    const day = dailyUsage({ subscribers, perSubscriber, perRun, runsPerDay: 24 });
    day.sqsRequests += IDLE_POLLS_PER_DAY;
    const c = cost(day);
    monthly[subscribers] = round(c.totalUsd * DAYS_PER_MONTH, 2);
    rows.push([
      int(subscribers),
      usd(c.byService.ses * DAYS_PER_MONTH),
      usd(c.byService.dynamodb * DAYS_PER_MONTH),
      usd(c.byService.s3 * DAYS_PER_MONTH),
      usd(c.byService.sqs * DAYS_PER_MONTH),
      usd(c.byService.lambda * DAYS_PER_MONTH),
      usd(c.totalUsd),
      usd(c.totalUsd * DAYS_PER_MONTH),
    ]);
  }
  return { rows, monthly };
}

// ------------------------------------------------------------------------------------------------ main

async function main(): Promise<void> {
  const { scenarios, senders, summaries } = options();
  process.env.POWERTOOLS_METRICS_DISABLED = 'true';
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
  progress(
    'starting s3rver, fauxqs (this thread), dynalite and aws-ses-v2-local + rate proxy (worker threads)',
  );
  const stack = await startStack();
  const results: ScenarioResult[] = [];
  try {
    await storeSummaries(stack, summaries);
    for (const [index, scenario] of scenarios.entries()) {
      results.push(await runScenario(stack, index, scenario, senders));
      const r = results.at(-1)!;
      progress(`${r.name}: done in ${r.realSeconds.toFixed(0)} s real`);
    }
  } finally {
    await stack.close();
  }
  report(results, { senders, summaries });
}

function report(results: ScenarioResult[], settings: { senders: number; summaries: number }): void {
  const latency = `S3 ${LATENCY_MS.s3} ms, SES ${LATENCY_MS.ses} ms, DynamoDB ${LATENCY_MS.dynamodb} ms, SQS ${LATENCY_MS.sqs} ms`;
  console.log(
    `Digest at scale: ${settings.senders} senders (DIGEST_SENDERS, the queue's maximum concurrency), batches of 50, ` +
      `${settings.summaries} summaries in every digest; latency per request ${latency} (divided by the clock scale).\n`,
  );
  const rows = (r: ScenarioResult): string[][] => {
    const q = requestSummary(r);
    return [
      ['clock scale k (runs k times faster; figures simulated)', `${r.clockScale}`],
      [
        'due / sent / missed / duplicates',
        `${int(r.due)} / ${int(r.sent)} / ${int(r.missed)} / ${int(r.duplicates)}`,
      ],
      ['SES accepted / throttled (429)', `${int(r.accepted)} / ${int(r.throttled)}`],
      [
        'achieved rate (first to last accepted send)',
        `${r.achievedRate.toFixed(1)}/s (${((100 * r.achievedRate) / r.rateLimit).toFixed(1)}% of ${r.rateLimit}/s)`,
      ],
      [
        'planner: simulated time (real); enqueued in batches; sent inline',
        `${r.planner.simulatedSeconds.toFixed(1)} s (${r.planner.realSeconds.toFixed(1)} s); ${int(r.planner.enqueued)} in ${int(r.planner.batches)}; ${int(r.planner.sent)}`,
      ],
      [
        'planner: rescheduled (not owed) / failed / claimed elsewhere / deferred',
        `${int(r.planner.rescheduled)} / ${int(r.planner.failed)} / ${int(r.planner.claimedElsewhere)} / ${int(r.planner.deferred)}`,
      ],
      [
        'senders (DigestsSent / DigestsFailed metrics, all invocations)',
        `${int(r.metrics.DigestsSent ?? 0)} / ${int(r.metrics.DigestsFailed ?? 0)}`,
      ],
      ...(r.missedSample.length > 0
        ? [['first missed subscribers, as stored', r.missedSample.map((m) => JSON.stringify(m)).join('; ')]]
        : []),
      [
        'planner start to first / last send (simulated)',
        `${r.firstSendSeconds.toFixed(1)} s / ${r.allSentSeconds.toFixed(0)} s`,
      ],
      ['invocations (planner + sender) / sender containers', `${int(r.invocations)} / ${r.containers}`],
      [
        'longest invocation (simulated) / GB-s at 1024 MB',
        `${r.longestInvocationSeconds.toFixed(1)} s / ${r.gbSeconds.toFixed(0)}`,
      ],
      ['S3 GET / PUT / LIST', `${int(q.s3Get)} / ${int(q.s3Put)} / ${int(q.s3List)}`],
      ['SES SendEmail attempts / GetAccount + GetEmailIdentity', `${int(q.ses)} / ${int(q.sesOther)}`],
      ['DynamoDB reads / writes (requests)', `${int(q.dynamodbRead)} / ${int(q.dynamodbWrite)}`],
      [
        'DynamoDB read units / write units (table + due index)',
        `${q.dynamodbReadUnits} / ${int(q.dynamodbWriteUnits)}`,
      ],
      ['SQS requests (send, receive with messages, delete) / billed', `${int(q.sqs)} / ${int(q.sqsBilled)}`],
      [
        'by operation',
        Object.entries(r.requests)
          .sort()
          .map(([name, n]) => `${name} ${int(n)}`)
          .join(', '),
      ],
      ['logged warnings / errors', `${r.warnings} / ${r.errors}`],
      ['real time (seeding included)', `${r.realSeconds.toFixed(0)} s`],
      [
        'harness while sending: CPU of this process / main thread busy / load average',
        `${r.harness.cores.toFixed(2)} of ${cpus().length} cores / ${(100 * r.harness.mainThreadBusy).toFixed(0)}% / ${r.harness.loadAverage.toFixed(1)}`,
      ],
    ];
  };
  for (const r of results) {
    console.log(`### ${r.name}\n`);
    console.log(table(['figure', 'value'], rows(r)));
    console.log('');
  }

  const targets: [string, boolean][] = results.flatMap((r): [string, boolean][] => [
    [
      `${r.name}: achieved rate ≥ 90% of the limit (${r.achievedRate.toFixed(1)}/s)`,
      r.achievedRate >= 0.9 * r.rateLimit,
    ],
    [
      `${r.name}: sent == due (${int(r.sent)} of ${int(r.subscribers)})`,
      r.sent === r.subscribers && r.due === r.subscribers,
    ],
    [`${r.name}: no duplicate (${r.duplicates})`, r.duplicates === 0],
    ...(r.subscribers >= 100_000 && r.rateLimit === 200
      ? ([
          [
            `${r.name}: all sent within the hour (${r.allSentSeconds.toFixed(0)} s simulated)`,
            r.missed === 0 && r.allSentSeconds <= HOUR_S,
          ],
        ] as [string, boolean][])
      : []),
  ]);
  console.log(
    table(
      ['target', 'result'],
      targets.map(([what, ok]) => [what, ok ? 'PASS' : 'FAIL']),
    ),
  );
  console.log('');

  const largest = results.reduce((a, b) => (b.subscribers > a.subscribers ? b : a));
  const { rows: costRows, monthly } = costTable(largest);
  console.log(
    `Cost from the ${largest.name} run's counts (per subscriber: its requests / ${int(largest.subscribers)}; per run: the ` +
      'summaries read, the snapshot, GetAccount, 16 due queries, the planner; 24 runs a day with someone due; ' +
      `Lambda's idle SQS polling ${int(IDLE_POLLS_PER_DAY)} requests a day). List prices us-east-1: SES $0.10 per ` +
      '1,000 mails; DynamoDB on-demand $0.625 per million write units (1 KB) and $0.125 per million read units ' +
      `(profile item ${largest.itemBytes.profile} B, ledger day item ${largest.itemBytes.day} B: 1 write unit each; ` +
      'the due index is written too: twice when dueAt moves, once when latest changes, not for a claim); S3 PUT/LIST $0.005 ' +
      'and GET $0.0004 per 1,000; SQS $0.40 per million (64 KB chunks); Lambda $0.20 per million requests and ' +
      `$${PRICES.lambdaGbSecond} per GB-s at 1024 MB; EventBridge Scheduler within its free tier. Months of 30 days.\n`,
  );
  console.log(
    table(['subscribers a day', 'SES', 'DynamoDB', 'S3', 'SQS', 'Lambda', 'per day', 'per month'], costRows),
  );
  console.log('');

  const figures = (r: ScenarioResult) => ({
    name: r.name,
    subscribers: r.subscribers,
    sent: r.sent,
    duplicates: r.duplicates,
    missed: r.missed,
    rateLimit: r.rateLimit,
    achievedRate: round(r.achievedRate),
    clockScale: r.clockScale,
    senders: r.senders,
    throttled: r.throttled,
    invocations: r.invocations,
    containers: r.containers,
    plannerSeconds: round(r.planner.simulatedSeconds),
    plannerRealSeconds: round(r.planner.realSeconds),
    planner: {
      due: r.planner.due,
      rescheduled: r.planner.rescheduled,
      failed: r.planner.failed,
      claimedElsewhere: r.planner.claimedElsewhere,
      enqueued: r.planner.enqueued,
      batches: r.planner.batches,
      sentInline: r.planner.sent,
    },
    allSentSeconds: round(r.allSentSeconds),
    firstSendSeconds: round(r.firstSendSeconds),
    harness: {
      cores: round(r.harness.cores),
      mainThreadBusy: round(r.harness.mainThreadBusy),
      loadAverage: round(r.harness.loadAverage),
    },
    longestInvocationSeconds: round(r.longestInvocationSeconds),
    gbSeconds: round(r.gbSeconds),
    realSeconds: round(r.realSeconds),
    requests: requestSummary(r),
  });
  const top = figures(largest);
  console.log(
    JSON.stringify({
      subscribers: top.subscribers,
      sent: top.sent,
      duplicates: top.duplicates,
      missed: top.missed,
      rateLimit: top.rateLimit,
      achievedRate: top.achievedRate,
      invocations: top.invocations,
      requests: top.requests,
      costPerMonthUsd: monthly[100_000],
      costPerMonthUsdBySubscribers: monthly,
      scenarios: results.map(figures),
      machine: { node: process.version, cores: cpus().length, loadAverageAtEnd: round(loadavg()[0] ?? 0) },
      passed: targets.every(([, ok]) => ok),
    }),
  );
  if (!targets.every(([, ok]) => ok)) process.exitCode = 1;
}

// Some SDK sockets and emulator timers outlive the stack: leave once the report is out.
main().then(
  () => process.exit(process.exitCode ?? 0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
