import { describe, expect, it } from 'vitest';
import { readArticleLinkToken } from '../../../../src/links/article-link.js';
import { runDigest } from '../../../../src/use-cases/run-digest/run-digest.js';
import { subscriberId } from '../../../../src/digest/subscribers.js';
import { dueAfterDay, nextDueAfter } from '../../../../src/digest/schedule.js';
import type { StoredSummary } from '../../../../src/digest/stored-summary.js';
import {
  MailerError,
  type RunSnapshots,
  type SendQueue,
  type SenderIdentity,
} from '../../../../src/use-cases/run-digest/ports.js';
import type { SendBatch } from '../../../../src/use-cases/run-digest/send-batch.js';
import {
  fakeLinkSigner,
  capturingMailer,
  memoryDeps,
  memoryStore,
  stored,
  subscribersOf,
  TEST_SETTINGS,
} from '../../../support/digest-memory.js';
import { buildSummary } from '../../../support/summary-fixtures.js';

const SEVEN = new Date('2026-11-24T07:00:00Z');
const hoursBefore = (h: number, from = SEVEN) => new Date(from.getTime() - h * 3_600_000);
const DAY_MS = 86_400_000;
const everyone = (emails: string[]) => ({
  subscribers: emails.map((email) => ({ email, timeZone: 'UTC', sendAt: '07:00' })),
});
/** One store several runs (each with its own deps, e.g. its own wall clock) share. */
function sharedStore(document: unknown) {
  const store = memoryStore();
  for (const subscriber of subscribersOf(document)) store.put(subscriber);
  return store;
}
const profileOf = (store: ReturnType<typeof memoryStore>, email: string) =>
  store.profiles.get(subscriberId(email));

describe('a digest run', () => {
  it('sends each due subscriber one email and records the message id and window in the ledger', async () => {
    const { deps, mailer, ledger } = memoryDeps({
      document: everyone(['ana@example.com', 'bo@example.org']),
      objects: [stored(buildSummary({ title: 'Tram line approved' }), hoursBefore(2))],
    });

    const report = await runDigest(deps, SEVEN);

    expect(report).toMatchObject({ due: 2, sent: 2, failed: 0 });
    expect(mailer.sent.map((m) => m.to)).toEqual(['ana@example.com', 'bo@example.org']);
    expect(ledger.entries).toEqual([
      expect.objectContaining({
        subscriberId: subscriberId('ana@example.com'),
        localDate: '2026-11-24',
        status: 'sent',
        messageId: 'message-1',
        windowFrom: '2026-11-23T07:00:00.000Z',
        windowTo: '2026-11-24T07:00:00.000Z',
        itemCount: 1,
      }),
      expect.objectContaining({ subscriberId: subscriberId('bo@example.org'), messageId: 'message-2' }),
    ]);
  });

  it('says so in the heading when a day is caught up after the reader’s midnight', async () => {
    // Kathmandu (+05:45) at 23:00: the day's only due run is 18:00 UTC (23:45 local).
    let now = new Date('2026-11-23T18:00:00Z');
    const { deps, mailer, store } = memoryDeps({
      document: { subscribers: [{ email: 'ana@example.com', timeZone: 'Asia/Kathmandu', sendAt: '23:00' }] },
      objects: [
        stored(buildSummary({ title: 'Night ferry timetable' }), new Date('2026-11-23T10:00:00Z')),
        stored(buildSummary({ title: 'Harbour lights restored' }), new Date('2026-11-24T10:00:00Z')),
      ],
      clock: () => now,
    });
    // She had the day before's digest, so a missed 24 Nov is caught up after midnight.
    await runDigest(deps, now);
    expect(profileOf(store, 'ana@example.com')?.latest).toMatchObject({ localDate: '2026-11-23' });

    now = new Date('2026-11-24T19:00:00Z'); // 00:45 on 25 Nov in Kathmandu; the 18:00 UTC run was missed
    const report = await runDigest(deps, now);

    expect(report).toMatchObject({ sent: 1 });
    const late = mailer.sent.at(-1);
    expect(late?.subject).toMatch(/^Your digest for Tue 24 Nov/);
    expect(late?.text.split('\n')[0]).toBe('Your digest for Tue 24 Nov, sent late on Wed 25 Nov');
    expect(mailer.sent[0]?.text.split('\n')[0]).toBe('Your digest for Mon 23 Nov');
  });

  it('stops planning when the invocation is about to time out; the next run plans the rest', async () => {
    const emails = Array.from({ length: 1_200 }, (_, i) => `reader-${i}@example.com`);
    let pagesPlanned = 0;
    const { deps, mailer } = memoryDeps({
      document: everyone(emails),
      objects: [stored(buildSummary({ title: 'Story' }), hoursBefore(1))],
      settings: { ...TEST_SETTINGS, maxSendRate: 1_000 },
      // One page of 500 planned, then the time is up (and stays up for the sends of this run).
      hasTimeLeft: () => pagesPlanned++ < 1,
    });

    const cut = await runDigest(deps, SEVEN);
    const next = await runDigest({ ...deps, hasTimeLeft: () => true }, hoursBefore(-1));

    expect(cut).toMatchObject({ due: 500, planningCutShort: true, sent: 0, deferred: 500 });
    expect(next).toMatchObject({ planningCutShort: false, sent: 1_200 });
    expect(new Set(mailer.sent.map((m) => m.to)).size).toBe(1_200);
  });

  it('puts a summary stored between two digests into exactly one of them', async () => {
    const story = stored(buildSummary({ title: 'Stored at 09:00' }), new Date('2026-11-24T09:00:00Z'));
    const { deps, mailer } = memoryDeps({ document: everyone(['ana@example.com']), objects: [story] });

    await runDigest(deps, SEVEN);
    await runDigest(deps, new Date(SEVEN.getTime() + DAY_MS));
    await runDigest(deps, new Date(SEVEN.getTime() + 2 * DAY_MS));

    expect(mailer.sent.filter((m) => m.text.includes('Stored at 09:00'))).toHaveLength(1);
    expect(mailer.sent[0]?.subject).toBe('Your digest for Wed 25 Nov: Stored at 09:00');
  });

  it('keeps going when one address fails for now, records it, and sends only that one on the next run', async () => {
    let failing = true;
    const mailer = capturingMailer({
      fail: (email) =>
        failing && email.to === 'bo@example.org'
          ? new MailerError('Service Unavailable', 'ServiceUnavailable', true)
          : undefined,
    });
    const { deps, ledger } = memoryDeps({
      document: everyone(['ana@example.com', 'bo@example.org', 'cy@example.net']),
      objects: [stored(buildSummary({ title: 'Story' }), hoursBefore(1))],
      mailer,
    });

    const first = await runDigest(deps, SEVEN);
    failing = false;
    const second = await runDigest(deps, hoursBefore(-1));

    expect(first).toMatchObject({ sent: 2, failed: 1 });
    expect(ledger.failures).toEqual([
      expect.objectContaining({ subscriberId: subscriberId('bo@example.org'), code: 'ServiceUnavailable' }),
    ]);
    expect(second).toMatchObject({ sent: 1, failed: 0 });
    expect(mailer.sent.map((m) => m.to)).toEqual(['ana@example.com', 'cy@example.net', 'bo@example.org']);
  });

  it('gives up the day on a permanent rejection, and the next day the digest carries what it would have', async () => {
    let rejecting = true;
    const mailer = capturingMailer({
      fail: (email) =>
        rejecting && email.to === 'bo@example.org'
          ? new MailerError('Email address is not verified.', 'MessageRejected', false)
          : undefined,
    });
    const { deps, ledger, log } = memoryDeps({
      document: everyone(['ana@example.com', 'bo@example.org']),
      objects: [
        stored(buildSummary({ title: 'Refused story' }), hoursBefore(1)),
        stored(buildSummary({ title: 'Next day story' }), hoursBefore(-12)),
      ],
      mailer,
    });

    const first = await runDigest(deps, SEVEN);
    const laterThatDay = [1, 2, 16].map((h) => runDigest(deps, hoursBefore(-h)));
    const sameDay = await Promise.all(laterThatDay);
    rejecting = false; // e.g. the address was verified
    const nextDay = await runDigest(deps, new Date(SEVEN.getTime() + DAY_MS));

    expect(first).toMatchObject({ sent: 1, failed: 1 });
    expect(sameDay.map((r) => r.due)).toEqual([0, 0, 0]);
    expect(nextDay).toMatchObject({ sent: 2, failed: 0 });
    const toBo = mailer.sent.filter((m) => m.to === 'bo@example.org');
    expect(toBo).toHaveLength(1);
    expect(toBo[0]?.text).toContain('Refused story');
    expect(toBo[0]?.text).toContain('Next day story');
    expect(mailer.sent.filter((m) => m.to === 'ana@example.com').map((m) => m.subject)).toEqual([
      'Your digest for Tue 24 Nov: Refused story',
      'Your digest for Wed 25 Nov: Next day story',
    ]);
    expect(ledger.entries.filter((e) => e.subscriberId === subscriberId('bo@example.org'))).toEqual([
      expect.objectContaining({
        localDate: '2026-11-24',
        status: 'rejected',
        windowFrom: '2026-11-23T07:00:00.000Z',
        windowTo: '2026-11-24T07:00:00.000Z',
      }),
      expect.objectContaining({
        localDate: '2026-11-25',
        status: 'sent',
        windowFrom: '2026-11-23T07:00:00.000Z',
        windowTo: '2026-11-25T07:00:00.000Z',
        itemCount: 2,
      }),
    ]);
    expect(ledger.failures).toEqual([expect.objectContaining({ code: 'MessageRejected' })]);
    expect(log.logged).toContainEqual(
      expect.objectContaining({
        level: 'error',
        message: expect.stringContaining('SES rejected the digest permanently'),
        attributes: expect.objectContaining({ subscriberId: subscriberId('bo@example.org') }),
      }),
    );
  });

  it('after an ambiguous failure keeps the claim and sends once: not in the run, not on a quick retry', async () => {
    const store = sharedStore(everyone(['ana@example.com']));
    let reset = true;
    const mailer = capturingMailer({
      fail: () =>
        reset ? new MailerError('ECONNRESET: socket hang up', 'SendOutcomeUnknown', true, true) : undefined,
    });
    const at = (iso: string) =>
      memoryDeps({
        objects: [stored(buildSummary({ title: 'Story' }), hoursBefore(1))],
        store,
        ledger: store,
        mailer,
        clock: () => new Date(iso),
      });
    const first = at('2026-11-24T07:00:05Z');
    let attempts = 0;
    const counting = {
      ...mailer,
      send: (e: Parameters<typeof mailer.send>[0]) => (attempts++, mailer.send(e)),
    };

    const report = await runDigest({ ...first.deps, mailer: counting }, SEVEN);
    const claimAfterFailure = profileOf(store, 'ana@example.com')?.claim;
    reset = false;
    // A retry of the same scheduled event minutes later: SES may have accepted the first send.
    const quickRetry = await runDigest(at('2026-11-24T07:10:00Z').deps, SEVEN);
    const nextHour = await runDigest(at('2026-11-24T08:00:00Z').deps, hoursBefore(-1));

    expect(report).toMatchObject({ due: 1, sent: 0, failed: 1 });
    expect(attempts).toBe(1);
    expect(first.log.logged).toContainEqual(
      expect.objectContaining({ level: 'error', message: expect.stringContaining('send outcome unknown') }),
    );
    expect(claimAfterFailure).toMatchObject({
      localDate: '2026-11-24',
      claimedAt: '2026-11-24T07:00:05.000Z',
    });
    // The run holds her until 07:55, so the retry of the same event does not even find her due.
    expect(quickRetry).toMatchObject({ due: 0, sent: 0 });
    expect(nextHour).toMatchObject({ due: 1, sent: 1 });
    expect(mailer.sent).toHaveLength(1);
  });

  it('skips and reports stored summaries that do not match the schema', async () => {
    const { deps, mailer, log } = memoryDeps({
      document: everyone(['ana@example.com']),
      objects: [
        { key: 'summaries/2026/11/24/bad.json', storedAt: hoursBefore(1), body: { title: 'no schema' } },
        stored(buildSummary({ title: 'Good one' }), hoursBefore(1)),
      ],
    });

    await runDigest(deps, SEVEN);

    expect(mailer.sent[0]?.subject).toBe('Your digest for Tue 24 Nov: Good one');
    expect(log.logged).toContainEqual(
      expect.objectContaining({
        level: 'warn',
        attributes: expect.objectContaining({ key: 'summaries/2026/11/24/bad.json' }),
      }),
    );
  });

  it('sends nothing on a day with nothing new but closes the day, or a short note when configured', async () => {
    const quiet = memoryDeps({ document: everyone(['ana@example.com']) });
    const noted = memoryDeps({
      document: everyone(['ana@example.com']),
      settings: { ...TEST_SETTINGS, sendEmpty: true },
    });

    const quietReport = await runDigest(quiet.deps, SEVEN);
    await runDigest(noted.deps, SEVEN);

    expect(quietReport).toMatchObject({ sent: 0, empty: 1 });
    expect(quiet.mailer.sent).toEqual([]);
    expect(quiet.ledger.entries[0]).toMatchObject({ status: 'empty', localDate: '2026-11-24' });
    expect(noted.mailer.sent[0]?.subject).toBe('Your digest for Tue 24 Nov: nothing new');
  });

  it("links the article's own URL, or a presigned link with its expiry in the subscriber's zone", async () => {
    const { deps, mailer } = memoryDeps({
      document: { subscribers: [{ email: 'ana@example.com', timeZone: 'Asia/Kathmandu', sendAt: '07:00' }] },
      links: fakeLinkSigner(() => SEVEN),
      objects: [
        stored(buildSummary({ title: 'Own URL', url: 'https://news.example.com/own' }), hoursBefore(3)),
        stored(buildSummary({ title: 'Script URL', url: 'javascript:alert(1)' }), hoursBefore(2)),
      ],
    });

    await runDigest(deps, SEVEN);

    const html = mailer.sent[0]?.html ?? '';
    expect(html).toContain('href="https://news.example.com/own"');
    expect(html).not.toContain('javascript:');
    expect(html).toContain(
      'https://digest-test-bucket.s3.amazonaws.com/articles/script-url.txt?X-Amz-Expires=604800',
    );
    expect(html).toContain('link valid until Tue 1 Dec, 12:45 Asia/Kathmandu');
  });

  it('still mails a summary stored before URLs were kept canonical, with its URL made canonical', async () => {
    // Prepare: the record as an earlier version stored it, with a URL RFC 3986 forbids.
    const made = buildSummary({ title: 'Porto ferry' });
    const old = {
      ...made,
      source: { ...made.source, url: 'https://news.example.org/porto-ferry?a=1&b=<2>' },
    };
    const { deps, mailer } = memoryDeps({
      document: everyone(['ana@example.com']),
      objects: [stored(old, hoursBefore(1))],
    });

    // Act
    await runDigest(deps, SEVEN);

    // Assess
    expect(mailer.sent[0]?.html).toContain('href="https://news.example.org/porto-ferry?a=1&amp;b=%3C2%3E"');
  });

  it('presigns the version of an overwritten original that the summary was made from, not the newer object', async () => {
    const made = buildSummary({ title: 'Versioned' });
    const { deps, mailer } = memoryDeps({
      document: everyone(['ana@example.com']),
      links: fakeLinkSigner(() => SEVEN),
      objects: [stored({ ...made, source: { ...made.source, versionId: 'v1-original' } }, hoursBefore(1))],
    });

    await runDigest(deps, SEVEN);

    expect(mailer.sent[0]?.html).toContain('articles/versioned.txt?versionId=v1-original&amp;X-Amz-Expires=');
  });

  it('links a stored original through the article-link function when configured, stating the full expiry', async () => {
    const secret = TEST_SETTINGS.unsubscribe?.secret ?? '';
    const { deps, mailer } = memoryDeps({
      document: { subscribers: [{ email: 'ana@example.com', timeZone: 'Asia/Kathmandu', sendAt: '07:00' }] },
      settings: {
        ...TEST_SETTINGS,
        linkExpirySeconds: 30 * 86_400,
        articleLink: { url: 'https://links.example.com/', secret },
      },
      objects: [stored(buildSummary({ title: 'Stored only' }), hoursBefore(2))],
    });

    await runDigest(deps, SEVEN);

    const text = mailer.sent[0]?.text ?? '';
    const url = new URL(/https:\/\/links\.example\.com\/\S+/.exec(text)?.[0] ?? 'https://none/');
    expect(readArticleLinkToken(secret, url.searchParams.get('token') ?? '')).toEqual({
      bucket: 'digest-test-bucket',
      key: 'articles/stored-only.txt',
      expiresAt: new Date('2026-12-24T07:00:00Z'),
    });
    expect(text).toContain('link valid until Thu 24 Dec, 12:45 Asia/Kathmandu');
    expect(text).not.toContain('X-Amz-');
  });

  it('presigns at most 7 days when there is no article-link function (SigV4 allows no more)', async () => {
    const { deps, mailer } = memoryDeps({
      document: everyone(['ana@example.com']),
      links: fakeLinkSigner(() => SEVEN),
      settings: { ...TEST_SETTINGS, linkExpirySeconds: 30 * 86_400 },
      objects: [stored(buildSummary({ title: 'Stored only' }), hoursBefore(2))],
    });

    await runDigest(deps, SEVEN);

    expect(mailer.sent[0]?.text).toContain('X-Amz-Expires=604800');
    expect(mailer.sent[0]?.text).toContain('link valid until Tue 1 Dec, 07:00 UTC');
  });

  it('only includes what matches a subscriber filter', async () => {
    const { deps, mailer } = memoryDeps({
      document: {
        subscribers: [{ email: 'ana@example.com', timeZone: 'UTC', sendAt: '07:00', topics: ['climate'] }],
      },
      objects: [
        stored(buildSummary({ title: 'Heatwave', keywords: ['climate'] }), hoursBefore(1)),
        stored(buildSummary({ title: 'Tram', keywords: ['transport'] }), hoursBefore(1)),
      ],
    });

    await runDigest(deps, SEVEN);

    expect(mailer.sent[0]?.text).toContain('Heatwave');
    expect(mailer.sent[0]?.text).not.toContain('Tram');
  });

  it('stops starting sends when the invocation is about to time out; the rest go next run', async () => {
    // Time for planning the one page and for the first subscriber: asked before starting them, before their
    // SendEmail attempt and after its slot. At 1 message/s one send is in flight at a time, so the order of
    // the questions is fixed.
    let left = 4;
    const { deps, mailer, store } = memoryDeps({
      document: everyone(['ana@example.com', 'bo@example.org', 'cy@example.net']),
      objects: [stored(buildSummary({ title: 'Story' }), hoursBefore(1))],
      settings: { ...TEST_SETTINGS, maxSendRate: 1 },
      hasTimeLeft: () => left-- > 0,
    });

    const report = await runDigest(deps, SEVEN);
    const sentInRun = mailer.sent.length;
    const heldUntil = profileOf(store, 'bo@example.org')?.dueAt;
    const sameHour = await runDigest({ ...deps, hasTimeLeft: () => true }, hoursBefore(-0.5));
    const nextRun = await runDigest({ ...deps, hasTimeLeft: () => true }, hoursBefore(-1));

    expect(report).toMatchObject({ due: 3, sent: 1, deferred: 2 });
    expect(sentInRun).toBe(1);
    // The deferred stay held for the rest of the hour, then the next run sends them.
    expect(heldUntil).toBe('2026-11-24T07:55:00.000Z');
    expect(sameHour).toMatchObject({ due: 0, sent: 0 });
    expect(nextRun).toMatchObject({ due: 2, sent: 2 });
    expect(mailer.sent.map((m) => m.to)).toEqual(['ana@example.com', 'bo@example.org', 'cy@example.net']);
  });

  it('gives the claim back when the time runs out between claiming and sending, so a retry can send at once', async () => {
    const store = sharedStore(everyone(['ana@example.com']));
    let left = 1;
    const short = memoryDeps({
      objects: [stored(buildSummary({ title: 'Story' }), hoursBefore(1))],
      store,
      ledger: store,
      hasTimeLeft: () => left-- > 0,
    });
    const retry = memoryDeps({
      objects: [stored(buildSummary({ title: 'Story' }), hoursBefore(1))],
      store,
      ledger: store,
    });

    const stopped = await runDigest(short.deps, SEVEN);
    const claim = profileOf(store, 'ana@example.com')?.claim;
    const retried = await runDigest(retry.deps, hoursBefore(-1));

    expect(stopped).toMatchObject({ sent: 0, failed: 0, deferred: 1 });
    expect(short.mailer.sent).toHaveLength(0);
    expect(store.failures).toEqual([]);
    expect(claim).toBeUndefined();
    expect(retried).toMatchObject({ sent: 1, claimedElsewhere: 0 });
  });

  it('warns when SES is in the sandbox and a recipient is unverified, and when GetAccount fails', async () => {
    const objects = [stored(buildSummary({ title: 'Story' }), hoursBefore(1))];
    const sandbox = memoryDeps({
      document: everyone(['ana@example.com', 'ok@example.com']),
      objects,
      mailer: capturingMailer({ account: { sandbox: true }, verified: ['ok@example.com'] }),
    });
    const broken = memoryDeps({
      document: everyone(['ana@example.com']),
      objects,
      mailer: capturingMailer({ account: new Error('AccessDenied') }),
    });

    await runDigest(sandbox.deps, SEVEN);
    const report = await runDigest(broken.deps, SEVEN);

    const warnings = (l: typeof sandbox.log) => l.logged.filter((x) => x.level === 'warn');
    expect(warnings(sandbox.log)).toEqual([
      expect.objectContaining({
        message: expect.stringContaining('SES is in the sandbox and this recipient is not verified'),
        attributes: { subscriberId: subscriberId('ana@example.com') },
      }),
    ]);
    // The address itself stays out of the logs: the id finds it (npm run subscribers -- list).
    expect(JSON.stringify(sandbox.log.logged)).not.toContain('ana@example.com');
    expect(warnings(broken.log)[0]?.message).toMatch(/^SES GetAccount failed/);
    expect(report.sent).toBe(1);
  });

  describe('checks the sender once per run that sends, warns with what to do, and still sends', () => {
    const WELL_SET_UP: SenderIdentity = {
      addressVerified: false,
      domainVerified: true,
      dkimStatus: 'SUCCESS',
      mailFromDomain: 'mail.example.com',
      mailFromStatus: 'SUCCESS',
    };
    async function run(identity: SenderIdentity | Error | undefined, sender = 'digest@example.com') {
      const asked: string[] = [];
      const mailer = capturingMailer();
      const { deps, log } = memoryDeps({
        document: everyone(['ana@example.com', 'bo@example.org']),
        objects: [stored(buildSummary({ title: 'Story' }), hoursBefore(1))],
        settings: { ...TEST_SETTINGS, sender },
        mailer:
          identity === undefined
            ? mailer
            : {
                ...mailer,
                senderIdentity: async (address) => {
                  asked.push(address);
                  if (identity instanceof Error) throw identity;
                  return identity;
                },
              },
      });
      const report = await runDigest(deps, SEVEN);
      const warnings = log.logged.filter((l) => l.level === 'warn');
      return { report, warnings, asked, sent: mailer.sent };
    }

    it('says nothing about a domain identity with Easy DKIM and a custom MAIL FROM', async () => {
      const { warnings, asked, report } = await run(WELL_SET_UP);

      expect(warnings).toEqual([]);
      expect(asked).toEqual(['digest@example.com']);
      expect(report.sent).toBe(2);
    });

    it('warns once, for two recipients, when the sender is verified only as an address', async () => {
      const { warnings, report } = await run({
        ...WELL_SET_UP,
        addressVerified: true,
        domainVerified: false,
        dkimStatus: 'NOT_STARTED',
        mailFromDomain: undefined,
        mailFromStatus: undefined,
      });

      expect(warnings).toHaveLength(1);
      expect(warnings[0]?.message).toMatch(/^The sender is not set up for reliable delivery/);
      expect(warnings[0]?.message).toContain('digest@example.com is verified only as an address');
      expect(warnings[0]?.message).toContain('DKIM is NOT_STARTED');
      expect(warnings[0]?.message).toContain('domain identity with Easy DKIM');
      expect(warnings[0]?.message).toContain('custom MAIL FROM');
      expect(warnings[0]?.message).toContain('DMARC record');
      expect(warnings[0]?.attributes).toMatchObject({ sender: 'digest@example.com', domainVerified: false });
      expect(report.sent).toBe(2);
    });

    it('warns when DKIM of the domain identity is not SUCCESS', async () => {
      const { warnings } = await run({ ...WELL_SET_UP, dkimStatus: 'TEMPORARY_FAILURE' });

      expect(warnings.map((w) => w.attributes?.problems)).toEqual([
        [
          expect.stringMatching(
            /^DKIM is TEMPORARY_FAILURE for example\.com, not SUCCESS: publish the three DKIM CNAME/,
          ),
        ],
      ]);
    });

    it('warns when the domain has no custom MAIL FROM domain, or its MX is not found', async () => {
      const none = await run({ ...WELL_SET_UP, mailFromDomain: undefined, mailFromStatus: undefined });
      const pending = await run({ ...WELL_SET_UP, mailFromStatus: 'PENDING' });

      expect(none.warnings.map((w) => w.attributes?.problems)).toEqual([
        [expect.stringContaining('example.com has no custom MAIL FROM domain')],
      ]);
      expect(pending.warnings.map((w) => w.attributes?.problems)).toEqual([
        [expect.stringContaining('The custom MAIL FROM domain mail.example.com is PENDING')],
      ]);
    });

    it('warns that a free-mail sender fails DMARC alignment, even with no identity to read', async () => {
      const gmail = await run(
        { ...WELL_SET_UP, addressVerified: true, domainVerified: false, dkimStatus: 'NOT_STARTED' },
        'our.digest@gmail.com',
      );
      const yahoo = await run(undefined, 'Digest@Yahoo.co.uk');

      expect(gmail.warnings).toHaveLength(1);
      expect(gmail.warnings[0]?.message).toContain(
        "The sender's domain gmail.com is a free-mail domain: messages SES sends as it fail DMARC alignment",
      );
      expect(yahoo.warnings.map((w) => w.attributes?.problems)).toEqual([
        [expect.stringContaining('yahoo.co.uk is a free-mail domain')],
      ]);
      expect(gmail.report.sent + yahoo.report.sent).toBe(4);
    });

    it('warns that SES will reject everything when neither the address nor its domain is verified', async () => {
      const { warnings, report } = await run({
        addressVerified: false,
        domainVerified: false,
        dkimStatus: undefined,
        mailFromDomain: undefined,
        mailFromStatus: undefined,
      });

      expect(warnings.map((w) => w.attributes?.problems)).toEqual([
        [expect.stringContaining('Neither digest@example.com nor example.com is a verified SES identity')],
      ]);
      expect(report.sent).toBe(2);
    });

    it('warns that it could not check when GetEmailIdentity fails, and sends', async () => {
      const { warnings, report } = await run(new Error('AccessDeniedException'));

      expect(warnings.map((w) => w.message)).toEqual([
        expect.stringMatching(/^Could not read the sender identity from SES/),
      ]);
      expect(report.sent).toBe(2);
    });

    it('does not check when nobody is due', async () => {
      const asked: string[] = [];
      const { deps } = memoryDeps({
        document: everyone(['ana@example.com']),
        mailer: {
          ...capturingMailer(),
          senderIdentity: async (address) => {
            asked.push(address);
            return WELL_SET_UP;
          },
        },
      });

      await runDigest(deps, hoursBefore(1));

      expect(asked).toEqual([]);
    });
  });

  it('counts a digest as sent and logs loudly when the ledger cannot be written afterwards', async () => {
    const memory = memoryDeps({
      document: everyone(['ana@example.com']),
      objects: [stored(buildSummary({ title: 'Story' }), hoursBefore(1))],
    });
    const { log, store } = memory;
    const deps = {
      ...memory.deps,
      ledger: { ...store, record: async () => Promise.reject(new Error('DynamoDB down')) },
    };

    const report = await runDigest(deps, SEVEN);

    expect(report.sent).toBe(1);
    expect(log.logged).toContainEqual(
      expect.objectContaining({
        level: 'error',
        message: expect.stringContaining('ledger entry could not be written'),
        attributes: expect.objectContaining({ sesMessageId: 'message-1' }),
      }),
    );
  });

  it('skips a subscriber whose stored latest entry is invalid, every run, and says what to fix', async () => {
    const { deps, mailer, store, log } = memoryDeps({
      document: everyone(['ana@example.com', 'bo@example.org']),
      objects: [stored(buildSummary({ title: 'Story' }), hoursBefore(1))],
    });
    const broken = profileOf(store, 'ana@example.com');
    if (broken) broken.latest = { localDate: 20261123 };

    const first = await runDigest(deps, SEVEN);
    const second = await runDigest(deps, new Date(SEVEN.getTime() + 3_600_000));

    expect(first).toMatchObject({ sent: 1, failed: 1 });
    expect(second).toMatchObject({ sent: 0, failed: 1 });
    expect(mailer.sent.map((m) => m.to)).toEqual(['bo@example.org']);
    const skipped = log.logged.filter((entry) => entry.message.includes('until `latest`'));
    expect(skipped).toHaveLength(2);
    expect(skipped[0]).toMatchObject({
      level: 'error',
      message: expect.stringContaining(`Skipping subscriber ${subscriberId('ana@example.com')}`),
    });
  });

  it('sends nobody and asks SES nothing when the store holds no subscriber', async () => {
    let asked = 0;
    const mailer = capturingMailer();
    const { deps } = memoryDeps({
      objects: [stored(buildSummary({ title: 'Story' }), hoursBefore(1))],
      mailer: { ...mailer, account: async () => (asked++, mailer.account()) },
    });

    const report = await runDigest(deps, SEVEN);

    expect(report).toMatchObject({ due: 0, rescheduled: 0, sent: 0, enqueued: 0 });
    expect(mailer.sent).toEqual([]);
    expect(asked).toBe(0);
  });

  it('sends once when two invocations for the same hour run at the same time', async () => {
    const { deps, mailer } = memoryDeps({
      document: everyone(['ana@example.com', 'bo@example.org']),
      objects: [stored(buildSummary({ title: 'Story' }), hoursBefore(1))],
    });

    const reports = await Promise.all([runDigest(deps, SEVEN), runDigest(deps, SEVEN)]);

    expect(mailer.sent.map((m) => m.to).sort()).toEqual(['ana@example.com', 'bo@example.org']);
    expect(reports.reduce((n, r) => n + r.sent, 0)).toBe(2);
    expect(reports.reduce((n, r) => n + r.claimedElsewhere, 0)).toBe(2);
  });

  it('takes over the claim of a run that died before sending once the claim has expired', async () => {
    const store = sharedStore(everyone(['ana@example.com']));
    // A run that claimed at 07:00:05 and died: she was held, and her claim stays.
    await store.claim(subscriberId('ana@example.com'), '2026-11-24', new Date('2026-11-24T07:00:05Z'));
    const at = (iso: string) =>
      memoryDeps({
        objects: [stored(buildSummary({ title: 'Story' }), hoursBefore(1))],
        store,
        ledger: store,
        clock: () => new Date(iso),
      });
    const early = at('2026-11-24T07:10:00Z');
    const late = at('2026-11-24T08:00:00Z');

    const blocked = await runDigest(early.deps, SEVEN);
    const resumed = await runDigest(late.deps, hoursBefore(-1));

    expect(blocked).toMatchObject({ due: 1, sent: 0, claimedElsewhere: 1 });
    expect(resumed).toMatchObject({ sent: 1 });
    expect(late.mailer.sent).toHaveLength(1);
  });
});

/** A queue that keeps what it was given, and run snapshots in a map: the sender's side of the planner. */
function memoryQueue() {
  const batches: SendBatch[] = [];
  const saved = new Map<string, StoredSummary[]>();
  const sendQueue: SendQueue = {
    enqueue: async (more) => void batches.push(...structuredClone(more)),
  };
  const snapshots: RunSnapshots = {
    save: async (runAt, summaries) => {
      const key = `state/digest-runs/${runAt.toISOString()}.json`;
      saved.set(key, summaries);
      return key;
    },
    load: async (key) => saved.get(key) ?? Promise.reject(new Error(`no snapshot ${key}`)),
  };
  return { batches, saved, queue: { sendQueue, snapshots } };
}

/** A mailer whose sends wait until the test lets them go. */
function gatedMailer() {
  const mailer = capturingMailer();
  let open!: () => void;
  const gate = new Promise<void>((resolve) => (open = resolve));
  let started!: () => void;
  const firstStarted = new Promise<void>((resolve) => (started = resolve));
  return {
    mailer: {
      ...mailer,
      send: async (e: Parameters<typeof mailer.send>[0]) => (started(), await gate, mailer.send(e)),
    },
    sent: mailer.sent,
    firstStarted,
    open: () => open(),
  };
}

describe('the planner over the subscriber store', () => {
  const ana = (timeZone = 'UTC', sendAt = '07:00') =>
    subscribersOf({ subscribers: [{ email: 'ana@example.com', timeZone, sendAt }] })[0]!;

  it('moves someone not yet due to their next send time, and the store returns them only from then', async () => {
    const subscriber = ana('Asia/Kathmandu');
    const { deps, store, mailer } = memoryDeps({
      document: { subscribers: [{ email: 'ana@example.com', timeZone: 'Asia/Kathmandu', sendAt: '07:00' }] },
      objects: [stored(buildSummary({ title: 'Story' }), new Date('2026-11-23T20:00:00Z'))],
    });
    const early = new Date('2026-11-24T00:00:00Z'); // 05:45 in Kathmandu

    const first = await runDigest(deps, early);
    const movedTo = profileOf(store, 'ana@example.com')?.dueAt;
    const oneAm = await runDigest(deps, new Date('2026-11-24T01:00:00Z')); // 06:45
    const twoAm = await runDigest(deps, new Date('2026-11-24T02:00:00Z')); // 07:45

    expect(first).toMatchObject({ due: 0, rescheduled: 1, sent: 0 });
    expect(movedTo).toBe('2026-11-24T01:15:00.000Z');
    expect(movedTo).toBe(nextDueAfter(subscriber, early).toISOString());
    expect(oneAm).toMatchObject({ due: 0, rescheduled: 0, sent: 0 });
    expect(twoAm).toMatchObject({ due: 1, rescheduled: 0, sent: 1 });
    expect(mailer.sent).toHaveLength(1);
  });

  it("after a digest is done, next returns them at the next day's send time, across a DST change", async () => {
    // London falls back on Sun 25 Oct 2026: Saturday's 07:00 is 06:00 UTC, Sunday's is 07:00 UTC.
    const { deps, store } = memoryDeps({
      document: { subscribers: [{ email: 'ana@example.com', timeZone: 'Europe/London', sendAt: '07:00' }] },
      objects: [stored(buildSummary({ title: 'Story' }), new Date('2026-10-24T05:00:00Z'))],
    });

    const report = await runDigest(deps, new Date('2026-10-24T06:00:00Z'));
    const profile = profileOf(store, 'ana@example.com');
    const atSixOnSunday = await runDigest(deps, new Date('2026-10-25T06:00:00Z'));

    expect(report).toMatchObject({ due: 1, sent: 1 });
    expect(profile?.dueAt).toBe('2026-10-25T07:00:00.000Z');
    expect(profile?.dueAt).toBe(dueAfterDay(ana('Europe/London'), '2026-10-24').toISOString());
    expect(profile?.latest).toMatchObject({ localDate: '2026-10-24', status: 'sent' });
    expect(profile?.claim).toBeUndefined();
    expect(atSixOnSunday).toMatchObject({ due: 0, sent: 0 });
  });

  it('holds a due subscriber for 55 minutes, so an overlapping run with the same hour sends nothing', async () => {
    const gated = gatedMailer();
    const { deps, store } = memoryDeps({
      document: everyone(['ana@example.com']),
      objects: [stored(buildSummary({ title: 'Story' }), hoursBefore(1))],
      mailer: gated.mailer,
    });

    const running = runDigest(deps, SEVEN);
    await gated.firstStarted;
    const heldUntil = profileOf(store, 'ana@example.com')?.dueAt;
    const overlapping = await runDigest(deps, SEVEN);
    gated.open();
    const first = await running;

    expect(heldUntil).toBe('2026-11-24T07:55:00.000Z');
    expect(overlapping).toMatchObject({ due: 0, sent: 0, claimedElsewhere: 0, failed: 0 });
    expect(first).toMatchObject({ due: 1, sent: 1 });
    expect(gated.sent).toHaveLength(1);
  });

  it('leaves a subscriber whose send failed for now held, and the next hourly run retries and sends', async () => {
    let failing = true;
    const mailer = capturingMailer({
      fail: () => (failing ? new MailerError('Service Unavailable', 'ServiceUnavailable', true) : undefined),
    });
    const { deps, store } = memoryDeps({
      document: everyone(['ana@example.com']),
      objects: [stored(buildSummary({ title: 'Story' }), hoursBefore(1))],
      mailer,
    });

    const failed = await runDigest(deps, SEVEN);
    const held = { ...profileOf(store, 'ana@example.com') };
    failing = false;
    const laterThisHour = await runDigest(deps, hoursBefore(-0.5));
    const nextHour = await runDigest(deps, hoursBefore(-1));

    expect(failed).toMatchObject({ due: 1, sent: 0, failed: 1 });
    expect(held.dueAt).toBe('2026-11-24T07:55:00.000Z');
    expect(held.latest).toBeUndefined();
    expect(held.claim).toBeUndefined(); // released: SES answered, nothing was sent
    expect(laterThisHour).toMatchObject({ due: 0, sent: 0 });
    expect(nextHour).toMatchObject({ due: 1, sent: 1 });
    expect(mailer.sent.map((m) => m.subject)).toEqual(['Your digest for Tue 24 Nov: Story']);
    expect(profileOf(store, 'ana@example.com')?.dueAt).toBe('2026-11-25T07:00:00.000Z');
  });

  it('sends each subscriber exactly once per local day at the first run at or after their send time, across DST', async () => {
    // Hourly runs over each zone's DST changes of 2026 (and Kathmandu's +5:45 with none).
    const cases = [
      {
        zone: 'Europe/London', // spring forward 29 Mar at 01:00 UTC; fall back 25 Oct at 01:00 UTC
        sendAt: '01:00',
        from: '2026-03-28T00:00:00Z',
        to: '2026-03-31T00:00:00Z',
        expected: [
          ['2026-03-28', '2026-03-28T01:00:00.000Z'],
          ['2026-03-29', '2026-03-29T01:00:00.000Z'], // 01:00 never shows: 02:00 BST
          ['2026-03-30', '2026-03-30T00:00:00.000Z'],
        ],
      },
      {
        zone: 'Europe/London',
        sendAt: '01:00',
        from: '2026-10-23T23:00:00Z',
        to: '2026-10-27T00:00:00Z',
        expected: [
          ['2026-10-24', '2026-10-24T00:00:00.000Z'],
          ['2026-10-25', '2026-10-25T00:00:00.000Z'], // the first 01:00; the repeated one sends nothing
          ['2026-10-26', '2026-10-26T01:00:00.000Z'],
        ],
      },
      {
        zone: 'America/New_York', // 8 Mar 02:00 -> 03:00; 1 Nov 02:00 -> 01:00
        sendAt: '02:00',
        from: '2026-03-07T05:00:00Z',
        to: '2026-03-10T00:00:00Z',
        expected: [
          ['2026-03-07', '2026-03-07T07:00:00.000Z'],
          ['2026-03-08', '2026-03-08T07:00:00.000Z'],
          ['2026-03-09', '2026-03-09T06:00:00.000Z'],
        ],
      },
      {
        zone: 'America/New_York',
        sendAt: '02:00',
        from: '2026-10-31T04:00:00Z',
        to: '2026-11-03T00:00:00Z',
        expected: [
          ['2026-10-31', '2026-10-31T06:00:00.000Z'],
          ['2026-11-01', '2026-11-01T07:00:00.000Z'],
          ['2026-11-02', '2026-11-02T07:00:00.000Z'],
        ],
      },
      {
        zone: 'Australia/Lord_Howe', // 30-minute DST: 5 Apr 02:00 -> 01:30; 4 Oct 02:00 -> 02:30
        sendAt: '02:00',
        from: '2026-04-03T13:00:00Z',
        to: '2026-04-06T12:00:00Z',
        expected: [
          ['2026-04-04', '2026-04-03T15:00:00.000Z'],
          ['2026-04-05', '2026-04-04T16:00:00.000Z'], // 02:00 (+10:30) is 15:30 UTC: the 16:00 run
          ['2026-04-06', '2026-04-05T16:00:00.000Z'],
        ],
      },
      {
        zone: 'Australia/Lord_Howe',
        sendAt: '02:00',
        from: '2026-10-02T14:00:00Z',
        to: '2026-10-05T12:00:00Z',
        expected: [
          ['2026-10-03', '2026-10-02T16:00:00.000Z'],
          ['2026-10-04', '2026-10-03T16:00:00.000Z'], // 02:00 never shows: 02:30 at 15:30 UTC
          ['2026-10-05', '2026-10-04T15:00:00.000Z'],
        ],
      },
      {
        zone: 'Asia/Kathmandu',
        sendAt: '07:00',
        from: '2026-11-23T19:00:00Z',
        to: '2026-11-26T00:00:00Z',
        expected: [
          ['2026-11-24', '2026-11-24T02:00:00.000Z'],
          ['2026-11-25', '2026-11-25T02:00:00.000Z'],
        ],
      },
    ];
    for (const { zone, sendAt, from, to, expected } of cases) {
      const { deps, ledger } = memoryDeps({
        document: { subscribers: [{ email: 'ana@example.com', timeZone: zone, sendAt }] },
        settings: { ...TEST_SETTINGS, sendEmpty: true },
      });
      // Subscribed just after local midnight: the first digest owed is that day's.
      for (let t = Date.parse(from); t < Date.parse(to); t += 3_600_000) await runDigest(deps, new Date(t));

      expect(
        ledger.entries.map((e) => [e.localDate, e.recordedAt]),
        `${zone} ${sendAt} from ${from}`,
      ).toEqual(expected);
    }
  });

  describe('with a queue for the sender function', () => {
    const emails = Array.from({ length: 30 }, (_, i) => `reader-${String(i).padStart(2, '0')}@example.com`);
    const queued = (overrides: Partial<typeof TEST_SETTINGS> = {}) => {
      const q = memoryQueue();
      const memory = memoryDeps({
        document: everyone(emails),
        objects: [stored(buildSummary({ title: 'Story' }), hoursBefore(1))],
        settings: {
          ...TEST_SETTINGS,
          maxSendRate: 20,
          senders: 4,
          inlineSeconds: 1,
          batchSize: 8,
          ...overrides,
        },
        queue: q.queue,
      });
      return { ...memory, ...q };
    };
    const targetsOf = (batches: SendBatch[]) =>
      batches.flatMap((b) => b.targets.map((t) => t.subscriber.email));

    it('enqueues batches at the rate per sender, holds everyone queued, and sends nothing itself', async () => {
      const { deps, batches, saved, store, mailer } = queued();

      const report = await runDigest(deps, SEVEN);

      expect(report).toMatchObject({ due: 30, enqueued: 30, batches: 4, sent: 0, failed: 0 });
      expect(mailer.sent).toEqual([]);
      expect(batches.map((b) => b.targets.length)).toEqual([8, 8, 8, 6]);
      expect(targetsOf(batches).sort()).toEqual(emails);
      expect(batches[0]).toMatchObject({
        version: 1,
        runAt: SEVEN.toISOString(),
        summariesKey: 'state/digest-runs/2026-11-24T07:00:00.000Z.json',
        sendRate: 5,
      });
      expect(batches[0]?.targets[0]).toMatchObject({
        localDate: '2026-11-24',
        windowFrom: '2026-11-23T07:00:00.000Z',
        windowTo: '2026-11-24T07:00:00.000Z',
      });
      expect(saved.get(batches[0]?.summariesKey ?? '')?.map((s) => s.summary.title.text)).toEqual(['Story']);
      expect(new Set([...store.profiles.values()].map((p) => p.dueAt))).toEqual(
        new Set(['2026-11-24T07:55:00.000Z']),
      );
    });

    it('sends inline when the due set fits in the inline time at the send rate', async () => {
      const { deps, batches, mailer } = queued({ inlineSeconds: 2 }); // 30 due <= 20/s x 2 s

      const report = await runDigest(deps, SEVEN);

      expect(report).toMatchObject({ due: 30, sent: 30, enqueued: 0, batches: 0 });
      expect(batches).toEqual([]);
      expect(mailer.sent).toHaveLength(30);
    });

    it('enqueues nobody twice when the run is retried or overlaps another', async () => {
      const { deps, batches } = queued();

      const overlapping = await Promise.all([runDigest(deps, SEVEN), runDigest(deps, SEVEN)]);
      const retried = await runDigest(deps, SEVEN);

      expect(overlapping.reduce((n, r) => n + r.enqueued, 0)).toBe(30);
      expect(retried).toMatchObject({ due: 0, enqueued: 0, batches: 0 });
      expect(targetsOf(batches).sort()).toEqual(emails);
    });

    it('holds queued subscribers until well after the queue ahead of them has drained at the send rate', async () => {
      // 3,000 due at 1 message/s: the last are reached after 50 minutes, held 1.5 times that.
      const many = Array.from({ length: 3_000 }, (_, i) => `r${i}@example.com`);
      const q = memoryQueue();
      const { deps, store } = memoryDeps({
        document: everyone(many),
        settings: { ...TEST_SETTINGS, maxSendRate: 1, inlineSeconds: 60, batchSize: 50 },
        queue: q.queue,
      });

      const report = await runDigest(deps, SEVEN);

      const holds = [...store.profiles.values()].map((p) => Date.parse(p.dueAt) - SEVEN.getTime());
      expect(report).toMatchObject({ due: 3_000, enqueued: 3_000, batches: 60 });
      expect(Math.min(...holds)).toBe(55 * 60_000);
      expect(Math.max(...holds)).toBe(1.5 * 3_000 * 1_000);
    });

    it('leaves them held when the queue refuses the batches, to be planned again after the hold', async () => {
      const { deps, store } = queued();
      const refusing = {
        ...deps,
        queue: { ...deps.queue!, sendQueue: { enqueue: async () => Promise.reject(new Error('SQS down')) } },
      };

      const report = await runDigest(refusing, SEVEN);
      const heldUntil = profileOf(store, emails[0]!)?.dueAt;
      const nextHour = await runDigest(deps, hoursBefore(-1));

      expect(report).toMatchObject({ due: 30, enqueued: 0, failed: 30 });
      expect(heldUntil).toBe('2026-11-24T07:55:00.000Z');
      expect(nextHour).toMatchObject({ due: 30, enqueued: 30 });
    });
  });
});
