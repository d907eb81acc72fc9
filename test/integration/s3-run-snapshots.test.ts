import { GetObjectCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RunSnapshotError, createS3RunSnapshots } from '../../src/aws/s3-run-snapshots.js';
import type { StoredSummary } from '../../src/digest/stored-summary.js';
import { startS3Emulator, type S3Emulator } from '../../src/local/emulators.js';
import { emulatorS3Client } from '../support/s3-fixtures.js';
import { buildSummary } from '../support/summary-fixtures.js';

const BUCKET = 'run-snapshots-it';

const summaries: StoredSummary[] = [
  {
    key: 'summaries/2026/11/30/a.json',
    storedAt: new Date('2026-11-30T06:12:00.123Z'),
    summary: buildSummary({ title: 'Harbour reopens', keywords: ['harbour'] }),
  },
  {
    key: 'summaries/2026/11/29/b.json',
    storedAt: new Date('2026-11-29T21:00:00.000Z'),
    summary: buildSummary({ title: 'Rail strike ends', url: 'https://news.example.com/rail' }),
  },
];

describe('run snapshots on S3', () => {
  let emulator: S3Emulator;
  let s3: S3Client;
  /** GetObject requests made through `s3`, by key. */
  const gets: string[] = [];

  beforeAll(async () => {
    emulator = await startS3Emulator({ buckets: [BUCKET] });
    s3 = emulatorS3Client(emulator.endpoint);
    s3.middlewareStack.add(
      (next, context) => async (args) => {
        if (context.commandName === 'GetObjectCommand') gets.push((args.input as { Key: string }).Key);
        return next(args);
      },
      { step: 'initialize', name: 'countGets' },
    );
  });
  afterAll(async () => {
    s3.destroy();
    await emulator.close();
  });

  it('saves under <statePrefix>digest-runs/<runAt>.json and loads the same summaries back, dates and all', async () => {
    const snapshots = createS3RunSnapshots(s3, BUCKET, 'state/');

    const key = await snapshots.save(new Date('2026-11-30T07:00:00Z'), summaries);
    const loaded = await createS3RunSnapshots(s3, BUCKET, 'state/').load(key);

    expect(key).toBe('state/digest-runs/2026-11-30T07:00:00.000Z.json');
    expect(loaded).toEqual(summaries);
    expect(loaded[0]?.storedAt).toBeInstanceOf(Date);
    const stored = await s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: key }));
    const body = JSON.parse((await stored.Body?.transformToString()) ?? '');
    expect(body.summaries[0]).toMatchObject({ key: summaries[0]?.key, storedAt: '2026-11-30T06:12:00.123Z' });
  });

  it('reads a snapshot once per container: the same key again, even concurrently, costs no request', async () => {
    const writer = createS3RunSnapshots(s3, BUCKET, 'state/');
    const first = await writer.save(new Date('2026-11-30T08:00:00Z'), summaries);
    const second = await writer.save(new Date('2026-11-30T09:00:00Z'), summaries.slice(1));
    const reader = createS3RunSnapshots(s3, BUCKET, 'state/');
    gets.length = 0;

    await Promise.all([reader.load(first), reader.load(first)]);
    await reader.load(first);
    expect(gets).toEqual([first]);

    expect(await reader.load(second)).toHaveLength(1);
    await reader.load(first);
    expect(gets).toEqual([first, second, first]);
  });

  it('refuses a missing snapshot, and reads it once it exists (a failure is not cached)', async () => {
    const snapshots = createS3RunSnapshots(s3, BUCKET, 'state/');
    const key = 'state/digest-runs/2026-11-30T10:00:00.000Z.json';

    await expect(snapshots.load(key)).rejects.toThrow(RunSnapshotError);
    await expect(snapshots.load(key)).rejects.toThrow(/does not exist/);
    await snapshots.save(new Date('2026-11-30T10:00:00Z'), summaries);

    expect(await snapshots.load(key)).toEqual(summaries);
  });

  it('refuses a snapshot that does not match the schema, naming what is wrong', async () => {
    const key = 'state/digest-runs/broken.json';
    const [good] = summaries;
    const broken = {
      summaries: [{ key: good?.key, storedAt: 'yesterday', summary: { ...good?.summary, summary: [] } }],
    };
    await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: key, Body: JSON.stringify(broken) }));
    await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: `${key}.txt`, Body: 'not json' }));
    const snapshots = createS3RunSnapshots(s3, BUCKET, 'state/');

    const loading = snapshots.load(key);
    await expect(loading).rejects.toThrow(RunSnapshotError);
    await expect(loading).rejects.toThrow(/summaries\.0\.storedAt/);
    await expect(loading).rejects.toThrow(/summaries\.0\.summary\.summary/);
    await expect(snapshots.load(`${key}.txt`)).rejects.toThrow(/does not match the schema/);
  });
});
