/**
 * The local SQS event source against fauxqs over HTTP: what Lambda's SQS trigger does with a handler's
 * answers (ReportBatchItemFailures), redelivery, the dead-letter queue and the concurrency cap.
 */
import {
  CreateQueueCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  SendMessageBatchCommand,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import type { Context, SQSEvent, SQSRecord } from 'aws-lambda';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createSqsClient } from '../../src/aws/clients.js';
import { LOCAL_REGION, LOCAL_CLIENT_CREDENTIALS } from '../../src/local/emulators.js';
import { startSqsEmulator, type SqsEmulator } from '../../src/local/sqs-emulator.js';
import {
  startSqsEventSource,
  type SqsEventSource,
  type SqsEventSourceOptions,
} from '../../src/local/sqs-event-source.js';

let emulator: SqsEmulator;
let sqs: SQSClient;
let source: SqsEventSource | undefined;
let queues = 0;

beforeAll(async () => {
  emulator = await startSqsEmulator();
  sqs = createSqsClient(
    { AWS_REGION: LOCAL_REGION, SQS_ENDPOINT: emulator.endpoint },
    { credentials: LOCAL_CLIENT_CREDENTIALS },
  );
});
afterEach(async () => {
  await source?.stop();
  source = undefined;
});
afterAll(async () => {
  sqs.destroy();
  await emulator.close();
});

async function newQueue(): Promise<string> {
  const answer = await sqs.send(new CreateQueueCommand({ QueueName: `events-${++queues}` }));
  return answer.QueueUrl ?? '';
}

async function send(queueUrl: string, bodies: string[]): Promise<void> {
  for (let i = 0; i < bodies.length; i += 10) {
    await sqs.send(
      new SendMessageBatchCommand({
        QueueUrl: queueUrl,
        Entries: bodies.slice(i, i + 10).map((body, j) => ({
          Id: String(j),
          MessageBody: body,
          MessageAttributes: { kind: { DataType: 'String', StringValue: 'test' } },
        })),
      }),
    );
  }
}

async function start(
  options: Partial<SqsEventSourceOptions> & Pick<SqsEventSourceOptions, 'queueUrl' | 'handler'>,
) {
  source = await startSqsEventSource({
    sqs,
    maxConcurrency: 2,
    batchSize: 1,
    visibilityTimeoutSeconds: 1,
    onError: () => undefined,
    ...options,
  } as SqsEventSourceOptions);
  return source;
}

/** Settles within the test timeout or fails the test, instead of hanging it. */
async function within<T>(promise: Promise<T>, ms = 15_000): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`not settled in ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([promise, late]);
  } finally {
    clearTimeout(timer);
  }
}

describe('the local SQS event source', () => {
  it('invokes the handler with Lambda-shaped records and deletes what it handled', async () => {
    const queueUrl = await newQueue();
    await send(queueUrl, ['a', 'b', 'c', 'd', 'e']);
    const seen: { record: SQSRecord; remaining: number }[] = [];
    const events = await start({
      queueUrl,
      remainingTimeMs: 60_000,
      // No message may come back here (five invocations for five messages), however slow the machine.
      visibilityTimeoutSeconds: 30,
      handler: async (event: SQSEvent, context: Context) => {
        seen.push(
          ...event.Records.map((record) => ({ record, remaining: context.getRemainingTimeInMillis() })),
        );
      },
    });

    await within(events.drained());

    expect(seen.map((s) => s.record.body).sort()).toEqual(['a', 'b', 'c', 'd', 'e']);
    const { record, remaining } = seen[0]!;
    const { Attributes } = await sqs.send(
      new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['QueueArn'] }),
    );
    expect(record).toMatchObject({
      eventSource: 'aws:sqs',
      eventSourceARN: Attributes?.QueueArn,
      awsRegion: LOCAL_REGION,
      attributes: { ApproximateReceiveCount: '1' },
      messageAttributes: { kind: { dataType: 'String', stringValue: 'test' } },
    });
    expect(record.messageId).not.toBe('');
    expect(record.receiptHandle).not.toBe('');
    expect(Number(record.attributes.SentTimestamp)).toBeGreaterThan(0);
    expect(remaining).toBeGreaterThan(55_000);
    expect(remaining).toBeLessThanOrEqual(60_000);
    expect(events.counters).toEqual({ invocations: 5, messages: 5, failures: 0 });
  });

  it('delivers again only the messages reported in batchItemFailures, with their receive count', async () => {
    const queueUrl = await newQueue();
    await send(queueUrl, ['ok-1', 'retry', 'ok-2']);
    const deliveries: { body: string; count: string }[] = [];
    const events = await start({
      queueUrl,
      batchSize: 10,
      maxConcurrency: 1,
      handler: async (event) => {
        deliveries.push(
          ...event.Records.map((r) => ({ body: r.body, count: r.attributes.ApproximateReceiveCount })),
        );
        const failing = event.Records.filter(
          (r) => r.body === 'retry' && r.attributes.ApproximateReceiveCount === '1',
        );
        return { batchItemFailures: failing.map((r) => ({ itemIdentifier: r.messageId })) };
      },
    });

    await within(events.drained());

    expect(deliveries.filter((d) => d.body === 'ok-1')).toEqual([{ body: 'ok-1', count: '1' }]);
    expect(deliveries.filter((d) => d.body === 'ok-2')).toEqual([{ body: 'ok-2', count: '1' }]);
    expect(deliveries.filter((d) => d.body === 'retry')).toEqual([
      { body: 'retry', count: '1' },
      { body: 'retry', count: '2' },
    ]);
    expect(events.counters.failures).toBe(1);
  });

  it('leaves the whole batch when the handler throws, or names a message not in the batch', async () => {
    const queueUrl = await newQueue();
    await send(queueUrl, ['x', 'y']);
    const batches: string[][] = [];
    const events = await start({
      queueUrl,
      batchSize: 10,
      maxConcurrency: 1,
      handler: async (event) => {
        const received = event.Records.map((r) => `${r.body}:${r.attributes.ApproximateReceiveCount}`);
        batches.push(received);
        // Decided by receive count, not call count: two messages that come back after the same visibility
        // timeout may be received together or one by one, as on SQS.
        const counts = event.Records.map((r) => r.attributes.ApproximateReceiveCount);
        if (counts.includes('1')) throw new Error('the handler failed');
        if (counts.includes('2')) return { batchItemFailures: [{ itemIdentifier: 'not-in-this-batch' }] };
        return { batchItemFailures: [] };
      },
    });

    await within(events.drained());

    // Both were sent before polling started, so the first receive holds both, and the throw leaves both.
    expect(batches[0]?.sort()).toEqual(['x:1', 'y:1']);
    // An unknown identifier failed every message of its batch too: each came back a third time.
    expect(batches.flat().sort()).toEqual(['x:1', 'x:2', 'x:3', 'y:1', 'y:2', 'y:3']);
    expect(events.counters.messages).toBe(6);
    expect(events.counters.failures).toBe(4);
    expect(events.counters.invocations).toBe(batches.length);
  });

  it('moves a message that keeps failing to the dead-letter queue after maxReceiveCount receives', async () => {
    const queueUrl = await newQueue();
    const deadLetterQueueUrl = await newQueue();
    await send(queueUrl, ['poison', 'fine']);
    const poisonReceives: string[] = [];
    const events = await start({
      queueUrl,
      deadLetterQueueUrl,
      maxReceiveCount: 3,
      handler: async (event) => {
        const poison = event.Records.filter((r) => r.body === 'poison');
        poisonReceives.push(...poison.map((r) => r.attributes.ApproximateReceiveCount));
        return { batchItemFailures: poison.map((r) => ({ itemIdentifier: r.messageId })) };
      },
    });

    await within(events.drained());

    expect(poisonReceives).toEqual(['1', '2', '3']);
    const dead = await sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: deadLetterQueueUrl,
        MaxNumberOfMessages: 10,
        WaitTimeSeconds: 1,
      }),
    );
    expect(dead.Messages?.map((m) => m.Body)).toEqual(['poison']);
  });

  it('never runs more than maxConcurrency invocations at once, and does run that many', async () => {
    const queueUrl = await newQueue();
    await send(
      queueUrl,
      Array.from({ length: 24 }, (_, i) => `m-${i}`),
    );
    let running = 0;
    let most = 0;
    const handled: string[] = [];
    // Every invocation waits until three run at once: that the source does run that many is then decided by
    // whether it gets there (drained() settles), not by whether 40 ms sleeps happen to overlap on a busy
    // machine. From then on each invocation still takes a while, so a fourth at once would be seen.
    let allThreeRunning: () => void = () => undefined;
    const threeAtOnce = new Promise<void>((resolve) => (allThreeRunning = resolve));
    const events = await start({
      queueUrl,
      maxConcurrency: 3,
      // Long enough that no message comes back while the first ones wait for the third.
      visibilityTimeoutSeconds: 30,
      handler: async (event) => {
        running++;
        most = Math.max(most, running);
        if (running === 3) allThreeRunning();
        await threeAtOnce;
        await new Promise((resolve) => setTimeout(resolve, 40));
        handled.push(...event.Records.map((r) => r.body));
        running--;
      },
    });

    try {
      await within(events.drained());
    } finally {
      // Should it never get there, let the waiting invocations end so that stop() can finish.
      allThreeRunning();
    }

    expect(most).toBe(3);
    expect(handled).toHaveLength(24);
    expect(new Set(handled).size).toBe(24);
  });

  it('stops: no invocation after stop() resolves, and drained() then rejects', async () => {
    const queueUrl = await newQueue();
    let calls = 0;
    const events = await start({ queueUrl, handler: async () => void calls++ });

    await events.stop();
    await send(queueUrl, ['late']);
    await new Promise((resolve) => setTimeout(resolve, 300));

    expect(calls).toBe(0);
    await expect(events.drained()).rejects.toThrow(/stopped/);
  });
});
