import { describe, expect, it } from 'vitest';
import { handleUnsubscribe } from '../../../src/links/unsubscribe.js';
import {
  unsubscribeToken,
  unsubscribeUrl,
  verifyUnsubscribeToken,
} from '../../../src/links/unsubscribe-token.js';
import { subscriberId } from '../../../src/digest/subscribers.js';
import { memoryUnsubscribes } from '../../support/digest-memory.js';

const SECRET = 'a-secret-of-at-least-thirty-two-characters';
const id = subscriberId('ana@example.com');

describe('unsubscribe tokens', () => {
  it('verify only with the secret they were made with, and name the subscriber', () => {
    const token = unsubscribeToken(SECRET, id);

    expect(verifyUnsubscribeToken(SECRET, token)).toBe(id);
    expect(verifyUnsubscribeToken('another-secret-of-thirty-two-characters', token)).toBeUndefined();
    expect(
      verifyUnsubscribeToken(SECRET, `${subscriberId('bo@example.org')}.${token.split('.')[1]}`),
    ).toBeUndefined();
    expect(
      verifyUnsubscribeToken(SECRET, token.slice(0, -1) + (token.endsWith('A') ? 'B' : 'A')),
    ).toBeUndefined();
    expect(verifyUnsubscribeToken(SECRET, undefined)).toBeUndefined();
    expect(token).not.toContain('ana');
  });

  it('go into the unsubscribe URL as a query parameter, keeping the base URL', () => {
    const url = new URL(unsubscribeUrl('https://x.lambda-url.eu-west-1.on.aws/', SECRET, id));

    expect(url.origin).toBe('https://x.lambda-url.eu-west-1.on.aws');
    expect(verifyUnsubscribeToken(SECRET, url.searchParams.get('token') ?? '')).toBe(id);
  });
});

describe('the unsubscribe endpoint', () => {
  const deps = () => ({ secret: SECRET, unsubscribes: memoryUnsubscribes(), now: () => new Date() });

  it('shows a confirmation page on GET without unsubscribing (link scanners prefetch GETs)', async () => {
    const d = deps();

    const response = await handleUnsubscribe({ method: 'GET', token: unsubscribeToken(SECRET, id) }, d);

    expect(response.status).toBe(200);
    expect(response.html).toContain('<form method="post" action="?token=');
    expect(d.unsubscribes.ids.size).toBe(0);
  });

  it('unsubscribes on POST, and a repeated POST is still a success', async () => {
    const d = deps();
    const token = unsubscribeToken(SECRET, id);

    const first = await handleUnsubscribe({ method: 'POST', token }, d);
    const second = await handleUnsubscribe({ method: 'POST', token }, d);

    expect([first.status, first.unsubscribed, second.status, second.unsubscribed]).toEqual([
      200,
      'now',
      200,
      'already',
    ]);
    expect([...d.unsubscribes.ids]).toEqual([id]);
  });

  it('refuses bad tokens and other methods', async () => {
    const d = deps();

    expect((await handleUnsubscribe({ method: 'POST', token: 'x.y' }, d)).status).toBe(400);
    expect(
      (await handleUnsubscribe({ method: 'DELETE', token: unsubscribeToken(SECRET, id) }, d)).status,
    ).toBe(405);
    expect(d.unsubscribes.ids.size).toBe(0);
  });
});
