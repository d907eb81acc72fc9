import { describe, expect, it } from 'vitest';
import { fixedSecrets } from '../../../src/links/link-secrets.js';
import { verifyToken } from '../../../src/links/signed-token.js';
import {
  checkFormToken,
  confirmationToken,
  formToken,
  newTokenId,
  preferencesToken,
  readConfirmationToken,
  readPreferencesToken,
  type Confirmation,
} from '../../../src/links/subscribe-tokens.js';
import { unsubscribeToken } from '../../../src/links/unsubscribe-token.js';

const SECRET = 'unit-test-subscribe-secret-0000000000000';
const secrets = fixedSecrets(SECRET);
const ID = '0123456789abcdef0123456789abcdef';
const NOW = new Date('2026-11-30T10:00:00Z');
const LATER = new Date('2026-11-30T22:00:00Z');

describe('form tokens (CSRF)', () => {
  it('are accepted for the form they were made for until they expire, then reported expired', async () => {
    const token = formToken(SECRET, 'signup', LATER);
    expect(await checkFormToken(secrets, token, 'signup', NOW)).toBe('valid');
    expect(await checkFormToken(secrets, token, 'signup', LATER)).toBe('expired');
  });

  it("never pass for another form, another subscriber's page or under another secret", async () => {
    const signup = formToken(SECRET, 'signup', LATER);
    const mine = formToken(SECRET, { preferencesOf: ID }, LATER);
    expect(await checkFormToken(secrets, signup, { preferencesOf: ID }, NOW)).toBe('invalid');
    expect(await checkFormToken(secrets, mine, { preferencesOf: 'f'.repeat(32) }, NOW)).toBe('invalid');
    expect(await checkFormToken(secrets, mine, 'signup', NOW)).toBe('invalid');
    const foreign = formToken('another-secret-of-forty-characters-000000', 'signup', LATER);
    expect(await checkFormToken(secrets, foreign, 'signup', NOW)).toBe('invalid');
    expect(await checkFormToken(secrets, undefined, 'signup', NOW)).toBe('invalid');
  });
});

describe('confirmation tokens', () => {
  const confirmation: Confirmation = {
    jti: newTokenId(),
    expiresAt: LATER,
    email: 'Ana.Ruiz@example.org',
    timeZone: 'America/Argentina/Buenos_Aires',
    hour: 6,
    topics: ['climate'],
    keywords: ['heat pump'],
  };

  it('carry the signup as it was asked for, to the second of its expiry', async () => {
    expect(await readConfirmationToken(secrets, confirmationToken(SECRET, confirmation))).toEqual(
      confirmation,
    );
  });

  it('carry a weekly weekday, and read a token without one as daily', async () => {
    const weekly = { ...confirmation, weekday: 'fri' as const };
    expect(await readConfirmationToken(secrets, confirmationToken(SECRET, weekly))).toEqual(weekly);
    expect(await readConfirmationToken(secrets, confirmationToken(SECRET, confirmation))).not.toHaveProperty(
      'weekday',
    );
  });

  it('are refused when any part is changed, and are no form, preferences or unsubscribe token', async () => {
    const token = confirmationToken(SECRET, confirmation);
    const [payload = '', rest = ''] = token.split(/\.(.*)/s);
    const changed = Buffer.from(
      Buffer.from(payload, 'base64url').toString().replace('Ana.Ruiz', 'Eve'),
    ).toString('base64url');
    expect(await readConfirmationToken(secrets, `${changed}.${rest}`)).toBeUndefined();
    for (const purpose of ['subscribeForm', 'preferences', 'unsubscribe'] as const) {
      expect(verifyToken(SECRET, purpose, token), purpose).toBeUndefined();
    }
  });
});

describe('preferences tokens', () => {
  it('name the subscriber, and an unsubscribe token under the same secret is not one', async () => {
    expect(await readPreferencesToken(secrets, preferencesToken(SECRET, ID))).toBe(ID);
    expect(await readPreferencesToken(secrets, unsubscribeToken(SECRET, ID))).toBeUndefined();
    expect(verifyToken(SECRET, 'unsubscribe', preferencesToken(SECRET, ID))).toBeUndefined();
  });
});
