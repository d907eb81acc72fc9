import { describe, expect, it } from 'vitest';
import { subscriberId } from '../../../src/digest/subscribers.js';
import { handleSubscribe, type SubscribeRequest } from '../../../src/links/subscribe.js';
import { preferencesToken } from '../../../src/links/subscribe-tokens.js';
import { memorySubscribe, TEST_SECRET, type MemorySubscribe } from '../../support/subscribe-memory.js';

const BASE = 'https://signup.example/';

async function signupFrom(memory: MemorySubscribe, sourceIp: string, email: string) {
  const form = await handleSubscribe({ method: 'GET', path: '/', sourceIp, baseUrl: BASE }, memory.deps);
  const formToken = /name="formToken" value="([^"]+)"/.exec(form.html)?.[1] ?? '';
  const body = new URLSearchParams({ formToken, email, timeZone: 'Europe/Paris', hour: '7' });
  return handleSubscribe(
    { method: 'POST', path: '/', sourceIp, baseUrl: BASE, body: new TextEncoder().encode(body.toString()) },
    memory.deps,
  );
}

describe('signup limits', () => {
  it('counts one IPv6 /64 as one source, however its addresses are written', async () => {
    const memory = memorySubscribe({ perSource: 2 });
    expect((await signupFrom(memory, '2001:db8:1:2::1', 'a@example.net')).status).toBe(200);
    expect((await signupFrom(memory, '2001:0db8:0001:0002:ffff::9', 'b@example.net')).status).toBe(200);
    const limited = await signupFrom(memory, '2001:db8:1:2:0:0:0:77', 'c@example.net');
    expect(limited.status).toBe(429);
    // Counted per UTC hour: the next one starts afresh.
    expect(limited.retryAfterSeconds).toBeGreaterThan(0);
    expect(limited.retryAfterSeconds).toBeLessThanOrEqual(3600);
    // Another /64, and IPv4 addresses, each their own source.
    expect((await signupFrom(memory, '2001:db8:1:3::1', 'd@example.net')).status).toBe(200);
    expect((await signupFrom(memory, '203.0.113.7', 'e@example.net')).status).toBe(200);
    expect((await signupFrom(memory, '203.0.113.8', 'f@example.net')).status).toBe(200);
    expect(memory.sent.map((m) => m.to)).toEqual([
      'a@example.net',
      'b@example.net',
      'd@example.net',
      'e@example.net',
      'f@example.net',
    ]);
  });

  it('never names the source address or the email address in what it reports for the log', async () => {
    const memory = memorySubscribe();
    const result = await signupFrom(memory, '203.0.113.7', 'ana@example.org');
    expect(result.subscriberId).toBe(subscriberId('ana@example.org'));
    expect(result.source).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(JSON.stringify({ ...result, html: undefined })).not.toMatch(/ana@|203\.0\.113/);
  });

  it('pauses all signups past the hourly cap on confirmation mails', async () => {
    const memory = memorySubscribe({ perHour: 1 });
    expect((await signupFrom(memory, '203.0.113.7', 'a@example.net')).status).toBe(200);
    expect((await signupFrom(memory, '198.51.100.1', 'b@example.net')).status).toBe(503);
    expect(memory.sent).toHaveLength(1);
  });
});

describe('a confirmation mail SES did not take', () => {
  it('answers 503 with a page asking to try again in minutes, and lets the reader do so', async () => {
    const memory = memorySubscribe();
    const send = memory.deps.mailer.send;
    const unreachable = new Error('SES is unreachable');
    memory.deps.mailer.send = () => Promise.reject(unreachable);
    const failed = await signupFrom(memory, '203.0.113.7', 'ana@example.org');
    expect(failed).toMatchObject({
      status: 503,
      outcome: 'confirmation-failed',
      retryAfterSeconds: 300,
      error: unreachable,
      subscriberId: subscriberId('ana@example.org'),
    });
    expect(failed.html).toContain('try again in a few minutes');
    memory.deps.mailer.send = send;
    expect((await signupFrom(memory, '203.0.113.7', 'ana@example.org')).outcome).toBe('confirmation-sent');
    expect(memory.sent.map((m) => m.to)).toEqual(['ana@example.org']);
  });
});

describe('the preferences page', () => {
  const memoryWithReader = async () => {
    const memory = memorySubscribe();
    const id = subscriberId('ana@example.org');
    await memory.deps.subscribers.put(
      { id, email: 'ana@example.org', timeZone: 'UTC', sendAt: '07:00', topics: [], keywords: [] },
      memory.clock.now,
    );
    const request = (method: string, fields?: Record<string, string>): SubscribeRequest => ({
      method,
      path: '/preferences',
      token: preferencesToken(TEST_SECRET, id),
      sourceIp: '203.0.113.7',
      baseUrl: BASE,
      ...(fields && { body: new TextEncoder().encode(new URLSearchParams(fields).toString()) }),
    });
    return { memory, id, request };
  };

  it('shows the address only partly, since a digest may have been forwarded', async () => {
    const { memory, request } = await memoryWithReader();
    const page = await handleSubscribe(request('GET'), memory.deps);
    expect(page.html).toContain('a•••@example.org');
    expect(page.html).not.toContain('ana@example.org');
  });

  it('saves a new schedule and filters, and changes nothing on an invalid one', async () => {
    const { memory, id, request } = await memoryWithReader();
    const page = await handleSubscribe(request('GET'), memory.deps);
    const formToken = /name="formToken" value="([^"]+)"/.exec(page.html)?.[1] ?? '';
    const bad = await handleSubscribe(
      request('POST', { formToken, action: 'save', timeZone: 'Mars/Olympus', hour: '25' }),
      memory.deps,
    );
    expect(bad.status).toBe(400);
    expect(bad.html).toContain('Choose a time zone from the list');
    expect(memory.profiles.get(id)?.subscriber.sendAt).toBe('07:00');

    const saved = await handleSubscribe(
      request('POST', {
        formToken,
        action: 'save',
        timeZone: 'Asia/Kolkata',
        hour: '18',
        topics: 'Climate, FOOTBALL, climate',
      }),
      memory.deps,
    );
    expect(saved.outcome).toBe('preferences-saved');
    expect(memory.profiles.get(id)?.subscriber).toMatchObject({
      email: 'ana@example.org',
      timeZone: 'Asia/Kolkata',
      sendAt: '18:00',
      topics: ['climate', 'football'],
    });
  });

  it('offers daily or weekly with a weekday, without script, labelled, and saves a weekly digest or says what is missing', async () => {
    const { memory, id, request } = await memoryWithReader();
    const page = await handleSubscribe(request('GET'), memory.deps);
    expect(page.html).toContain('<legend>How often</legend>');
    expect(page.html).toMatch(/<input type="radio" id="frequency" name="frequency" value="daily" checked/);
    expect(page.html).toContain('<label for="weekday">Weekday');
    expect(page.html).toMatch(/<select id="weekday" name="weekday" aria-describedby="weekday-hint">/);
    const formToken = /name="formToken" value="([^"]+)"/.exec(page.html)?.[1] ?? '';

    const bad = await handleSubscribe(
      request('POST', {
        formToken,
        action: 'save',
        timeZone: 'UTC',
        hour: '7',
        frequency: 'weekly',
        weekday: 'someday',
      }),
      memory.deps,
    );
    expect(bad.status).toBe(400);
    expect(bad.html).toContain(
      '<a href="#weekday">Choose the weekday of your weekly digest from the list</a>',
    );
    expect(bad.html).toMatch(
      /<select id="weekday" name="weekday" aria-describedby="weekday-hint weekday-error" aria-invalid="true">/,
    );
    const odd = await handleSubscribe(
      request('POST', { formToken, action: 'save', timeZone: 'UTC', hour: '7', frequency: 'hourly' }),
      memory.deps,
    );
    expect(odd.html).toContain('Choose daily or weekly');
    expect(memory.profiles.get(id)?.subscriber.frequency).toBeUndefined();

    const saved = await handleSubscribe(
      request('POST', {
        formToken,
        action: 'save',
        timeZone: 'UTC',
        hour: '7',
        frequency: 'weekly',
        weekday: 'fri',
      }),
      memory.deps,
    );
    expect(saved.outcome).toBe('preferences-saved');
    expect(saved.html).toContain('weekly on Friday at 07:00');
    expect(saved.html).toMatch(/value="weekly" checked/);
    expect(saved.html).toMatch(/<option value="fri" selected>Friday<\/option>/);
    expect(memory.profiles.get(id)?.subscriber).toMatchObject({ frequency: 'weekly', weekday: 'fri' });

    // Back to daily: the weekday the select still sends is ignored.
    await handleSubscribe(
      request('POST', {
        formToken,
        action: 'save',
        timeZone: 'UTC',
        hour: '7',
        frequency: 'daily',
        weekday: 'fri',
      }),
      memory.deps,
    );
    expect(memory.profiles.get(id)?.subscriber).not.toHaveProperty('weekday');
    expect(memory.profiles.get(id)?.subscriber.frequency ?? 'daily').toBe('daily');
  });

  it('subscribes someone who left again only once they confirm by mail (the link may have been forwarded)', async () => {
    const { memory, id, request } = await memoryWithReader();
    await memory.deps.subscribers.remove(id, memory.clock.now);
    const page = await handleSubscribe(request('GET'), memory.deps);
    expect(page.html).toContain('Subscribe again');
    const formToken = /name="formToken" value="([^"]+)"/.exec(page.html)?.[1] ?? '';
    const fields = { formToken, action: 'save', timeZone: 'UTC', hour: '6' };

    const answer = await handleSubscribe(request('POST', fields), memory.deps);
    expect(answer.outcome).toBe('confirmation-sent');
    expect(answer.html).toContain('a•••@example.org');
    expect(memory.profiles.get(id)?.unsubscribedAt).toBeDefined();
    expect(memory.sent.map((m) => m.to)).toEqual(['ana@example.org']);
    expect(memory.sent[0]?.text).toContain('every day at 06:00 (UTC)');
    // And no more than one such mail an hour.
    expect((await handleSubscribe(request('POST', fields), memory.deps)).outcome).toBe('address-limited');
    expect(memory.sent).toHaveLength(1);
  });

  it('answers a returning reader whose confirmation mail SES did not take with the same 503 page, leading back here', async () => {
    const { memory, id, request } = await memoryWithReader();
    await memory.deps.subscribers.remove(id, memory.clock.now);
    const page = await handleSubscribe(request('GET'), memory.deps);
    const formToken = /name="formToken" value="([^"]+)"/.exec(page.html)?.[1] ?? '';
    const fields = { formToken, action: 'save', timeZone: 'UTC', hour: '6' };
    const send = memory.deps.mailer.send;
    memory.deps.mailer.send = () => Promise.reject(new Error('Throttling'));

    const failed = await handleSubscribe(request('POST', fields), memory.deps);
    expect(failed).toMatchObject({ status: 503, outcome: 'confirmation-failed', retryAfterSeconds: 300 });
    expect(failed.html).toContain(
      `<a href="?token=${encodeURIComponent(request('GET').token ?? '')}">Back to your preferences</a>`,
    );
    memory.deps.mailer.send = send;
    expect((await handleSubscribe(request('POST', fields), memory.deps)).outcome).toBe('confirmation-sent');
  });

  it('refuses a link that does not name a stored subscriber', async () => {
    const memory = memorySubscribe();
    const page = await handleSubscribe(
      {
        method: 'GET',
        path: '/preferences',
        token: preferencesToken(TEST_SECRET, 'f'.repeat(32)),
        sourceIp: '::1',
        baseUrl: BASE,
      },
      memory.deps,
    );
    expect(page).toMatchObject({ status: 400, outcome: 'invalid-link' });
  });
});
