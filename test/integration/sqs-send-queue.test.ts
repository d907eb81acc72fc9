/**
 * The planner's send queue against fauxqs over HTTP. Faults SQS can answer with (entries refused inside a
 * successful SendMessageBatch) are injected by a middleware on the SDK client: the refused entries are
 * taken out of the request before it is sent, so what reaches the queue is exactly what SQS accepted.
 */
import {
  CreateQueueCommand,
  ReceiveMessageCommand,
  type SendMessageBatchCommandInput,
  type SendMessageBatchCommandOutput,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSqsClient } from '../../src/aws/clients.js';
import { MAX_REQUEST_BYTES, SendQueueError, createSqsSendQueue } from '../../src/aws/sqs-send-queue.js';
import { LOCAL_REGION, LOCAL_CLIENT_CREDENTIALS } from '../../src/local/emulators.js';
import { startSqsEmulator, type SqsEmulator } from '../../src/local/sqs-emulator.js';
import { sendBatchSchema, type SendBatch } from '../../src/use-cases/run-digest/send-batch.js';

let emulator: SqsEmulator;
let queues = 0;
const clients: SQSClient[] = [];

beforeAll(async () => {
  emulator = await startSqsEmulator();
});
afterAll(async () => {
  for (const client of clients) client.destroy();
  await emulator.close();
});

function newClient(): SQSClient {
  const client = createSqsClient(
    { AWS_REGION: LOCAL_REGION, SQS_ENDPOINT: emulator.endpoint },
    { credentials: LOCAL_CLIENT_CREDENTIALS },
  );
  clients.push(client);
  return client;
}

async function newQueue(sqs: SQSClient): Promise<string> {
  return (await sqs.send(new CreateQueueCommand({ QueueName: `send-${++queues}` }))).QueueUrl ?? '';
}

/** Every message body in the queue, parsed. */
async function drain(sqs: SQSClient, queueUrl: string): Promise<unknown[]> {
  const bodies: unknown[] = [];
  for (;;) {
    const { Messages = [] } = await sqs.send(
      new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, VisibilityTimeout: 60 }),
    );
    if (Messages.length === 0) return bodies;
    bodies.push(...Messages.map((m) => JSON.parse(m.Body ?? '')));
  }
}

function batch(n: number, keywordBytes = 0): SendBatch {
  return {
    version: 1,
    runAt: '2026-11-30T07:00:00.000Z',
    summariesKey: 'state/digest-runs/2026-11-30T07:00:00.000Z.json',
    sendRate: 7,
    targets: [
      {
        subscriber: {
          id: n.toString(16).padStart(32, '0'),
          email: `reader-${n}@example.com`,
          timeZone: 'Europe/Berlin',
          sendAt: '08:00',
          topics: [],
          keywords: keywordBytes > 0 ? ['k'.repeat(keywordBytes)] : [],
        },
        localDate: '2026-11-30',
        windowFrom: '2026-11-29T07:00:00.000Z',
        windowTo: '2026-11-30T07:00:00.000Z',
      },
    ],
  };
}

/**
 * Records each SendMessageBatch request (entries, bytes, concurrency) and lets `refuse` answer some entries
 * as `Failed` without sending them.
 */
function observe(
  sqs: SQSClient,
  refuse: (body: string, call: number) => { code: string; senderFault: boolean } | undefined = () =>
    undefined,
  delayMs = 0,
) {
  const requests: { entries: number; bytes: number }[] = [];
  let inFlight = 0;
  let mostInFlight = 0;
  sqs.middlewareStack.add(
    (next, context) => async (args) => {
      if (context.commandName !== 'SendMessageBatchCommand') return next(args);
      const input = args.input as SendMessageBatchCommandInput;
      const entries = input.Entries ?? [];
      requests.push({
        entries: entries.length,
        bytes: entries.reduce((sum, e) => sum + Buffer.byteLength(e.MessageBody ?? ''), 0),
      });
      const refused = entries.flatMap((e) => {
        const answer = refuse(e.MessageBody ?? '', requests.length);
        return answer
          ? [{ Id: e.Id, Code: answer.code, SenderFault: answer.senderFault, Message: 'injected' }]
          : [];
      });
      const sent = entries.filter((e) => !refused.some((r) => r.Id === e.Id));
      inFlight++;
      mostInFlight = Math.max(mostInFlight, inFlight);
      try {
        if (delayMs > 0) await new Promise((resolve) => setTimeout(resolve, delayMs));
        if (sent.length === 0)
          return { output: { Successful: [], Failed: refused, $metadata: {} }, response: {} };
        const result = await next({ ...args, input: { ...input, Entries: sent } });
        const output = result.output as SendMessageBatchCommandOutput;
        return { ...result, output: { ...output, Failed: [...(output.Failed ?? []), ...refused] } };
      } finally {
        inFlight--;
      }
    },
    { step: 'initialize', name: 'observeSendMessageBatch' },
  );
  return { requests, mostInFlight: () => mostInFlight };
}

const instant = async () => undefined;

describe('the SQS send queue', () => {
  it('enqueues each batch as one JSON message, ten to a request', async () => {
    const sqs = newClient();
    const queueUrl = await newQueue(sqs);
    const seen = observe(sqs);
    const batches = Array.from({ length: 23 }, (_, i) => batch(i + 1));

    await createSqsSendQueue(sqs, queueUrl).enqueue(batches);

    expect(seen.requests.map((r) => r.entries)).toEqual([10, 10, 3]);
    const bodies = await drain(sqs, queueUrl);
    expect(bodies.map((b) => sendBatchSchema.parse(b))).toEqual(expect.arrayContaining(batches));
    expect(bodies).toHaveLength(23);
  });

  it('keeps each request under 256 KiB, cutting before ten entries when the messages are large', async () => {
    const sqs = newClient();
    const queueUrl = await newQueue(sqs);
    const seen = observe(sqs);
    const batches = Array.from({ length: 10 }, (_, i) => batch(i + 1, 60_000));

    await createSqsSendQueue(sqs, queueUrl).enqueue(batches);

    expect(seen.requests.map((r) => r.entries)).toEqual([4, 4, 2]);
    for (const request of seen.requests) expect(request.bytes).toBeLessThanOrEqual(MAX_REQUEST_BYTES);
    expect(await drain(sqs, queueUrl)).toHaveLength(10);
  });

  it('sends again the entries SQS refused for a reason of its own, each message once in the end', async () => {
    const sqs = newClient();
    const queueUrl = await newQueue(sqs);
    const flaky = new Set([JSON.stringify(batch(2)), JSON.stringify(batch(5))]);
    const seen = observe(sqs, (body, call) =>
      flaky.has(body) && call <= 2 ? { code: 'InternalError', senderFault: false } : undefined,
    );
    const batches = Array.from({ length: 6 }, (_, i) => batch(i + 1));

    await createSqsSendQueue(sqs, queueUrl, { sleep: instant }).enqueue(batches);

    expect(seen.requests.map((r) => r.entries)).toEqual([6, 2, 2]);
    const bodies = await drain(sqs, queueUrl);
    expect(bodies).toHaveLength(6);
    expect(bodies).toEqual(expect.arrayContaining(batches));
  });

  it('gives up after a few tries and names how many were not enqueued; never retries a sender fault', async () => {
    const sqs = newClient();
    const queueUrl = await newQueue(sqs);
    const stuck = JSON.stringify(batch(3));
    const invalid = JSON.stringify(batch(4));
    const seen = observe(sqs, (body) => {
      if (body === stuck) return { code: 'ServiceUnavailable', senderFault: false };
      if (body === invalid) return { code: 'InvalidMessageContents', senderFault: true };
      return undefined;
    });
    const delays: number[] = [];

    const enqueueing = createSqsSendQueue(sqs, queueUrl, {
      attempts: 3,
      sleep: async (ms) => void delays.push(ms),
    }).enqueue(Array.from({ length: 5 }, (_, i) => batch(i + 1)));

    await expect(enqueueing).rejects.toThrow(SendQueueError);
    await expect(enqueueing).rejects.toMatchObject({
      notEnqueued: 2,
      total: 5,
      message: expect.stringMatching(/^2 of 5 send batches were not enqueued/),
    });
    expect(seen.requests.map((r) => r.entries)).toEqual([5, 1, 1]);
    expect(delays).toHaveLength(2);
    expect(delays[1]).toBeGreaterThan(delays[0] as number);
    expect(await drain(sqs, queueUrl)).toHaveLength(3);
  });

  it('refuses a batch too large for one message before sending anything', async () => {
    const sqs = newClient();
    const queueUrl = await newQueue(sqs);
    const seen = observe(sqs);

    await expect(
      createSqsSendQueue(sqs, queueUrl).enqueue([batch(1), batch(2, MAX_REQUEST_BYTES)]),
    ).rejects.toMatchObject({ name: 'SendQueueError', notEnqueued: 1, total: 2 });
    expect(seen.requests).toEqual([]);
  });

  it('keeps at most maxInFlight requests in flight', async () => {
    const sqs = newClient();
    const queueUrl = await newQueue(sqs);
    const seen = observe(sqs, () => undefined, 30);

    await createSqsSendQueue(sqs, queueUrl, { maxInFlight: 3 }).enqueue(
      Array.from({ length: 95 }, (_, i) => batch(i + 1)),
    );

    expect(seen.requests).toHaveLength(10);
    expect(seen.mostInFlight()).toBe(3);
    expect(await drain(sqs, queueUrl)).toHaveLength(95);
  });
});
