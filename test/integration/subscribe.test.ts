/**
 * The subscribe function over HTTP on the local stack (dynalite, the SES emulator, the real entry point), as
 * a browser or a bot would call it: double opt-in, what an unconfirmed address receives (one mail, never a
 * digest), one-time and expiring links, and the abuse limits. The browser test (signup-browser.test.ts)
 * drives the same pages through Chromium; this one runs everywhere. A confirmation mail SES does not take is
 * injected at the SES HTTP boundary (test/support/fault-proxy.ts), under the handler wired as on AWS.
 */
import { createHash } from 'node:crypto';
import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createDynamoDbClient, createSesClient } from '../../src/aws/clients.js';
import { loadSubscribeConfig } from '../../src/config.js';
import { subscriberId } from '../../src/digest/subscribers.js';
import { PAGE_HEADERS } from '../../src/handlers/page-headers.js';
import {
  createSubscribeHandler,
  subscribeDeps,
  SUBSCRIBE_PAGE_HEADERS,
} from '../../src/handlers/subscribe-handler.js';
import { CONFIRMATION_SUBJECT } from '../../src/links/confirmation-email.js';
import { confirmationUrl, formToken, newTokenId } from '../../src/links/subscribe-tokens.js';
import { LOCAL_CLIENT_CREDENTIALS } from '../../src/local/emulators.js';
import {
  startFunctionUrl,
  type FunctionUrlHandler,
  type LocalFunctionUrl,
} from '../../src/local/function-url.js';
import { lambdaContext } from '../../src/local/lambda-runtime.js';
import { LOCAL_RECIPIENTS, type LocalStack } from '../../src/local/local-stack.js';
import { faults, startFaultProxy, type Fault, type FaultProxy } from '../support/fault-proxy.js';
import { startSeededStack, type SubscriberTable } from '../support/seeded-stack.js';

const LOCAL_SECRET = 'local-only-secret-not-for-production-000000';
const PER_SOURCE = 6;

let stack: LocalStack;
let store: SubscriberTable;

beforeAll(async () => {
  // Low enough to reach in a test; the stack reads it when the subscribe function starts.
  vi.stubEnv('SUBSCRIBE_MAX_PER_SOURCE_HOUR', String(PER_SOURCE));
  ({ stack, store } = await startSeededStack());
}, 60_000);

afterAll(async () => {
  await stack.close();
  vi.unstubAllEnvs();
});

/** A browser's form post: same-origin, form-encoded (the local function URL sees 127.0.0.1). */
async function submit(
  fields: Record<string, string>,
  headers: Record<string, string> = {},
  url = stack.subscribe.url,
) {
  const page = await (await fetch(url)).text();
  const token = /name="formToken" value="([^"]+)"/.exec(page)?.[1] ?? '';
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'sec-fetch-site': 'same-origin', ...headers },
    body: new URLSearchParams({ formToken: token, timeZone: 'UTC', hour: '0', ...fields }),
  });
  return { status: response.status, html: await response.text(), headers: response.headers };
}

const mailsTo = async (address: string) =>
  (await stack.ses.emails()).filter((e) => e.destination.to.includes(address));
const confirmLinkIn = (text: string | undefined) =>
  /^(http\S+\/confirm\?token=\S+)$/m.exec(text ?? '')?.[1] ?? '';
const heading = (html: string) => /<h1>([^<]*)<\/h1>/.exec(html)?.[1];

describe('double opt-in', () => {
  const address = 'opt.in@example.net';

  it('never sends a digest to an address that has not confirmed, and sends one once it has', async () => {
    const answer = await submit({ email: address });
    expect(answer.status).toBe(200);
    expect(heading(answer.html)).toBe('Check your inbox');
    const [mail] = await mailsTo(address);
    expect(mail?.subject).toBe(CONFIRMATION_SUBJECT);
    expect(mail?.from).toContain('digest@example.com');
    expect(mail?.body.html).toContain('Confirm subscription');
    expect(mail?.body.text).toContain('ignore this message');

    // Hour 0 in UTC: due at every run, were they subscribed.
    await stack.runDigest(new Date());
    await stack.runDigest(new Date(Date.now() + 86_400_000));
    expect((await mailsTo(address)).map((m) => m.subject)).toEqual([CONFIRMATION_SUBJECT]);
    expect(await store.get(subscriberId(address))).toBeUndefined();

    const link = confirmLinkIn(mail?.body.text);
    // Opening the link changes nothing (mail scanners open every link); the button's POST subscribes.
    expect(heading(await (await fetch(link)).text())).toBe('Confirm your subscription');
    expect(await store.get(subscriberId(address))).toBeUndefined();
    const confirmed = await fetch(link, { method: 'POST', headers: { 'sec-fetch-site': 'same-origin' } });
    expect(confirmed.status).toBe(200);
    expect(await store.get(subscriberId(address))).toMatchObject({
      subscriber: { email: address, timeZone: 'UTC', sendAt: '00:00' },
    });

    await stack.runDigest(new Date());
    const digests = (await mailsTo(address)).filter((m) => m.subject !== CONFIRMATION_SUBJECT);
    expect(digests).toHaveLength(1);
    expect(digests[0]?.body.text).toMatch(/^Manage preferences: http\S+\/preferences\?token=\S+$/m);
  });

  it('subscribes a weekly reader on the weekday they chose, once they confirm, and stores it as weekly', async () => {
    const weekly = 'weekly.reader@example.net';
    const answer = await submit({ email: weekly, frequency: 'weekly', weekday: 'wed', hour: '9' });
    expect(heading(answer.html)).toBe('Check your inbox');
    const [mail] = await mailsTo(weekly);
    expect(mail?.body.text).toContain('weekly on Wednesday at 09:00 (UTC)');
    const link = confirmLinkIn(mail?.body.text);
    const confirmPage = await (await fetch(link)).text();
    expect(confirmPage).toContain('<dt>How often</dt><dd>Weekly, on Wednesday</dd>');
    const confirmed = await fetch(link, { method: 'POST', headers: { 'sec-fetch-site': 'same-origin' } });
    expect(await confirmed.text()).toContain('weekly on Wednesday at 09:00');
    expect(await store.get(subscriberId(weekly))).toMatchObject({
      subscriber: { email: weekly, sendAt: '09:00', frequency: 'weekly', weekday: 'wed' },
    });
    const missing = await submit({ email: 'no.day@example.net', frequency: 'weekly', weekday: '' });
    expect(missing.status).toBe(400);
    expect(missing.html).toContain('Choose the weekday of your weekly digest from the list');
  });

  it('refuses a replayed confirmation link with a clear page, also after the subscriber left', async () => {
    const link = confirmLinkIn((await mailsTo(address))[0]?.body.text);
    const id = subscriberId(address);
    expect(await store.remove(id, new Date())).toBe(true);

    for (const method of ['GET', 'POST']) {
      const replay = await fetch(link, { method, headers: { 'sec-fetch-site': 'same-origin' } });
      expect(replay.status, method).toBe(410);
      expect(heading(await replay.text())).toBe('This confirmation link has already been used');
    }
    expect((await store.get(id))?.unsubscribedAt).toBeDefined();
  });

  it('refuses an expired confirmation link with a clear page and subscribes nobody', async () => {
    const late = 'late@example.net';
    const link = confirmationUrl(stack.subscribe.url, LOCAL_SECRET, {
      jti: newTokenId(),
      expiresAt: new Date(Date.now() - 1),
      email: late,
      timeZone: 'UTC',
      hour: 7,
      topics: [],
      keywords: [],
    });
    for (const method of ['GET', 'POST']) {
      const response = await fetch(link, { method, headers: { 'sec-fetch-site': 'same-origin' } });
      expect(response.status, method).toBe(410);
      expect(heading(await response.text())).toBe('This confirmation link has expired');
    }
    expect(await store.get(subscriberId(late))).toBeUndefined();
  });

  it('refuses a link whose token was tampered with', async () => {
    const link = confirmLinkIn((await mailsTo('opt.in@example.net'))[0]?.body.text);
    const url = new URL(link);
    const [payload = '', keyId = '', mac = ''] = (url.searchParams.get('token') ?? '').split('.');
    const forged = JSON.parse(Buffer.from(payload, 'base64url').toString()) as Record<string, unknown>;
    forged.e = 'victim@example.net';
    url.searchParams.set(
      'token',
      `${Buffer.from(JSON.stringify(forged)).toString('base64url')}.${keyId}.${mac}`,
    );
    const response = await fetch(url, { method: 'POST', headers: { 'sec-fetch-site': 'same-origin' } });
    expect(response.status).toBe(400);
    expect(await store.get(subscriberId('victim@example.net'))).toBeUndefined();
  });
});

describe('what the signup form reveals and sends', () => {
  it('answers an address that is already subscribed exactly as a new one', async () => {
    const subscribed = LOCAL_RECIPIENTS[0] ?? '';
    const fresh = 'fresh.face@example.com';
    const [known, unknown] = [await submit({ email: subscribed }), await submit({ email: fresh })];
    expect(known.status).toBe(unknown.status);
    expect(known.html.replaceAll(subscribed, 'ADDRESS')).toBe(unknown.html.replaceAll(fresh, 'ADDRESS'));
  });

  it('sends at most one confirmation mail per address an hour, answering every try the same', async () => {
    const address = 'impatient@example.net';
    const first = await submit({ email: address });
    const second = await submit({ email: address, hour: '8' });
    expect(second).toMatchObject({ status: first.status, html: first.html });
    expect(await mailsTo(address)).toHaveLength(1);
  });

  it('sends nothing when the hidden field a person never sees is filled, and says the same', async () => {
    const answer = await submit({ email: 'bot.target@example.net', website: 'http://spam.example' });
    expect(heading(answer.html)).toBe('Check your inbox');
    expect(await mailsTo('bot.target@example.net')).toEqual([]);
  });

  it('refuses a post without a genuine form token (CSRF) and shows the form again with what was typed', async () => {
    const response = await fetch(stack.subscribe.url, {
      method: 'POST',
      body: new URLSearchParams({ email: 'csrf.victim@example.net', timeZone: 'UTC', hour: '7' }),
    });
    expect(response.status).toBe(400);
    const html = await response.text();
    expect(html).toContain('value="csrf.victim@example.net"');
    const expired = formToken(LOCAL_SECRET, 'signup', new Date(Date.now() - 1000));
    const late = await fetch(stack.subscribe.url, {
      method: 'POST',
      body: new URLSearchParams({
        formToken: expired,
        email: 'csrf.victim@example.net',
        timeZone: 'UTC',
        hour: '7',
      }),
    });
    expect(late.status).toBe(400);
    expect(await late.text()).toContain('open a long time');
    expect(await mailsTo('csrf.victim@example.net')).toEqual([]);
  });

  it("refuses a post from another site's page, a body over 8 KiB and anything but a form", async () => {
    const other = await submit({ email: 'x@example.net' }, { 'sec-fetch-site': 'cross-site' });
    expect(other.status).toBe(403);
    const foreign = await submit({ email: 'x@example.net' }, { origin: 'https://evil.example' });
    expect(foreign.status).toBe(403);
    const large = await fetch(stack.subscribe.url, { method: 'POST', body: `email=${'a'.repeat(9000)}` });
    expect(large.status).toBe(413);
    const json = await fetch(stack.subscribe.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{}',
    });
    expect(json.status).toBe(415);
    expect((await fetch(stack.subscribe.url, { method: 'DELETE' })).status).toBe(405);
    expect((await fetch(new URL('elsewhere', stack.subscribe.url))).status).toBe(404);
    expect(await mailsTo('x@example.net')).toEqual([]);
  });

  it('answers with the security headers of the other function URLs, allowing only its own script', async () => {
    const response = await fetch(stack.subscribe.url);
    for (const [name, value] of Object.entries(PAGE_HEADERS)) {
      if (name === 'Content-Security-Policy') continue;
      expect(response.headers.get(name), name).toBe(value);
    }
    const html = await response.text();
    // The one inline script (the time zone pre-fill) is what the policy's hash allows, and nothing else is.
    const script = /<script>([\s\S]*?)<\/script>/.exec(html)?.[1] ?? '';
    const hash = createHash('sha256').update(script).digest('base64');
    expect(response.headers.get('content-security-policy')).toBe(
      `${PAGE_HEADERS['Content-Security-Policy']}; script-src 'sha256-${hash}'`,
    );
    expect(html).toContain('<label for="email">');
    expect(html).toContain('name="formToken"');
  });

  it('stops signups from one source after its hourly limit, with a page that says so', async () => {
    let status = 200;
    const statuses: number[] = [];
    for (let i = 0; i < PER_SOURCE + 1 && status !== 429; i += 1) {
      status = (await submit({ email: `flood.${i}@example.net` })).status;
      statuses.push(status);
    }
    // Earlier tests in this file signed up from the same address (127.0.0.1) within the hour.
    expect(statuses.at(-1)).toBe(429);
    const after = await submit({ email: 'one.more@example.net' });
    expect(after.status).toBe(429);
    expect(heading(after.html)).toBe('Too many signups');
    expect(await mailsTo('one.more@example.net')).toEqual([]);
  });
});

describe('a confirmation mail SES does not take', () => {
  let proxy: FaultProxy;
  let endpoint: LocalFunctionUrl;
  let logger: Logger;
  let emitted: Record<string, unknown>[];
  const clients: { destroy(): void }[] = [];

  // The handler wired as the entry wires it, with SES behind the fault proxy: the production mailer and SDK
  // client meet the faults as they would meet SES. Its own per-source limit: the tests above used up
  // 127.0.0.1's.
  beforeAll(async () => {
    proxy = await startFaultProxy({ target: stack.ses.endpoint });
    const config = loadSubscribeConfig({
      ...process.env,
      SES_ENDPOINT: proxy.url,
      SUBSCRIBE_MAX_PER_SOURCE_HOUR: '1000',
    });
    const ses = createSesClient(config, { credentials: LOCAL_CLIENT_CREDENTIALS });
    const dynamodb = createDynamoDbClient(config, { credentials: LOCAL_CLIENT_CREDENTIALS });
    clients.push(ses, dynamodb);
    logger = new Logger({ serviceName: 'subscribe-test', logLevel: 'SILENT' });
    const metrics = new Metrics({ namespace: 'article-digest', serviceName: 'article-digest' });
    emitted = [];
    vi.spyOn(metrics, 'publishStoredMetrics').mockImplementation(() => {
      emitted.push(metrics.serializeMetrics() as unknown as Record<string, unknown>);
      metrics.clearMetrics();
      return metrics;
    });
    let publicUrl = '';
    const handler = createSubscribeHandler(
      () => Promise.resolve({ deps: subscribeDeps(config, { ses, dynamodb }), publicUrl }),
      logger,
      metrics,
    );
    endpoint = await startFunctionUrl(
      () => handler as unknown as FunctionUrlHandler,
      () => lambdaContext('subscribe'),
    );
    publicUrl = endpoint.url;
  });

  afterAll(async () => {
    await endpoint.close();
    await proxy.close();
    for (const client of clients) client.destroy();
  });

  /** SES refusing a recipient names the address in its message (in the sandbox: an unverified one). */
  const messageRejected = (address: string): Fault => ({
    kind: 'respond',
    label: 'ses-400-MessageRejected',
    status: 400,
    headers: {
      'content-type': 'application/json',
      'x-amzn-errortype': 'MessageRejected',
      'x-amzn-requestid': 'FAULTPROXY',
    },
    body: JSON.stringify({
      __type: 'MessageRejected',
      message: `Email address is not verified. The following identities failed the check in region US-EAST-1: ${address}`,
    }),
  });

  it.each([
    {
      fault: 'SES unavailable (503)',
      address: 'unlucky.unavailable@example.net',
      make: () => faults.sesUnavailable(),
      code: 'ServiceUnavailable',
      delivered: 0,
    },
    {
      fault: 'SES refusing the recipient (400)',
      address: 'unlucky.rejected@example.net',
      make: messageRejected,
      code: 'MessageRejected',
      delivered: 0,
    },
    // SES took it, but its answer was lost: the reader may get two mails; either link works.
    {
      fault: 'the answer lost',
      address: 'unlucky.ambiguous@example.net',
      make: () => faults.dropAfterForwarding(),
      code: 'SendOutcomeUnknown',
      delivered: 1,
    },
  ])(
    '$fault: answers 503 with our page, gives the hour back, logs and counts it',
    async ({ address, make, code, delivered }) => {
      const errors = vi.spyOn(logger, 'error');
      errors.mockClear();
      emitted.length = 0;
      const removeFault = proxy.add({
        name: 'SendEmail fails',
        method: 'POST',
        path: /\/v2\/email\/outbound-emails/,
        times: 1,
        fault: make(address),
      });

      const failed = await submit({ email: address }, {}, endpoint.url);
      removeFault();

      expect(proxy.injected(make(address).label)).toBeGreaterThan(0);
      expect(failed.status).toBe(503);
      expect(failed.headers.get('retry-after')).toBe('300');
      for (const [name, value] of Object.entries(SUBSCRIBE_PAGE_HEADERS)) {
        expect(failed.headers.get(name), name).toBe(value);
      }
      expect(heading(failed.html)).toBe('We could not send your confirmation email');
      expect(failed.html).toContain('Please try again in a few minutes.');
      expect(failed.html).toContain('<a href="./">Back to the signup form</a>');
      expect(await mailsTo(address)).toHaveLength(delivered);
      expect(await store.get(subscriberId(address))).toBeUndefined();

      // Logged as an error (what failed, never the address) and counted for the SignupsFailed alarm.
      expect(errors).toHaveBeenCalledTimes(1);
      const logged = JSON.stringify(errors.mock.calls[0]);
      expect(logged).toContain('confirmation-failed');
      expect(logged).toContain(code);
      expect(logged).toContain(subscriberId(address));
      expect(logged).not.toContain(address);
      expect(emitted).toHaveLength(1);
      expect(emitted[0]).toMatchObject({ SignupsFailed: 1, service: 'article-digest' });

      // The address's hour was given back: trying again at once sends the mail.
      const again = await submit({ email: address }, {}, endpoint.url);
      expect(again.status).toBe(200);
      expect(again.headers.get('retry-after')).toBeNull();
      expect(heading(again.html)).toBe('Check your inbox');
      expect(await mailsTo(address)).toHaveLength(delivered + 1);
      expect(emitted).toHaveLength(1);
    },
  );
});
