import { describe, expect, it } from 'vitest';
import { readArticleLinkToken } from '../../../../src/links/article-link.js';
import { runDigest } from '../../../../src/use-cases/run-digest/run-digest.js';
import { subscriberId } from '../../../../src/digest/subscribers.js';
import { MailerError } from '../../../../src/use-cases/run-digest/ports.js';
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
