/**
 * Subscribers: the profile and how an entry is validated. Profiles live in the DynamoDB table
 * (src/aws/dynamodb-subscriber-store.ts); entries read from a file or the old bucket document are checked
 * one by one here, and a bad entry is reported with its reason and skipped.
 */
import { createHash } from 'node:crypto';
import * as z from '../zod.js';
import { describeIssues } from '../errors.js';
import { timeZone } from './time-zone.js';

export interface Subscriber {
  /** Stable, non-reversible id used in state keys: never the address itself. */
  id: string;
  email: string;
  timeZone: string;
  /** Local send hour "HH:00"; the first hourly run at or after it sends (schedule.ts says which day). */
  sendAt: string;
  /** Lowercased topics matched against a summary's keywords. */
  topics: string[];
  /** Lowercased words or phrases matched in the title, summary and key points. */
  keywords: string[];
  /**
   * `daily` when absent. `weekly` sends once per local week, on `weekday` at `sendAt` (schedule.ts). Optional so
   * that entries and items written before weekly digests existed still read as daily.
   */
  frequency?: Frequency;
  /** The local weekday of a weekly digest; present iff `frequency` is `weekly`. */
  weekday?: Weekday;
}

export const FREQUENCIES = ['daily', 'weekly'] as const;
export type Frequency = (typeof FREQUENCIES)[number];
/** In calendar order from Monday; index 0-6 is not `Date#getUTCDay` (Sunday 0): see `weekdayOf`. */
export const WEEKDAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;
export type Weekday = (typeof WEEKDAYS)[number];

/** A subscriber's frequency, `daily` when the entry predates the field. */
export function frequencyOf(subscriber: Pick<Subscriber, 'frequency'>): Frequency {
  return subscriber.frequency ?? 'daily';
}

const frequencySchema = z.enum(FREQUENCIES, { message: 'must be "daily" or "weekly"' });
const weekdaySchema = z.enum(WEEKDAYS, {
  message: 'must be a weekday: mon, tue, wed, thu, fri, sat or sun',
});

/** "fri", "Fri" or "Friday" -> "fri"; anything else is left for the schema to reject. */
function weekdayName(value: string): string {
  const lower = value.trim().toLowerCase();
  const full = ['monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday', 'sunday'];
  const index = full.indexOf(lower);
  return index === -1 ? lower : WEEKDAYS[index]!;
}

/** `weekday` is required for a weekly digest and meaningless for a daily one. */
function checkWeekday(
  value: { frequency?: Frequency | undefined; weekday?: Weekday | undefined },
  ctx: z.core.$RefinementCtx,
): void {
  if (value.frequency === 'weekly' && value.weekday === undefined) {
    ctx.addIssue({
      code: 'custom',
      path: ['weekday'],
      message: 'is required for a weekly digest (mon..sun)',
    });
  }
  if (value.frequency !== 'weekly' && value.weekday !== undefined) {
    ctx.addIssue({
      code: 'custom',
      path: ['weekday'],
      message: 'is only for a weekly digest: set frequency to "weekly" or leave weekday out',
    });
  }
}

export interface InvalidSubscriber {
  index: number;
  entry: unknown;
  reason: string;
}

export interface SubscriberList {
  subscribers: Subscriber[];
  invalid: InvalidSubscriber[];
}

export interface SubscriberDefaults {
  timeZone: string;
  sendAt: string;
}

/**
 * Only whole hours: the digest runs at minute 0 of every UTC hour and every zone's offset is a multiple of
 * 15 minutes, so some run reaches any local HH:00 before that local date ends (at HH:00, :15, :30 or :45).
 * A later minute can fall after the last run of the local day (23:30 UTC, 23:45 Asia/Kolkata): its digest
 * would always go out the next day.
 */
const WHOLE_HOUR = 'must be a whole hour such as 07:00: the digest runs hourly';

const lowercased = z._default(z.array(z.string().check(z.trim(), z.minLength(1), z.toLowerCase())), []);

const entrySchema = z
  .strictObject({
    // Trimmed before the address is checked.
    email: z.string().check(z.trim(), z.email('must be an email address')),
    timeZone: z.optional(timeZone),
    sendAt: z.optional(
      z.string().check(
        z.regex(/^([01]\d|2[0-3]):[0-5]\d$/, {
          message: 'must be a whole local hour "HH:00" such as "07:00"',
          abort: true,
        }),
        z.refine((hhmm) => hhmm.endsWith(':00'), WHOLE_HOUR),
      ),
    ),
    topics: lowercased,
    keywords: lowercased,
    frequency: z.pipe(
      z.transform((v) => (typeof v === 'string' ? v.trim().toLowerCase() : v)),
      z.optional(frequencySchema),
    ),
    weekday: z.pipe(
      z.transform((v) => (typeof v === 'string' ? weekdayName(v) : v)),
      z.optional(weekdaySchema),
    ),
  })
  .check(z.superRefine(checkWeekday));

const documentSchema = z.object({ subscribers: z.array(z.unknown()) });

const sendAtHour = z.string().check(z.regex(/^([01]\d|2[0-3]):00$/, WHOLE_HOUR));

/** A subscriber as stored and as carried in a send batch: already validated once, checked again on read. */
export const subscriberSchema = z
  .object({
    id: z.string().check(z.regex(/^[0-9a-f]{32}$/, 'must be a subscriber id (32 hex digits)')),
    email: z.email(),
    timeZone,
    sendAt: sendAtHour,
    topics: z.array(z.string()),
    keywords: z.array(z.string()),
    frequency: z.optional(frequencySchema),
    weekday: z.optional(weekdaySchema),
  })
  .check(z.superRefine(checkWeekday)) satisfies z.ZodMiniType<Subscriber>;

/** One entry as an operator writes it (the document, the CLI, an import file): a subscriber, or why not. */
export function parseSubscriberEntry(
  entry: unknown,
  defaults: SubscriberDefaults,
): { subscriber: Subscriber } | { reason: string } {
  const checked = entrySchema.safeParse(entry);
  if (!checked.success) {
    return {
      reason: describeIssues(checked.error.issues, 'entry'),
    };
  }
  return {
    subscriber: {
      id: subscriberId(checked.data.email),
      email: checked.data.email,
      timeZone: checked.data.timeZone ?? defaults.timeZone,
      sendAt: checked.data.sendAt ?? defaults.sendAt,
      topics: checked.data.topics,
      keywords: checked.data.keywords,
      ...(checked.data.frequency !== undefined && { frequency: checked.data.frequency }),
      ...(checked.data.weekday !== undefined && { weekday: checked.data.weekday }),
    },
  };
}

export function subscriberId(email: string): string {
  return createHash('sha256').update(email.trim().toLowerCase()).digest('hex').slice(0, 32);
}

/** Validates the subscribers document (`{ "subscribers": [...] }`) entry by entry. */
export function parseSubscribers(document: unknown, defaults: SubscriberDefaults): SubscriberList {
  const parsed = documentSchema.safeParse(document);
  if (!parsed.success) {
    return {
      subscribers: [],
      invalid: [{ index: -1, entry: document, reason: 'the document must be {"subscribers": [ ... ]}' }],
    };
  }
  const result: SubscriberList = { subscribers: [], invalid: [] };
  const seen = new Set<string>();
  parsed.data.subscribers.forEach((entry, index) => {
    const checked = parseSubscriberEntry(entry, defaults);
    if ('reason' in checked) {
      result.invalid.push({ index, entry, reason: checked.reason });
      return;
    }
    if (seen.has(checked.subscriber.id)) {
      result.invalid.push({ index, entry, reason: 'email: listed more than once; the first entry is used' });
      return;
    }
    seen.add(checked.subscriber.id);
    result.subscribers.push(checked.subscriber);
  });
  return result;
}

export function sendAtFromHour(hour: number): string {
  return `${String(hour).padStart(2, '0')}:00`;
}
