/**
 * Ledger on S3: `<state>ledger/<subscriberId>/<YYYY-MM-DD>.json` per sent (or empty) digest, and
 * `<state>send-failures/<subscriberId>/<YYYY-MM-DD>.json` for the last failure of that day. Keys sort by
 * date, so the newest entry is the last key listed.
 */
import type { S3Client } from '@aws-sdk/client-s3';
import { ledgerEntrySchema } from '../digest/ledger.js';
import type { Ledger } from '../ports.js';
import { objectExists, putJson } from './s3-json.js';
import { listAll, parseJson, readText } from './s3-keys.js';

export class LedgerEntryError extends Error {
  override readonly name = 'LedgerEntryError';
}

export function createS3Ledger(s3: S3Client, bucket: string, statePrefix: string): Ledger {
  const entries = (id: string) => `${statePrefix}ledger/${id}/`;
  return {
    has: (subscriberId, localDate) => objectExists(s3, bucket, `${entries(subscriberId)}${localDate}.json`),
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
      const parsed = ledgerEntrySchema.safeParse(parseJson(text));
      if (!parsed.success)
        throw new LedgerEntryError(`Ledger entry ${key} is not valid: ${parsed.error.message}`);
      return parsed.data;
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
