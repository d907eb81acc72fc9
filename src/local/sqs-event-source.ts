/**
 * Lambda's SQS event source mapping, emulated for `npm start`, the integration tests and the bench: pollers
 * long-poll the queue and invoke the handler with the `SQSEvent` Lambda would send, at most `maxConcurrency`
 * invocations at once (the mapping's maximum concurrency). With ReportBatchItemFailures semantics, messages
 * the handler reports in `batchItemFailures` are left in the queue and come back after the visibility
 * timeout, the others are deleted; a handler that throws leaves them all. Redelivered messages carry their
 * receive count, and past `maxReceiveCount` receives the queue itself moves them to the dead-letter queue
 * (its RedrivePolicy, which fauxqs implements as SQS does), as on AWS, where the poller knows nothing of it.
 *
 * Unlike Lambda it does not stop a handler that runs past its timeout: the handler sees the countdown in
 * `context.getRemainingTimeInMillis()` and is expected to stop on its own, as the sender does.
 */
import {
  DeleteMessageBatchCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  SetQueueAttributesCommand,
  type Message,
  type MessageAttributeValue,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import type { Context, SQSBatchResponse, SQSEvent, SQSMessageAttributes, SQSRecord } from 'aws-lambda';
import { lambdaContext } from './lambda-runtime.js';

export type SqsHandler = (event: SQSEvent, context: Context) => Promise<SQSBatchResponse | void | null>;

export type SqsEventSourceOptions = {
  sqs: SQSClient;
  queueUrl: string;
  handler: SqsHandler;
  /** Invocations at once, like the mapping's ScalingConfig.MaximumConcurrency. */
  maxConcurrency: number;
  /** Messages per invocation, 1-10 (one ReceiveMessage). */
  batchSize: number;
  /** How long a received message stays hidden before it is delivered again if not deleted. */
  visibilityTimeoutSeconds: number;
  /** The function's timeout: each invocation's `getRemainingTimeInMillis()` counts down from it. Default 300 s. */
  remainingTimeMs?: number;
  functionName?: string;
  /** How long one ReceiveMessage waits for a message (Lambda waits 20 s; short here so `stop()` is quick). */
  waitTimeSeconds?: number;
  /** A handler that threw, or a receive or delete that failed; default: printed to stderr. */
  onError?: (error: unknown) => void;
} & (
  | {
      /** Where the queue moves a message received more than `maxReceiveCount` times (set as its RedrivePolicy). */
      deadLetterQueueUrl: string;
      maxReceiveCount: number;
    }
  | { deadLetterQueueUrl?: undefined; maxReceiveCount?: undefined }
);

export interface SqsEventSourceCounters {
  invocations: number;
  /** Messages handed to the handler, a redelivered one each time. */
  messages: number;
  /** Messages the handler reported failed or left by throwing. */
  failures: number;
}

export interface SqsEventSource {
  readonly counters: Readonly<SqsEventSourceCounters>;
  /** Resolves once the queue holds no message (visible, in flight or delayed) and no invocation runs. */
  drained(): Promise<void>;
  /** Stops polling and waits for the invocations under way to finish. */
  stop(): Promise<void>;
}

const DEFAULT_TIMEOUT_MS = 300_000;
const DEFAULT_WAIT_SECONDS = 1;
const DRAIN_CHECK_MS = 25;
const RECEIVE_RETRY_MS = 200;

const pause = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export async function startSqsEventSource(options: SqsEventSourceOptions): Promise<SqsEventSource> {
  const { sqs, queueUrl, handler, maxConcurrency, batchSize, visibilityTimeoutSeconds } = options;
  if (!Number.isInteger(batchSize) || batchSize < 1 || batchSize > 10)
    throw new RangeError(`batchSize must be 1-10 (one ReceiveMessage), got ${batchSize}`);
  if (!Number.isInteger(maxConcurrency) || maxConcurrency < 1)
    throw new RangeError(`maxConcurrency must be a positive integer, got ${maxConcurrency}`);
  const functionName = options.functionName ?? 'local-sqs-consumer';
  const timeoutMs = options.remainingTimeMs ?? DEFAULT_TIMEOUT_MS;
  const onError = options.onError ?? ((error: unknown) => console.error('sqs event source:', error));

  const queueArn = await attribute(sqs, queueUrl, 'QueueArn');
  const awsRegion = queueArn.split(':')[3] ?? '';
  if (options.deadLetterQueueUrl !== undefined) {
    const deadLetterTargetArn = await attribute(sqs, options.deadLetterQueueUrl, 'QueueArn');
    await sqs.send(
      new SetQueueAttributesCommand({
        QueueUrl: queueUrl,
        Attributes: {
          RedrivePolicy: JSON.stringify({ deadLetterTargetArn, maxReceiveCount: options.maxReceiveCount }),
        },
      }),
    );
  }

  const counters: SqsEventSourceCounters = { invocations: 0, messages: 0, failures: 0 };
  const polling = new AbortController();
  let stopped = false;
  /** Batches received and not yet settled (handler run and successes deleted). */
  let busy = 0;

  const toRecord = (message: Message): SQSRecord => ({
    messageId: message.MessageId ?? '',
    receiptHandle: message.ReceiptHandle ?? '',
    body: message.Body ?? '',
    attributes: {
      ApproximateReceiveCount: message.Attributes?.ApproximateReceiveCount ?? '1',
      SentTimestamp: message.Attributes?.SentTimestamp ?? '',
      SenderId: message.Attributes?.SenderId ?? '',
      ApproximateFirstReceiveTimestamp: message.Attributes?.ApproximateFirstReceiveTimestamp ?? '',
    },
    messageAttributes: lambdaMessageAttributes(message.MessageAttributes),
    md5OfBody: message.MD5OfBody ?? '',
    ...(message.MD5OfMessageAttributes !== undefined && {
      md5OfMessageAttributes: message.MD5OfMessageAttributes,
    }),
    eventSource: 'aws:sqs',
    eventSourceARN: queueArn,
    awsRegion,
  });

  const invoke = async (messages: Message[]): Promise<void> => {
    const records = messages.map(toRecord);
    counters.invocations++;
    counters.messages += records.length;
    let failed: Set<string>;
    try {
      const response = await handler({ Records: records }, lambdaContext(functionName, timeoutMs));
      failed = failedMessageIds(response, records);
    } catch (error: unknown) {
      onError(error);
      failed = new Set(records.map((r) => r.messageId));
    }
    counters.failures += failed.size;
    const done = records.filter((r) => !failed.has(r.messageId));
    if (done.length === 0) return;
    try {
      const answer = await sqs.send(
        new DeleteMessageBatchCommand({
          QueueUrl: queueUrl,
          Entries: done.map((r, i) => ({ Id: String(i), ReceiptHandle: r.receiptHandle })),
        }),
      );
      // A message not deleted comes back after its visibility timeout, as on AWS.
      if ((answer.Failed ?? []).length > 0)
        onError(new Error(`DeleteMessageBatch failed: ${JSON.stringify(answer.Failed)}`));
    } catch (error: unknown) {
      onError(error);
    }
  };

  const poller = async (): Promise<void> => {
    while (!stopped) {
      let messages: Message[];
      try {
        const answer = await sqs.send(
          new ReceiveMessageCommand({
            QueueUrl: queueUrl,
            MaxNumberOfMessages: batchSize,
            VisibilityTimeout: visibilityTimeoutSeconds,
            WaitTimeSeconds: options.waitTimeSeconds ?? DEFAULT_WAIT_SECONDS,
            MessageSystemAttributeNames: ['All'],
            MessageAttributeNames: ['All'],
          }),
          { abortSignal: polling.signal },
        );
        messages = answer.Messages ?? [];
      } catch (error: unknown) {
        if (stopped) return;
        onError(error);
        await pause(RECEIVE_RETRY_MS);
        continue;
      }
      if (messages.length === 0) continue;
      busy++;
      try {
        await invoke(messages);
      } finally {
        busy--;
      }
    }
  };
  const pollers = Array.from({ length: maxConcurrency }, poller);

  return {
    counters,
    async drained() {
      for (;;) {
        if (stopped) throw new Error('the SQS event source was stopped before the queue drained');
        if (busy === 0) {
          const waiting = await queueDepth(sqs, queueUrl);
          if (waiting === 0 && busy === 0) return;
        }
        await pause(DRAIN_CHECK_MS);
      }
    },
    async stop() {
      stopped = true;
      polling.abort();
      await Promise.all(pollers);
    },
  };
}

/**
 * The messages Lambda treats as failed, given the handler's answer: none for an empty answer; the ones
 * named; every one when an identifier is missing or names no message of the batch (Lambda then fails the
 * whole batch).
 */
function failedMessageIds(response: SQSBatchResponse | void | null, records: SQSRecord[]): Set<string> {
  const failures = response?.batchItemFailures ?? [];
  const ids = new Set(records.map((r) => r.messageId));
  if (failures.some((f) => typeof f.itemIdentifier !== 'string' || !ids.has(f.itemIdentifier))) return ids;
  return new Set(failures.map((f) => f.itemIdentifier));
}

function lambdaMessageAttributes(
  attributes: Record<string, MessageAttributeValue> | undefined,
): SQSMessageAttributes {
  return Object.fromEntries(
    Object.entries(attributes ?? {}).map(([name, value]) => [
      name,
      {
        ...(value.StringValue !== undefined && { stringValue: value.StringValue }),
        ...(value.BinaryValue !== undefined && {
          binaryValue: Buffer.from(value.BinaryValue).toString('base64'),
        }),
        stringListValues: [],
        binaryListValues: [],
        dataType: value.DataType ?? 'String',
      },
    ]),
  );
}

async function attribute(sqs: SQSClient, queueUrl: string, name: 'QueueArn'): Promise<string> {
  const answer = await sqs.send(
    new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: [name] }),
  );
  const value = answer.Attributes?.[name];
  if (value === undefined) throw new Error(`SQS did not answer the ${name} of ${queueUrl}`);
  return value;
}

/** Messages in the queue: visible, in flight (received, not yet deleted) and delayed. */
async function queueDepth(sqs: SQSClient, queueUrl: string): Promise<number> {
  const names = [
    'ApproximateNumberOfMessages',
    'ApproximateNumberOfMessagesNotVisible',
    'ApproximateNumberOfMessagesDelayed',
  ] as const;
  const answer = await sqs.send(
    new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: [...names] }),
  );
  return names.reduce((sum, name) => sum + Number(answer.Attributes?.[name] ?? 0), 0);
}
