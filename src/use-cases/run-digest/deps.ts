/** What the digest use case runs on: ports, clocks and settings, wired by the handler or a test. */
import type { Window } from '../../digest/ledger.js';
import type { Subscriber, SubscriberDefaults } from '../../digest/subscribers.js';
import type {
  Ledger,
  LinkSigner,
  Log,
  Mailer,
  SubscriberDirectory,
  SummaryReader,
  UnsubscribeList,
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
  defaults: SubscriberDefaults;
  /** Used when the bucket holds no subscribers document. */
  fallbackRecipients: string[];
  htmlBudgetBytes?: number;
  retry?: RetryPolicy;
}

export interface DigestDeps {
  directory: SubscriberDirectory;
  ledger: Ledger;
  unsubscribes: UnsubscribeList;
  summaries: SummaryReader;
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

/** A subscriber this run sends to: their local date and the window of summaries it covers. */
export interface DueSubscriber {
  subscriber: Subscriber;
  localDate: string;
  window: Window;
}

export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
