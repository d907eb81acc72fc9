/**
 * LLM_DAILY_BUDGET on S3: one counter object per UTC day, `<state>llm-calls/<YYYY-MM-DD>.json` holding
 * `{ "day", "calls" }`, changed only by conditional writes, so concurrent invocations never both take the
 * last call: the day's first call creates it (If-None-Match: *), each later one writes calls + 1 only while
 * the object is still the one it read (If-Match with its ETag), and reads again when another got there first.
 * No new infrastructure: the summarize function already works in this bucket, and S3's conditional writes
 * make one small object a day a safe counter, so it needs no table of its own.
 */
import type { S3Client } from '@aws-sdk/client-s3';
import { llmCallCounterKey } from '../bucket-layout.js';
import * as z from '../zod.js';
import type { LlmCallBudget } from '../use-cases/summarize-upload/ports.js';
import { parseJson, putJsonIf, readObject } from './s3-objects.js';

const counterSchema = z.object({ day: z.string(), calls: z.number().check(z.int(), z.nonnegative()) });

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
      const key = llmCallCounterKey(statePrefix, day);
      const giveUpAt = Date.now() + contentionWaitMs;
      for (let round = 0; Date.now() < giveUpAt; round++) {
        // A connection dropped before S3 answered loses the round, like another writer getting there first.
        // Had S3 applied the write, the next round's condition fails and that call is counted twice: the
        // budget may end a call early, never late.
        const taken = await (round === 0 ? createCounter(key, day) : takeRound(key, day)).catch(
          (error: unknown) => {
            if (answeredByS3(error)) throw error;
            return undefined;
          },
        );
        if (taken !== undefined) return taken;
        await pause(RETRY_DELAY_MS.min + Math.random() * (RETRY_DELAY_MS.max - RETRY_DELAY_MS.min));
      }
      throw new Error(
        `The LLM call counter ${key} kept changing under this update, or stayed unreadable, for ${contentionWaitMs} ms`,
      );
    },
  };

  /**
   * The day's first call creates the counter. Written before it is read: a GET of a missing key would need
   * s3:ListBucket to answer 404, not 403. Undefined when it exists already.
   */
  async function createCounter(key: string, day: string): Promise<true | undefined> {
    return (await putJsonIf(s3, bucket, key, { day, calls: 1 }, { ifNoneMatch: '*' })) ? true : undefined;
  }

  /** One read-and-increment: whether the call is taken, or undefined when the round was lost. */
  async function takeRound(key: string, day: string): Promise<boolean | undefined> {
    const current = await readObject(s3, bucket, key);
    // Missing (after a create whose connection dropped before S3 had it): create it now.
    if (current === undefined) return createCounter(key, day);
    if (current.etag === undefined) throw new CounterError(`The LLM call counter ${key} has no ETag`);
    const counter = counterSchema.safeParse(parseJson(current.text));
    // Unreadable: read again (never overwritten, the day's spending would be lost); if it stays so, the
    // take fails and no call is made.
    if (!counter.success) return undefined;
    if (counter.data.calls >= callsPerDay) return false;
    const next = { day, calls: counter.data.calls + 1 };
    return (await putJsonIf(s3, bucket, key, next, { ifMatch: current.etag })) ? true : undefined;
  }
}

class CounterError extends Error {}

/** Whether S3 answered (an HTTP status came back) or the counter is broken, not a dropped connection. */
const answeredByS3 = (error: unknown): boolean =>
  error instanceof CounterError ||
  typeof (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode === 'number';
