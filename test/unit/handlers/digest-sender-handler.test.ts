import { Metrics } from '@aws-lambda-powertools/metrics';
import type { Context, SQSEvent, SQSRecord } from 'aws-lambda';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { StoredSummary } from '../../../src/digest/stored-summary.js';
import {
  createDigestSenderHandler,
  parseSendBatch,
  type SenderWiring,
} from '../../../src/handlers/digest-sender-handler.js';
import type { RunSnapshots } from '../../../src/use-cases/run-digest/ports.js';
import type { SendBatch } from '../../../src/use-cases/run-digest/send-batch.js';
import {
  TEST_SETTINGS,
  capturingMailer,
  fakeLinkSigner,
  memoryStore,
  storedSummary,
  subscribersOf,
} from '../../support/digest-memory.js';
import { capturedLogger, linesSaying } from '../../support/log-lines.js';
import { buildSummary } from '../../support/summary-fixtures.js';

const RUN_AT = '2026-11-24T07:00:00.000Z';
const SNAPSHOT_KEY = `state/digest-runs/${RUN_AT}.json`;

/** A record as Lambda's SQS trigger delivers it. */
function record(body: string, messageId = 'message-1'): SQSRecord {
  return {
    messageId,
    receiptHandle: `${messageId}-receipt`,
    body,
    attributes: {
      ApproximateReceiveCount: '1',
      SentTimestamp: '1795503600000',
      SenderId: 'AROAEXAMPLE:digest',
      ApproximateFirstReceiveTimestamp: '1795503600100',
    },
    messageAttributes: {},
    md5OfBody: '0'.repeat(32),
    eventSource: 'aws:sqs',
    eventSourceARN: 'arn:aws:sqs:us-east-1:123456789012:article-digest-dev-digest-send',
    awsRegion: 'us-east-1',
  };
}

const eventOf = (...records: SQSRecord[]): SQSEvent => ({ Records: records });

/** A context with plenty of time, or with `remaining()` deciding how much is left. */
const contextWith = (remaining: () => number = () => 300_000) =>
  ({ getRemainingTimeInMillis: remaining }) as unknown as Context;

function setup(emails: string[]) {
  const subscribers = subscribersOf({ subscribers: emails.map((email) => ({ email })) });
  const store = memoryStore();
  for (const subscriber of subscribers) store.put(subscriber);
  const mailer = capturingMailer();
  const saved = new Map<string, StoredSummary[]>([
    [
      SNAPSHOT_KEY,
      [storedSummary(buildSummary({ title: 'Harbour reopens' }), new Date('2026-11-24T06:00:00Z'))],
    ],
  ]);
  const snapshots: RunSnapshots = {
    save: async () => SNAPSHOT_KEY,
    async load(key) {
      // A snapshot under slow/ answers after the others, so invocations can overlap.
      if (key.includes('/slow/')) await new Promise((resolve) => setTimeout(resolve, 50));
      const summaries = saved.get(key);
      if (summaries === undefined) throw new Error(`no snapshot ${key}`);
      return summaries;
    },
  };
  const wiring: SenderWiring = {
    ledger: store,
    mailer,
    links: fakeLinkSigner(),
    snapshots,
    sleep: async () => undefined,
    clock: () => new Date(RUN_AT),
    settings: TEST_SETTINGS,
  };
  const batch: SendBatch = {
    version: 1,
    runAt: RUN_AT,
    summariesKey: SNAPSHOT_KEY,
    sendRate: 1,
    targets: subscribers.map((subscriber) => ({
      subscriber,
      localDate: '2026-11-24',
      windowFrom: '2026-11-23T07:00:00.000Z',
      windowTo: RUN_AT,
    })),
  };
  const metrics = new Metrics({ namespace: 'test', serviceName: 'digest-sender' });
  const added = vi.spyOn(metrics, 'addMetric');
  vi.spyOn(metrics, 'publishStoredMetrics').mockImplementation(() => metrics);
  const { logger, lines } = capturedLogger('digest-sender-test');
  const handler = createDigestSenderHandler(wiring, logger, metrics);
  return { handler, batch, mailer, store, added, lines };
}

describe('the digest sender handler', () => {
  afterEach(() => {
    vi.restoreAllMocks();
  });

  it('sends every subscriber of the batch, reports no failure and emits DigestsSent and DigestsFailed', async () => {
    const { handler, batch, mailer, added, lines } = setup(['ana@example.com', 'ben@example.com']);

    const response = await handler(eventOf(record(JSON.stringify(batch))), contextWith());

    expect(response).toEqual({ batchItemFailures: [] });
    // Each line names the SQS message it came from, and SES's id of the mail under its own name.
    const sent = linesSaying(lines, 'Digest sent');
    expect(sent.map((line) => line.messageId)).toEqual(['message-1', 'message-1']);
    expect(sent.map((line) => line.sesMessageId).sort()).toEqual(mailer.sent.map((m) => m.messageId).sort());
    expect(mailer.sent.map((m) => m.to).sort()).toEqual(['ana@example.com', 'ben@example.com']);
    expect(added.mock.calls).toEqual([
      ['DigestsSent', 'Count', 2],
      ['DigestsFailed', 'Count', 0],
    ]);
  });

  it('reports a message that is not a send batch, with the reason logged, and still sends the others', async () => {
    const { handler, batch, mailer, lines } = setup(['ana@example.com']);
    const wrongVersion = JSON.stringify({ ...batch, version: 2 });

    const response = await handler(
      eventOf(
        record('{"truncated": ', 'not-json'),
        record(wrongVersion, 'wrong-version'),
        record(JSON.stringify(batch), 'good'),
      ),
      contextWith(),
    );

    expect(response.batchItemFailures).toEqual([
      { itemIdentifier: 'not-json' },
      { itemIdentifier: 'wrong-version' },
    ]);
    expect(mailer.sent).toHaveLength(1);
    const refused = linesSaying(lines, 'The message is not a send batch');
    expect(refused.map((line) => [line.level, line.messageId])).toEqual([
      ['ERROR', 'not-json'],
      ['ERROR', 'wrong-version'],
    ]);
    expect(refused[0]?.reason).toMatch(/^not JSON/);
    expect(refused[1]?.reason).toMatch(/^version: /);
  });

  it('reports a batch cut short by the timeout, and its redelivery sends the rest without a second copy', async () => {
    const { handler, batch, mailer, store } = setup(['ana@example.com', 'ben@example.com', 'cy@example.com']);
    // Time runs short once the first digest has gone out.
    const shortOfTime = contextWith(() => (mailer.sent.length >= 1 ? 1_000 : 300_000));

    const first = await handler(eventOf(record(JSON.stringify(batch))), shortOfTime);

    expect(first).toEqual({ batchItemFailures: [{ itemIdentifier: 'message-1' }] });
    expect(mailer.sent).toHaveLength(1);

    const again = await handler(eventOf(record(JSON.stringify(batch))), contextWith());

    expect(again).toEqual({ batchItemFailures: [] });
    expect(mailer.sent.map((m) => m.to).sort()).toEqual([
      'ana@example.com',
      'ben@example.com',
      'cy@example.com',
    ]);
    expect(store.entries).toHaveLength(3);
  });

  it('reports a batch whose snapshot cannot be read, so SQS delivers it again', async () => {
    const { handler, batch, mailer, lines } = setup(['ana@example.com']);
    const missing = { ...batch, summariesKey: 'state/digest-runs/missing.json' };

    const response = await handler(eventOf(record(JSON.stringify(missing))), contextWith());

    expect(response).toEqual({ batchItemFailures: [{ itemIdentifier: 'message-1' }] });
    expect(mailer.sent).toEqual([]);
    expect(linesSaying(lines, 'The send batch failed; SQS delivers it again')).toEqual([
      expect.objectContaining({
        level: 'ERROR',
        messageId: 'message-1',
        summariesKey: 'state/digest-runs/missing.json',
      }),
    ]);
  });

  it('names the message it is about in every log line, when two invocations overlap in one process', async () => {
    // Prepare: the local stack's pollers run invocations side by side on one module's logger.
    const { handler, batch, lines } = setup(['ana@example.com']);
    const slowAndMissing = { ...batch, summariesKey: 'state/digest-runs/slow/missing.json' };

    // Act
    const slow = handler(eventOf(record(JSON.stringify(slowAndMissing), 'slow-one')), contextWith());
    await handler(eventOf(record('{"truncated": ', 'broken-one')), contextWith());
    await slow;

    // Assess
    expect(linesSaying(lines, 'The message is not a send batch').map((line) => line.messageId)).toEqual([
      'broken-one',
    ]);
    expect(linesSaying(lines, 'The send batch failed').map((line) => line.messageId)).toEqual(['slow-one']);
  });

  it('starts no batch when the invocation is already out of time', async () => {
    const { handler, batch, mailer } = setup(['ana@example.com']);

    const response = await handler(
      eventOf(record(JSON.stringify(batch))),
      contextWith(() => 5_000),
    );

    expect(response).toEqual({ batchItemFailures: [{ itemIdentifier: 'message-1' }] });
    expect(mailer.sent).toEqual([]);
  });

  it('parses a send batch, and says which field is wrong when it is not one', () => {
    const { batch } = setup(['ana@example.com']);

    expect(parseSendBatch(JSON.stringify(batch))).toEqual({ batch });
    expect(parseSendBatch(JSON.stringify({ ...batch, targets: [] }))).toEqual({
      reason: expect.stringMatching(/^targets: /),
    });
    expect(parseSendBatch('"a string"')).toEqual({ reason: expect.stringMatching(/^message: /) });
  });
});
