/**
 * What the digest use case needs from the outside world. Adapters in `src/aws/` implement these on DynamoDB,
 * SQS, S3 and SES; tests pass in-memory ports, emulator-backed adapters, or these adapters over a fake request handler.
 */
import type { LedgerEntry, SendFailure } from '../../digest/ledger.js';
import type { OutgoingEmail } from '../../digest/email.js';
import type { OriginalRef, PresignedLink } from '../../links/ports.js';
import { subscriberSchema, type Subscriber } from '../../digest/subscribers.js';
import type { StoredSummary } from '../../digest/stored-summary.js';
import type { SendBatch } from './send-batch.js';

/** Structured log lines with attributes; the powertools Logger satisfies it. */
export interface Log {
  info(message: string, ...attributes: Record<string, unknown>[]): void;
  warn(message: string, ...attributes: Record<string, unknown>[]): void;
  error(message: string, ...attributes: Record<string, unknown>[]): void;
}

/** A stored summary object as read, body parsed as JSON but not yet validated (the use case does that). */
export interface StoredObject {
  key: string;
  storedAt: Date;
  body: unknown;
}

export interface SummaryReader {
  /** Summary objects whose storage time (S3 LastModified) is in [from, to). */
  storedBetween(from: Date, to: Date): Promise<StoredObject[]>;
}

/**
 * A subscriber as the store holds them: the profile, where their digest stands, and when the store next
 * hands them to a run. `dueAt` is an index, not a decision: the use case decides dueness from the profile
 * and `latest` (schedule.ts) and moves `dueAt` on.
 */
export interface SubscriberRecord {
  subscriber: Subscriber;
  /** The newest ledger entry (sent, empty or rejected) as stored; validated by the use case. */
  latest: unknown;
  /** ISO instant from which `due` returns them; compared by `moveDue`. */
  dueAt: string;
}

/** What a store's adapter checks each subscriber it reads back against (an item edited by hand, an old shape). */
export const storedSubscriberSchema = subscriberSchema;

export interface SubscriberStore {
  /**
   * Active (subscribed) subscribers whose `dueAt` is at or before `now`, a page at a time, oldest first in
   * each shard. Costs one query per shard and page, never a request per subscriber who is not due.
   */
  due(now: Date, pageSize: number): AsyncIterable<SubscriberRecord[]>;
  /**
   * Moves the subscriber's `dueAt` from `seenDueAt` to `dueAt`, only while it is still `seenDueAt` and the
   * subscriber is still subscribed: false when another run moved it first (it holds them) or they left.
   */
  moveDue(subscriberId: string, seenDueAt: string, dueAt: Date): Promise<boolean>;
}

export interface Ledger {
  /**
   * Claims the right to send this subscriber's digest for that local date, atomically: undefined while another
   * run holds an unexpired claim, or when another run took over an expired one first, so two concurrent runs
   * cannot both send; undefined too when the day already has its entry (a redelivered batch) or the
   * subscriber has unsubscribed since the run planned.
   */
  claim(subscriberId: string, localDate: string, at: Date): Promise<HeldClaim | undefined>;
  /**
   * Gives a claim back after a send SES refused, so a retry need not wait for it to expire; a claim another run
   * has taken over since is left alone. Never after an ambiguous failure: the claim's lease is then what stops
   * a quick retry from sending a second copy.
   */
  release(claim: HeldClaim): Promise<void>;
  /** Records the day's entry as the subscriber's latest, and when they are next due. */
  record(entry: LedgerEntry, nextDueAt: Date): Promise<void>;
  recordFailure(failure: SendFailure): Promise<void>;
}

/** A claim a run holds; `token` names this claim alone (a random UUID the store writes with the claim). */
export interface HeldClaim {
  subscriberId: string;
  localDate: string;
  token: string;
}

/**
 * How long a claim taken just before sending holds. It outlives any one invocation (Lambda stops at 15 minutes
 * and the digest stops starting sends well before its timeout), so an expired claim means its run is gone and
 * a ledger may let the next run take it over.
 */
export const CLAIM_LEASE_MS = 20 * 60 * 1000;

export function claimExpired(claimedAt: string, at: Date): boolean {
  return at.getTime() - Date.parse(claimedAt) >= CLAIM_LEASE_MS;
}

export interface SendingAccount {
  sandbox: boolean;
  maxSendRate: number;
  max24HourSend: number;
  sentLast24Hours: number;
}

/**
 * What SES knows about the sender address as an identity of its own and about its domain's identity. SES
 * sends as the address when either is verified, and DKIM-signs with the domain identity's keys when it has
 * Easy DKIM, whichever of the two verified it.
 */
export interface SenderIdentity {
  addressVerified: boolean;
  domainVerified: boolean;
  /**
   * DKIM of the identities found: `SUCCESS` when either signs, else the domain's status (or the address's):
   * `PENDING`, `FAILED`, `TEMPORARY_FAILURE`, `NOT_STARTED`; undefined when neither identity exists.
   */
  dkimStatus: string | undefined;
  /** The custom MAIL FROM domain configured on the domain (or address) identity, if any. */
  mailFromDomain: string | undefined;
  /** Its status: `SUCCESS` once SES finds its MX record; `PENDING`, `FAILED`, `TEMPORARY_FAILURE`. */
  mailFromStatus: string | undefined;
}

export interface Mailer {
  /** Sends one message to one recipient; throws `MailerError`. */
  send(email: OutgoingEmail): Promise<{ messageId: string }>;
  account(): Promise<SendingAccount>;
  /** Whether SES may send to this address from the sandbox (the address or its domain is verified). */
  isVerified(address: string): Promise<boolean>;
  /** The sender's identities, for the run's deliverability check. */
  senderIdentity(address: string): Promise<SenderIdentity>;
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

/** Links to stored originals presigned at send time, when the digest has no article-link function. */
export interface LinkSigner {
  /**
   * A GET link to the object (that version, when named) and when it really stops working: a link signed
   * with temporary credentials dies with them, which can be before `expiresInSeconds`.
   */
  presign(ref: OriginalRef, expiresInSeconds: number): Promise<PresignedLink>;
}

/** Where the planner hands subscriber batches to the sender function (an SQS queue on AWS). */
export interface SendQueue {
  /** Enqueues each batch as one message; resolves once every message is accepted, else throws. */
  enqueue(batches: SendBatch[]): Promise<void>;
}

/** The summaries a run read, saved once so that every sender invocation reads one object, not the window. */
export interface RunSnapshots {
  /** Saves them under a key derived from the run's time; returns the key. */
  save(runAt: Date, summaries: StoredSummary[]): Promise<string>;
  load(key: string): Promise<StoredSummary[]>;
}
