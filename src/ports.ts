/**
 * The narrow ports the core talks through. Adapters in `src/aws/` implement them on S3 and SES; tests
 * pass emulator-backed adapters or adapters over a mocked SDK client. Nothing here imports AWS.
 */
import type { LedgerEntry, SendFailure } from './digest/ledger.js';
import type { FailureRecord, Summary } from './summary/schema.js';

/** Where an uploaded article lives, as the S3 event names it (key already decoded). */
export interface ArticleRef {
  bucket: string;
  key: string;
  size?: number;
  etag?: string;
  versionId?: string;
  /** When the object was uploaded (the event time); fixes the summary's date partition. */
  uploadedAt: Date;
}

export interface StoredArticle {
  bytes: Uint8Array;
  size: number;
  contentType?: string;
  etag?: string;
  versionId?: string;
  /** User metadata of the object (x-amz-meta-*), e.g. `source-url`. */
  metadata: Record<string, string>;
}

/** The object is gone (deleted before it was read); a retry cannot bring it back. */
export class ArticleNotFoundError extends Error {
  override readonly name = 'ArticleNotFoundError';
}

/** The key was overwritten after this upload and before it was read: the newer upload has its own event. */
export class ArticleSupersededError extends Error {
  override readonly name = 'ArticleSupersededError';
}

export interface ArticleStore {
  /** Reads at most `maxBytes`; larger objects are rejected before they are downloaded. */
  read(ref: ArticleRef, maxBytes: number): Promise<StoredArticle>;
}

export interface StoredSummary {
  summary: Summary;
  key: string;
  storedAt: Date;
}

export interface SummaryStore {
  /** Stores a validated summary at `key`; returns false when that key already holds one (a redelivery). */
  putIfAbsent(key: string, summary: Summary): Promise<boolean>;
}

export interface FailureStore {
  put(key: string, record: FailureRecord): Promise<void>;
}

// ---- Digest and unsubscribe ----

/** Structured log lines with attributes; the powertools Logger satisfies it. */
export interface Log {
  info(message: string, ...attributes: Record<string, unknown>[]): void;
  warn(message: string, ...attributes: Record<string, unknown>[]): void;
  error(message: string, ...attributes: Record<string, unknown>[]): void;
}

/** A stored summary object as read, body parsed as JSON but not yet validated (the core does that). */
export interface StoredObject {
  key: string;
  storedAt: Date;
  body: unknown;
}

export interface SummaryReader {
  /** Summary objects whose storage time (S3 LastModified) is in [from, to). */
  storedBetween(from: Date, to: Date): Promise<StoredObject[]>;
}

export interface SubscriberDirectory {
  /** The subscribers JSON document, or undefined when there is none (then the environment's list applies). */
  load(): Promise<unknown>;
}

export interface Ledger {
  /** Whether the subscriber already has an entry for that local date: the cheap check most runs need. */
  has(subscriberId: string, localDate: string): Promise<boolean>;
  /** The newest entry for the subscriber dated `notBefore` (YYYY-MM-DD) or later. */
  latest(subscriberId: string, notBefore: string): Promise<LedgerEntry | undefined>;
  /**
   * Claims the right to send this subscriber's digest for that local date, atomically (S3 conditional
   * put): false while another run holds an unexpired claim, so two concurrent runs cannot both send.
   */
  claim(subscriberId: string, localDate: string, at: Date): Promise<boolean>;
  /**
   * Gives a claim back after a send SES refused, so a retry need not wait for the claim to expire. Never after
   * an ambiguous failure: the claim's lease is then what stops a quick retry from sending a second copy.
   */
  release(subscriberId: string, localDate: string): Promise<void>;
  record(entry: LedgerEntry): Promise<void>;
  recordFailure(failure: SendFailure): Promise<void>;
}

export interface Unsubscribes {
  /** Ids of every unsubscribed subscriber. */
  all(): Promise<Set<string>>;
  /** Records the unsubscription; false when it was already recorded (idempotent). */
  add(subscriberId: string, at: Date): Promise<boolean>;
}

export interface OutgoingEmail {
  from: string;
  to: string;
  subject: string;
  html: string;
  text: string;
  headers: { name: string; value: string }[];
}

export interface SendingAccount {
  sandbox: boolean;
  maxSendRate: number;
  max24HourSend: number;
  sentLast24Hours: number;
}

export interface Mailer {
  /** Sends one message to one recipient; throws `MailerError`. */
  send(email: OutgoingEmail): Promise<{ messageId: string }>;
  account(): Promise<SendingAccount>;
  /** Whether SES may send to this address from the sandbox (the address or its domain is verified). */
  isVerified(address: string): Promise<boolean>;
}

/**
 * A send that failed; `retryable` tells whether trying again (later, slower) can succeed. `ambiguous`: the
 * request may have reached SES and been accepted before the connection failed (a timeout, a reset), so the
 * message may have gone out: sending it again at once could deliver it twice.
 */
export class MailerError extends Error {
  override readonly name = 'MailerError';
  constructor(
    message: string,
    readonly code: string,
    readonly retryable: boolean,
    readonly ambiguous = false,
  ) {
    super(message);
  }
}

/** A stored original a digest links to: the object, and its version when the upload event named one. */
export interface OriginalRef {
  bucket: string;
  key: string;
  versionId?: string;
}

export interface LinkSigner {
  /**
   * A time-limited GET link to a stored object, and when it really stops working: a link signed with
   * temporary credentials dies with them, which can be before `expiresInSeconds`.
   */
  presignGet(
    bucket: string,
    key: string,
    expiresInSeconds: number,
  ): Promise<{ url: string; expiresAt: Date }>;
}

/** Links signed at click time (the article-link function): the role's credentials are fresh then. */
export interface OriginalLinks {
  /**
   * A GET link to the object (that version, when named) valid for `expiresInSeconds` from now, or
   * undefined when the object is gone. Fails (throws) on anything else, e.g. S3 being unreachable.
   */
  presignExisting(
    ref: OriginalRef,
    expiresInSeconds: number,
  ): Promise<{ url: string; expiresAt: Date } | undefined>;
}
