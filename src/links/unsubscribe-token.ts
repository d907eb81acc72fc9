/**
 * Unsubscribe tokens: `<subscriberId>.<HMAC>`, signed for the unsubscribe purpose (see signed-token.ts).
 * Without the secret a token cannot be forged or guessed, and it names no address. They do not expire: an
 * old digest's unsubscribe link must keep working.
 */
import { signToken, tokenUrl, verifyToken } from './signed-token.js';

const SUBSCRIBER_ID = /^[a-f0-9]{32}$/;

export function unsubscribeToken(secret: string, subscriberId: string): string {
  return signToken(secret, 'unsubscribe', subscriberId);
}

/** The subscriber id when the token is genuine, otherwise undefined. */
export function verifyUnsubscribeToken(secret: string, token: string | undefined): string | undefined {
  const payload = verifyToken(secret, 'unsubscribe', token);
  return payload !== undefined && SUBSCRIBER_ID.test(payload) ? payload : undefined;
}

export function unsubscribeUrl(baseUrl: string, secret: string, subscriberId: string): string {
  return tokenUrl(baseUrl, unsubscribeToken(secret, subscriberId));
}
