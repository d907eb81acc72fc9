/**
 * The digestSender Lambda as a function of its dependencies: for each SQS record, a batch of due
 * subscribers queued by the hourly planner, checks the message and runs the send-batch use case; emits
 * DigestsSent / DigestsFailed. It answers with ReportBatchItemFailures: a record is reported failed when
 * its batch stopped before the end (the invocation ran short of time), failed as a whole, or is not a
 * batch at all, and SQS delivers it again (subscribers already done are refused by their claim); after five
 * tries the queue moves it to the dead-letter queue, whose alarm calls an operator. Import this (not
 * `digest-sender.ts`) to run it with injected dependencies; `senderDeps` wires the AWS adapters.
 */
import type { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { MetricUnit, type Metrics } from '@aws-lambda-powertools/metrics';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import middy from '@middy/core';
import type { Context, SQSBatchItemFailure, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { createS3RunSnapshots } from '../aws/s3-run-snapshots.js';
import type { DigestConfig } from '../config.js';
import { describeIssues, errorMessage } from '../errors.js';
import type { SenderDeps } from '../use-cases/run-digest/deps.js';
import { sendBatch } from '../use-cases/run-digest/send-batch-use-case.js';
import { sendBatchSchema, type SendBatch } from '../use-cases/run-digest/send-batch.js';
import { logger as defaultLogger, logWithKeys, metrics as defaultMetrics } from '../observability.js';
import { deliveryWiring, subscriberStore, timeLeftIn, type DigestClients } from './digest-wiring.js';
import { resolveWiring } from './wiring.js';

export type SenderWiring = Omit<SenderDeps, 'hasTimeLeft' | 'log'>;

/**
 * The planner's delivery wiring (ledger, SES, links, settings) and the run snapshots the planner saved, which
 * the sender loads. `logger`: where a stored subscriber that is not valid is reported; the handler's logger.
 */
export function senderDeps(
  config: DigestConfig,
  clients: Omit<DigestClients, 'sqs'>,
  logger: Logger = defaultLogger,
): SenderWiring {
  return {
    ...deliveryWiring(config, clients, subscriberStore(config, clients.dynamodb, logger)),
    snapshots: createS3RunSnapshots(clients.s3, config.BUCKET, config.STATE_PREFIX),
  };
}

/** The batch a record carries, or why it carries none. */
export function parseSendBatch(body: string): { batch: SendBatch } | { reason: string } {
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch (error: unknown) {
    return { reason: `not JSON: ${errorMessage(error)}` };
  }
  const parsed = sendBatchSchema.safeParse(json);
  if (parsed.success) return { batch: parsed.data };
  return { reason: describeIssues(parsed.error.issues, 'message', 5) };
}

/**
 * `wiring` may be a loader: on AWS the link signing secrets are fetched from Secrets Manager at cold
 * start, so the entry passes a once-per-cold-start loader rather than a ready object.
 */
export function createDigestSenderHandler(
  wiring: SenderWiring | (() => Promise<SenderWiring>),
  logger: Logger = defaultLogger,
  metrics: Metrics = defaultMetrics,
) {
  /** Whether the record's batch is finished: every subscriber sent, skipped or recorded as failed. */
  const sendRecord = async (
    deps: SenderDeps,
    record: SQSRecord,
    totals: { sent: number; failed: number },
  ): Promise<boolean> => {
    if (!deps.hasTimeLeft()) {
      deps.log.warn('No time left to start this batch; SQS delivers it again');
      return false;
    }
    const parsed = parseSendBatch(record.body);
    if ('reason' in parsed) {
      // Retrying cannot mend it, but a dead-lettered message is what an operator is alarmed about and can
      // look at, and redrive once a sender that reads it is deployed (a version the planner writes ahead).
      deps.log.error('The message is not a send batch; it goes to the dead-letter queue after its tries', {
        reason: parsed.reason,
      });
      return false;
    }
    try {
      const report = await sendBatch(deps, parsed.batch);
      totals.sent += report.sent;
      totals.failed += report.failed;
      return report.complete;
    } catch (error: unknown) {
      // The store, S3 or the snapshot failed: SQS delivers the batch again; what was sent stays claimed.
      deps.log.error('The send batch failed; SQS delivers it again', {
        error,
        runAt: parsed.batch.runAt,
        summariesKey: parsed.batch.summariesKey,
      });
      return false;
    }
  };

  const send = async (event: SQSEvent, context: Context): Promise<SQSBatchResponse> => {
    const wired = await resolveWiring(wiring);
    const hasTimeLeft = timeLeftIn(context);
    const totals = { sent: 0, failed: 0 };
    const batchItemFailures: SQSBatchItemFailure[] = [];
    for (const record of event.Records) {
      const log = logWithKeys(logger, {
        messageId: record.messageId,
        receiveCount: record.attributes.ApproximateReceiveCount,
      });
      const done = await sendRecord({ ...wired, log, hasTimeLeft }, record, totals);
      if (!done) batchItemFailures.push({ itemIdentifier: record.messageId });
    }
    metrics.addMetric('DigestsSent', MetricUnit.Count, totals.sent);
    metrics.addMetric('DigestsFailed', MetricUnit.Count, totals.failed);
    return { batchItemFailures };
  };

  return middy(send)
    .use(injectLambdaContext(logger, { clearState: true }))
    .use(logMetrics(metrics));
}
