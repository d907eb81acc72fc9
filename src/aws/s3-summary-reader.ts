/**
 * SummaryReader on S3: list the date partitions that can hold summaries stored in the window, keep the
 * objects whose LastModified is inside it, read them a few at a time.
 */
import type { S3Client } from '@aws-sdk/client-s3';
import { mapConcurrent } from '../concurrency.js';
import { summaryPartitions } from '../bucket-layout.js';
import type { StoredObject, SummaryReader } from '../use-cases/run-digest/ports.js';
import { listAll, parseJson, readText } from './s3-objects.js';

const READ_CONCURRENCY = 8;

export function createS3SummaryReader(s3: S3Client, bucket: string, prefix: string): SummaryReader {
  return {
    async storedBetween(from, to) {
      const listed = (
        await Promise.all(summaryPartitions(prefix, from, to).map((p) => listAll(s3, bucket, p)))
      ).flat();
      const inWindow = listed.filter(
        (o) =>
          o.Key?.endsWith('.json') &&
          o.LastModified !== undefined &&
          o.LastModified >= from &&
          o.LastModified < to,
      );
      return mapConcurrent(inWindow, READ_CONCURRENCY, async (o): Promise<StoredObject> => {
        const key = o.Key ?? '';
        const text = await readText(s3, bucket, key);
        return {
          key,
          storedAt: o.LastModified ?? to,
          body: text === undefined ? undefined : parseJson(text),
        };
      });
    },
  };
}
