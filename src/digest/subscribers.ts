/**
 * Subscribers: one validated list. The JSON document in the bucket wins; without it the environment's
 * RECIPIENTS + DIGEST_TIME_ZONE + DIGEST_SEND_HOUR describe everyone. A bad entry is reported with its
 * reason and skipped, so one typo never stops everybody else's digest.
 */
import { createHash } from 'node:crypto';
import * as z from 'zod';
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

const lowercased = z.array(z.string().trim().min(1).toLowerCase()).default([]);

const entrySchema = z.strictObject({
  email: z.string().trim().email('must be an email address'),
  timeZone: timeZone.optional(),
  sendAt: z
    .string()
    .regex(/^([01]\d|2[0-3]):[0-5]\d$/, {
      message: 'must be a local time "HH:MM" such as "07:00"',
      abort: true,
    })
    .refine((hhmm) => hhmm.endsWith(':00'), WHOLE_HOUR)
    .optional(),
  topics: lowercased,
  keywords: lowercased,
});

const documentSchema = z.object({ subscribers: z.array(z.unknown()) });

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
    const checked = entrySchema.safeParse(entry);
    if (!checked.success) {
      const reason = checked.error.issues
        .map((i) => `${i.path.join('.') || 'entry'}: ${i.message}`)
        .join('; ');
      result.invalid.push({ index, entry, reason });
      return;
    }
    const id = subscriberId(checked.data.email);
    if (seen.has(id)) {
      result.invalid.push({ index, entry, reason: 'email: listed more than once; the first entry is used' });
      return;
    }
    seen.add(id);
    result.subscribers.push({
      id,
      email: checked.data.email,
      timeZone: checked.data.timeZone ?? defaults.timeZone,
      sendAt: checked.data.sendAt ?? defaults.sendAt,
      topics: checked.data.topics,
      keywords: checked.data.keywords,
    });
  });
  return result;
}

/** The environment fallback: every address gets the same zone and hour and no filters. */
export function subscribersFromRecipients(
  recipients: string[],
  defaults: SubscriberDefaults,
): SubscriberList {
  return parseSubscribers({ subscribers: recipients.map((email) => ({ email })) }, defaults);
}

export function sendAtFromHour(hour: number): string {
  return `${String(hour).padStart(2, '0')}:00`;
}
