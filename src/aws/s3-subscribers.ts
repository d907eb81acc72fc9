/**
 * The subscribers document in the bucket. Absent means "use the environment's list"; present but not
 * JSON is an operator error that must be loud, not a silent fallback to somebody else's list.
 */
import type { S3Client } from '@aws-sdk/client-s3';
import type { SubscriberDirectory } from '../use-cases/run-digest/ports.js';
import { keyExists, readText } from './s3-objects.js';

export class SubscribersDocumentError extends Error {
  override readonly name = 'SubscribersDocumentError';
}

export function createS3SubscriberDirectory(s3: S3Client, bucket: string, key: string): SubscriberDirectory {
  return {
    async load() {
      // Listed first: a GET of a missing key is 403, not 404, for a role that may list only some prefixes.
      if (!(await keyExists(s3, bucket, key))) return undefined;
      const text = await readText(s3, bucket, key);
      if (text === undefined) return undefined;
      try {
        return JSON.parse(text) as unknown;
      } catch (error: unknown) {
        throw new SubscribersDocumentError(
          `s3://${bucket}/${key} is not valid JSON (${error instanceof Error ? error.message : String(error)})`,
        );
      }
    },
  };
}
