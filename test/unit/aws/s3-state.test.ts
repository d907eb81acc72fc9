/**
 * The S3 state the digest and the summarizer still keep in the bucket, against a mocked S3 client: the
 * conditional requests each path sends, and no HEAD anywhere (a prefix-scoped role gets 403 for a HEAD of a
 * missing key). Subscribers, claims and the ledger are in DynamoDB (test/integration/dynamodb-store.test.ts).
 */
import {
  GetObjectCommand,
  type GetObjectCommandOutput,
  HeadObjectCommand,
  NoSuchKey,
  PutObjectCommand,
  S3Client,
  S3ServiceException,
} from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { putJsonIf } from '../../../src/aws/s3-objects.js';
import { createS3RunSnapshots, RunSnapshotError } from '../../../src/aws/s3-run-snapshots.js';
import { createS3SummaryStore } from '../../../src/aws/s3-summary-store.js';
import { storedSummary } from '../../support/digest-memory.js';
import { buildSummary } from '../../support/summary-fixtures.js';

const s3 = mockClient(S3Client);
// The mocks patch every client of the class in this worker: give the real ones back for the next file.
afterAll(() => {
  s3.restore();
});
afterEach(() => s3.reset());

const preconditionFailed = () =>
  new S3ServiceException({
    name: 'PreconditionFailed',
    $fault: 'client',
    $metadata: { httpStatusCode: 412 },
    message: 'At least one of the pre-conditions you specified did not hold',
  });
/** What S3 answers a conditional write that meets another one on the same key in progress. */
const conflict = () =>
  new S3ServiceException({
    name: 'ConditionalRequestConflict',
    $fault: 'client',
    $metadata: { httpStatusCode: 409 },
    message: 'The conditional request cannot succeed due to a conflicting operation against this resource.',
  });
/** Just the part of a streaming body the adapters use. */
const body = (value: unknown) =>
  ({ transformToString: async () => JSON.stringify(value) }) as unknown as GetObjectCommandOutput['Body'];

const SUMMARY = buildSummary({ title: 'Tram line approved' });
const puts = () => s3.commandCalls(PutObjectCommand).map((c) => c.args[0].input.IfNoneMatch);

describe('a summary written only when its key is free (If-None-Match: *)', () => {
  const store = () => createS3SummaryStore(new S3Client({}), 'b');

  it('writes once: a second conditional put finds it there', async () => {
    s3.on(PutObjectCommand).resolvesOnce({}).rejects(preconditionFailed());

    const first = await store().putIfAbsent('summaries/2026/11/24/x.json', SUMMARY);
    const second = await store().putIfAbsent('summaries/2026/11/24/x.json', SUMMARY);

    expect([first, second]).toEqual([true, false]);
    expect(puts()).toEqual(['*', '*']);
    expect(s3.commandCalls(HeadObjectCommand)).toHaveLength(0);
  });
});

describe('a conditional write racing another on the same key (S3 answers 409 ConditionalRequestConflict)', () => {
  const store = () => createS3SummaryStore(new S3Client({}), 'b');

  it('writes on the second try when the other write did not create the key', async () => {
    s3.on(PutObjectCommand).rejectsOnce(conflict()).resolves({ ETag: '"u"' });

    expect(await store().putIfAbsent('summaries/x.json', SUMMARY)).toBe(true);
    expect(puts()).toEqual(['*', '*']);
  });

  it('finds the key taken when the other write created it (412 on the second try)', async () => {
    s3.on(PutObjectCommand).rejectsOnce(conflict()).rejects(preconditionFailed());

    expect(await store().putIfAbsent('summaries/x.json', SUMMARY)).toBe(false);
    expect(puts()).toEqual(['*', '*']);
  });

  it('tries only once more: a second 409 is an error', async () => {
    s3.on(PutObjectCommand).rejects(conflict());

    await expect(store().putIfAbsent('summaries/x.json', SUMMARY)).rejects.toMatchObject({
      name: 'ConditionalRequestConflict',
    });
    expect(puts()).toEqual(['*', '*']);
  });

  it('is not tried again for an If-Match write: there a 409 means another write got there first', async () => {
    s3.on(PutObjectCommand).rejects(conflict());

    const written = await putJsonIf(
      new S3Client({}),
      'b',
      'state/llm-calls/2026-11-24.json',
      { calls: 2 },
      {
        ifMatch: '"held"',
      },
    );

    expect(written).toBeUndefined();
    expect(s3.commandCalls(PutObjectCommand).map((c) => c.args[0].input.IfMatch)).toEqual(['"held"']);
  });
});

describe("a planning run's saved summaries", () => {
  const runAt = new Date('2026-11-24T07:00:00Z');

  it('are one object under the state prefix, read back once per key by a warm sender', async () => {
    const summaries = [storedSummary(SUMMARY, new Date('2026-11-24T05:00:00Z'))];
    s3.on(PutObjectCommand).resolves({});
    s3.on(GetObjectCommand).resolves({
      Body: body({
        summaries: [{ key: summaries[0]?.key, storedAt: '2026-11-24T05:00:00.000Z', summary: SUMMARY }],
      }),
    });
    const snapshots = createS3RunSnapshots(new S3Client({}), 'b', 'state/');

    const key = await snapshots.save(runAt, summaries);
    const loaded = await Promise.all([snapshots.load(key), snapshots.load(key)]);

    expect(key).toBe('state/digest-runs/2026-11-24T07:00:00.000Z.json');
    expect(s3.commandCalls(PutObjectCommand)[0]?.args[0].input).toMatchObject({ Bucket: 'b', Key: key });
    expect(loaded).toEqual([summaries, summaries]);
    expect(s3.commandCalls(GetObjectCommand)).toHaveLength(1);
    expect(s3.commandCalls(HeadObjectCommand)).toHaveLength(0);
  });

  it('fail to load, naming the key, when the object is gone or does not match the schema', async () => {
    s3.on(GetObjectCommand, { Key: 'state/digest-runs/gone.json' })
      .rejects(new NoSuchKey({ message: 'The specified key does not exist.', $metadata: {} }))
      .on(GetObjectCommand, { Key: 'state/digest-runs/bad.json' })
      .resolves({ Body: body({ summaries: [{ key: 'x' }] }) });
    const snapshots = createS3RunSnapshots(new S3Client({}), 'b', 'state/');

    await expect(snapshots.load('state/digest-runs/gone.json')).rejects.toThrow(RunSnapshotError);
    await expect(snapshots.load('state/digest-runs/bad.json')).rejects.toThrow(
      /state\/digest-runs\/bad\.json does not match the schema/,
    );
  });
});
