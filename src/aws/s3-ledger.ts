/**
 * Ledger on S3: `<state>ledger/<subscriberId>/<YYYY-MM-DD>.json` per sent (or empty) digest, and
 * `<state>send-failures/<subscriberId>/<YYYY-MM-DD>.json` for the last failure of that day, and
 * `<state>claims/<subscriberId>/<YYYY-MM-DD>.json` taken just before a send. Keys sort by date, so the
 * newest entry is the last key listed.
 */
import { DeleteObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { claimExpired, claimSchema, type Ledger } from '../use-cases/run-digest/ports.js';
import { getJson, keyExists, listAll, parseJson, putJson, putJsonIfAbsent, readText } from './s3-objects.js';

export function createS3Ledger(s3: S3Client, bucket: string, statePrefix: string): Ledger {
  const entries = (id: string) => `${statePrefix}ledger/${id}/`;
  const claimKey = (id: string, localDate: string) => `${statePrefix}claims/${id}/${localDate}.json`;
  return {
    has: (subscriberId, localDate) => keyExists(s3, bucket, `${entries(subscriberId)}${localDate}.json`),
    async latest(subscriberId, notBefore) {
      const prefix = entries(subscriberId);
      const keys = (await listAll(s3, bucket, prefix, `${prefix}${notBefore}`))
        .map((o) => o.Key ?? '')
        .filter((k) => k.endsWith('.json'))
        .sort();
      const key = keys.at(-1);
      if (key === undefined) return undefined;
      const text = await readText(s3, bucket, key);
      if (text === undefined) return undefined;
      return { key, body: parseJson(text) };
    },
    async claim(subscriberId, localDate, at) {
      const key = claimKey(subscriberId, localDate);
      const claim = { claimedAt: at.toISOString() };
      if (await putJsonIfAbsent(s3, bucket, key, claim)) return true;
      const held = claimSchema.safeParse(await getJson(s3, bucket, key));
      if (held.success && !claimExpired(held.data.claimedAt, at)) return false;
      // The run that held it is gone (or the claim is unreadable): take it over.
      await putJson(s3, bucket, key, claim);
      return true;
    },
    async release(subscriberId, localDate) {
      await s3.send(new DeleteObjectCommand({ Bucket: bucket, Key: claimKey(subscriberId, localDate) }));
    },
    async record(entry) {
      await putJson(s3, bucket, `${entries(entry.subscriberId)}${entry.localDate}.json`, entry);
    },
    async recordFailure(failure) {
      await putJson(
        s3,
        bucket,
        `${statePrefix}send-failures/${failure.subscriberId}/${failure.localDate}.json`,
        failure,
      );
    },
  };
}
