/**
 * RunSnapshots on S3: the summaries a planning run read, saved as one JSON object under
 * `<statePrefix>digest-runs/<runAt ISO>.json`, so each sender invocation reads one object instead of listing
 * and reading the window again. A warm sender container keeps the last snapshot it loaded: the batches of
 * one run (the usual case for consecutive invocations) then cost no request at all.
 */
import type { S3Client } from '@aws-sdk/client-s3';
import { runSnapshotKey } from '../bucket-layout.js';
import { describeIssues } from '../errors.js';
import type { StoredSummary } from '../digest/stored-summary.js';
import type { RunSnapshots } from '../use-cases/run-digest/ports.js';
import { fromRunSnapshot, runSnapshotSchema, toRunSnapshot } from '../use-cases/run-digest/run-snapshot.js';
import { getJson, putJson } from './s3-objects.js';

/** A snapshot that is missing or does not match the schema: a redelivery cannot mend it, an operator can. */
export class RunSnapshotError extends Error {
  override readonly name = 'RunSnapshotError';
}

export function createS3RunSnapshots(s3: S3Client, bucket: string, statePrefix: string): RunSnapshots {
  /** The last key loaded and its summaries, as a promise so that concurrent loads share one GET. */
  let cached: { key: string; summaries: Promise<StoredSummary[]> } | undefined;

  const read = async (key: string): Promise<StoredSummary[]> => {
    const body = await getJson(s3, bucket, key);
    if (body === undefined) throw new RunSnapshotError(`The run snapshot ${key} does not exist`);
    const parsed = runSnapshotSchema.safeParse(body);
    if (!parsed.success) {
      const reason = describeIssues(parsed.error.issues, 'snapshot', 5);
      throw new RunSnapshotError(`The run snapshot ${key} does not match the schema: ${reason}`);
    }
    return fromRunSnapshot(parsed.data);
  };

  return {
    async save(runAt, summaries) {
      const key = runSnapshotKey(statePrefix, runAt);
      await putJson(s3, bucket, key, toRunSnapshot(summaries));
      return key;
    },
    load(key) {
      if (cached?.key !== key) {
        const summaries = read(key);
        const entry = { key, summaries };
        cached = entry;
        // A failed read is not kept: the next invocation tries again.
        summaries.catch(() => {
          if (cached === entry) cached = undefined;
        });
      }
      return cached.summaries;
    },
  };
}
