/**
 * Unsubscribe tokens: `<subscriberId>.<keyId>.<HMAC>`, signed with the unsubscribe key (see signed-token.ts).
 * Without the key a token cannot be forged or guessed, and it names no address. They do not expire: an old
 * digest's unsubscribe link keeps working while the key that signed it is current or previous, and links
 * from before key ids (`<subscriberId>.<HMAC>`) while the legacy key is kept.
 */
import { verifyWith } from './link-secrets.js';
import type { LinkSecretSource } from './ports.js';
import { signToken, tokenUrl, verifyToken, type LinkSecrets } from './signed-token.js';

const SUBSCRIBER_ID = /^[a-f0-9]{32}$/;

/** `secret`: the unsubscribe purpose's current secret. */
export function unsubscribeToken(secret: string, subscriberId: string): string {
  return signToken(secret, 'unsubscribe', subscriberId);
}

/** The subscriber id when the token is genuine, otherwise undefined. */
export function verifyUnsubscribeToken(
  secrets: LinkSecrets | string,
  token: string | undefined,
): string | undefined {
  return subscriberOf(verifyToken(secrets, 'unsubscribe', token));
}

/** As `verifyUnsubscribeToken`, re-reading the secrets when the token names a key rotated in since. */
export async function readUnsubscribeToken(
  secrets: LinkSecretSource,
  token: string | undefined,
): Promise<string | undefined> {
  return subscriberOf(await verifyWith(secrets, 'unsubscribe', token));
}

export function unsubscribeUrl(baseUrl: string, secret: string, subscriberId: string): string {
  return tokenUrl(baseUrl, unsubscribeToken(secret, subscriberId));
}

function subscriberOf(payload: string | undefined): string | undefined {
  return payload !== undefined && SUBSCRIBER_ID.test(payload) ? payload : undefined;
}
