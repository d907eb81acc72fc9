/**
 * The sender function end to end on the local stack: batches enqueued by the production send queue into
 * fauxqs, delivered by the local SQS event source to the real sender handler wired by `senderDeps` over
 * dynalite, s3rver and aws-ses-v2-local.
 */
import { Metrics } from '@aws-lambda-powertools/metrics';
import { CreateQueueCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createSqsClient } from '../../src/aws/clients.js';
import { createS3RunSnapshots } from '../../src/aws/s3-run-snapshots.js';
import { createSqsSendQueue } from '../../src/aws/sqs-send-queue.js';
import { createDigestSenderHandler, senderDeps } from '../../src/handlers/digest-sender-handler.js';
import { LOCAL_REGION, LOCAL_CLIENT_CREDENTIALS } from '../../src/local/emulators.js';
import { startSqsEmulator, type SqsEmulator } from '../../src/local/sqs-emulator.js';
import { startSqsEventSource } from '../../src/local/sqs-event-source.js';
import type { Subscriber } from '../../src/digest/subscribers.js';
import type { SendBatch } from '../../src/use-cases/run-digest/send-batch.js';
import { TEST_BUCKET, useDigestStack } from '../support/digest-stack.js';
import { quietLogger, storedSummary } from '../support/digest-memory.js';
import { buildSummary } from '../support/summary-fixtures.js';

const HOUR_MS = 60 * 60 * 1000;
const stack = useDigestStack();
let emulator: SqsEmulator;
let sqs: SQSClient;

beforeAll(async () => {
  emulator = await startSqsEmulator();
  sqs = createSqsClient(
    { AWS_REGION: LOCAL_REGION, SQS_ENDPOINT: emulator.endpoint },
    { credentials: LOCAL_CLIENT_CREDENTIALS },
  );
});
afterAll(async () => {
  sqs.destroy();
  await emulator.close();
});

function batchesOf(subscribers: Subscriber[], size: number, runAt: Date, summariesKey: string): SendBatch[] {
  const batches: SendBatch[] = [];
  for (let i = 0; i < subscribers.length; i += size) {
    batches.push({
      version: 1,
      runAt: runAt.toISOString(),
      summariesKey,
      sendRate: 50,
      targets: subscribers.slice(i, i + size).map((subscriber) => ({
        subscriber,
        localDate: runAt.toISOString().slice(0, 10),
        windowFrom: new Date(runAt.getTime() - 24 * HOUR_MS).toISOString(),
        windowTo: runAt.toISOString(),
      })),
    });
  }
  return batches;
}

describe('the digest sender on the local stack', () => {
  it('sends each queued subscriber exactly once, a batch delivered twice included', async () => {
    const { s3, sesClient, dynamodb, ses } = stack();
    const subscribers = await stack().subscribe(
      Array.from({ length: 7 }, (_, i) => `reader-${i}@example.com`),
    );
    const runAt = new Date();
    const summariesKey = await createS3RunSnapshots(s3, TEST_BUCKET, 'state/').save(runAt, [
      storedSummary(buildSummary({ title: 'Harbour reopens' }), new Date(runAt.getTime() - HOUR_MS)),
    ]);
    const { QueueUrl: queueUrl = '' } = await sqs.send(new CreateQueueCommand({ QueueName: 'digest-send' }));
    const { QueueUrl: deadLetterQueueUrl = '' } = await sqs.send(
      new CreateQueueCommand({ QueueName: 'digest-send-dlq' }),
    );
    const batches = batchesOf(subscribers, 3, runAt, summariesKey);
    // The first batch twice, as an overlapping run or an SQS duplicate would deliver it.
    await createSqsSendQueue(sqs, queueUrl).enqueue([...batches, batches[0] as SendBatch]);
    const metrics = new Metrics({ namespace: 'test', serviceName: 'digest-sender' });
    vi.spyOn(metrics, 'publishStoredMetrics').mockImplementation(() => metrics);
    const handler = createDigestSenderHandler(
      senderDeps(stack().config(), { s3, ses: sesClient, dynamodb }),
      quietLogger(),
      metrics,
    );
    const events = await startSqsEventSource({
      sqs,
      queueUrl,
      handler,
      maxConcurrency: 2,
      batchSize: 1,
      visibilityTimeoutSeconds: 5,
      deadLetterQueueUrl,
      maxReceiveCount: 5,
    });

    try {
      await events.drained();
    } finally {
      await events.stop();
    }

    const mails = await ses.emails();
    expect(mails.map((m) => m.destination.to[0]).sort()).toEqual(subscribers.map((s) => s.email).sort());
    expect(events.counters).toEqual({ invocations: 4, messages: 4, failures: 0 });
  });
});
