import { describe, expect, it } from 'vitest';
import {
  fixedSecrets,
  LinkSecretsError,
  parseLinkSecrets,
  rereadingSecrets,
  secretsFromMaster,
  verifyWith,
} from '../../../src/links/link-secrets.js';
import { signToken, type LinkSecrets } from '../../../src/links/signed-token.js';

const A = 'a'.repeat(32);
const B = 'b'.repeat(40);
const C = 'c'.repeat(64);

describe('stored link secrets', () => {
  it('read a plain secret as the current one, and for unsubscribe also as the key of links from before key ids', () => {
    expect(parseLinkSecrets(` ${C}\n`, 'unsubscribe')).toEqual({ current: C, legacy: C });
    expect(parseLinkSecrets(C, 'articleLink')).toEqual({ current: C });
  });

  it('read JSON with the current, previous and (unsubscribe only) legacy secrets', () => {
    expect(parseLinkSecrets(JSON.stringify({ current: A, previous: B, legacy: C }), 'unsubscribe')).toEqual({
      current: A,
      previous: B,
      legacy: C,
    });
    expect(parseLinkSecrets(JSON.stringify({ current: A }), 'articleLink')).toEqual({ current: A });
  });

  it('refuse what they cannot use, saying why without quoting the value', () => {
    const refusal = (value: string, purpose: 'unsubscribe' | 'articleLink' = 'articleLink') => {
      try {
        parseLinkSecrets(value, purpose);
      } catch (error: unknown) {
        expect(error).toBeInstanceOf(LinkSecretsError);
        return (error as Error).message;
      }
      throw new Error(`accepted ${value}`);
    };

    expect(refusal('short-secret')).toMatch(/at least 32 characters .*got 12/);
    expect(refusal(JSON.stringify({ current: A, prev: B }))).toMatch(/"prev".*only current, previous/);
    expect(refusal(JSON.stringify({ current: A, legacy: B }))).toMatch(/"legacy"/);
    expect(refusal(JSON.stringify({ previous: B }), 'unsubscribe')).toMatch(/needs "current"/);
    expect(refusal(JSON.stringify({ current: A, previous: 'short-previous' }))).toMatch(
      /"previous" must be at least 32/,
    );
    expect(refusal(`{"current": "${A}"`)).toMatch(/nor valid JSON/);
    expect(refusal('{"current": "short-secret"}')).not.toContain('short-secret');
  });

  it('derive from one master secret locally, which is also the legacy unsubscribe key', () => {
    expect(secretsFromMaster(A, 'unsubscribe')).toEqual({ current: A, legacy: A });
    expect(secretsFromMaster(A, 'articleLink')).toEqual({ current: A });
  });
});

describe('an endpoint after a rotation', () => {
  /** Secrets read from a store the test rotates, with a clock the test moves. */
  function store(initial: LinkSecrets) {
    let stored = initial;
    let reads = 0;
    let now = 0;
    const source = rereadingSecrets(
      initial,
      async () => {
        reads += 1;
        return stored;
      },
      { now: () => now },
    );
    return {
      source,
      rotate: (next: LinkSecrets) => (stored = next),
      advance: (ms: number) => (now += ms),
      reads: () => reads,
    };
  }

  it('re-reads its secrets when a token names a key it does not hold, and then accepts the new key', async () => {
    const s = store({ current: A });
    s.rotate({ current: B, previous: A });

    const fresh = signToken(B, 'articleLink', 'payload');

    await expect(verifyWith(s.source, 'articleLink', signToken(A, 'articleLink', 'old'))).resolves.toBe(
      'old',
    );
    expect(s.reads()).toBe(0);
    await expect(verifyWith(s.source, 'articleLink', fresh)).resolves.toBe('payload');
    expect(s.reads()).toBe(1);
    await expect(verifyWith(s.source, 'articleLink', fresh)).resolves.toBe('payload');
    expect(s.reads()).toBe(1);
  });

  it('re-reads at most once a minute, so forged key ids cannot turn requests into reads', async () => {
    const s = store({ current: A });
    const forged = (n: number) => `payload.forged${n}Z.${'A'.repeat(43)}`;

    const first = await Promise.all([1, 2, 3].map((n) => verifyWith(s.source, 'articleLink', forged(n))));
    s.advance(30_000);
    await verifyWith(s.source, 'articleLink', forged(4));
    expect(s.reads()).toBe(1);
    s.advance(31_000);
    await Promise.all([5, 6].map((n) => verifyWith(s.source, 'articleLink', forged(n))));

    expect(first).toEqual([undefined, undefined, undefined]);
    expect(s.reads()).toBe(2);
  });

  it('never re-reads for a token that is simply invalid', async () => {
    const s = store({ current: A });
    const token = signToken(A, 'articleLink', 'payload');

    await verifyWith(s.source, 'articleLink', `${token.slice(0, -2)}AA`);
    await verifyWith(s.source, 'articleLink', 'not-a-token');

    expect(s.reads()).toBe(0);
  });

  it('keeps fixed secrets as they are', async () => {
    await expect(fixedSecrets(A).reread()).resolves.toEqual({ current: A });
    expect(fixedSecrets({ current: A, previous: B }).held()).toEqual({ current: A, previous: B });
  });
});
