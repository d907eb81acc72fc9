/**
 * Where things live in the bucket: the one module that owns the key layout, so the summarize writer, the
 * digest's reader and the tests agree. Pure: it names keys, it reads nothing.
 */
import { createHash } from 'node:crypto';

/** What identifies one upload: the object and, when the event named them, its version and ETag. */
export interface UploadIdentity {
  bucket: string;
  key: string;
  versionId?: string;
  etag?: string;
}

/**
 * Stable per upload: the same object version (a redelivered event) maps to the same id, so it overwrites
 * nothing and duplicates nothing; a new upload of the key (new etag/version) gets a new id.
 */
export function summaryIdFor(ref: UploadIdentity): string {
  const version = ref.versionId ?? ref.etag ?? '';
  return createHash('sha256').update(`${ref.bucket}\n${ref.key}\n${version}`).digest('hex').slice(0, 32);
}

/** `<prefix>YYYY/MM/DD/<id>.json`, dated by the upload (UTC), so a late redelivery lands on the same key. */
export function partitionedKey(prefix: string, uploadedAt: Date, id: string): string {
  return `${partitionOf(prefix, uploadedAt)}${id}.json`;
}

/** S3 notifications URL-encode keys as a form does ("+" for a space); this is the one place they are decoded. */
export function decodeS3EventKey(encoded: string): string {
  return decodeURIComponent(encoded.replace(/\+/g, ' '));
}

/**
 * Summaries are stored under `<prefix>YYYY/MM/DD/` by the UTC date the ARTICLE was uploaded (so a
 * redelivered event writes the same key), while the digest window is about when the SUMMARY was stored
 * (LastModified). A summary can be stored long after its upload: Lambda retries for up to 6 hours, and a
 * failed event waits in the dead-letter queue for up to 14 days (its retention) until `npm run redrive`
 * replays it with its original upload time. So a run lists the partitions from 16 days before the window's
 * start up to its end; anything stored inside the window is in one of them. (About 17 LIST requests per
 * hourly run: cents a month.)
 */
export const PARTITION_SLACK_DAYS = 16;
const DAY_MS = 24 * 60 * 60 * 1000;

export function summaryPartitions(prefix: string, from: Date, to: Date): string[] {
  const first =
    Date.UTC(from.getUTCFullYear(), from.getUTCMonth(), from.getUTCDate()) - PARTITION_SLACK_DAYS * DAY_MS;
  const partitions: string[] = [];
  for (let day = first; day <= to.getTime(); day += DAY_MS)
    partitions.push(partitionOf(prefix, new Date(day)));
  return partitions;
}

/** `<prefix>YYYY/MM/DD/` of a time's UTC date. */
function partitionOf(prefix: string, time: Date): string {
  return `${prefix}${time.toISOString().slice(0, 10).replaceAll('-', '/')}/`;
}

/**
 * `<statePrefix>digest-runs/<runAt ISO>.json`: the summaries one planning run read, saved for its sender
 * invocations (expired by the bucket's lifecycle rule on that prefix).
 */
export function runSnapshotKey(statePrefix: string, runAt: Date): string {
  return `${statePrefix}digest-runs/${runAt.toISOString()}.json`;
}

/** `<statePrefix>llm-calls/<YYYY-MM-DD>.json`: the LLM calls counted on one UTC day (LLM_DAILY_BUDGET). */
export function llmCallCounterKey(statePrefix: string, day: string): string {
  return `${statePrefix}llm-calls/${day}.json`;
}
