/**
 * Unsubscribe tokens: `<subscriberId>.<HMAC-SHA256(secret, purpose + subscriberId)>`, base64url. Without
 * the secret a token cannot be forged or guessed, and it names no address. They do not expire: an old
 * digest's unsubscribe link must keep working.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

const PURPOSE = 'digest-unsubscribe/v1/';

function mac(secret: string, subscriberId: string): Buffer {
  return createHmac('sha256', secret)
    .update(PURPOSE + subscriberId)
    .digest();
}

export function unsubscribeToken(secret: string, subscriberId: string): string {
  return `${subscriberId}.${mac(secret, subscriberId).toString('base64url')}`;
}

/** The subscriber id when the token is genuine, otherwise undefined. */
export function verifyUnsubscribeToken(secret: string, token: string | undefined): string | undefined {
  const match = /^([a-f0-9]{32})\.([A-Za-z0-9_-]{43})$/.exec(token ?? '');
  if (!match?.[1] || !match[2]) return undefined;
  const given = Buffer.from(match[2], 'base64url');
  const expected = mac(secret, match[1]);
  return given.length === expected.length && timingSafeEqual(given, expected) ? match[1] : undefined;
}

export function unsubscribeUrl(baseUrl: string, secret: string, subscriberId: string): string {
  const url = new URL(baseUrl);
  url.searchParams.set('token', unsubscribeToken(secret, subscriberId));
  return url.href;
}
