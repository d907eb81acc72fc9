import { describe, expect, it } from 'vitest';
import { parseHTML } from 'linkedom';
import { fixedSecrets } from '../../../src/links/link-secrets.js';
import { handleUnsubscribe, type UnsubscribeRequest } from '../../../src/links/unsubscribe.js';
import {
  unsubscribeToken,
  unsubscribeUrl,
  verifyUnsubscribeToken,
} from '../../../src/links/unsubscribe-token.js';
import { subscriberId } from '../../../src/digest/subscribers.js';
import { memoryStore, subscribersOf } from '../../support/digest-memory.js';

const SECRET = 'a-secret-of-at-least-thirty-two-characters';
const id = subscriberId('ana@example.com');
const FORM = 'application/x-www-form-urlencoded';

describe('unsubscribe tokens', () => {
  it('verify only with the secret they were made with, and name the subscriber', () => {
    const token = unsubscribeToken(SECRET, id);

    expect(verifyUnsubscribeToken(SECRET, token)).toBe(id);
    expect(verifyUnsubscribeToken('another-secret-of-thirty-two-characters', token)).toBeUndefined();
    expect(
      verifyUnsubscribeToken(
        SECRET,
        `${subscriberId('bo@example.org')}.${token.split('.').slice(1).join('.')}`,
      ),
    ).toBeUndefined();
    expect(
      verifyUnsubscribeToken(
        SECRET,
        `${token.slice(0, -2)}${token.at(-2) === 'A' ? 'B' : 'A'}${token.at(-1)}`,
      ),
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
  /** The subscriber store with Ana subscribed: its `add` is what the endpoint records with. */
  const deps = () => {
    const unsubscribes = memoryStore();
    for (const subscriber of subscribersOf({ subscribers: [{ email: 'ana@example.com' }] })) {
      unsubscribes.put(subscriber);
    }
    return {
      secrets: fixedSecrets({ current: SECRET, legacy: SECRET }),
      unsubscribes,
      now: () => new Date(),
    };
  };
  const unsubscribed = (d: ReturnType<typeof deps>) =>
    [...d.unsubscribes.profiles.values()].filter((p) => !p.subscribed).map((p) => p.subscriber.id);
  const token = unsubscribeToken(SECRET, id);
  const post = (body: string | Uint8Array | undefined, contentType?: string): UnsubscribeRequest => ({
    method: 'POST',
    token,
    ...(contentType !== undefined && { contentType }),
    ...(body !== undefined && { body: typeof body === 'string' ? Buffer.from(body) : body }),
  });

  it('shows a confirmation page on GET without unsubscribing (link scanners prefetch GETs)', async () => {
    const d = deps();

    const response = await handleUnsubscribe({ method: 'GET', token }, d);

    expect(response.status).toBe(200);
    expect(response.html).toContain('<form method="post" action="?token=');
    expect(unsubscribed(d)).toEqual([]);
  });

  it('unsubscribes on the one-click POST, and a repeated POST is still a success', async () => {
    const d = deps();

    const first = await handleUnsubscribe(post('List-Unsubscribe=One-Click', FORM), d);
    const second = await handleUnsubscribe(post('List-Unsubscribe=One-Click', FORM), d);

    expect([first.status, first.unsubscribed, second.status, second.unsubscribed]).toEqual([
      200,
      'now',
      200,
      'already',
    ]);
    expect(unsubscribed(d)).toEqual([id]);
  });

  it('accepts the one-click body in each encoding a mail client may use (RFC 8058: multipart or urlencoded)', async () => {
    const multipart = new Request('https://x.invalid/', {
      method: 'POST',
      body: (() => {
        const form = new FormData();
        form.set('List-Unsubscribe', 'One-Click');
        return form;
      })(),
    });
    const multipartType = multipart.headers.get('content-type') ?? '';
    const bodies: [string | Uint8Array, string | undefined][] = [
      ['List-Unsubscribe=One-Click', FORM],
      ['List-Unsubscribe=One-Click', `${FORM}; charset=UTF-8`],
      ['List-Unsubscribe=One-Click\r\n', FORM],
      [new Uint8Array(await multipart.arrayBuffer()), multipartType],
      ['List-Unsubscribe=One-Click', undefined],
      ['List-Unsubscribe=One-Click', 'text/plain;charset=UTF-8'],
    ];

    for (const [body, contentType] of bodies) {
      const d = deps();
      const response = await handleUnsubscribe(post(body, contentType), d);
      expect([response.status, contentType], String(body)).toEqual([200, contentType]);
      expect(unsubscribed(d)).toEqual([id]);
    }
  });

  it('changes nothing on any other POST and says so with a 400 page that still offers the button', async () => {
    const others: [string | undefined, string | undefined][] = [
      [undefined, undefined],
      ['', FORM],
      ['foo=bar', FORM],
      ['List-Unsubscribe=Yes', FORM],
      ['List-Unsubscribe=One-Click&List-Unsubscribe=One-Click', FORM],
      ['List-Unsubscribe=One-Click', 'application/json'],
      ['{"List-Unsubscribe":"One-Click"}', 'application/json'],
      ['List-Unsubscribe=One-Click', 'multipart/form-data; boundary=x'],
      ['please unsubscribe me', 'text/plain'],
      [`List-Unsubscribe=One-Click&pad=${'x'.repeat(20_000)}`, FORM],
    ];

    for (const [body, contentType] of others) {
      const d = deps();
      const response = await handleUnsubscribe(post(body, contentType), d);
      expect([response.status, response.outcome], `${contentType} ${body?.slice(0, 60)}`).toEqual([
        400,
        'not-one-click',
      ]);
      expect(response.html).toContain('You are still subscribed');
      expect(response.html).toContain('nothing was changed');
      expect(response.html).toContain('<form method="post"');
      expect(unsubscribed(d)).toEqual([]);
    }
  });

  it('gives a person a button whose form sends exactly the one-click body, and that unsubscribes', async () => {
    const d = deps();
    const page = await handleUnsubscribe({ method: 'GET', token }, d);
    const { document } = parseHTML(page.html);
    const form = document.querySelector('form');
    // What a browser submits: every named control, urlencoded (the form's encoding type).
    const controls = [
      ...(form?.querySelectorAll('input[name], button[name], select[name], textarea[name]') ?? []),
    ];
    const submitted = new URLSearchParams(
      controls.map((c): [string, string] => [c.getAttribute('name') ?? '', c.getAttribute('value') ?? '']),
    );

    expect(form?.getAttribute('enctype') ?? FORM).toBe(FORM);
    expect(submitted.toString()).toBe('List-Unsubscribe=One-Click');
    const action = new URL(form?.getAttribute('action') ?? '', 'https://x.lambda-url.eu-west-1.on.aws/');
    const response = await handleUnsubscribe(
      { ...post(submitted.toString(), FORM), token: action.searchParams.get('token') ?? undefined },
      d,
    );
    expect(response.status).toBe(200);
    expect(unsubscribed(d)).toEqual([id]);
  });

  it('answers a valid token for someone the store does not hold as already unsubscribed, and changes nothing', async () => {
    const d = deps();
    const stranger = unsubscribeToken(SECRET, subscriberId('zed@example.net'));

    const response = await handleUnsubscribe(
      { ...post('List-Unsubscribe=One-Click', FORM), token: stranger },
      d,
    );

    expect([response.status, response.unsubscribed]).toEqual([200, 'already']);
    expect(unsubscribed(d)).toEqual([]);
    expect(d.unsubscribes.profiles.size).toBe(1);
  });

  it('refuses bad tokens and other methods', async () => {
    const d = deps();

    expect(
      (await handleUnsubscribe({ ...post('List-Unsubscribe=One-Click', FORM), token: 'x.y' }, d)).status,
    ).toBe(400);
    expect((await handleUnsubscribe({ method: 'DELETE', token }, d)).status).toBe(405);
    expect(unsubscribed(d)).toEqual([]);
  });
});
