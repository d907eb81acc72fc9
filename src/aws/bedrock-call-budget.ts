/**
 * LLM_DAILY_BUDGET on S3: one counter object per UTC day, `<state>llm-calls/<YYYY-MM-DD>.json` holding
 * `{ "day", "calls" }`, changed only by conditional writes, so concurrent invocations never both take the
 * last call: the day's first call creates it (If-None-Match: *), each later one writes calls + 1 only while
 * the object is still the one it read (If-Match with its ETag), and reads again when another got there first.
 * No new infrastructure: the bucket's state/ prefix already holds the digest's ledger, written the same way.
 */
import type { S3Client } from '@aws-sdk/client-s3';
import * as z from 'zod';
import type { LlmCallBudget } from '../use-cases/summarize-upload/ports.js';
import { parseJson, putJsonIf, readObject } from './s3-objects.js';

const counterSchema = z.object({ day: z.string(), calls: z.number().int().nonnegative() });

/**
 * How long to keep starting read-and-increment rounds lost to other writers (a burst of uploads all counting
 * on one object) before giving up; the use case then stores the extractive summary. With one attempt per
 * request (3 + 3 s deadlines, src/aws/clients.ts) a take ends within this plus one round: 17 s.
 */
const CONTENTION_WAIT_MS = 5_000;
const RETRY_DELAY_MS = { min: 20, max: 200 };
const pause = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export function createS3LlmCallBudget(
  s3: S3Client,
  bucket: string,
  statePrefix: string,
  callsPerDay: number,
  { contentionWaitMs = CONTENTION_WAIT_MS }: { contentionWaitMs?: number } = {},
): LlmCallBudget {
  return {
    async take(at) {
      if (callsPerDay <= 0) return false;
      const day = at.toISOString().slice(0, 10);
      const key = `${statePrefix}llm-calls/${day}.json`;
      // Written before it is read: a GET of a missing key would need s3:ListBucket to answer 404, not 403.
      if (await putJsonIf(s3, bucket, key, { day, calls: 1 }, { ifNoneMatch: '*' })) return true;
      const giveUpAt = Date.now() + contentionWaitMs;
      while (Date.now() < giveUpAt) {
        const current = await readObject(s3, bucket, key);
        if (current?.etag === undefined)
          throw new Error(`The LLM call counter ${key} is gone or has no ETag`);
        const counter = counterSchema.safeParse(parseJson(current.text));
        // Unreadable: read again (never overwritten, the day's spending would be lost); if it stays so, the
        // take fails below and no call is made.
        if (counter.success) {
          if (counter.data.calls >= callsPerDay) return false;
          const next = { day, calls: counter.data.calls + 1 };
          if (await putJsonIf(s3, bucket, key, next, { ifMatch: current.etag })) return true;
        }
        await pause(RETRY_DELAY_MS.min + Math.random() * (RETRY_DELAY_MS.max - RETRY_DELAY_MS.min));
      }
      throw new Error(
        `The LLM call counter ${key} kept changing under this update, or stayed unreadable, for ${contentionWaitMs} ms`,
      );
    },
  };
}
