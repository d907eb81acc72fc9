/** What the digest use cases run on: ports, clocks and settings, wired by the handlers or a test. */
import type { Window } from '../../digest/ledger.js';
import type { Subscriber } from '../../digest/subscribers.js';
import type {
  Ledger,
  LinkSigner,
  Log,
  Mailer,
  RunSnapshots,
  SendQueue,
  SubscriberStore,
  SummaryReader,
} from './ports.js';
import type { RetryPolicy } from './send.js';

export interface DigestSettings {
  sender: string;
  /** Send a short "nothing new" note instead of nothing. */
  sendEmpty: boolean;
  /** How long a link to a stored original works (see `articleLink`). */
  linkExpirySeconds: number;
  /**
   * The article-link function: links to stored originals are signed tokens for it, which presigns at
   * click time. Without it they are presigned at send time (at most 7 days, and never past the credentials).
   * Here and in `unsubscribe`, `secret` is that purpose's current signing secret (its key derives from it).
   */
  articleLink?: { url: string; secret: string };
  /** The unsubscribe function (List-Unsubscribe); without it no unsubscribe header is sent. */
  unsubscribe?: { url: string; secret: string };
  /** The subscribe function: every digest links to the subscriber's preferences page there. */
  preferences?: { url: string; secret: string };
  /** Stories shown in full (DIGEST_TOP_STORIES); the rest are listed by title. Default 10. */
  topStories?: number;
  retry?: RetryPolicy;
  /** SendEmail calls per second, all senders together; undefined: the account's MaxSendRate. */
  maxSendRate?: number;
  /** Sender invocations running at once; each gets this share of the rate. */
  senders: number;
  /** The planner sends itself when the due subscribers take at most this long at the send rate. */
  inlineSeconds: number;
  /** Subscribers per queued batch. */
  batchSize: number;
}

/** What delivering one subscriber's digest needs, in the planner and in the sender alike. */
export interface DeliveryDeps {
  ledger: Ledger;
  mailer: Mailer;
  links: LinkSigner;
  log: Log;
  sleep: (ms: number) => Promise<void>;
  /** The wall clock, for claims: a retried event carries the same `now`, but time has moved on. */
  clock: () => Date;
  /** False when the invocation is about to time out: stop before starting another send. */
  hasTimeLeft: () => boolean;
  settings: DigestSettings;
}

/** The hourly planner: finds who is due, then sends them itself or queues them for the sender function. */
export interface DigestDeps extends DeliveryDeps {
  store: SubscriberStore;
  summaries: SummaryReader;
  /** Where batches go when the due set is too large to send inline; without it everything is inline. */
  queue?: { sendQueue: SendQueue; snapshots: RunSnapshots };
}

/** The sender function: delivers one queued batch. */
export interface SenderDeps extends DeliveryDeps {
  snapshots: RunSnapshots;
}

/** A subscriber a run sends to: their local date and the window of summaries it covers. */
export interface DueSubscriber {
  subscriber: Subscriber;
  localDate: string;
  window: Window;
}
