/**
 * The message between the hourly planner and the sender function: a batch of due subscribers, each with the
 * local day and window their digest covers, and the run's saved summaries. The planner validated every
 * field; the sender checks the message again, because a queue is a boundary (a redrive, an old version).
 */
import * as z from '../../zod.js';
import { subscriberSchema } from '../../digest/subscribers.js';

export const SEND_BATCH_VERSION = 1;

export const sendBatchSchema = z.object({
  version: z.literal(SEND_BATCH_VERSION),
  /** The planning run's "now": every digest in the batch is composed as of it, as the inline path does. */
  runAt: z.iso.datetime(),
  /** The run's summaries, saved once (RunSnapshots). */
  summariesKey: z.string().check(z.minLength(1)),
  /** SendEmail calls per second one sender invocation may make: the account's rate over the senders. */
  sendRate: z.number().check(z.positive()),
  targets: z
    .array(
      z.object({
        subscriber: subscriberSchema,
        localDate: z.string().check(z.regex(/^\d{4}-\d{2}-\d{2}$/)),
        windowFrom: z.iso.datetime(),
        windowTo: z.iso.datetime(),
      }),
    )
    .check(z.minLength(1)),
});
export type SendBatch = z.infer<typeof sendBatchSchema>;
