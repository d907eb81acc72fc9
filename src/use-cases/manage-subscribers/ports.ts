/**
 * What managing subscribers (the `subscribers` CLI, later a signup page) needs from the store. The DynamoDB
 * adapter (src/aws/dynamodb-subscriber-store.ts) implements it on the same items the digest reads.
 */
import type { LedgerEntry } from '../../digest/ledger.js';
import type { Subscriber } from '../../digest/subscribers.js';

/** A subscriber as the bucket of versions before the table left them (`migrate-from-bucket`). */
export interface BucketSubscriber {
  subscriber: Subscriber;
  /** Their newest entry in the bucket's ledger; absent when they never had a digest. */
  latest?: LedgerEntry;
  /** When they are next due: the send time after `latest`'s day, or the migration's start without one. */
  dueAt: Date;
  /** When they unsubscribed, by the bucket; absent while subscribed. */
  unsubscribedAt?: Date;
}

/** A subscriber as stored, with where they stand. */
export interface StoredSubscriber {
  subscriber: Subscriber;
  /** ISO instant they unsubscribed (themselves, by link, or by `remove`); absent while subscribed. */
  unsubscribedAt?: string;
  /** When the digest next looks at them; absent while unsubscribed. */
  dueAt?: string;
  /** Their newest ledger entry as stored (unvalidated), absent before their first digest. */
  latest?: unknown;
  createdAt: string;
  updatedAt: string;
}

export interface SubscriberAdmin {
  /**
   * Creates or updates the profile, and subscribes them (again): a new subscriber, a changed time zone or
   * send hour, or a re-subscription makes them due at `at` (the digest's dueness rules then decide, and their
   * ledger's latest entry keeps a second digest for a day from going out); an unchanged schedule keeps when
   * they are next due. Their ledger is always kept.
   */
  put(subscriber: Subscriber, at: Date): Promise<void>;
  /** Unsubscribes them (the profile and ledger stay); false when unknown or already unsubscribed. */
  remove(subscriberId: string, at: Date): Promise<boolean>;
  get(subscriberId: string): Promise<StoredSubscriber | undefined>;
  /** Every profile, subscribed or not, a page at a time, in no particular order. */
  list(pageSize?: number): AsyncIterable<StoredSubscriber[]>;
}

/** The one-time migration from the bucket (`migrate-from-bucket`): beside the admin port, not part of it. */
export interface BucketImporter {
  /**
   * Brings one subscriber over from the bucket. A profile the table lacks is created as the bucket left it
   * in one write, so that nobody is ever due without their last digest day, nor subscribed after they left,
   * even if the migration stops half way while the digest runs. A profile the table has gets the bucket's
   * `latest`, and `dueAt` with it while subscribed, unless its `latest` is that day or later (never back).
   * False when nothing was written.
   */
  importFromBucket(bucketSubscriber: BucketSubscriber, at: Date): Promise<boolean>;
}
