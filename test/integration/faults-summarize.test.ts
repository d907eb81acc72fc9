/**
 * S3 faults under the real summarize handler (`src/handlers/summarize.main`, configured by environment):
 * its S3 client talks to s3rver through a fault proxy that answers 500 and 503 SlowDown, hangs, and drops
 * connections before forwarding and after (the write happened, the client never heard), on GET and PUT. Each event is
 * invoked as Lambda invokes an S3 notification asynchronously: a throwing invocation is retried up to twice,
 * then the event goes to the dead-letter queue, from which `npm run redrive` replays it later (here: with
 * the faults off). Afterwards every upload has exactly one summary or exactly one failure record.
 */
import type { S3Client } from '@aws-sdk/client-s3';
import type { Context, S3Event } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeS3EventKey } from '../../src/bucket-layout.js';
import { listAll } from '../../src/aws/s3-objects.js';
import type { SummarizeReport } from '../../src/handlers/summarize-handler.js';
import {
  LOCAL_CREDENTIALS,
  LOCAL_REGION,
  startS3Emulator,
  type S3Emulator,
} from '../../src/local/emulators.js';
import {
  faults,
  seededRandom,
  startFaultProxy,
  type FaultProxy,
  type FaultRule,
} from '../support/fault-proxy.js';
import { expectOneRecordPerUpload, putUploads } from '../support/fault-scenarios.js';
import { setEnv } from '../../src/local/lambda-runtime.js';
import { emulatorS3Client } from '../support/s3-fixtures.js';
import { HOSTILE_KINDS, hostileUpload, sampleUpload, type UploadSpec } from '../../scripts/upload-mix.js';

const BUCKET = 'faults-summarize';
const MAX_ARTICLE_BYTES = 256 * 1024;
const SEED = 20261130;
/** Lambda's asynchronous invocation: the first try and `maximumRetryAttempts: 2` (serverless.yml). */
const INVOCATIONS = 3;

type Summarize = (event: S3Event, context: Context) => Promise<SummarizeReport>;

interface Upload extends UploadSpec {
  key: string;
  /** Faults only the first invocation of this upload's event meets (each SDK attempt of it). */
  firstInvocation?: Omit<FaultRule, 'name'>;
}

interface Delivery {
  key: string;
  invocations: number;
  deadLettered: boolean;
  /** What the invocation that finally succeeded reported (after the redrive for a dead-lettered event). */
  report?: SummarizeReport;
}

function uploads(): Upload[] {
  const random = seededRandom(SEED);
  const list: Upload[] = [];
  const add = (spec: UploadSpec, extra: Partial<Upload> = {}) =>
    list.push({ ...spec, key: `articles/${spec.name}`, ...extra });
  for (let i = 0; i < 18; i++) add(sampleUpload(i));
  HOSTILE_KINDS.forEach((kind, i) => add(hostileUpload(kind, i, random)));
  add({
    name: 'too-large.txt',
    body: new TextEncoder().encode('The council met on Monday. '.repeat(11_000)),
    contentType: 'text/plain',
    expected: { kind: 'failure', code: 'too-large' },
  });
  // Fail every invocation while the faults are on: dead-lettered, then redriven.
  add(sampleUpload(1, 'dlq-internal-error'));
  add(sampleUpload(2, 'dlq-dropped'));
  // Fail the first invocation only; Lambda's retry must finish the job without doubling anything.
  add(sampleUpload(3, 'retry-read'), {
    firstInvocation: { method: 'GET', path: /\/articles\/retry-read-/, fault: faults.s3SlowDown() },
  });
  add(sampleUpload(4, 'retry-summary-write'), {
    // The summary is stored, but the handler never hears so: the ambiguous write.
    firstInvocation: { method: 'PUT', path: /\/summaries\//, fault: faults.dropAfterForwarding() },
  });
  // A connection that hangs: the client's timeout ends the attempt and the SDK tries again.
  add(sampleUpload(5, 'hung-read'), {
    firstInvocation: { method: 'GET', path: /\/articles\/hung-read-/, times: 1, fault: faults.hang() },
  });
  add(sampleUpload(0, 'hung-summary-write'), {
    firstInvocation: {
      method: 'PUT',
      path: /\/summaries\//,
      times: 1,
      fault: faults.hang({ forward: true }),
    },
  });
  add(hostileUpload('empty', 9, random, 'retry-failure-write'), {
    firstInvocation: { method: 'PUT', path: /\/failures\//, fault: faults.dropAfterForwarding() },
  });
  return list;
}

const context = (attempt: number) =>
  ({ functionName: 'summarize', awsRequestId: `faults-${attempt}` }) as unknown as Context;

describe('summarize under S3 faults, with Lambda retries, the dead-letter queue and a redrive', () => {
  let emulator: S3Emulator;
  let proxy: FaultProxy;
  let s3: S3Client;
  let restoreEnv: () => void = () => undefined;
  const list = uploads();
  const deliveries: Delivery[] = [];

  beforeAll(async () => {
    emulator = await startS3Emulator({ buckets: [BUCKET] });
    proxy = await startFaultProxy({ target: emulator.endpoint, seed: SEED });
    s3 = emulatorS3Client(emulator.endpoint);
    restoreEnv = setEnv({
      ...LOCAL_CREDENTIALS,
      AWS_REGION: LOCAL_REGION,
      BUCKET,
      S3_ENDPOINT: proxy.url,
      MAX_ARTICLE_BYTES: String(MAX_ARTICLE_BYTES),
    });
    const main = (await import('../../src/handlers/summarize.js')).main as unknown as Summarize;

    const events = new Map<string, S3Event>();
    emulator.onObjectCreated((event) => {
      for (const record of event.Records)
        events.set(decodeS3EventKey(record.s3.object.key), { Records: [record] });
    });
    await putUploads(s3, BUCKET, list);
    // s3rver emits the notification before it answers the PUT.
    if (events.size !== list.length)
      throw new Error(`${events.size} notifications for ${list.length} uploads`);

    proxy.add({
      name: 'dead-letter: 500',
      method: 'GET',
      path: /\/articles\/dlq-internal-error-/,
      fault: faults.s3InternalError(),
    });
    proxy.add({
      name: 'dead-letter: dropped',
      method: 'GET',
      path: /\/articles\/dlq-dropped-/,
      fault: faults.dropBeforeForwarding(),
    });
    const background: FaultRule['fault'] = (random) => {
      const pick = [
        faults.s3InternalError,
        faults.s3SlowDown,
        faults.dropBeforeForwarding,
        faults.dropAfterForwarding,
      ];
      return (pick[Math.floor(random() * pick.length)] ?? faults.s3InternalError)();
    };
    proxy.add({ name: 'background GET', method: 'GET', probability: 0.2, fault: background });
    proxy.add({ name: 'background PUT', method: 'PUT', probability: 0.2, fault: background });

    const deadLetterQueue: { event: S3Event; delivery: Delivery }[] = [];
    for (const upload of list) {
      const event = events.get(upload.key);
      if (!event) throw new Error(`no notification for ${upload.key}`);
      const delivery: Delivery = { key: upload.key, invocations: 0, deadLettered: false };
      deliveries.push(delivery);
      for (let attempt = 1; attempt <= INVOCATIONS && !delivery.report; attempt++) {
        // First in line, so it wins over the background faults for every request it picks.
        const removeFault =
          attempt === 1 && upload.firstInvocation
            ? proxy.add(
                { name: `first invocation of ${upload.key}`, ...upload.firstInvocation },
                { first: true },
              )
            : undefined;
        delivery.invocations++;
        delivery.report = await main(event, context(attempt)).catch(() => undefined);
        removeFault?.();
      }
      if (!delivery.report) {
        delivery.deadLettered = true;
        deadLetterQueue.push({ event, delivery });
      }
    }

    // Later, with the cause gone: `npm run redrive` re-invokes each dead-lettered event once.
    proxy.clear();
    for (const { event, delivery } of deadLetterQueue) delivery.report = await main(event, context(0));
  }, 120_000);

  afterAll(async () => {
    restoreEnv();
    s3?.destroy();
    await proxy?.close();
    await emulator?.close();
  });

  it('meets every kind of fault, on reads and on writes', () => {
    for (const label of [
      's3-500-InternalError',
      's3-503-SlowDown',
      'drop-before-forwarding',
      'drop-after-forwarding',
    ])
      expect(proxy.injected(label), label).toBeGreaterThan(0);
    const faulted = proxy.log.filter((entry) => entry.fault !== undefined);
    expect(faulted.some((entry) => entry.method === 'GET')).toBe(true);
    expect(faulted.some((entry) => entry.method === 'PUT')).toBe(true);
  });

  it('retries the events whose invocation failed, and dead-letters the ones that failed three times', () => {
    const retried = deliveries.filter((d) => d.invocations > 1).map((d) => d.key);
    const deadLettered = deliveries.filter((d) => d.deadLettered).map((d) => d.key);
    expect(retried).toEqual(
      expect.arrayContaining(list.filter((u) => u.key.includes('/retry-')).map((u) => u.key)),
    );
    expect(deadLettered).toEqual(
      expect.arrayContaining(list.filter((u) => u.key.includes('/dlq-')).map((u) => u.key)),
    );
    expect(deliveries.every((d) => d.report !== undefined)).toBe(true);
  });

  it('leaves every upload exactly one summary or exactly one failure record, as its content deserves', async () => {
    await expectOneRecordPerUpload(s3, BUCKET, list);
    // Nothing else was written: one object per upload.
    const stored = [
      ...(await listAll(s3, BUCKET, 'summaries/')),
      ...(await listAll(s3, BUCKET, 'failures/')),
    ];
    expect(stored).toHaveLength(list.length);
  });

  it('times out a hung request and tries again, finding the summary it stored before the hang', () => {
    expect(proxy.injected('hang')).toBe(1);
    expect(proxy.injected('hang-after-forwarding')).toBe(1);
    const hungWrite = deliveries.find((d) => d.key.includes('/hung-summary-write-'));
    expect(hungWrite?.report?.outcomes).toEqual([expect.objectContaining({ status: 'already-summarized' })]);
  });

  it('finds, on the retry after an ambiguous summary write, the summary already stored, and stores no second one', () => {
    const delivery = deliveries.find((d) => d.key.includes('/retry-summary-write-'));
    expect(delivery?.invocations).toBeGreaterThan(1);
    expect(delivery?.report?.outcomes).toEqual([expect.objectContaining({ status: 'already-summarized' })]);
  });
});
