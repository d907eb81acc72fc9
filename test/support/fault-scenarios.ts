/**
 * Shared by the fault tests (test/integration/faults-*.test.ts): the invariant every upload owes (exactly
 * one summary or exactly one failure record, of the kind its content deserves), time zones that keep a
 * few hourly runs on one local date, and setting environment variables for a handler loaded from them.
 */
import { GetObjectCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { expect } from 'vitest';
import { listAll } from '../../src/aws/s3-objects.js';
import { failureRecordSchema, summarySchema } from '../../src/summary/schema.js';
import type { UploadSpec } from '../../scripts/upload-mix.js';
import { expectPublishedValid } from './published-schema.js';

export interface StoredRecord {
  key: string;
  /** The upload it is about (`source.key`). */
  upload: string;
  code?: string;
}

/** Every summary or failure record under `prefix`, each validated against its zod schema and its published one. */
export async function storedRecords(
  s3: S3Client,
  bucket: string,
  prefix: string,
  kind: 'summary' | 'failure',
): Promise<StoredRecord[]> {
  const objects = await listAll(s3, bucket, prefix);
  return Promise.all(
    objects.map(async ({ Key = '' }) => {
      const object = await s3.send(new GetObjectCommand({ Bucket: bucket, Key }));
      const body = JSON.parse((await object.Body?.transformToString()) ?? '') as unknown;
      expectPublishedValid(kind, body, Key);
      if (kind === 'summary') return { key: Key, upload: summarySchema.parse(body).source.key };
      const record = failureRecordSchema.parse(body);
      return { key: Key, upload: record.source.key, code: record.code };
    }),
  );
}

/**
 * Checks that each upload has exactly one summary or exactly one failure record, as its content deserves
 * (`expected`), and that nothing else was stored about them: no summary doubled under another key, no
 * summary beside a failure record.
 */
export async function expectOneRecordPerUpload(
  s3: S3Client,
  bucket: string,
  uploads: (Pick<UploadSpec, 'expected'> & { key: string })[],
): Promise<void> {
  const keys = new Set(uploads.map((u) => u.key));
  const summaries = (await storedRecords(s3, bucket, 'summaries/', 'summary')).filter((r) =>
    keys.has(r.upload),
  );
  const failures = (await storedRecords(s3, bucket, 'failures/', 'failure')).filter((r) =>
    keys.has(r.upload),
  );
  const actual = uploads.map((upload) => {
    const mine = {
      summaries: summaries.filter((r) => r.upload === upload.key),
      failures: failures.filter((r) => r.upload === upload.key),
    };
    const single = mine.summaries.length + mine.failures.length === 1;
    const outcome = !single
      ? `${mine.summaries.length} summaries and ${mine.failures.length} failure records`
      : upload.expected.kind === 'either'
        ? 'either'
        : mine.summaries.length === 1
          ? 'summary'
          : `failure ${mine.failures[0]?.code ?? ''}`;
    return { upload: upload.key, outcome };
  });
  const expected = uploads.map((upload) => ({
    upload: upload.key,
    outcome: upload.expected.kind === 'failure' ? `failure ${upload.expected.code}` : upload.expected.kind,
  }));
  expect(actual).toEqual(expected);
}

/** Uploads each file under its key, one after another (so notifications arrive in order), as a user would. */
export async function putUploads(
  s3: S3Client,
  bucket: string,
  uploads: { key: string; body: string | Uint8Array; contentType?: string }[],
): Promise<void> {
  for (const upload of uploads) {
    await s3.send(
      new PutObjectCommand({
        Bucket: bucket,
        Key: upload.key,
        Body: upload.body,
        ContentType: upload.contentType,
      }),
    );
  }
}
