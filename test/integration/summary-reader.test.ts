import { PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createS3SummaryReader } from '../../src/aws/s3-summary-reader.js';
import { startS3Emulator, type S3Emulator } from '../../src/local/emulators.js';
import { partitionedKey } from '../../src/bucket-layout.js';
import { emulatorS3Client } from '../support/s3-fixtures.js';

const BUCKET = 'summary-reader-it';
const HOUR_MS = 60 * 60 * 1000;
const DAY_MS = 24 * HOUR_MS;

describe('S3 summary reader', () => {
  let emulator: S3Emulator;
  let s3: S3Client;

  beforeAll(async () => {
    emulator = await startS3Emulator({ buckets: [BUCKET] });
    s3 = emulatorS3Client(emulator.endpoint);
  });
  afterAll(async () => {
    s3.destroy();
    await emulator.close();
  });

  it('finds a summary stored now for an article uploaded 13 days ago (a redriven event), and only inside the window', async () => {
    const now = Date.now();
    const key = partitionedKey('summaries/', new Date(now - 13 * DAY_MS), 'a'.repeat(32));
    await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: key, Body: '{"late":true}' }));
    const reader = createS3SummaryReader(s3, BUCKET, 'summaries/');

    const inWindow = await reader.storedBetween(new Date(now - HOUR_MS), new Date(now + HOUR_MS));
    const before = await reader.storedBetween(new Date(now - 2 * HOUR_MS), new Date(now - HOUR_MS));

    expect(inWindow.map((o) => o.key)).toEqual([key]);
    expect(inWindow[0]?.body).toEqual({ late: true });
    expect(before).toEqual([]);
  });
});
