/**
 * The planner fanning out through a real queue: `runDigest` with DIGEST_SEND_QUEUE_URL enqueues batches into
 * fauxqs, the local SQS event source (Lambda's mapping, ReportBatchItemFailures, a DLQ after
 * maxReceiveCount) delivers them to the real sender handler, wired by `senderDeps` over dynalite, s3rver and
 * aws-ses-v2-local. Exactly once per subscriber and day across retried planner runs, and across a sender
 * killed mid-batch: SQS delivers the batch again and the rest are sent, with at most the one send the kill
 * caught after SES accepted it going out twice (the stated window: an ambiguous send).
 */
import { Metrics } from '@aws-lambda-powertools/metrics';
import type { SESv2Client } from '@aws-sdk/client-sesv2';
import {
  CreateQueueCommand,
  ReceiveMessageCommand,
  SendMessageCommand,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import type { Context, SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSqsClient } from '../../src/aws/clients.js';
import { SAFETY_MARGIN_MS } from '../../src/handlers/digest-handler.js';
import { createDigestSenderHandler, senderDeps } from '../../src/handlers/digest-sender-handler.js';
import { LOCAL_REGION, LOCAL_CLIENT_CREDENTIALS } from '../../src/local/emulators.js';
import { startSqsEmulator, type SqsEmulator } from '../../src/local/sqs-emulator.js';
import {
  startSqsEventSource,
  type SqsEventSource,
  type SqsHandler,
} from '../../src/local/sqs-event-source.js';
import { runDigest } from '../../src/use-cases/run-digest/run-digest.js';
import { quietLogger } from '../support/digest-memory.js';
import { copiesPerRecipient, useDigestStack } from '../support/digest-stack.js';
import { buildSummary, summaryKey } from '../support/summary-fixtures.js';

const HOUR_MS = 60 * 60 * 1000;
/**
 * Short, so a batch SQS delivers again comes back quickly; still far longer than a batch takes here (tests
 * that count invocations, where no batch should come back, pass a longer one).
 */
const VISIBILITY_TIMEOUT_SECONDS = 2;
const NO_REDELIVERY = { visibilityTimeoutSeconds: 30 };

const stack = useDigestStack();
let emulator: SqsEmulator;
let sqs: SQSClient;
let queues = 0;

beforeAll(async () => {
  emulator = await startSqsEmulator();
  sqs = createSqsClient(
    { AWS_REGION: LOCAL_REGION, SQS_ENDPOINT: emulator.endpoint },
    { credentials: LOCAL_CLIENT_CREDENTIALS },
  );
  const story = buildSummary({ title: 'Harbour reopens' });
  await stack().putSummary(story, summaryKey(story, new Date()));
});
afterAll(async () => {
  sqs?.destroy();
  await emulator?.close();
});

/** A send queue and its dead-letter queue, created as CloudFormation would, new for each test. */
async function createQueues(): Promise<{ queueUrl: string; deadLetterQueueUrl: string }> {
  const name = `digest-send-${++queues}`;
  const { QueueUrl: queueUrl = '' } = await sqs.send(new CreateQueueCommand({ QueueName: name }));
  const { QueueUrl: deadLetterQueueUrl = '' } = await sqs.send(
    new CreateQueueCommand({ QueueName: `${name}-dlq` }),
  );
  return { queueUrl, deadLetterQueueUrl };
}

/**
 * The planner's and the sender's settings: always queue (DIGEST_INLINE_SECONDS=0), batches of 5, two
 * senders. `rate` is all senders' SendEmail calls per second; at 4/s each sender gets 2/s and so sends one
 * subscriber at a time (deliver-all.ts), which lets a test kill it between two sends.
 */
const settings = (queueUrl: string, rate = 100) => ({
  DIGEST_SEND_QUEUE_URL: queueUrl,
  DIGEST_INLINE_SECONDS: '0',
  DIGEST_BATCH_SIZE: '5',
  DIGEST_SENDERS: '2',
  DIGEST_MAX_SEND_RATE: String(rate),
});

/**
 * The queue's consumer: the sender handler behind the emulated event source, with the wall clock `clock()`
 * (claims are judged by it) and instant pacing. `wrap` lets a test stand between the event source and one
 * invocation (to kill it, or to shorten its time); `ses` gives an invocation its own SES client.
 */
async function startSenders(options: {
  queueUrl: string;
  deadLetterQueueUrl: string;
  env: Record<string, string>;
  clock: () => Date;
  maxReceiveCount?: number;
  visibilityTimeoutSeconds?: number;
  wrap?: (invocation: number, event: SQSEvent, context: Context, invoke: Invoke) => Promise<SQSBatchResponse>;
}): Promise<SqsEventSource> {
  const { s3, dynamodb, sesClient } = stack();
  const config = stack().config(options.env);
  const metrics = new Metrics({ namespace: 'test', singleMetric: false });
  const invoke: Invoke = (event, context, ses = sesClient) =>
    createDigestSenderHandler(
      { ...senderDeps(config, { s3, ses, dynamodb }), clock: options.clock, sleep: async () => undefined },
      quietLogger(),
      metrics,
    )(event, context);
  let invocations = 0;
  const handler: SqsHandler = async (event, context) => {
    const invocation = ++invocations;
    return options.wrap ? options.wrap(invocation, event, context, invoke) : invoke(event, context);
  };
  return startSqsEventSource({
    sqs,
    queueUrl: options.queueUrl,
    handler,
    maxConcurrency: 2,
    batchSize: 1,
    visibilityTimeoutSeconds: options.visibilityTimeoutSeconds ?? VISIBILITY_TIMEOUT_SECONDS,
    deadLetterQueueUrl: options.deadLetterQueueUrl,
    maxReceiveCount: options.maxReceiveCount ?? 5,
    waitTimeSeconds: 0,
    onError: () => undefined,
  });
}

/** One invocation of the real sender handler, with the stack's SES client or `ses`. */
type Invoke = (event: SQSEvent, context: Context, ses?: SESv2Client) => Promise<SQSBatchResponse>;

async function drain(source: SqsEventSource): Promise<void> {
  try {
    await source.drained();
  } finally {
    await source.stop();
  }
}

const copies = async () => copiesPerRecipient(await stack().ses.emails());

const readers = (n: number) => Array.from({ length: n }, (_, i) => `reader-${i}@example.com`);
const once = (emails: string[]) => Object.fromEntries(emails.map((email) => [email, 1]));

/** An SES client that tells `onSend` how many SendEmail calls it has made, as each one starts. */
function sesCounting(onSend: (n: number) => void): SESv2Client {
  const ses = stack().newSesClient();
  let sends = 0;
  ses.middlewareStack.add(
    (next, context) => async (args) => {
      if (context.commandName === 'SendEmailCommand') onSend(++sends);
      return next(args);
    },
    { step: 'initialize', name: 'countSends' },
  );
  return ses;
}

describe('the planner with a send queue and the sender function', () => {
  it('enqueues 25 due subscribers in batches of 5, and the senders send each once', async () => {
    const { queueUrl, deadLetterQueueUrl } = await createQueues();
    const emails = readers(25);
    await stack().subscribeDue(emails);
    const now = new Date(Date.now() + 2000);
    const env = settings(queueUrl);

    const report = await runDigest({ ...stack().deps(env, { sqs }), clock: () => now }, now);
    const senders = await startSenders({
      queueUrl,
      deadLetterQueueUrl,
      env,
      clock: () => now,
      ...NO_REDELIVERY,
    });
    await drain(senders);

    expect(report).toMatchObject({ due: 25, enqueued: 25, batches: 5, sent: 0, failed: 0 });
    expect(await copies()).toEqual(once(emails));
    expect(senders.counters).toMatchObject({ invocations: 5, messages: 5, failures: 0 });
    for (const email of emails) expect(await stack().latest(email)).toMatchObject({ status: 'sent' });
  });

  it('enqueues nobody twice when the planner run is retried or overlaps itself with the same event time', async () => {
    const { queueUrl, deadLetterQueueUrl } = await createQueues();
    const emails = readers(12);
    await stack().subscribeDue(emails);
    const now = new Date(Date.now() + 2000);
    const env = settings(queueUrl);
    const planner = (at: Date) => runDigest({ ...stack().deps(env, { sqs }), clock: () => at }, now);

    const overlapping = await Promise.all([planner(now), planner(now)]);
    const retried = await planner(new Date(now.getTime() + 60_000));
    const senders = await startSenders({
      queueUrl,
      deadLetterQueueUrl,
      env,
      clock: () => now,
      ...NO_REDELIVERY,
    });
    await drain(senders);

    expect(overlapping.reduce((sum, r) => sum + r.enqueued, 0)).toBe(12);
    expect(retried).toMatchObject({ due: 0, enqueued: 0, batches: 0 });
    expect(senders.counters.messages).toBe(overlapping.reduce((sum, r) => sum + r.batches, 0));
    expect(await copies()).toEqual(once(emails));
  });

  it.each([
    { accepted: false, when: 'before SES has its third digest' },
    { accepted: true, when: 'right after SES accepted its third digest' },
  ])(
    'a sender killed mid-batch $when: SQS delivers the batch again, the rest are sent, and nobody twice beyond that one ambiguous send',
    async ({ accepted }) => {
      const { queueUrl, deadLetterQueueUrl } = await createQueues();
      const emails = readers(10);
      await stack().subscribeDue(emails);
      const start = new Date(Date.now() + 2000);
      let clock = start;
      const env = settings(queueUrl, 4);
      const plan = await runDigest({ ...stack().deps(env, { sqs }), clock: () => clock }, start);

      // The first invocation's sandbox dies at its third SendEmail: held there for good (after SES took it,
      // or before), while Lambda reports the invocation timed out and SQS keeps the message.
      let victim = '';
      const senders = await startSenders({
        queueUrl,
        deadLetterQueueUrl,
        env,
        clock: () => clock,
        wrap: async (invocation, event, context, invoke) => {
          if (invocation !== 1) return invoke(event, context);
          let reached: () => void = () => undefined;
          const killed = new Promise<void>((resolve) => (reached = resolve));
          const dying = stack().newSesClient();
          let sends = 0;
          dying.middlewareStack.add(
            (next, ctx) => async (args) => {
              if (ctx.commandName !== 'SendEmailCommand' || ++sends < 3) return next(args);
              victim =
                (args.input as { Destination?: { ToAddresses?: string[] } }).Destination?.ToAddresses?.[0] ??
                '';
              if (accepted) await next(args);
              reached();
              return new Promise<never>(() => undefined);
            },
            { step: 'initialize', name: 'dieAtThirdSend' },
          );
          void invoke(event, context, dying);
          await killed;
          throw new Error('Task timed out after 300.00 seconds');
        },
      });
      await drain(senders);
      const afterRedelivery = await copies();

      // The victim's claim is the dead sandbox's; the planner's hold on them ends before the next hourly run,
      // which queues them again, by when the claim has expired.
      clock = new Date(start.getTime() + HOUR_MS);
      const next = await runDigest({ ...stack().deps(env, { sqs }), clock: () => clock }, clock);
      const nextSenders = await startSenders({ queueUrl, deadLetterQueueUrl, env, clock: () => clock });
      await drain(nextSenders);
      const last = await runDigest(
        { ...stack().deps(env, { sqs }), clock: () => new Date(start.getTime() + 2 * HOUR_MS) },
        new Date(start.getTime() + 2 * HOUR_MS),
      );

      expect(plan).toMatchObject({ due: 10, enqueued: 10, batches: 2 });
      expect(victim).not.toBe('');
      // The kill's batch was delivered again: everyone but the victim was sent by then, once.
      expect(afterRedelivery).toEqual({
        ...once(emails.filter((email) => email !== victim)),
        ...(accepted && { [victim]: 1 }),
      });
      expect(senders.counters.failures).toBe(1);
      expect(next).toMatchObject({ due: 1, enqueued: 1 });
      expect(last).toMatchObject({ due: 0, enqueued: 0 });
      expect(await copies()).toEqual({ ...once(emails), [victim]: accepted ? 2 : 1 });
      for (const email of emails) expect(await stack().latest(email)).toMatchObject({ status: 'sent' });
    },
  );

  it('a sender that runs short of time mid-batch stops between sends, and SQS delivers the rest again', async () => {
    const { queueUrl, deadLetterQueueUrl } = await createQueues();
    const emails = readers(5);
    await stack().subscribeDue(emails);
    const now = new Date(Date.now() + 2000);
    const env = settings(queueUrl, 4);
    await runDigest({ ...stack().deps(env, { sqs }), clock: () => now }, now);

    // The first invocation's countdown falls below the safety margin once SES has taken two digests.
    const senders = await startSenders({
      queueUrl,
      deadLetterQueueUrl,
      env,
      clock: () => now,
      wrap: async (invocation, event, context, invoke) => {
        if (invocation !== 1) return invoke(event, context);
        let sent = 0;
        const ses = sesCounting((n) => (sent = n));
        const shortOfTime = {
          ...context,
          getRemainingTimeInMillis: () => (sent >= 2 ? SAFETY_MARGIN_MS - 1 : 300_000),
        };
        return invoke(event, shortOfTime, ses);
      },
    });
    await drain(senders);

    expect(senders.counters).toMatchObject({ invocations: 2, failures: 1 });
    expect(await copies()).toEqual(once(emails));
  });

  it('moves a message that is not a send batch to the dead-letter queue after its tries', async () => {
    const { queueUrl, deadLetterQueueUrl } = await createQueues();
    const body = JSON.stringify({ version: 1, runAt: 'yesterday', targets: [] });
    await sqs.send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: body }));

    const senders = await startSenders({
      queueUrl,
      deadLetterQueueUrl,
      env: settings(queueUrl),
      clock: () => new Date(),
      maxReceiveCount: 2,
      visibilityTimeoutSeconds: 1,
    });
    await drain(senders);
    const { Messages = [] } = await sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: deadLetterQueueUrl,
        MaxNumberOfMessages: 10,
        WaitTimeSeconds: 1,
      }),
    );

    expect(senders.counters).toMatchObject({ messages: 2, failures: 2 });
    expect(Messages.map((m) => m.Body)).toEqual([body]);
    expect(await stack().ses.emails()).toEqual([]);
  });
});
