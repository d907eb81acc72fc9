/**
 * Unsubscriptions on S3: `<state>unsubscribed/<subscriberId>.json`. The id is a hash; no address is
 * stored. Re-subscribing someone is deleting their object.
 */
import type { S3Client } from '@aws-sdk/client-s3';
import type { UnsubscribeRecorder } from '../links/ports.js';
import type { UnsubscribeList } from '../use-cases/run-digest/ports.js';
import { listAll, putJsonIfAbsent } from './s3-objects.js';

export function createS3Unsubscribes(
  s3: S3Client,
  bucket: string,
  statePrefix: string,
): UnsubscribeList & UnsubscribeRecorder {
  const prefix = `${statePrefix}unsubscribed/`;
  return {
    async all() {
      const objects = await listAll(s3, bucket, prefix);
      return new Set(
        objects
          .map((o) => (o.Key ?? '').slice(prefix.length).replace(/\.json$/, ''))
          .filter((id) => id !== ''),
      );
    },
    add: (subscriberId, at) =>
      putJsonIfAbsent(s3, bucket, `${prefix}${subscriberId}.json`, {
        subscriberId,
        unsubscribedAt: at.toISOString(),
      }),
  };
}
