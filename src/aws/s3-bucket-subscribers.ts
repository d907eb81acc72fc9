/**
 * The subscribers, unsubscriptions and ledger that versions before the digest table kept in the bucket, read
 * once by `migrate-from-bucket` (src/use-cases/manage-subscribers/migrate-from-bucket.ts):
 * - `<document key>`: `{"subscribers": [...]}`;
 * - `<state>unsubscribed/<subscriberId>.json`: written once, when they unsubscribed;
 * - `<state>ledger/<subscriberId>/<YYYY-MM-DD>.json`: one LedgerEntry per day, so the last key is the newest.
 */
import type { S3Client } from '@aws-sdk/client-s3';
import { errorMessage } from '../errors.js';
import type { SubscribersBucket } from '../use-cases/manage-subscribers/migrate-from-bucket.js';
import { getJson, keyExists, listAll, readText } from './s3-objects.js';

export class SubscribersDocumentError extends Error {
  override readonly name = 'SubscribersDocumentError';
}

export function createS3SubscribersBucket(
  s3: S3Client,
  bucket: string,
  documentKey: string,
  statePrefix: string,
): SubscribersBucket {
  const documentLocation = `s3://${bucket}/${documentKey}`;
  return {
    documentLocation,
    async document() {
      // Listed first: a GET of a missing key is 403, not 404, for a role that may list only some prefixes.
      if (!(await keyExists(s3, bucket, documentKey))) return undefined;
      const text = await readText(s3, bucket, documentKey);
      if (text === undefined) return undefined;
      try {
        return JSON.parse(text) as unknown;
      } catch (error: unknown) {
        throw new SubscribersDocumentError(`${documentLocation} is not valid JSON (${errorMessage(error)})`);
      }
    },
    async unsubscribed() {
      const prefix = `${statePrefix}unsubscribed/`;
      // The object is written once, when they leave: its LastModified is when (no GET per object).
      const objects = await listAll(s3, bucket, prefix);
      return new Map(
        objects.flatMap((object) => {
          const id = /^([0-9a-f]{32})\.json$/.exec((object.Key ?? '').slice(prefix.length))?.[1];
          return id === undefined || object.LastModified === undefined ? [] : [[id, object.LastModified]];
        }),
      );
    },
    async newestLedgerObject(subscriberId) {
      const prefix = `${statePrefix}ledger/${subscriberId}/`;
      const key = (await listAll(s3, bucket, prefix))
        .map((object) => object.Key ?? '')
        .filter((k) => /^\d{4}-\d{2}-\d{2}\.json$/.test(k.slice(prefix.length)))
        .sort()
        .at(-1);
      return key === undefined ? undefined : { key, body: await getJson(s3, bucket, key) };
    },
  };
}
