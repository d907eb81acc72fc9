/**
 * The whole service on one machine: s3rver, the SES v2 emulator, dynalite (DynamoDB) and fauxqs (SQS) on
 * 127.0.0.1, the real Lambda entry points (`src/handlers/*.main`) configured through the same environment
 * variables as in AWS, S3 notifications delivered to `summarize` with the `articles/` prefix filter that
 * serverless.yml sets, and the send queue polled into `digestSender` as Lambda's event source mapping would.
 */
import { readFile } from 'node:fs/promises';
import { basename, extname } from 'node:path';
import { PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { CreateQueueCommand, type SQSClient } from '@aws-sdk/client-sqs';
import type { Context, S3Event } from 'aws-lambda';
import { createDynamoDbClient, createS3Client, createSqsClient } from '../aws/clients.js';
import { createDigestTable } from '../aws/digest-table.js';
import { createDynamoDbSubscriberStore } from '../aws/dynamodb-subscriber-store.js';
import { subscriberId } from '../digest/subscribers.js';
import { startDynamoDbEmulator, type DynamoDbEmulator } from './dynamodb-emulator.js';
import { startSqsEmulator, type SqsEmulator } from './sqs-emulator.js';
import { startSqsEventSource, type SqsHandler } from './sqs-event-source.js';
import { getJson, listAll } from '../aws/s3-objects.js';
import type { SummarizeReport } from '../handlers/summarize-handler.js';
import { lambdaContext, setEnv, silenceSdkNodeVersionNotice } from './lambda-runtime.js';
import { startFunctionUrl, type FunctionUrlHandler, type LocalFunctionUrl } from './function-url.js';
import {
  LOCAL_CLIENT_CREDENTIALS,
  LOCAL_CREDENTIALS,
  LOCAL_REGION,
  sesEmulatorAccount,
  startS3Emulator,
  startSesEmulator,
  type S3Emulator,
  type SesEmulator,
} from './emulators.js';

export const LOCAL_BUCKET = 'article-digest-local';
export const LOCAL_SENDER = 'digest@example.com';
export const LOCAL_RECIPIENTS = ['reader.one@example.com', 'reader.two@example.com'];
export const LOCAL_TABLE = 'article-digest-local-digest';
/** As serverless.yml deploys them: the sender's timeout, and the queue's visibility timeout six times it. */
const SENDER_TIMEOUT_MS = 300_000;
const SEND_QUEUE_VISIBILITY_SECONDS = 1_800;
const SEND_QUEUE_MAX_RECEIVES = 5;
const LOCAL_SENDERS = 2;
const ARTICLES_PREFIX = 'articles/';

const CONTENT_TYPES: Record<string, string> = {
  '.txt': 'text/plain',
  '.md': 'text/markdown',
  '.markdown': 'text/markdown',
  '.html': 'text/html',
  '.htm': 'text/html',
  '.json': 'application/json',
};

type LambdaEntry = (event: unknown, context: Context) => Promise<unknown>;

export interface LocalStack {
  s3: S3Emulator;
  ses: SesEmulator;
  dynamoDb: DynamoDbEmulator;
  sqs: SqsEmulator;
  /** The digest table: subscribers, their ledger and send claims. */
  table: string;
  /** The unsubscribe function's URL, as the digest's List-Unsubscribe header points to it. */
  unsubscribe: LocalFunctionUrl;
  /** The article-link function's URL, which the digest's links to stored originals point to. */
  articleLink: LocalFunctionUrl;
  /** The subscribe function's URL: the signup page, confirmation links and every digest's preferences link. */
  subscribe: LocalFunctionUrl;
  bucket: string;
  client: S3Client;
  /** Uploads a local file under `articles/` as any S3 client would; the notification does the rest. */
  upload(path: string): Promise<string>;
  /** Resolves when every notification delivered so far has been handled. */
  settled(): Promise<void>;
  /** Invokes the digest as the hourly schedule would, at `time`, and waits until its queued batches are sent. */
  runDigest(time: Date): Promise<unknown>;
  listJson(prefix: string): Promise<{ key: string; body: unknown }[]>;
  close(): Promise<void>;
}

export interface LocalStackOptions {
  quietLogs?: boolean;
  /** Called with what `summarize` returned for each notification, e.g. to print it. */
  onSummarized?: (report: SummarizeReport) => void;
}

export async function startLocalStack(options: LocalStackOptions = {}): Promise<LocalStack> {
  // Lambda runs Node.js 24 (serverless.yml, nodejs24.x); locally Node 20 is supported until the SDK's January
  // 2027 releases. Set before the first client is made, which is when the SDK warns.
  const restoreSdkWarning = silenceSdkNodeVersionNotice();
  const [s3, ses, dynamoDb, sqsEmulator] = await Promise.all([
    startS3Emulator({ buckets: [LOCAL_BUCKET] }),
    startSesEmulator(),
    startDynamoDbEmulator(),
    startSqsEmulator(),
  ]);
  const aws = {
    AWS_REGION: LOCAL_REGION,
    DYNAMODB_ENDPOINT: dynamoDb.endpoint,
    SQS_ENDPOINT: sqsEmulator.endpoint,
  };
  const credentials = LOCAL_CLIENT_CREDENTIALS;
  const dynamodb = createDynamoDbClient(aws, { credentials });
  const sqs = createSqsClient(aws, { credentials });
  await createDigestTable(dynamodb, LOCAL_TABLE);
  await subscribeLocalReaders(dynamodb);
  const queue = await createSendQueue(sqs);
  // The URLs must be known before the digest loads its config; the handlers are loaded after the env is set.
  const loaded: {
    unsubscribe?: FunctionUrlHandler;
    articleLink?: FunctionUrlHandler;
    subscribe?: FunctionUrlHandler;
  } = {};
  const functionUrl = (name: keyof typeof loaded, functionName: string) =>
    startFunctionUrl(
      () => loaded[name] ?? (() => Promise.reject(new Error(`${functionName} is not loaded yet`))),
      () => lambdaContext(functionName),
    );
  const unsubscribeUrl = await functionUrl('unsubscribe', 'unsubscribe');
  const articleLinkUrl = await functionUrl('articleLink', 'article-link');
  const subscribeUrl = await functionUrl('subscribe', 'subscribe');
  const restoreEnv = setEnv({
    ...LOCAL_CREDENTIALS,
    AWS_REGION: LOCAL_REGION,
    BUCKET: LOCAL_BUCKET,
    S3_ENDPOINT: s3.endpoint,
    SES_ENDPOINT: ses.endpoint,
    SENDER_EMAIL: LOCAL_SENDER,
    DYNAMODB_ENDPOINT: dynamoDb.endpoint,
    SQS_ENDPOINT: sqsEmulator.endpoint,
    DIGEST_TABLE: LOCAL_TABLE,
    DIGEST_SEND_QUEUE_URL: queue.url,
    DIGEST_SENDERS: String(LOCAL_SENDERS),
    UNSUBSCRIBE_URL: unsubscribeUrl.url,
    ARTICLE_LINK_URL: articleLinkUrl.url,
    // The digest's preferences links, and the subscribe function's own confirmation links.
    SUBSCRIBE_URL: subscribeUrl.url,
    // The one local master secret: each kind of link derives its own key from it (on AWS each public
    // function gets only its own purpose's secret instead; src/links/link-secrets.ts).
    LINK_SIGNING_SECRET: 'local-only-secret-not-for-production-000000',
    POWERTOOLS_LOG_LEVEL: options.quietLogs ? 'WARN' : 'INFO',
    POWERTOOLS_METRICS_DISABLED: 'true',
    // What the SES emulator's GetAccount answers: a production account, so the sandbox check passes.
    AWS_SES_ACCOUNT: sesEmulatorAccount({ productionAccess: true, maxSendRate: 14, max24HourSend: 50_000 }),
  });
  const summarize = (await import('../handlers/summarize.js')).main as unknown as LambdaEntry;
  const digest = (await import('../handlers/digest.js')).main as unknown as LambdaEntry;
  loaded.unsubscribe = (await import('../handlers/unsubscribe.js')).main as unknown as FunctionUrlHandler;
  loaded.articleLink = (await import('../handlers/article-link.js')).main as unknown as FunctionUrlHandler;
  loaded.subscribe = (await import('../handlers/subscribe.js')).main as unknown as FunctionUrlHandler;
  const digestSender = (await import('../handlers/digest-sender.js')).main as unknown as SqsHandler;
  const client = createS3Client({ AWS_REGION: LOCAL_REGION, S3_ENDPOINT: s3.endpoint });
  const senders = await startSqsEventSource({
    sqs,
    queueUrl: queue.url,
    handler: digestSender,
    functionName: 'digestSender',
    maxConcurrency: LOCAL_SENDERS,
    batchSize: 1,
    visibilityTimeoutSeconds: SEND_QUEUE_VISIBILITY_SECONDS,
    remainingTimeMs: SENDER_TIMEOUT_MS,
    deadLetterQueueUrl: queue.deadLetterUrl,
    maxReceiveCount: SEND_QUEUE_MAX_RECEIVES,
  });

  const inFlight = new Set<Promise<unknown>>();
  s3.onObjectCreated((event: S3Event) => {
    const records = event.Records.filter((r) => r.s3.object.key.startsWith(ARTICLES_PREFIX));
    if (records.length === 0) return;
    const run = summarize({ Records: records }, lambdaContext('summarize'))
      .then((report) => options.onSummarized?.(report as SummarizeReport))
      .catch((error: unknown) =>
        console.error(`summarize failed and would be retried by Lambda: ${String(error)}`),
      )
      .finally(() => inFlight.delete(run));
    inFlight.add(run);
  });

  return {
    s3,
    ses,
    dynamoDb,
    sqs: sqsEmulator,
    table: LOCAL_TABLE,
    unsubscribe: unsubscribeUrl,
    articleLink: articleLinkUrl,
    subscribe: subscribeUrl,
    bucket: LOCAL_BUCKET,
    client,
    async upload(path) {
      const key = `${ARTICLES_PREFIX}${basename(path)}`;
      const contentType = CONTENT_TYPES[extname(path).toLowerCase()] ?? 'application/octet-stream';
      await client.send(
        new PutObjectCommand({
          Bucket: LOCAL_BUCKET,
          Key: key,
          Body: await readFile(path),
          ContentType: contentType,
        }),
      );
      return key;
    },
    async settled() {
      // s3rver emits the notification before it answers the PUT, so every upload's run is already in flight.
      while (inFlight.size > 0) await Promise.all([...inFlight]);
      // Digest windows end on a whole second (S3's LastModified resolution): let this second pass, so a
      // digest run right after it includes what was just stored, as an hourly run would.
      await new Promise((resolve) => setTimeout(resolve, 1000 - (Date.now() % 1000) + 1));
    },
    // The digest's timeout in serverless.yml: it stops starting sends well before it (digest-handler.ts).
    async runDigest(time) {
      const report = await digest({ time: time.toISOString() }, lambdaContext('digest', 300_000));
      await senders.drained();
      return report;
    },
    async listJson(prefix) {
      const keys = (await listAll(client, LOCAL_BUCKET, prefix)).flatMap((o) => (o.Key ? [o.Key] : []));
      return Promise.all(keys.map(async (key) => ({ key, body: await getJson(client, LOCAL_BUCKET, key) })));
    },
    async close() {
      await senders.stop();
      client.destroy();
      dynamodb.destroy();
      sqs.destroy();
      await Promise.all([
        s3.close(),
        ses.close(),
        dynamoDb.close(),
        sqsEmulator.close(),
        unsubscribeUrl.close(),
        articleLinkUrl.close(),
        subscribeUrl.close(),
      ]);
      // The handlers read it lazily (config, credentials) while the stack runs; afterwards it is given back.
      restoreEnv();
      restoreSdkWarning();
    },
  };
}

/**
 * The local readers, subscribed as an operator would (`npm run subscribers -- add`): UTC, send hour 0, so
 * the local digest is due whenever it is run, still at most once per subscriber and day.
 */
async function subscribeLocalReaders(dynamodb: ReturnType<typeof createDynamoDbClient>): Promise<void> {
  const store = createDynamoDbSubscriberStore(dynamodb, LOCAL_TABLE);
  for (const email of LOCAL_RECIPIENTS) {
    const subscriber = {
      id: subscriberId(email),
      email,
      timeZone: 'UTC',
      sendAt: '00:00',
      topics: [],
      keywords: [],
    };
    await store.put(subscriber, new Date(0));
  }
}

/** The send queue and its dead-letter queue, as serverless.yml declares them (the event source sets the redrive). */
async function createSendQueue(sqs: SQSClient): Promise<{ url: string; deadLetterUrl: string }> {
  const created = async (name: string, attributes: Record<string, string> = {}) => {
    const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: name, Attributes: attributes }));
    if (QueueUrl === undefined) throw new Error(`the local SQS emulator created ${name} without a URL`);
    return QueueUrl;
  };
  return {
    deadLetterUrl: await created('article-digest-local-digest-send-dead-letters'),
    url: await created('article-digest-local-digest-send', {
      VisibilityTimeout: String(SEND_QUEUE_VISIBILITY_SECONDS),
    }),
  };
}
