/**
 * The one-time move of a deployment's subscribers from the bucket to the table (issue 14,
 * `npm run subscribers -- migrate-from-bucket`). Versions before the table kept three things there: the
 * subscribers document, an object per unsubscribed id, and a ledger object per subscriber and day. The
 * document alone is not enough: it would bring back people who left, and, without their last ledger day,
 * the first run after the switch could send a digest for a day they already had.
 *
 * So each subscriber is brought over with their newest ledger entry as `latest` (due next at the send time
 * after that day) and unsubscribed if they were. A newest ledger object that does not read as an entry
 * holds the subscriber back (reported): the old digest treated its mere existence as "the day is done", and
 * an older entry in its place could send that day again. Running it again writes nothing that is already
 * there: everyone then counts as unchanged.
 */
import { mapConcurrent } from '../../concurrency.js';
import { ledgerEntrySchema, type LedgerEntry } from '../../digest/ledger.js';
import { describeIssues } from '../../errors.js';
import { dueAfterDay } from '../../digest/schedule.js';
import { parseSubscribers, type SubscriberDefaults } from '../../digest/subscribers.js';
import { sameProfile, type Rejection } from './import-subscribers.js';
import type { BucketImporter, BucketSubscriber, StoredSubscriber, SubscriberAdmin } from './ports.js';

/** What the migration reads from the bucket (src/aws/s3-bucket-subscribers.ts). */
export interface SubscribersBucket {
  /** Where the document is, for messages: `s3://bucket/config/subscribers.json`. */
  readonly documentLocation: string;
  /** The subscribers document, parsed; undefined when there is none. Not JSON: throws. */
  document(): Promise<unknown>;
  /** Every unsubscribed id and when they left. */
  unsubscribed(): Promise<Map<string, Date>>;
  /** The subscriber's newest ledger object (the last day listed): its key and parsed body. */
  newestLedgerObject(subscriberId: string): Promise<{ key: string; body: unknown } | undefined>;
}

/** The document is missing: nothing to migrate from (a wrong bucket or key, most likely). */
export class NoSubscribersDocumentError extends Error {
  override readonly name = 'NoSubscribersDocumentError';
}

export interface MigrationReport {
  /** Entries in the document. */
  subscribers: number;
  /** Entries for which the table was written (or, in a dry run, would be). */
  migrated: number;
  /** Entries the table already held as the bucket has them. */
  unchanged: number;
  /** Entries that are unsubscribed in the table afterwards. */
  unsubscribed: number;
  /** Entries with a ledger in the bucket, their newest day now `latest`. */
  withLedger: number;
  rejected: Rejection[];
  /** Unsubscribed ids the document does not list: nobody to bring over. */
  unsubscribedNotListed: number;
}

export interface MigrationOptions {
  defaults: SubscriberDefaults;
  at: Date;
  dryRun: boolean;
  /** Called after each entry, e.g. to show progress. */
  onProgress?: (done: number, total: number) => void;
}

/** Store and bucket requests in flight: a LIST and a GET per subscriber, then a read and a write or two. */
const MIGRATION_CONCURRENCY = 8;

export async function migrateFromBucket(
  admin: SubscriberAdmin & BucketImporter,
  bucket: SubscribersBucket,
  { defaults, at, dryRun, onProgress }: MigrationOptions,
): Promise<MigrationReport> {
  const document = await bucket.document();
  if (document === undefined) {
    throw new NoSubscribersDocumentError(
      `there is no subscribers document at ${bucket.documentLocation}: check --bucket and --subscribers-key`,
    );
  }
  const list = parseSubscribers(document, defaults);
  const invalidDocument = list.invalid.find((invalid) => invalid.index < 0);
  if (invalidDocument !== undefined) {
    throw new NoSubscribersDocumentError(`${bucket.documentLocation}: ${invalidDocument.reason}`);
  }
  // parseSubscribers keeps the valid entries in document order: the indices not rejected, in order.
  const rejectedIndices = new Set(list.invalid.map((invalid) => invalid.index));
  const entryIndices = Array.from({ length: list.subscribers.length + list.invalid.length }, (_, i) => i);
  const validIndices = entryIndices.filter((index) => !rejectedIndices.has(index));
  const valid = list.subscribers.map((subscriber, i) => ({
    subscriber,
    location: `subscribers[${validIndices[i]}]`,
  }));
  const unsubscribed = await bucket.unsubscribed();
  const listed = new Set(list.subscribers.map((s) => s.id));
  const report: MigrationReport = {
    subscribers: entryIndices.length,
    migrated: 0,
    unchanged: 0,
    unsubscribed: 0,
    withLedger: 0,
    rejected: list.invalid.map(({ index, reason }) => ({ location: `subscribers[${index}]`, reason })),
    unsubscribedNotListed: [...unsubscribed.keys()].filter((id) => !listed.has(id)).length,
  };
  let done = 0;
  await mapConcurrent(valid, MIGRATION_CONCURRENCY, async ({ subscriber, location }) => {
    const latest = await newestEntry(bucket, subscriber.id);
    if ('reason' in latest) {
      report.rejected.push({ location, reason: latest.reason });
    } else {
      const unsubscribedAt = unsubscribed.get(subscriber.id);
      const outcome = await migrateOne(
        admin,
        {
          subscriber,
          ...(latest.entry !== undefined && { latest: latest.entry }),
          dueAt: latest.entry === undefined ? at : dueAfterDay(subscriber, latest.entry.localDate),
          ...(unsubscribedAt !== undefined && { unsubscribedAt }),
        },
        at,
        dryRun,
      );
      report[outcome.wrote ? 'migrated' : 'unchanged']++;
      if (outcome.unsubscribed) report.unsubscribed++;
      if (latest.entry !== undefined) report.withLedger++;
    }
    onProgress?.(++done, valid.length);
  });
  report.rejected.sort((a, b) => indexOf(a.location) - indexOf(b.location));
  return report;
}

async function newestEntry(
  bucket: SubscribersBucket,
  subscriberId: string,
): Promise<{ entry: LedgerEntry | undefined } | { reason: string }> {
  const newest = await bucket.newestLedgerObject(subscriberId);
  if (newest === undefined) return { entry: undefined };
  const parsed = ledgerEntrySchema.safeParse(newest.body);
  const problem = parsed.success
    ? parsed.data.subscriberId !== subscriberId
      ? `its subscriberId is ${parsed.data.subscriberId}`
      : !newest.key.endsWith(`/${parsed.data.localDate}.json`)
        ? `its localDate ${parsed.data.localDate} is not the day its key names`
        : undefined
    : describeIssues(parsed.error.issues, 'entry');
  if (problem === undefined && parsed.success) return { entry: parsed.data };
  return {
    reason:
      `${newest.key} is not a ledger entry (${problem}): not migrated, as an older day in its place could ` +
      'send its day again; fix or delete the object, then run the migration again',
  };
}

/**
 * The writes one subscriber needs, none when the table already has them as the bucket does. A profile the
 * table has (from an earlier run, or an `import` since the switch) keeps an unsubscription the table holds
 * (they left since): only the bucket's `latest` and unsubscription are added to it, and profile changes
 * (a document edited since the last run) go through `put`.
 */
async function migrateOne(
  admin: SubscriberAdmin & BucketImporter,
  wanted: BucketSubscriber,
  at: Date,
  dryRun: boolean,
): Promise<{ wrote: boolean; unsubscribed: boolean }> {
  const { subscriber, latest, unsubscribedAt } = wanted;
  const stored = await admin.get(subscriber.id);
  if (stored === undefined) {
    if (!dryRun) await admin.importFromBucket(wanted, at);
    return { wrote: true, unsubscribed: unsubscribedAt !== undefined };
  }
  const latestBehind = latest !== undefined && !holdsDay(stored, latest.localDate);
  const leaves = stored.unsubscribedAt === undefined && unsubscribedAt !== undefined;
  const profileChanged =
    stored.unsubscribedAt === undefined &&
    unsubscribedAt === undefined &&
    !sameProfile(stored.subscriber, subscriber);
  if (!dryRun) {
    // `latest` first: a changed schedule makes them due at once, and the day must already be done then.
    if (latestBehind) await admin.importFromBucket(wanted, at);
    if (leaves) await admin.remove(subscriber.id, unsubscribedAt);
    if (profileChanged) await admin.put(subscriber, at);
  }
  return {
    wrote: latestBehind || leaves || profileChanged,
    unsubscribed: stored.unsubscribedAt !== undefined || unsubscribedAt !== undefined,
  };
}

function holdsDay(stored: StoredSubscriber, localDate: string): boolean {
  const parsed = ledgerEntrySchema.safeParse(stored.latest);
  return parsed.success && parsed.data.localDate >= localDate;
}

const indexOf = (location: string) => Number(/\d+/.exec(location)?.[0] ?? 0);
