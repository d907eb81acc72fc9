/**
 * The digest Lambda as a function of its dependencies: takes "now" from the scheduled event, runs the
 * digest use case, emits DigestsSent / DigestsFailed. Import this (not `digest.ts`) to run it with
 * injected dependencies; `digestDeps` wires the AWS adapters from a config and clients.
 */
import type { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { MetricUnit, type Metrics } from '@aws-lambda-powertools/metrics';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import middy from '@middy/core';
import type { Context } from 'aws-lambda';
import { createS3RunSnapshots } from '../aws/s3-run-snapshots.js';
import { createS3SummaryReader } from '../aws/s3-summary-reader.js';
import { createSqsSendQueue } from '../aws/sqs-send-queue.js';
import type { DigestConfig } from '../config.js';
import { runDigest, type DigestDeps, type DigestReport } from '../use-cases/run-digest/run-digest.js';
import { logger as defaultLogger, metrics as defaultMetrics } from '../observability.js';
import { deliveryWiring, subscriberStore, timeLeftIn, type DigestClients } from './digest-wiring.js';
import { resolveWiring } from './wiring.js';

export { SAFETY_MARGIN_MS, type DigestClients } from './digest-wiring.js';

/**
 * The Scheduler target input is `{"time": "<aws.scheduler.scheduled-time>"}` and an EventBridge
 * ScheduledEvent carries `time` too, so a retried event computes the same "now".
 */
export interface DigestEvent {
  time?: string;
}

export type DigestWiring = Omit<DigestDeps, 'hasTimeLeft' | 'log'>;

export function eventTime(event: DigestEvent | null | undefined, clock: () => Date = () => new Date()): Date {
  const time = event?.time === undefined ? Number.NaN : Date.parse(event.time);
  return Number.isNaN(time) ? clock() : new Date(time);
}

/** `logger`: where a stored subscriber that is not valid is reported; the handler's logger. */
export function digestDeps(
  config: DigestConfig,
  clients: DigestClients,
  logger: Logger = defaultLogger,
): DigestWiring {
  const { s3, sqs } = clients;
  const store = subscriberStore(config, clients.dynamodb, logger);
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
    const wired = await resolveWiring(wiring);
    const report = await runDigest(
      { ...wired, log: logger, hasTimeLeft: timeLeftIn(context) },
      eventTime(event),
    );
    metrics.addMetric('DigestsSent', MetricUnit.Count, report.sent);
    metrics.addMetric('DigestsFailed', MetricUnit.Count, report.failed);
    return report;
  };
  return middy(digest)
    .use(injectLambdaContext(logger, { clearState: true }))
    .use(logMetrics(metrics));
}
