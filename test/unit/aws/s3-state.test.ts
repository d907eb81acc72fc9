/**
 * The S3 state the digest and the summarizer still keep in the bucket, against the production S3 client
 * whose HTTP requests a fake answers as S3 would: the conditional requests each path sends, and no HEAD
 * anywhere (a prefix-scoped role gets 403 for a HEAD of a missing key). Subscribers, claims and the ledger
 * are in DynamoDB (test/integration/dynamodb-store.test.ts).
 */
import { describe, expect, it } from 'vitest';
import { createS3Client } from '../../../src/aws/clients.js';
import { putJsonIf } from '../../../src/aws/s3-objects.js';
import { createS3RunSnapshots, RunSnapshotError } from '../../../src/aws/s3-run-snapshots.js';
import { createS3SummaryStore } from '../../../src/aws/s3-summary-store.js';
import {
  FAKE_CREDENTIALS,
  httpFake,
  inTurn,
  s3Error,
  s3Object,
  s3Target,
  s3Written,
  type Responder,
} from '../../support/aws-http-fake.js';
import { storedSummary } from '../../support/digest-memory.js';
import { buildSummary } from '../../support/summary-fixtures.js';

/** The production S3 client (its retries included) whose requests `respond` answers. */
function s3Answering(respond: Responder) {
  const { requestHandler, requests } = httpFake(respond);
  const s3 = createS3Client({ AWS_REGION: 'eu-west-1' }, { credentials: FAKE_CREDENTIALS, requestHandler });
  const sent = (method: string) => requests.filter((r) => r.method === method);
  return { s3, requests, sent };
}

/** What S3 answers a write whose If-None-Match / If-Match does not hold. */
const preconditionFailed = () =>
  s3Error(412, 'PreconditionFailed', 'At least one of the pre-conditions you specified did not hold');
/** What S3 answers a conditional write that meets another one on the same key in progress. */
const conflict = () =>
  s3Error(
    409,
    'ConditionalRequestConflict',
    'The conditional request cannot succeed due to a conflicting operation against this resource.',
  );

const SUMMARY = buildSummary({ title: 'Tram line approved' });

describe('a summary written only when its key is free (If-None-Match: *)', () => {
  it('writes once: a second conditional put finds it there', async () => {
    const { s3, sent } = s3Answering(inTurn(s3Written(), preconditionFailed()));
    const store = createS3SummaryStore(s3, 'b');

    const first = await store.putIfAbsent('summaries/2026/11/24/x.json', SUMMARY);
    const second = await store.putIfAbsent('summaries/2026/11/24/x.json', SUMMARY);

    expect([first, second]).toEqual([true, false]);
    expect(sent('PUT').map((r) => r.headers['if-none-match'])).toEqual(['*', '*']);
    expect(sent('HEAD')).toHaveLength(0);
  });
});

describe('a conditional write racing another on the same key (S3 answers 409 ConditionalRequestConflict)', () => {
  it('writes on the second try when the other write did not create the key', async () => {
    const { s3, sent } = s3Answering(inTurn(conflict(), s3Written('"u"')));

    expect(await createS3SummaryStore(s3, 'b').putIfAbsent('summaries/x.json', SUMMARY)).toBe(true);
    expect(sent('PUT').map((r) => r.headers['if-none-match'])).toEqual(['*', '*']);
  });

  it('finds the key taken when the other write created it (412 on the second try)', async () => {
    const { s3, sent } = s3Answering(inTurn(conflict(), preconditionFailed()));

    expect(await createS3SummaryStore(s3, 'b').putIfAbsent('summaries/x.json', SUMMARY)).toBe(false);
    expect(sent('PUT').map((r) => r.headers['if-none-match'])).toEqual(['*', '*']);
  });

  it('tries only once more: a second 409 is an error', async () => {
    // The SDK does not retry a 409 either: two requests in all.
    const { s3, sent } = s3Answering(inTurn(conflict()));

    await expect(
      createS3SummaryStore(s3, 'b').putIfAbsent('summaries/x.json', SUMMARY),
    ).rejects.toMatchObject({
      name: 'ConditionalRequestConflict',
    });
    expect(sent('PUT').map((r) => r.headers['if-none-match'])).toEqual(['*', '*']);
  });

  it('is not tried again for an If-Match write: there a 409 means another write got there first', async () => {
    const { s3, sent } = s3Answering(inTurn(conflict()));

    const written = await putJsonIf(
      s3,
      'b',
      'state/llm-calls/2026-11-24.json',
      { calls: 2 },
      {
        ifMatch: '"held"',
      },
    );

    expect(written).toBeUndefined();
    expect(sent('PUT').map((r) => r.headers['if-match'])).toEqual(['"held"']);
  });
});

describe("a planning run's saved summaries", () => {
  const runAt = new Date('2026-11-24T07:00:00Z');

  it('are one object under the state prefix, read back once per key by a warm sender', async () => {
    const summaries = [storedSummary(SUMMARY, new Date('2026-11-24T05:00:00Z'))];
    const snapshot = JSON.stringify({
      summaries: [{ key: summaries[0]?.key, storedAt: '2026-11-24T05:00:00.000Z', summary: SUMMARY }],
    });
    const { s3, sent } = s3Answering((request) =>
      request.method === 'PUT' ? s3Written() : s3Object(snapshot, { 'content-type': 'application/json' }),
    );
    const snapshots = createS3RunSnapshots(s3, 'b', 'state/');

    const key = await snapshots.save(runAt, summaries);
    const loaded = await Promise.all([snapshots.load(key), snapshots.load(key)]);

    expect(key).toBe('state/digest-runs/2026-11-24T07:00:00.000Z.json');
    expect(sent('PUT').map(s3Target)[0]).toEqual({ bucket: 'b', key });
    expect(loaded).toEqual([summaries, summaries]);
    expect(sent('GET')).toHaveLength(1);
    expect(sent('HEAD')).toHaveLength(0);
  });

  it('fail to load, naming the key, when the object is gone or does not match the schema', async () => {
    const { s3 } = s3Answering((request) => {
      const { key } = s3Target(request);
      if (key === 'state/digest-runs/gone.json')
        return s3Error(404, 'NoSuchKey', 'The specified key does not exist.');
      if (key === 'state/digest-runs/bad.json')
        return s3Object(JSON.stringify({ summaries: [{ key: 'x' }] }));
      return s3Error(403, 'AccessDenied', 'Access Denied');
    });
    const snapshots = createS3RunSnapshots(s3, 'b', 'state/');

    await expect(snapshots.load('state/digest-runs/gone.json')).rejects.toThrow(RunSnapshotError);
    await expect(snapshots.load('state/digest-runs/bad.json')).rejects.toThrow(
      /state\/digest-runs\/bad\.json does not match the schema/,
    );
  });
});
