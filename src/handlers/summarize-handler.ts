/**
 * The summarize Lambda as a function of its dependencies: adapts S3 `ObjectCreated` records to the
 * summarize use case. Import this (not `summarize.ts`) to run it with injected dependencies.
 */
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import middy from '@middy/core';
import type { S3Event } from 'aws-lambda';
import { decodeS3EventKey } from '../bucket-layout.js';
import { describeIssues } from '../errors.js';
import { s3NotificationSchema, type S3Notification } from './s3-notification.js';
import {
  summarizeUpload,
  type SummarizeUploadDeps,
  type UploadOutcome,
} from '../use-cases/summarize-upload/summarize-upload.js';
import {
  logger as defaultLogger,
  logWithKeys,
  metrics as defaultMetrics,
  type RecordLog,
} from '../observability.js';
import type { Logger } from '@aws-lambda-powertools/logger';
import type { Metrics } from '@aws-lambda-powertools/metrics';

export interface SummarizeReport {
  outcomes: UploadOutcome[];
}

/** Some records hit errors a retry may fix; the invocation fails so Lambda retries it (then dead-letters it). */
export class RetryableUploadError extends Error {
  override readonly name = 'RetryableUploadError';
}

export class InvalidEventError extends Error {
  override readonly name = 'InvalidEventError';
}

export function createSummarizeHandler(
  deps: SummarizeUploadDeps,
  logger: Logger = defaultLogger,
  metrics: Metrics = defaultMetrics,
) {
  const summarizeRecords = async (event: S3Notification): Promise<SummarizeReport> => {
    const outcomes: UploadOutcome[] = [];
    const retryable: string[] = [];
    for (const record of event.Records) {
      const ref = {
        bucket: record.s3.bucket.name,
        key: decodeS3EventKey(record.s3.object.key),
        size: record.s3.object.size,
        etag: record.s3.object.eTag,
        versionId: record.s3.object.versionId,
        uploadedAt: new Date(record.eventTime),
      };
      const log = logWithKeys(logger, { bucket: ref.bucket, key: ref.key });
      try {
        const outcome = await summarizeUpload(ref, deps);
        outcomes.push(outcome);
        logOutcome(log, metrics, outcome);
      } catch (error: unknown) {
        log.error('Could not summarize the article; the invocation will be retried', { error });
        // Counted, so an invocation that only failed still publishes a metric to alarm on.
        metrics.addMetric('ArticlesRetried', MetricUnit.Count, 1);
        retryable.push(ref.key);
      }
    }
    if (retryable.length > 0) {
      throw new RetryableUploadError(
        `${retryable.length} of ${event.Records.length} uploads hit a transient error (${retryable.join(', ')}); Lambda retries the event, then sends it to the dead-letter queue.`,
      );
    }
    return { outcomes };
  };

  return middy<S3Event, SummarizeReport>()
    .use(injectLambdaContext(logger, { clearState: true }))
    .use(logMetrics(metrics))
    .handler((event) => summarizeRecords(parseS3Notification(event)));
}

/** Validates at the edge: anything but an S3 notification fails loudly (and is dead-lettered), never half-handled. */
function parseS3Notification(event: unknown): S3Notification {
  const parsed = s3NotificationSchema.safeParse(event);
  if (!parsed.success) {
    const issues = describeIssues(parsed.error.issues, 'event', 3);
    throw new InvalidEventError(
      `The summarize function expects an S3 ObjectCreated notification: ${issues}. Check the bucket notification that invokes it.`,
    );
  }
  return parsed.data;
}

function logOutcome(log: RecordLog, metrics: Metrics, outcome: UploadOutcome): void {
  switch (outcome.status) {
    case 'summarized':
      metrics.addMetric('ArticlesSummarized', MetricUnit.Count, 1);
      log.info('Stored the summary', {
        summaryKey: outcome.summaryKey,
        title: outcome.title,
        summarizer: outcome.summarizer,
      });
      return;
    case 'already-summarized':
      log.info('A summary of this upload is already stored; nothing to do', {
        summaryKey: outcome.summaryKey,
      });
      return;
    case 'failed':
      metrics.addMetric('ArticlesFailed', MetricUnit.Count, 1);
      log.warn('The article cannot be summarized; stored a failure record', {
        failureKey: outcome.failureKey,
        code: outcome.code,
        reason: outcome.reason,
      });
      return;
    case 'ignored':
      log.warn('Ignored an object outside the articles prefix', { reason: outcome.reason });
      return;
    case 'superseded':
      log.info(
        'Skipped an upload overwritten before it was read; the newer upload is summarized by its own event',
        {
          reason: outcome.reason,
        },
      );
  }
}
