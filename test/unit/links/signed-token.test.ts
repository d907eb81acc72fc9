import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { signToken, TOKEN_PURPOSES, verifyToken } from '../../../src/links/signed-token.js';
import { subscriberId } from '../../../src/digest/subscribers.js';
import { unsubscribeToken, verifyUnsubscribeToken } from '../../../src/links/unsubscribe-token.js';

const SECRET = 'a-secret-of-at-least-thirty-two-characters';

/** Flips one character of the signature (the last one carries padding bits, so not that one). */
const tamper = (token: string) => {
  const at = token.length - 2;
  return token.slice(0, at) + (token[at] === 'A' ? 'B' : 'A') + token.slice(at + 1);
};

describe('signed tokens', () => {
  it('round-trip a payload for the purpose they were signed for', () => {
    const token = signToken(SECRET, 'articleLink', 'abc_DEF-123');

    expect(verifyToken(SECRET, 'articleLink', token)).toBe('abc_DEF-123');
    expect(verifyToken('another-secret-of-thirty-two-characters', 'articleLink', token)).toBeUndefined();
    expect(verifyToken(SECRET, 'articleLink', tamper(token))).toBeUndefined();
    expect(verifyToken(SECRET, 'articleLink', `abc_DEF-124.${token.split('.')[1]}`)).toBeUndefined();
    expect(verifyToken(SECRET, 'articleLink', undefined)).toBeUndefined();
    expect(() => signToken(SECRET, 'articleLink', 'has.a.dot')).toThrow(/base64url/);
  });

  it('never verify for another purpose, though the key is the same', () => {
    const id = subscriberId('ana@example.com');
    const unsubscribe = unsubscribeToken(SECRET, id);
    const link = signToken(SECRET, 'articleLink', id);

    expect(link).not.toBe(unsubscribe);
    expect(verifyToken(SECRET, 'articleLink', unsubscribe)).toBeUndefined();
    expect(verifyToken(SECRET, 'unsubscribe', link)).toBeUndefined();
    expect(verifyUnsubscribeToken(SECRET, link)).toBeUndefined();
    expect(verifyUnsubscribeToken(SECRET, unsubscribe)).toBe(id);
  });

  it('keep purposes apart: none is a prefix of another', () => {
    const purposes = Object.values(TOKEN_PURPOSES);
    for (const a of purposes) {
      for (const b of purposes) if (a !== b) expect(b.startsWith(a), `${a} / ${b}`).toBe(false);
    }
  });

  it('sign unsubscribe links exactly as before, so links in mails already sent keep working', () => {
    const id = subscriberId('ana@example.com');
    const mac = createHmac('sha256', SECRET).update(`digest-unsubscribe/v1/${id}`).digest('base64url');

    expect(unsubscribeToken(SECRET, id)).toBe(`${id}.${mac}`);
  });
});
