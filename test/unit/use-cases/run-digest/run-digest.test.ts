import { describe, expect, it } from 'vitest';
import { readArticleLinkToken } from '../../../../src/links/article-link.js';
import { runDigest } from '../../../../src/use-cases/run-digest/run-digest.js';
import { subscriberId } from '../../../../src/digest/subscribers.js';
import { MailerError, type SenderIdentity } from '../../../../src/use-cases/run-digest/ports.js';
import {
  fakeLinkSigner,
  capturingMailer,
  memoryDeps,
  memoryLedger,
  stored,
  TEST_SETTINGS,
} from '../../../support/digest-memory.js';
import { buildSummary } from '../../../support/summary-fixtures.js';

const SEVEN = new Date('2026-11-24T07:00:00Z');
const hoursBefore = (h: number, from = SEVEN) => new Date(from.getTime() - h * 3_600_000);
const DAY_MS = 86_400_000;
const everyone = (emails: string[]) => ({
  subscribers: emails.map((email) => ({ email, timeZone: 'UTC', sendAt: '07:00' })),
});

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

  it('puts a summary stored between two digests into exactly one of them', async () => {
    const story = stored(buildSummary({ title: 'Stored at 09:00' }), new Date('2026-11-24T09:00:00Z'));
    const { deps, mailer } = memoryDeps({ document: everyone(['ana@example.com']), objects: [story] });

    await runDigest(deps, SEVEN);
    await runDigest(deps, new Date(SEVEN.getTime() + DAY_MS));
    await runDigest(deps, new Date(SEVEN.getTime() + 2 * DAY_MS));

    expect(mailer.sent.filter((m) => m.text.includes('Stored at 09:00'))).toHaveLength(1);
    expect(mailer.sent[0]?.subject).toBe('Your digest for Wed 25 Nov: 1 article');
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
      'Your digest for Tue 24 Nov: 1 article',
      'Your digest for Wed 25 Nov: 1 article',
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
    const ledger = memoryLedger();
    let reset = true;
    const mailer = capturingMailer({
      fail: () =>
        reset ? new MailerError('ECONNRESET: socket hang up', 'SendOutcomeUnknown', true, true) : undefined,
    });
    const at = (iso: string) =>
      memoryDeps({
        document: everyone(['ana@example.com']),
        objects: [stored(buildSummary({ title: 'Story' }), hoursBefore(1))],
        ledger,
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
    reset = false;
    // A retry of the same scheduled event minutes later: SES may have accepted the first send.
    const quickRetry = await runDigest(at('2026-11-24T07:10:00Z').deps, SEVEN);
    const nextHour = await runDigest(at('2026-11-24T08:00:00Z').deps, hoursBefore(-1));

    expect(report).toMatchObject({ sent: 0, failed: 1 });
    expect(attempts).toBe(1);
    expect(first.log.logged).toContainEqual(
      expect.objectContaining({ level: 'error', message: expect.stringContaining('send outcome unknown') }),
    );
    expect(quickRetry).toMatchObject({ sent: 0, claimedElsewhere: 1 });
    expect(nextHour).toMatchObject({ sent: 1 });
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

    expect(mailer.sent[0]?.subject).toBe('Your digest for Tue 24 Nov: 1 article');
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
    const { deps, mailer } = memoryDeps({ objects: [stored(old, hoursBefore(1))] });

    // Act
    await runDigest(deps, SEVEN);

    // Assess
    expect(mailer.sent[0]?.html).toContain('href="https://news.example.org/porto-ferry?a=1&amp;b=%3C2%3E"');
  });

  it('presigns the version of an overwritten original that the summary was made from, not the newer object', async () => {
    const made = buildSummary({ title: 'Versioned' });
    const { deps, mailer } = memoryDeps({
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
    // Time for the first subscriber: asked before starting them, and again before their SendEmail attempt.
    let left = 2;
    const { deps, mailer } = memoryDeps({
      document: everyone(['ana@example.com', 'bo@example.org', 'cy@example.net']),
      objects: [stored(buildSummary({ title: 'Story' }), hoursBefore(1))],
      hasTimeLeft: () => left-- > 0,
    });

    const report = await runDigest(deps, SEVEN);

    expect(report).toMatchObject({ sent: 1, deferred: 2 });
    expect(mailer.sent).toHaveLength(1);
  });

  it('gives the claim back when the time runs out between claiming and sending, so a retry can send at once', async () => {
    const ledger = memoryLedger();
    let left = 1;
    const short = memoryDeps({
      document: everyone(['ana@example.com']),
      objects: [stored(buildSummary({ title: 'Story' }), hoursBefore(1))],
      ledger,
      hasTimeLeft: () => left-- > 0,
    });
    const retry = memoryDeps({
      document: everyone(['ana@example.com']),
      objects: [stored(buildSummary({ title: 'Story' }), hoursBefore(1))],
      ledger,
    });

    const stopped = await runDigest(short.deps, SEVEN);
    const retried = await runDigest(retry.deps, SEVEN);

    expect(stopped).toMatchObject({ sent: 0, failed: 1 });
    expect(short.mailer.sent).toHaveLength(0);
    expect(ledger.failures.map((f) => f.code)).toEqual(['NoTimeLeft']);
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
        attributes: expect.objectContaining({ email: 'ana@example.com' }),
      }),
    ]);
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
    const ledger = memoryLedger();
    const { deps, log } = memoryDeps({
      document: everyone(['ana@example.com']),
      objects: [stored(buildSummary({ title: 'Story' }), hoursBefore(1))],
      ledger: { ...ledger, record: async () => Promise.reject(new Error('S3 down')) },
    });

    const report = await runDigest(deps, SEVEN);

    expect(report.sent).toBe(1);
    expect(log.logged).toContainEqual(
      expect.objectContaining({
        level: 'error',
        message: expect.stringContaining('ledger entry could not be written'),
        attributes: expect.objectContaining({ messageId: 'message-1' }),
      }),
    );
  });

  it('uses the environment recipients when the bucket has no subscribers document', async () => {
    const { deps, mailer } = memoryDeps({
      objects: [stored(buildSummary({ title: 'Story' }), hoursBefore(1))],
    });

    await runDigest(deps, SEVEN);

    expect(mailer.sent.map((m) => m.to)).toEqual(TEST_SETTINGS.fallbackRecipients);
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
    const ledger = memoryLedger();
    await ledger.claim(subscriberId('ana@example.com'), '2026-11-24', new Date('2026-11-24T07:00:05Z'));
    const at = (iso: string) =>
      memoryDeps({
        document: everyone(['ana@example.com']),
        objects: [stored(buildSummary({ title: 'Story' }), hoursBefore(1))],
        ledger,
        clock: () => new Date(iso),
      });
    const early = at('2026-11-24T07:10:00Z');
    const late = at('2026-11-24T07:30:00Z');

    // The retry of the same scheduled event: same `now`, later wall clock.
    const blocked = await runDigest(early.deps, SEVEN);
    const resumed = await runDigest(late.deps, SEVEN);

    expect(blocked).toMatchObject({ sent: 0, claimedElsewhere: 1 });
    expect(resumed).toMatchObject({ sent: 1 });
    expect(late.mailer.sent).toHaveLength(1);
  });
});
