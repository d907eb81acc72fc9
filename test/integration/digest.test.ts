/**
 * The digest against s3rver + aws-ses-v2-local + dynalite: what each subscriber receives, the headers,
 * escaping of hostile titles, and the ledger stopping a second send for the same hour.
 */
import { PutItemCommand } from '@aws-sdk/client-dynamodb';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { dueShardOf, profileKey } from '../../src/aws/digest-table.js';
import { runDigest } from '../../src/use-cases/run-digest/run-digest.js';
import { subscriberId } from '../../src/digest/subscribers.js';
import { verifyUnsubscribeToken } from '../../src/links/unsubscribe-token.js';
import { createDigestHandler } from '../../src/handlers/digest-handler.js';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { quietLogger } from '../support/digest-memory.js';
import { buildSummary, summaryKey } from '../support/summary-fixtures.js';
import { TEST_SECRET, useDigestStack } from '../support/digest-stack.js';
import {
  DEFAULT_SES_IDENTITIES,
  sesEmulatorAccount,
  type EmulatedIdentity,
} from '../../src/local/emulators.js';

const stack = useDigestStack();

const RECIPIENTS = ['ana@example.com', 'bo@example.org'];

afterEach(() => {
  vi.unstubAllEnvs();
});

/** What aws-ses-v2-local's GetAccount returns, read from its env (it runs in this process). */
const sesAccount = (productionAccess: boolean) =>
  sesEmulatorAccount({ productionAccess, maxSendRate: 1, max24HourSend: 200 });

/**
 * Each test has a fresh digest table (useDigestStack); a fresh summaries prefix keeps each test's stories
 * apart. `recipients` are subscribed on UTC at 00:00, so today's digest is owed at once.
 */
let run = 0;
async function env(extra: Record<string, string> = {}, recipients: string[] = RECIPIENTS) {
  run++;
  await stack().subscribeDue(recipients);
  return { SUMMARIES_PREFIX: `summaries-${run}/`, ...extra };
}

async function storeSummaries(prefix: string, titles: string[]) {
  const summaries = titles.map((title, i) =>
    buildSummary({ title, summary: [`Sentence ${i} about ${title}.`], keywords: ['news'] }),
  );
  for (const s of summaries) await stack().putSummary(s, summaryKey(s, new Date(), prefix));
  return summaries;
}

describe('the daily digest over the emulators', () => {
  it('sends one email per subscriber, addressed to that subscriber only, with the stored summaries', async () => {
    const e = await env();
    await storeSummaries(e.SUMMARIES_PREFIX, ['Tram line approved', 'Reservoirs at a low']);

    const report = await runDigest(stack().deps(e), new Date(Date.now() + 2000));

    const emails = await stack().ses.emails();
    expect(report).toMatchObject({ sent: 2, failed: 0 });
    expect(emails).toHaveLength(2);
    for (const address of RECIPIENTS) {
      const mine = emails.filter((m) => m.destination.to.includes(address));
      expect(mine).toHaveLength(1);
      const email = mine[0]!;
      expect(email.destination).toEqual({ to: [address], cc: [], bcc: [] });
      expect(JSON.stringify(email)).not.toContain(RECIPIENTS.find((a) => a !== address));
      expect(email.subject).toMatch(
        /^Your digest for \w{3} \d{1,2} \w{3}: (Tram line approved|Reservoirs at a low), and 1 more$/,
      );
      for (const text of ['Tram line approved', 'Sentence 1 about Reservoirs at a low.']) {
        expect(email.body.html).toContain(text);
        expect(email.body.text).toContain(text);
      }
    }
  });

  it('sends RFC 8058 one-click unsubscribe headers with a signed token for that subscriber', async () => {
    const e = await env({}, ['ana@example.com']);
    await storeSummaries(e.SUMMARIES_PREFIX, ['Only story']);

    await runDigest(stack().deps(e), new Date(Date.now() + 2000));

    const [email] = await stack().ses.emails();
    const header = (name: string) =>
      email?.headers?.find((h) => h.name.toLowerCase() === name.toLowerCase())?.value;
    expect(header('List-Unsubscribe-Post')).toBe('List-Unsubscribe=One-Click');
    const url = new URL(/^<(.+)>$/.exec(header('List-Unsubscribe') ?? '')?.[1] ?? 'invalid:');
    expect(url.origin).toBe('https://unsubscribe.example.com');
    expect(verifyUnsubscribeToken(TEST_SECRET, url.searchParams.get('token') ?? '')).toBe(
      subscriberId('ana@example.com'),
    );
    expect(email?.body.html).toContain(url.href.replaceAll('&', '&amp;'));
  });

  it('escapes hostile titles in the HTML and text parts and keeps them out of the subject', async () => {
    const e = await env({}, ['ana@example.com']);
    const hostile = 'Breaking <script>alert("x")</script> & \'quotes\'\r\nBcc: victim@example.com';
    await storeSummaries(e.SUMMARIES_PREFIX, [hostile]);

    await runDigest(stack().deps(e), new Date(Date.now() + 2000));

    const [email] = await stack().ses.emails();
    expect(email?.body.html).not.toContain('<script>');
    expect(email?.body.html).toContain(
      'Breaking &lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;quotes&#39; Bcc: victim@example.com',
    );
    expect(email?.body.text).toContain(
      `Breaking <script>alert("x")</script> & 'quotes' Bcc: victim@example.com`,
    );
    expect(email?.body.text).not.toMatch(/\r|\nBcc:/);
    expect(email?.subject).not.toMatch(/[\r\n&<]/);
    expect(email?.destination.bcc).toEqual([]);
  });

  it('sends nothing the second time the handler is invoked for the same scheduled hour', async () => {
    const e = await env();
    await storeSummaries(e.SUMMARIES_PREFIX, ['Tram line approved']);
    const wiring = stack().deps(e);
    const handler = createDigestHandler(
      wiring,
      quietLogger(),
      new Metrics({ namespace: 'test', singleMetric: false }),
    );
    const event = { time: new Date(Date.now() + 2000).toISOString() };

    const first = await handler(event, {} as never);
    const second = await handler(event, {} as never);

    expect(first).toMatchObject({ sent: 2 });
    expect(second).toMatchObject({ sent: 0, due: 0 });
    expect(await stack().ses.emails()).toHaveLength(2);
  });

  it('skips a stored profile that is not a valid subscriber (edited by hand) and still sends to the valid ones', async () => {
    const e = await env({}, ['ana@example.com', 'dee@example.com']);
    await storeSummaries(e.SUMMARIES_PREFIX, ['Tram line approved']);
    const broken = '0123456789abcdef0123456789abcdef';
    await stack().dynamodb.send(
      new PutItemCommand({
        TableName: stack().table(),
        Item: {
          ...profileKey(broken),
          id: { S: broken },
          email: { S: 'not-an-address' },
          timeZone: { S: 'Mars/Olympus_Mons' },
          sendAt: { S: '00:00' },
          topics: { L: [] },
          keywords: { L: [] },
          dueShard: { S: dueShardOf(broken) },
          dueAt: { S: new Date(0).toISOString() },
        },
      }),
    );

    const report = await runDigest(stack().deps(e), new Date(Date.now() + 2000));

    expect(report).toMatchObject({ due: 2, sent: 2, failed: 0 });
    expect((await stack().ses.emails()).flatMap((m) => m.destination.to).sort()).toEqual([
      'ana@example.com',
      'dee@example.com',
    ]);
  });

  it('warns clearly when SES is in the sandbox and a recipient is not verified, and still tries', async () => {
    vi.stubEnv('AWS_SES_ACCOUNT', sesAccount(false));
    // Not at example.com: the emulator's account has that domain verified (DEFAULT_SES_IDENTITIES).
    const e = await env({}, ['ana@example.org']);
    await storeSummaries(e.SUMMARIES_PREFIX, ['Tram line approved']);
    const deps = stack().deps(e);

    const report = await runDigest(deps, new Date(Date.now() + 2000));

    expect(report.sent).toBe(1);
    expect(deps.logged.filter((l) => l.level === 'warn').map((l) => l.message)).toEqual([
      expect.stringMatching(/^SES is in the sandbox and this recipient is not verified/),
    ]);
  });

  it('warns and carries on when GetAccount fails', async () => {
    const e = await env({}, ['ana@example.com']);
    await storeSummaries(e.SUMMARIES_PREFIX, ['Tram line approved']);
    const deps = stack().deps(e);

    const report = await runDigest(deps, new Date(Date.now() + 2000));

    expect(report.sent).toBe(1);
    expect(deps.logged.find((l) => l.level === 'warn')?.message).toMatch(/^SES GetAccount failed/);
  });
});

describe('the sender check over the emulator (GetEmailIdentity)', () => {
  beforeEach(() => {
    vi.stubEnv('AWS_SES_ACCOUNT', sesAccount(true));
  });
  afterEach(() => {
    const { identities } = stack().ses;
    identities.clear();
    for (const [name, identity] of Object.entries(DEFAULT_SES_IDENTITIES)) identities.set(name, identity);
  });

  const emulate = (identities: Record<string, EmulatedIdentity>) => {
    stack().ses.identities.clear();
    for (const [name, identity] of Object.entries(identities)) stack().ses.identities.set(name, identity);
  };
  async function run(extra: Record<string, string> = {}) {
    const e = await env(extra);
    await storeSummaries(e.SUMMARIES_PREFIX, ['Tram line approved']);
    const deps = stack().deps(e);
    const report = await runDigest(deps, new Date(Date.now() + 2000));
    const warnings = deps.logged.filter((l) => l.level === 'warn');
    return { report, warnings, problems: warnings.map((w) => w.attributes?.problems) };
  }

  it("says nothing for the deploy guide's setup: domain identity, Easy DKIM, custom MAIL FROM", async () => {
    const { report, warnings } = await run();

    expect(report.sent).toBe(2);
    expect(warnings).toEqual([]);
  });

  it('warns once per run when the sender is verified only as an address, and sends', async () => {
    emulate({ 'digest@example.com': {} });

    const { report, warnings } = await run();

    expect(report.sent).toBe(2);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]?.attributes?.problems).toEqual([
      expect.stringContaining('digest@example.com is verified only as an address'),
      expect.stringContaining('DKIM is NOT_STARTED for example.com'),
    ]);
    expect(warnings[0]?.message).toContain('domain identity with Easy DKIM');
  });

  it('warns while the DKIM records of the domain are not found', async () => {
    emulate({ 'digest@example.com': {}, 'example.com': { verified: false, dkim: 'PENDING' } });

    const { problems } = await run();

    expect(problems).toEqual([
      [
        expect.stringContaining('verified only as an address'),
        expect.stringContaining('DKIM is PENDING for example.com'),
      ],
    ]);
  });

  it('warns when the domain has no custom MAIL FROM domain', async () => {
    emulate({ 'example.com': { dkim: 'SUCCESS' } });

    const { problems } = await run();

    expect(problems).toEqual([[expect.stringContaining('example.com has no custom MAIL FROM domain')]]);
  });

  it('warns that a free-mail sender fails DMARC alignment', async () => {
    emulate({ 'our.digest@gmail.com': {} });

    const { report, problems } = await run({ SENDER_EMAIL: 'our.digest@gmail.com' });

    expect(report.sent).toBe(2);
    expect(problems).toEqual([
      [
        expect.stringContaining('gmail.com is a free-mail domain'),
        expect.stringContaining('verified only as an address'),
        expect.stringContaining('DKIM is NOT_STARTED'),
      ],
    ]);
  });

  it('warns that SES will reject the digests when the sender is no identity at all', async () => {
    emulate({});

    const { problems } = await run();

    expect(problems).toEqual([[expect.stringContaining('Neither digest@example.com nor example.com')]]);
  });
});
