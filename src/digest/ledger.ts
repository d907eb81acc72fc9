/**
 * The ledger: one entry per subscriber and local day, written after the digest was sent (or deliberately
 * not sent because nothing was new, or given up because SES refused it for good). It answers the two
 * questions a run asks: is this subscriber's day done, and where does the next digest's window start.
 */
import * as z from '../zod.js';
import { frequencyOf, type Subscriber } from './subscribers.js';

export const ledgerEntrySchema = z.object({
  subscriberId: z.string().check(z.minLength(1)),
  /** The subscriber's local date the digest belongs to, `YYYY-MM-DD`. */
  localDate: z.string().check(z.regex(/^\d{4}-\d{2}-\d{2}$/)),
  /**
   * `sent`, `empty` (nothing new, nothing sent), or `rejected`: SES refused the digest permanently (e.g. an
   * unverified recipient in the sandbox), so the day is given up rather than re-sent every hour. A
   * rejected window was never delivered: the next digest covers it again (see `nextWindow`).
   */
  status: z.enum(['sent', 'empty', 'rejected']),
  /** SES message id; absent when nothing was new and no note was sent. */
  messageId: z.optional(z.string().check(z.minLength(1))),
  /** The window of stored summaries this digest covered: [windowFrom, windowTo). */
  windowFrom: z.iso.datetime(),
  windowTo: z.iso.datetime(),
  itemCount: z.number().check(z.int(), z.nonnegative()),
  recordedAt: z.iso.datetime(),
});
export type LedgerEntry = z.infer<typeof ledgerEntrySchema>;

/**
 * A send that failed: for now (the next hourly run tries again because no ledger entry exists), or for good
 * (a `rejected` ledger entry closes the day).
 */
export interface SendFailure {
  subscriberId: string;
  localDate: string;
  reason: string;
  code: string;
  failedAt: string;
}

const DAY_MS = 24 * 60 * 60 * 1000;
/** The first digest looks back one period: a day (daily) or a week (weekly). */
export const FIRST_WINDOW_MS = DAY_MS;
export const WEEKLY_FIRST_WINDOW_MS = 7 * DAY_MS;
/**
 * A window never reaches back further than this: a subscriber who missed a week (failures, a long pause)
 * gets the last week, not an unbounded backlog.
 */
export const MAX_WINDOW_MS = 7 * DAY_MS;
/**
 * A weekly digest may be caught up any day of its period, up to the next week's send time, so its window
 * must reach back two weeks (plus a day for DST and slack) to still start where the previous one ended.
 * Beyond that the same rule as daily: a bounded window, not an unbounded backlog.
 */
export const WEEKLY_MAX_WINDOW_MS = 15 * DAY_MS;
/** The longest window of any frequency: what a run that serves everyone must read. */
export const LONGEST_WINDOW_MS = WEEKLY_MAX_WINDOW_MS;

export interface Window {
  from: Date;
  to: Date;
}

/**
 * Contiguous windows: each starts where the previous delivered (sent or empty) digest's window ended. A
 * rejected entry's window was never delivered, and it started where the last delivered one ended, so after
 * a rejection the next window starts at its start: the summaries it would have carried are not lost. The
 * end is cut to a whole second because S3's LastModified has one-second resolution: with a millisecond end,
 * a summary stored in the same second just after a run listed would fall before the next window's start and
 * be missed forever.
 */
export function nextWindow(
  previous: LedgerEntry | undefined,
  now: Date,
  subscriber: Pick<Subscriber, 'frequency'> = {},
): Window {
  const weekly = frequencyOf(subscriber) === 'weekly';
  const end = Math.floor(now.getTime() / 1000) * 1000;
  const earliest = end - (weekly ? WEEKLY_MAX_WINDOW_MS : MAX_WINDOW_MS);
  const start = previous
    ? Date.parse(previous.status === 'rejected' ? previous.windowFrom : previous.windowTo)
    : end - (weekly ? WEEKLY_FIRST_WINDOW_MS : FIRST_WINDOW_MS);
  return { from: new Date(Math.min(Math.max(start, earliest), end)), to: new Date(end) };
}
