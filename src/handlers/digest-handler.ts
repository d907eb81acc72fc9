/**
 * The digest Lambda as a function of its dependencies: takes "now" from the scheduled event, runs the
 * digest use case, emits DigestsSent / DigestsFailed. Import this (not `digest.ts`) to run it with
 * injected dependencies; `digestDeps` wires the AWS adapters from a config and clients.
 */
import type { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { MetricUnit, type Metrics } from '@aws-lambda-powertools/metrics';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { S3Client } from '@aws-sdk/client-s3';
import type { SESv2Client } from '@aws-sdk/client-sesv2';
import type { SQSClient } from '@aws-sdk/client-sqs';
import middy from '@middy/core';
import type { Context } from 'aws-lambda';
import { S3_CALL_MAX_MS, SES_ATTEMPT_MAX_MS } from '../aws/clients.js';
import { createDynamoDbSubscriberStore } from '../aws/dynamodb-subscriber-store.js';
import { createS3LinkSigner } from '../aws/s3-presigner.js';
import { createS3RunSnapshots } from '../aws/s3-run-snapshots.js';
import { createS3SummaryReader } from '../aws/s3-summary-reader.js';
import { createSesMailer } from '../aws/ses-mailer.js';
import { createSqsSendQueue } from '../aws/sqs-send-queue.js';
import { linkSecretsFor, type DigestConfig } from '../config.js';
import { longestSendMs } from '../use-cases/run-digest/deliver.js';
import type { DeliveryDeps } from '../use-cases/run-digest/deps.js';
import { runDigest, type DigestDeps, type DigestReport } from '../use-cases/run-digest/run-digest.js';
import { logger as defaultLogger, metrics as defaultMetrics } from '../observability.js';

/**
 * The Scheduler target input is `{"time": "<aws.scheduler.scheduled-time>"}` and an EventBridge
 * ScheduledEvent carries `time` too, so a retried event computes the same "now".
 */
export interface DigestEvent {
  time?: string;
}

/**
 * Start no subscriber and no SendEmail attempt this close to the Lambda timeout, so no send is cut off before
 * its ledger write: the longest a delivery goes on from the start of an attempt (with the clients of
 * aws/clients.ts), 10 s for the attempt + 3 ledger writes × 31 s + 0.6 s between them = 103.6 s. A ledger
 * write is the update of the profile's `latest` (DynamoDB, with S3's deadlines): what refuses a second digest.
 * The history item written after it is an audit trail only; a timeout may lose it, never the guarantee.
 */
export const SAFETY_MARGIN_MS = longestSendMs({
  sendAttemptMs: SES_ATTEMPT_MAX_MS,
  ledgerWriteMs: S3_CALL_MAX_MS,
});

export type DigestWiring = Omit<DigestDeps, 'hasTimeLeft' | 'log'>;

export function eventTime(event: DigestEvent | null | undefined, clock: () => Date = () => new Date()): Date {
  const time = event?.time === undefined ? Number.NaN : Date.parse(event.time);
  return Number.isNaN(time) ? clock() : new Date(time);
}

/** The clients the digest functions use; `sqs` only where a send queue is configured. */
export interface DigestClients {
  s3: S3Client;
  ses: SESv2Client;
  dynamodb: DynamoDBClient;
  sqs?: SQSClient;
}

/** What the planner and the sender both deliver with: the ledger, SES, link signing and the settings. */
/**
 * The digest table's store, one per wiring (it is the planner's store and both functions' ledger). One
 * profile that does not read back (edited by hand) is reported and skipped, never the whole run.
 */
function subscriberStore(config: DigestConfig, dynamodb: DynamoDBClient) {
  return createDynamoDbSubscriberStore(dynamodb, config.DIGEST_TABLE, {
    onInvalidItem: (error) =>
      defaultLogger.error('Skipping a stored subscriber that is not valid; fix or remove the item', {
        key: error.key,
        error: error.message,
      }),
  });
}

export function deliveryWiring(
  config: DigestConfig,
  clients: DigestClients,
  ledger: DeliveryDeps['ledger'] = subscriberStore(config, clients.dynamodb),
): Omit<DeliveryDeps, 'hasTimeLeft' | 'log'> {
  const { s3, ses } = clients;
  const articleLinkSecrets = linkSecretsFor(config, 'articleLink');
  const unsubscribeSecrets = linkSecretsFor(config, 'unsubscribe');
  const preferencesSecrets = linkSecretsFor(config, 'preferences');
  return {
    ledger,
    mailer: createSesMailer(
      ses,
      config.SES_CONFIGURATION_SET === undefined ? {} : { configurationSet: config.SES_CONFIGURATION_SET },
    ),
    links: createS3LinkSigner(s3),
    sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
    clock: () => new Date(),
    settings: {
      sender: config.SENDER_EMAIL,
      sendEmpty: config.SEND_EMPTY_DIGEST,
      topStories: config.DIGEST_TOP_STORIES,
      linkExpirySeconds: config.LINK_EXPIRY_SECONDS,
      // Each kind of link is signed with its purpose's current secret. loadDigestConfig refuses
      // ARTICLE_LINK_URL, UNSUBSCRIBE_URL and SUBSCRIBE_URL without their keys, so a configured link is never
      // left out here; the secret checks only narrow the types.
      ...(config.ARTICLE_LINK_URL !== undefined &&
        articleLinkSecrets !== undefined && {
          articleLink: { url: config.ARTICLE_LINK_URL, secret: articleLinkSecrets.current },
        }),
      ...(config.UNSUBSCRIBE_URL !== undefined &&
        unsubscribeSecrets !== undefined && {
          unsubscribe: { url: config.UNSUBSCRIBE_URL, secret: unsubscribeSecrets.current },
        }),
      ...(config.SUBSCRIBE_URL !== undefined &&
        preferencesSecrets !== undefined && {
          preferences: { url: config.SUBSCRIBE_URL, secret: preferencesSecrets.current },
        }),
      ...(config.DIGEST_MAX_SEND_RATE !== undefined && { maxSendRate: config.DIGEST_MAX_SEND_RATE }),
      senders: config.DIGEST_SENDERS,
      inlineSeconds: config.DIGEST_INLINE_SECONDS,
      batchSize: config.DIGEST_BATCH_SIZE,
    },
  };
}

export function digestDeps(config: DigestConfig, clients: DigestClients): DigestWiring {
  const { s3, sqs } = clients;
  const store = subscriberStore(config, clients.dynamodb);
  const delivery = deliveryWiring(config, clients, store);
  const queueUrl = config.DIGEST_SEND_QUEUE_URL;
  if (queueUrl !== undefined && sqs === undefined) {
    throw new Error('DIGEST_SEND_QUEUE_URL is set but no SQS client was given to the digest wiring');
  }
  return {
    ...delivery,
    store,
    summaries: createS3SummaryReader(s3, config.BUCKET, config.SUMMARIES_PREFIX),
    ...(queueUrl !== undefined &&
      sqs !== undefined && {
        queue: {
          sendQueue: createSqsSendQueue(sqs, queueUrl),
          snapshots: createS3RunSnapshots(s3, config.BUCKET, config.STATE_PREFIX),
        },
      }),
  };
}

/**
 * `wiring` may be a loader: on AWS the link signing secrets are fetched from Secrets Manager at cold
 * start, so the entry passes a once-per-cold-start loader rather than a ready object.
 */
export function createDigestHandler(
  wiring: DigestWiring | (() => Promise<DigestWiring>),
  logger: Logger = defaultLogger,
  metrics: Metrics = defaultMetrics,
) {
  const digest = async (event: DigestEvent | null, context: Context): Promise<DigestReport> => {
    const hasTimeLeft = () =>
      typeof context.getRemainingTimeInMillis !== 'function' ||
      context.getRemainingTimeInMillis() > SAFETY_MARGIN_MS;
    const wired = typeof wiring === 'function' ? await wiring() : wiring;
    const report = await runDigest({ ...wired, log: logger, hasTimeLeft }, eventTime(event));
    metrics.addMetric('DigestsSent', MetricUnit.Count, report.sent);
    metrics.addMetric('DigestsFailed', MetricUnit.Count, report.failed);
    return report;
  };
  return middy(digest)
    .use(injectLambdaContext(logger, { clearState: true }))
    .use(logMetrics(metrics));
}
