/**
 * HMAC-signed tokens for public links: `<payload>.<keyId>.<mac>`, where `mac` is the base64url
 * HMAC-SHA256 of `<keyId>.<payload>` under a key made for one purpose from a signing secret.
 *
 * - **A key per purpose.** The key is HKDF-SHA256(secret, info = the purpose), so a token made for one purpose
 *   never verifies for another, even when both keys come from one secret (locally, `LINK_SIGNING_SECRET`).
 *   On AWS each public function holds only its own purpose's secret: neither can mint the other's links.
 * - **Rotation.** A purpose's secrets are `current` (it signs) and `previous` (the current one before the last
 *   rotation: its tokens still verify). The key id, derived from the key, says which one signed; a token
 *   naming a key the verifier does not hold is reported as such, so an endpoint can re-read its secrets
 *   (a rotation since it read them) instead of refusing links the digest has just signed.
 * - **Legacy.** Tokens made before key ids, `<payload>.<mac>` with HMAC-SHA256(secret, "digest-unsubscribe/v1/"
 *   + payload) under the one key all links then shared, verify against a purpose's `legacy` secret. Only
 *   unsubscribe has one: its links never expire, while every article link of that time expires within 90 days.
 * - **One spelling.** The 43rd base64url character of a MAC carries two unused bits, so four spellings decode
 *   to the same bytes; only the canonical one (what encoding the bytes gives) is accepted.
 *
 * Pure: no I/O, no clock (an expiry, where a purpose needs one, lives in its payload).
 */
import { createHmac, hkdfSync, timingSafeEqual } from 'node:crypto';

/** Every purpose, as the HKDF info its key is derived with. */
export const TOKEN_PURPOSES = {
  unsubscribe: 'digest-unsubscribe',
  articleLink: 'digest-article-link',
  /** The signup and preferences forms' CSRF tokens (src/links/subscribe-tokens.ts). */
  subscribeForm: 'digest-subscribe-form',
  /** The double opt-in link in a confirmation mail. */
  subscribeConfirm: 'digest-subscribe-confirm',
  /** The "manage preferences" link in every digest. */
  preferences: 'digest-preferences',
} as const;

export type TokenPurpose = keyof typeof TOKEN_PURPOSES;

/** What legacy tokens signed: this prefix and the payload. Unsubscribe's is the string its links always used. */
const LEGACY_PREFIXES: Partial<Record<TokenPurpose, string>> = { unsubscribe: 'digest-unsubscribe/v1/' };

const HKDF_SALT = 'article-digest/link-keys/v2';

/** The signing secrets of one purpose (each a random string of at least 32 characters). */
export interface LinkSecrets {
  /** Signs new tokens; its tokens verify. */
  current: string;
  /** The current secret before the last rotation: tokens it signed verify until the next rotation. */
  previous?: string;
  /** Unsubscribe only: the key of the tokens made before key ids (they name no key). */
  legacy?: string;
}

/** A purpose's HMAC key and the id tokens name it by (not secret: a truncated HMAC of a constant under it). */
export interface LinkKey {
  id: string;
  key: Buffer;
}

export function linkKey(secret: string, purpose: TokenPurpose): LinkKey {
  const key = Buffer.from(hkdfSync('sha256', secret, HKDF_SALT, TOKEN_PURPOSES[purpose], 32));
  const id = createHmac('sha256', key).update('key-id').digest().subarray(0, 6).toString('base64url');
  return { id, key };
}

/** A payload travels in a URL as is: base64url characters only (so never the "." separator). */
const PAYLOAD = /^[A-Za-z0-9_-]+$/;
const TOKEN = /^([A-Za-z0-9_-]+)\.([A-Za-z0-9_-]{8})\.([A-Za-z0-9_-]{43})$/;
const LEGACY_TOKEN = /^([A-Za-z0-9_-]+)\.([A-Za-z0-9_-]{43})$/;

const hmac = (key: Buffer | string, text: string) => createHmac('sha256', key).update(text).digest();

/** Signs with the key `secret` makes for `purpose`: pass the purpose's current secret. */
export function signToken(secret: string, purpose: TokenPurpose, payload: string): string {
  if (!PAYLOAD.test(payload)) throw new Error('A token payload must be non-empty base64url text');
  const { id, key } = linkKey(secret, purpose);
  return `${payload}.${id}.${hmac(key, `${id}.${payload}`).toString('base64url')}`;
}

export type TokenCheck =
  | { valid: true; payload: string }
  /** `unknownKey`: well formed, but naming a key none of the secrets makes (re-reading them may help). */
  | { valid: false; unknownKey: boolean };

const INVALID: TokenCheck = { valid: false, unknownKey: false };

/** A string stands for `{ current: string }`. */
export function checkToken(
  secrets: LinkSecrets | string,
  purpose: TokenPurpose,
  token: string | undefined,
): TokenCheck {
  const ring = typeof secrets === 'string' ? { current: secrets } : secrets;
  const keyed = TOKEN.exec(token ?? '');
  if (keyed) {
    const [, payload = '', id = '', mac = ''] = keyed;
    const key = [ring.current, ring.previous]
      .flatMap((secret) => (secret === undefined ? [] : [linkKey(secret, purpose)]))
      .find((k) => k.id === id);
    if (key === undefined) return { valid: false, unknownKey: true };
    return sameMac(mac, hmac(key.key, `${id}.${payload}`)) ? { valid: true, payload } : INVALID;
  }
  const legacy = LEGACY_TOKEN.exec(token ?? '');
  const prefix = LEGACY_PREFIXES[purpose];
  if (legacy && prefix !== undefined && ring.legacy !== undefined) {
    const [, payload = '', mac = ''] = legacy;
    return sameMac(mac, hmac(ring.legacy, prefix + payload)) ? { valid: true, payload } : INVALID;
  }
  return INVALID;
}

/** The payload when the token is genuine and was made for `purpose`, otherwise undefined. */
export function verifyToken(
  secrets: LinkSecrets | string,
  purpose: TokenPurpose,
  token: string | undefined,
): string | undefined {
  const check = checkToken(secrets, purpose, token);
  return check.valid ? check.payload : undefined;
}

/**
 * The given MAC in its one canonical spelling, compared as bytes in constant time. (The spelling check
 * compares the caller's string with its own re-encoding: nothing secret is involved.)
 */
function sameMac(given: string, expected: Buffer): boolean {
  const bytes = Buffer.from(given, 'base64url');
  return (
    bytes.toString('base64url') === given &&
    bytes.length === expected.length &&
    timingSafeEqual(bytes, expected)
  );
}

/** `baseUrl` with the token as its `token` query parameter. */
export function tokenUrl(baseUrl: string, token: string): string {
  const url = new URL(baseUrl);
  url.searchParams.set('token', token);
  return url.href;
}
