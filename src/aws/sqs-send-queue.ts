/**
 * SendQueue on SQS: each batch of subscribers becomes one JSON message, sent with SendMessageBatch (10
 * messages and at most 256 KiB a request, SQS's limits), a few requests at a time. SendMessageBatch can
 * succeed as a request and still refuse some entries (`Failed`): those SQS may accept later (its fault) are
 * sent again after a pause; those it never will (the sender's fault) are not. Whatever is still not
 * enqueued then is counted in one error, so the planner knows the run is incomplete: the subscribers of a
 * lost batch stay held until their lease ends and are due again at the next run.
 */
import {
  SendMessageBatchCommand,
  type BatchResultErrorEntry,
  type SendMessageBatchRequestEntry,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import { mapConcurrent } from '../concurrency.js';
import { errorMessage } from '../errors.js';
import type { SendQueue } from '../use-cases/run-digest/ports.js';
import type { SendBatch } from '../use-cases/run-digest/send-batch.js';

/** SQS's limits for one SendMessageBatch request. */
export const MAX_ENTRIES_PER_REQUEST = 10;
export const MAX_REQUEST_BYTES = 256 * 1024;

export interface SqsSendQueueOptions {
  /** SendMessageBatch calls in flight at once. */
  maxInFlight?: number;
  /** Tries for an entry SQS refused for a reason of its own (the first included). */
  attempts?: number;
  /** The pause before the first retry; it doubles each time, with jitter. */
  baseDelayMs?: number;
  sleep?: (ms: number) => Promise<void>;
}

const DEFAULTS = { maxInFlight: 4, attempts: 4, baseDelayMs: 100 };

/** Messages SQS did not take: how many, of how many, and why (one reason per distinct cause). */
export class SendQueueError extends Error {
  override readonly name = 'SendQueueError';
  constructor(
    readonly notEnqueued: number,
    readonly total: number,
    readonly reasons: string[],
  ) {
    super(`${notEnqueued} of ${total} send batches were not enqueued: ${reasons.join('; ')}`);
  }
}

interface Entry {
  body: string;
  bytes: number;
}

export function createSqsSendQueue(
  sqs: SQSClient,
  queueUrl: string,
  options: SqsSendQueueOptions = {},
): SendQueue {
  const { maxInFlight, attempts, baseDelayMs } = { ...DEFAULTS, ...options };
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));

  /** Sends one request's entries, retrying those SQS may take later; returns why each of the rest was not. */
  const sendRequest = async (entries: Entry[]): Promise<string[]> => {
    let pending: SendMessageBatchRequestEntry[] = entries.map((e, i) => ({
      Id: String(i),
      MessageBody: e.body,
    }));
    const refused: string[] = [];
    for (let attempt = 1; pending.length > 0; attempt++) {
      let failed: BatchResultErrorEntry[];
      try {
        failed =
          (await sqs.send(new SendMessageBatchCommand({ QueueUrl: queueUrl, Entries: pending }))).Failed ??
          [];
      } catch (error: unknown) {
        // The SDK has retried already; the messages may or may not be in the queue.
        const reason = `SendMessageBatch failed (${errorMessage(error)})`;
        return [...refused, ...pending.map(() => reason)];
      }
      const retryable = new Set(failed.filter((f) => !f.SenderFault).map((f) => f.Id));
      for (const f of failed.filter((f) => f.SenderFault))
        refused.push(`${f.Code ?? 'refused'}: ${f.Message ?? ''}`);
      const retry = pending.filter((e) => retryable.has(e.Id));
      if (retry.length > 0 && attempt >= attempts) {
        const reasons = failed
          .filter((f) => !f.SenderFault)
          .map((f) => `${f.Code ?? 'failed'} after ${attempts} tries`);
        return [...refused, ...reasons];
      }
      pending = retry;
      if (pending.length > 0) {
        const ceiling = baseDelayMs * 2 ** (attempt - 1);
        await sleep(ceiling / 2 + Math.random() * (ceiling / 2));
      }
    }
    return refused;
  };

  return {
    async enqueue(batches: SendBatch[]) {
      const entries = batches.map((batch): Entry => {
        const body = JSON.stringify(batch);
        return { body, bytes: Buffer.byteLength(body, 'utf8') };
      });
      const tooLarge = entries.filter((e) => e.bytes > MAX_REQUEST_BYTES);
      if (tooLarge.length > 0) {
        throw new SendQueueError(tooLarge.length, entries.length, [
          `a message may hold at most ${MAX_REQUEST_BYTES} bytes; the largest had ${Math.max(...tooLarge.map((e) => e.bytes))} (use smaller batches)`,
        ]);
      }
      const reasons = (await mapConcurrent(requestsOf(entries), maxInFlight, sendRequest)).flat();
      if (reasons.length > 0) throw new SendQueueError(reasons.length, entries.length, [...new Set(reasons)]);
    },
  };
}

/** Entries in order, cut into requests of at most 10 entries and 256 KiB. */
function requestsOf(entries: Entry[]): Entry[][] {
  const requests: Entry[][] = [];
  let current: Entry[] = [];
  let bytes = 0;
  for (const entry of entries) {
    if (current.length === MAX_ENTRIES_PER_REQUEST || bytes + entry.bytes > MAX_REQUEST_BYTES) {
      requests.push(current);
      current = [];
      bytes = 0;
    }
    current.push(entry);
    bytes += entry.bytes;
  }
  if (current.length > 0) requests.push(current);
  return requests;
}
