/**
 * Ledger on S3: `<state>ledger/<subscriberId>/<YYYY-MM-DD>.json` per sent (or empty) digest, and
 * `<state>send-failures/<subscriberId>/<YYYY-MM-DD>.json` for the last failure of that day, and
 * `<state>claims/<subscriberId>/<YYYY-MM-DD>.json` taken just before a send. Keys sort by date, so the
 * newest entry is the last key listed.
 *
 * Every change to a claim is conditional, so S3 decides races: a new claim is put only when the key is free
 * (If-None-Match: *), an expired one is taken over only while it is still the one that was read (If-Match
 * with its ETag), and a release deletes only the claim this run wrote (If-Match with that ETag).
 */
import { randomUUID } from 'node:crypto';
import type { PutObjectCommandOutput, S3Client } from '@aws-sdk/client-s3';
import { claimExpired, claimSchema, type HeldClaim, type Ledger } from '../use-cases/run-digest/ports.js';
import {
  deleteIfMatch,
  keyExists,
  listAll,
  parseJson,
  putJson,
  putJsonIf,
  readObject,
  readText,
} from './s3-objects.js';

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
      // The random id gives this claim a body, and so an ETag, no other claim has.
      const claim = { claimedAt: at.toISOString(), claimId: randomUUID() };
      const held = (written: PutObjectCommandOutput | undefined): HeldClaim | undefined =>
        written && { subscriberId, localDate, token: etagOf(written.ETag, key) };
      const created = await putJsonIf(s3, bucket, key, claim, { ifNoneMatch: '*' });
      if (created) return held(created);
      const current = await readObject(s3, bucket, key);
      // Released between the two requests: a run that gave it back had nothing sent; the next run claims it.
      if (current === undefined) return undefined;
      const parsed = claimSchema.safeParse(parseJson(current.text));
      if (parsed.success && !claimExpired(parsed.data.claimedAt, at)) return undefined;
      // The run that held it is gone (or the claim is unreadable): take it over, unless another run just did.
      return held(await putJsonIf(s3, bucket, key, claim, { ifMatch: etagOf(current.etag, key) }));
    },
    async release({ subscriberId, localDate, token }) {
      // Deletes nothing when another run has taken the claim over since: it is theirs now.
      await deleteIfMatch(s3, bucket, claimKey(subscriberId, localDate), token);
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

/** S3 answers every PUT and GET with an ETag; without one a conditional request could not name the claim. */
function etagOf(etag: string | undefined, key: string): string {
  if (etag === undefined || etag === '') throw new Error(`S3 returned no ETag for ${key}`);
  return etag;
}
