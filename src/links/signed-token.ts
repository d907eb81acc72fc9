/**
 * HMAC-signed tokens for public links: `<payload>.<base64url HMAC-SHA256(secret, purpose + payload)>`.
 * Without the secret a token cannot be forged or altered. The purpose is part of what is signed and no
 * purpose is a prefix of another, so a token made for one purpose never verifies for another: an
 * unsubscribe token cannot be replayed as an article link, or the other way round, although both use the
 * same key. Pure: no I/O, no clock (an expiry, where a purpose needs one, lives in its payload).
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Every purpose, each ending in "/" so none is a prefix of another. The unsubscribe string is the one its
 * tokens have always been signed with: links in mails already sent keep working.
 */
export const TOKEN_PURPOSES = {
  unsubscribe: 'digest-unsubscribe/v1/',
  articleLink: 'digest-article-link/v1/',
} as const;

export type TokenPurpose = keyof typeof TOKEN_PURPOSES;

/** A payload travels in a URL as is: base64url characters only (so never the "." separator). */
const PAYLOAD = /^[A-Za-z0-9_-]+$/;
const TOKEN = /^([A-Za-z0-9_-]+)\.([A-Za-z0-9_-]{43})$/;

function mac(secret: string, purpose: TokenPurpose, payload: string): Buffer {
  return createHmac('sha256', secret)
    .update(TOKEN_PURPOSES[purpose] + payload)
    .digest();
}

export function signToken(secret: string, purpose: TokenPurpose, payload: string): string {
  if (!PAYLOAD.test(payload)) throw new Error('A token payload must be non-empty base64url text');
  return `${payload}.${mac(secret, purpose, payload).toString('base64url')}`;
}

/** The payload when the token is genuine and was made for `purpose`, otherwise undefined. */
export function verifyToken(
  secret: string,
  purpose: TokenPurpose,
  token: string | undefined,
): string | undefined {
  const match = TOKEN.exec(token ?? '');
  if (!match?.[1] || !match[2]) return undefined;
  const given = Buffer.from(match[2], 'base64url');
  const expected = mac(secret, purpose, match[1]);
  return given.length === expected.length && timingSafeEqual(given, expected) ? match[1] : undefined;
}

/** `baseUrl` with the token as its `token` query parameter. */
export function tokenUrl(baseUrl: string, token: string): string {
  const url = new URL(baseUrl);
  url.searchParams.set('token', token);
  return url.href;
}
