/** What the subscribe function needs; the DynamoDB adapters in src/aws/ implement them on the digest table. */
import type { OutgoingEmail } from '../digest/email.js';
import type { SubscriberAdmin } from '../use-cases/manage-subscribers/ports.js';

/**
 * Abuse limits on signup, each decided by one conditional write so that concurrent requests cannot both pass.
 * Every method answers false when the limit is reached (and then counts nothing).
 */
export interface SignupLimits {
  /** One more signup from `sourceKey` (a keyed hash of the address) in the hour of `at`, if under `limit`. */
  takeSource(sourceKey: string, at: Date, limit: number): Promise<boolean>;
  /** One more signup from anywhere in the hour of `at`, if under `limit`. */
  takeAny(at: Date, limit: number): Promise<boolean>;
  /** The confirmation mail of the hour for this subscriber id: false when one went out less than an hour ago. */
  takeAddress(subscriberId: string, at: Date): Promise<boolean>;
  /** Gives back what `takeAddress` took at `at` (the mail could not be sent), unless a later take replaced it. */
  releaseAddress(subscriberId: string, at: Date): Promise<void>;
}

export type ConfirmationState = 'unused' | 'used';

/** Confirmation links work once: their ids, recorded until the link would have expired anyway. */
export interface UsedConfirmations {
  state(jti: string): Promise<ConfirmationState>;
  /**
   * Takes the link for a confirmation under way; false when it is used, or taken by another request less
   * than a minute ago. A confirmation that fails after this (the store unreachable) can be tried again then.
   */
  take(jti: string, at: Date, expiresAt: Date): Promise<boolean>;
  /** Marks the link used for good, after the subscriber was stored. */
  markUsed(jti: string, at: Date): Promise<void>;
}

/** The subscriber store as these pages use it: create or update, unsubscribe, read one. */
export type Subscribers = Pick<SubscriberAdmin, 'put' | 'remove' | 'get'>;

/** Sends one message (the confirmation mail); throws on failure. */
export interface ConfirmationMailer {
  send(email: OutgoingEmail): Promise<{ messageId: string }>;
}
