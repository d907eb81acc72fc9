import { createHmac, hkdfSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  checkToken,
  linkKey,
  signToken,
  TOKEN_PURPOSES,
  verifyToken,
} from '../../../src/links/signed-token.js';
import { subscriberId } from '../../../src/digest/subscribers.js';
import { unsubscribeToken, verifyUnsubscribeToken } from '../../../src/links/unsubscribe-token.js';

const SECRET = 'a-secret-of-at-least-thirty-two-characters';
const OTHER = 'another-secret-of-thirty-two-characters';
const NEWER = 'a-third-secret-of-thirty-two-characters!';
const BASE64URL = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

/** Flips one character of the signature (the last one carries padding bits, so not that one). */
const tamper = (token: string) => {
  const at = token.length - 2;
  return token.slice(0, at) + (token[at] === 'A' ? 'B' : 'A') + token.slice(at + 1);
};

/**
 * The other three spellings of a token whose MAC ends in a character with two unused bits: they decode
 * to the same 32 bytes.
 */
const otherSpellings = (token: string) => {
  const last = BASE64URL.indexOf(token.at(-1) ?? '');
  return [0, 1, 2, 3]
    .map((unused) => token.slice(0, -1) + BASE64URL[(last & ~3) | unused])
    .filter((spelling) => spelling !== token);
};

/** A token as signed before key ids: the one shared key, the purpose's v1 prefix, no key id. */
const legacyToken = (secret: string, prefix: string, payload: string) =>
  `${payload}.${createHmac('sha256', secret)
    .update(prefix + payload)
    .digest('base64url')}`;

describe('signed tokens', () => {
  it('round-trip a payload for the purpose they were signed for', () => {
    const token = signToken(SECRET, 'articleLink', 'abc_DEF-123');

    expect(verifyToken(SECRET, 'articleLink', token)).toBe('abc_DEF-123');
    expect(verifyToken(OTHER, 'articleLink', token)).toBeUndefined();
    expect(verifyToken(SECRET, 'articleLink', tamper(token))).toBeUndefined();
    const [, keyId, mac] = token.split('.');
    expect(verifyToken(SECRET, 'articleLink', `abc_DEF-124.${keyId}.${mac}`)).toBeUndefined();
    expect(verifyToken(SECRET, 'articleLink', undefined)).toBeUndefined();
    expect(() => signToken(SECRET, 'articleLink', 'has.a.dot')).toThrow(/base64url/);
  });

  it('sign with a key derived per purpose (HKDF-SHA256, info = the purpose) and name it, as specified', () => {
    const id = subscriberId('ana@example.com');
    const key = Buffer.from(
      hkdfSync('sha256', SECRET, 'article-digest/link-keys/v2', 'digest-unsubscribe', 32),
    );
    const keyId = createHmac('sha256', key).update('key-id').digest().subarray(0, 6).toString('base64url');
    const mac = createHmac('sha256', key).update(`${keyId}.${id}`).digest('base64url');

    expect(unsubscribeToken(SECRET, id)).toBe(`${id}.${keyId}.${mac}`);
    expect(linkKey(SECRET, 'unsubscribe')).toEqual({ id: keyId, key });
    expect(linkKey(SECRET, 'articleLink').key.equals(key)).toBe(false);
    expect(Object.keys(TOKEN_PURPOSES)).toEqual([
      'unsubscribe',
      'articleLink',
      'subscribeForm',
      'subscribeConfirm',
      'preferences',
    ]);
  });

  it('never verify for another purpose, though both keys come from one secret', () => {
    const id = subscriberId('ana@example.com');
    const unsubscribe = unsubscribeToken(SECRET, id);
    const link = signToken(SECRET, 'articleLink', id);

    expect(link).not.toBe(unsubscribe);
    expect(verifyToken(SECRET, 'articleLink', unsubscribe)).toBeUndefined();
    expect(verifyToken(SECRET, 'unsubscribe', link)).toBeUndefined();
    expect(verifyUnsubscribeToken(SECRET, link)).toBeUndefined();
    expect(verifyUnsubscribeToken(SECRET, unsubscribe)).toBe(id);
  });

  it('accept only the canonical spelling of a MAC: the three other spellings of its last character are refused', () => {
    const id = subscriberId('ana@example.com');
    const tokens = [
      signToken(SECRET, 'articleLink', 'abc_DEF-123'),
      unsubscribeToken(SECRET, id),
      legacyToken(SECRET, 'digest-unsubscribe/v1/', id),
    ];
    const secrets = { current: SECRET, legacy: SECRET };

    for (const token of tokens) {
      const purpose = token.includes('abc_DEF') ? 'articleLink' : 'unsubscribe';
      expect(verifyToken(secrets, purpose, token), token).toBeDefined();
      expect(otherSpellings(token)).toHaveLength(3);
      for (const spelling of otherSpellings(token)) {
        expect(Buffer.from(spelling.slice(-43), 'base64url')).toEqual(
          Buffer.from(token.slice(-43), 'base64url'),
        );
        expect(verifyToken(secrets, purpose, spelling), spelling).toBeUndefined();
      }
    }
  });

  it('verify under the current or the previous secret, and report a key they do not hold as unknown', () => {
    const old = signToken(SECRET, 'articleLink', 'payload');
    const rotated = signToken(OTHER, 'articleLink', 'payload');

    expect(checkToken({ current: OTHER, previous: SECRET }, 'articleLink', old)).toEqual({
      valid: true,
      payload: 'payload',
    });
    expect(checkToken({ current: OTHER, previous: SECRET }, 'articleLink', rotated)).toMatchObject({
      valid: true,
    });
    // Rotated twice: the first key is gone, and the token says so (a key id no secret makes).
    expect(checkToken({ current: NEWER, previous: OTHER }, 'articleLink', old)).toEqual({
      valid: false,
      unknownKey: true,
    });
    // A known key with a wrong MAC is simply invalid.
    expect(checkToken({ current: SECRET }, 'articleLink', tamper(old))).toEqual({
      valid: false,
      unknownKey: false,
    });
  });

  it('verify unsubscribe links from before key ids against the legacy secret, and no other legacy link', () => {
    const id = subscriberId('ana@example.com');
    const unsubscribe = legacyToken(SECRET, 'digest-unsubscribe/v1/', id);
    const articleLink = legacyToken(SECRET, 'digest-article-link/v1/', 'eyJiIjoieCJ9');

    expect(verifyUnsubscribeToken({ current: OTHER, legacy: SECRET }, unsubscribe)).toBe(id);
    expect(verifyUnsubscribeToken({ current: SECRET }, unsubscribe)).toBeUndefined();
    expect(verifyUnsubscribeToken({ current: OTHER, legacy: OTHER }, unsubscribe)).toBeUndefined();
    expect(verifyToken({ current: SECRET, legacy: SECRET }, 'articleLink', articleLink)).toBeUndefined();
  });
});
