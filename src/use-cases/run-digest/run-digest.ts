/**
 * The hourly digest run (the planner). One run, or a retry of it (`now` comes from the event, so a retry
 * computes the same thing):
 *  1. ask the store who is due: subscribers whose `dueAt` has come, one query per shard and page, never a
 *     request per subscriber who is not due;
 *  2. for each, decide from the profile and the latest ledger entry (schedule.ts) whether a digest is owed
 *     and for which local day; someone not yet due is moved to their next send time;
 *  3. hold each owed subscriber by moving their `dueAt` a lease ahead, conditionally: an overlapping or
 *     retried run cannot take them too, and whoever is not recorded by the end of the lease (a failed send,
 *     a crash, a lost message) is due again at the next run;
 *  4. send them here, paced at the account's rate (deliver-all.ts), when that fits in this invocation;
 *     otherwise save the run's summaries once and queue batches for the sender function (send-batch.ts).
 */
import { canonicalSourceUrl, summarySchema } from '../../summary/schema.js';
import type { StoredSummary } from '../../digest/stored-summary.js';
import type { SenderIdentity, SendingAccount, SubscriberRecord } from './ports.js';
import { describeIssues, errorMessage } from '../../errors.js';
import type { DigestDeps, DueSubscriber } from './deps.js';
import { deliverAll, type DeliveryTally } from './deliver-all.js';
import { ledgerEntrySchema, LONGEST_WINDOW_MS, nextWindow, type LedgerEntry } from '../../digest/ledger.js';
import { mapConcurrent } from '../../concurrency.js';
import { dueness, nextDueAfter } from '../../digest/schedule.js';
import { SEND_BATCH_VERSION, type SendBatch } from './send-batch.js';

export type { DigestDeps, DigestSettings } from './deps.js';

export type DigestReport = DeliveryTally & {
  /** Owed a digest this run. */
  due: number;
  /** Returned by the store but not owed yet (moved to their next send time). */
  rescheduled: number;
  /** Handed to the sender function, and in how many batches. */
  enqueued: number;
  batches: number;
  /** The run stopped planning for lack of time: more may be due than `due` says. */
  planningCutShort: boolean;
};

const DUE_PAGE_SIZE = 500;
const STORE_CONCURRENCY = 16;

/**
 * A held subscriber is due again this long after the run (or longer when the queue takes longer to drain):
 * less than an hour, so the next hourly run retries whoever was not recorded.
 */
const MIN_HOLD_MS = 55 * 60 * 1000;
/** A queued subscriber is held 1.5 times as long as the queue ahead of them takes at the send rate. */
const HOLD_MARGIN = 1.5;

/**
 * Digests one invocation composes per second (selecting, de-duplicating, rendering): about 40 at 1024 MB
 * with 1,000 summaries in the window (`npm run bench:digest`), halved for margin. Above it, composing and
 * not SES sets the pace, so the inline path counts with the slower of the two.
 */
const COMPOSED_PER_SECOND = 20;

/** How many due subscribers the run sends itself: those that take at most `seconds` at its pace. */
function inlineCapacity(rate: number, seconds: number): number {
  return Math.min(rate, COMPOSED_PER_SECOND) * seconds;
}

/** Without GetAccount, assume the sandbox's rate: slow but never throttled into failure. */
const FALLBACK_ACCOUNT: SendingAccount = {
  sandbox: false,
  maxSendRate: 1,
  max24HourSend: Infinity,
  sentLast24Hours: 0,
};

interface Candidate {
  target: DueSubscriber;
  /** The `dueAt` the store returned them with: holding them is conditional on it. */
  seenDueAt: string;
}

interface Queueing {
  summariesKey: string;
  pending: Candidate[];
}

export async function runDigest(deps: DigestDeps, now: Date): Promise<DigestReport> {
  const { log, settings } = deps;
  const report: DigestReport = {
    due: 0,
    rescheduled: 0,
    enqueued: 0,
    batches: 0,
    planningCutShort: false,
    sent: 0,
    empty: 0,
    failed: 0,
    claimedElsewhere: 0,
    deferred: 0,
  };
  let account: SendingAccount | undefined;
  let rate = 0;
  let inline: Candidate[] = [];
  let queueing: Queueing | undefined;
  for await (const page of deps.store.due(now, DUE_PAGE_SIZE)) {
    if (!deps.hasTimeLeft()) {
      // Whoever is not planned yet is still due: the next hourly run plans them.
      log.warn('Planning stopped before the invocation times out; the rest are planned by the next run', {
        dueSoFar: report.due,
      });
      report.planningCutShort = true;
      break;
    }
    const owed = await planPage(deps, page, now, report);
    if (owed.length === 0) continue;
    if (account === undefined) {
      // Only a run that sends needs the account (sandbox, quota, rate) and checks the sender.
      account = await readAccount(deps);
      rate = settings.maxSendRate ?? account.maxSendRate;
      await warnAboutSender(deps);
    }
    report.due += owed.length;
    if (queueing === undefined && deps.queue && report.due > inlineCapacity(rate, settings.inlineSeconds)) {
      queueing = { summariesKey: await saveSnapshot(deps, now), pending: [] };
      log.info('Too many due to send in this run: queueing them for the sender function', {
        dueSoFar: report.due,
        sendRate: rate,
        senders: settings.senders,
      });
      owed.unshift(...inline);
      inline = [];
    }
    if (queueing === undefined) inline.push(...owed);
    else await holdAndEnqueue(deps, queueing, owed, now, rate, report);
  }
  if (queueing !== undefined) await flushQueue(deps, queueing, now, rate, report, true);
  log.info('Digest run planned', {
    now: now.toISOString(),
    due: report.due,
    rescheduled: report.rescheduled,
  });
  if (inline.length > 0 && account !== undefined) {
    await warnAboutSending(deps, account, inline);
    const held = await hold(deps, inline, now, MIN_HOLD_MS, report);
    const stored = await readSummaries(deps, earliestWindowStart(held), now);
    const tally = await deliverAll(deps, held, stored, now, rate);
    for (const outcome of Object.keys(tally) as (keyof DeliveryTally)[]) report[outcome] += tally[outcome];
  }
  log.info('Digest run finished', { ...report });
  return report;
}

/** Owed subscribers of one page; those not owed yet are moved to their next send time. */
async function planPage(
  deps: DigestDeps,
  page: SubscriberRecord[],
  now: Date,
  report: DigestReport,
): Promise<Candidate[]> {
  const owed: Candidate[] = [];
  await mapConcurrent(page, STORE_CONCURRENCY, async (record) => {
    const { subscriber } = record;
    try {
      const latest = validLedgerEntry(subscriber.id, record.latest);
      const state = dueness(subscriber, latest, now);
      if (state.due) {
        const target = {
          subscriber,
          localDate: state.localDate,
          window: nextWindow(latest, now, subscriber),
        };
        owed.push({ target, seenDueAt: record.dueAt });
        return;
      }
      await deps.store.moveDue(subscriber.id, record.dueAt, nextDueAfter(subscriber, now));
      report.rescheduled++;
    } catch (error: unknown) {
      report.failed++;
      if (error instanceof LedgerEntryError) {
        // Every run reads the same entry and fails the same way: only a fix to the stored item ends it.
        deps.log.error(
          `Skipping subscriber ${subscriber.id}: their stored latest digest entry is not valid (see "error"); ` +
            'every run skips them until `latest` on their item in the digest table is fixed or removed',
          { subscriberId: subscriber.id, error: error.message },
        );
        return;
      }
      deps.log.error('Could not plan this subscriber; they are tried again next run', {
        subscriberId: subscriber.id,
        error: errorMessage(error),
      });
    }
  });
  return owed;
}

/**
 * Moves each candidate's `dueAt` a lease ahead, only if no other run moved it since the store returned it:
 * the subscribers this run now holds. Losing that race means another run holds them.
 */
async function hold(
  deps: DigestDeps,
  candidates: Candidate[],
  now: Date,
  leaseMs: number,
  report: DigestReport,
): Promise<DueSubscriber[]> {
  const until = new Date(now.getTime() + leaseMs);
  const held = await mapConcurrent(candidates, STORE_CONCURRENCY, async ({ target, seenDueAt }) => {
    try {
      if (await deps.store.moveDue(target.subscriber.id, seenDueAt, until)) return target;
      report.claimedElsewhere++;
    } catch (error: unknown) {
      report.failed++;
      deps.log.error('Could not hold this subscriber for the run; they are tried again next run', {
        subscriberId: target.subscriber.id,
        error: errorMessage(error),
      });
    }
    return undefined;
  });
  return held.filter((target): target is DueSubscriber => target !== undefined);
}

async function holdAndEnqueue(
  deps: DigestDeps,
  queueing: Queueing,
  owed: Candidate[],
  now: Date,
  rate: number,
  report: DigestReport,
): Promise<void> {
  queueing.pending.push(...owed);
  await flushQueue(deps, queueing, now, rate, report, false);
}

/** Holds and enqueues the pending candidates in whole batches (and the rest too at the end of the run). */
async function flushQueue(
  deps: DigestDeps,
  queueing: Queueing,
  now: Date,
  rate: number,
  report: DigestReport,
  final: boolean,
): Promise<void> {
  const { settings } = deps;
  const size = settings.batchSize;
  const take = final ? queueing.pending.length : queueing.pending.length - (queueing.pending.length % size);
  if (take === 0 || !deps.queue) return;
  const candidates = queueing.pending.splice(0, take);
  // Everyone queued before them goes first: hold them until well after the queue has drained to them.
  const leaseMs = Math.max(MIN_HOLD_MS, (HOLD_MARGIN * 1000 * (report.enqueued + take)) / rate);
  const held = await hold(deps, candidates, now, leaseMs, report);
  const batches: SendBatch[] = [];
  for (let start = 0; start < held.length; start += size) {
    batches.push({
      version: SEND_BATCH_VERSION,
      runAt: now.toISOString(),
      summariesKey: queueing.summariesKey,
      sendRate: rate / settings.senders,
      targets: held.slice(start, start + size).map(({ subscriber, localDate, window }) => ({
        subscriber,
        localDate,
        windowFrom: window.from.toISOString(),
        windowTo: window.to.toISOString(),
      })),
    });
  }
  if (batches.length === 0) return;
  try {
    await deps.queue.sendQueue.enqueue(batches);
    report.enqueued += held.length;
    report.batches += batches.length;
  } catch (error: unknown) {
    // Held but not queued: due again when the hold ends, so the next run after it sends them.
    report.failed += held.length;
    deps.log.error('Could not queue subscribers for the sender; they are tried again after their hold', {
      subscribers: held.length,
      error: errorMessage(error),
    });
  }
}

/** Queued batches can be for any window up to the longest: the sender reads one saved copy of them all. */
async function saveSnapshot(deps: DigestDeps, now: Date): Promise<string> {
  if (!deps.queue) throw new Error('no queue configured');
  const stored = await readSummaries(deps, new Date(now.getTime() - LONGEST_WINDOW_MS), now);
  return deps.queue.snapshots.save(now, stored);
}

function earliestWindowStart(targets: DueSubscriber[]): Date {
  return new Date(Math.min(...targets.map((t) => t.window.from.getTime())));
}

async function readAccount(deps: DigestDeps): Promise<SendingAccount> {
  try {
    return await deps.mailer.account();
  } catch (error: unknown) {
    deps.log.warn(
      'SES GetAccount failed: cannot tell whether SES is in the sandbox; sending at 1 message/s',
      {
        error: errorMessage(error),
      },
    );
    return FALLBACK_ACCOUNT;
  }
}

/**
 * Mailbox providers whose domains anyone can get an address at. Their DMARC records are theirs (Yahoo's and
 * AOL's say p=reject): a message SES sends with such a From address passes neither SPF nor DKIM for that
 * domain, so it fails DMARC alignment, which Gmail's and Yahoo's bulk-sender rules require.
 */
const FREE_MAIL_DOMAINS = new Set([
  'gmail.com',
  'googlemail.com',
  'yahoo.com',
  'ymail.com',
  'rocketmail.com',
  'outlook.com',
  'hotmail.com',
  'live.com',
  'msn.com',
  'aol.com',
  'icloud.com',
  'me.com',
  'mac.com',
  'gmx.com',
  'gmx.net',
  'gmx.de',
  'web.de',
  'mail.com',
  'proton.me',
  'protonmail.com',
  'zoho.com',
  'yandex.com',
  'yandex.ru',
  'mail.ru',
  'qq.com',
  '163.com',
]);

/** A free-mail domain, including the national ones of the big providers (yahoo.co.uk, hotmail.fr, ...). */
function isFreeMailDomain(domain: string): boolean {
  const name = domain.toLowerCase();
  return FREE_MAIL_DOMAINS.has(name) || /^(yahoo|hotmail|outlook|live|gmx)\.[a-z.]{2,6}$/.test(name);
}

const SENDER_SETUP =
  'Send from a domain you control, verified in SES as a domain identity with Easy DKIM, with a custom MAIL FROM ' +
  'domain and a DMARC record (docs/operations.md, "The sender domain").';

/**
 * Once per run that sends: whether mailbox providers will trust the sender. Gmail and Yahoo require bulk
 * senders to pass DMARC, which needs DKIM (or SPF) aligned with the From domain: a sender verified only as
 * an address, without DKIM, or at a free-mail domain is delivered to spam or refused, although SES accepts
 * every message. One warning with every problem found and what to do; it never stops the run.
 */
async function warnAboutSender(deps: DigestDeps): Promise<void> {
  const { log } = deps;
  const sender = deps.settings.sender;
  const domain = sender.slice(sender.lastIndexOf('@') + 1).toLowerCase();
  const problems: string[] = [];
  if (isFreeMailDomain(domain)) {
    problems.push(
      `The sender's domain ${domain} is a free-mail domain: messages SES sends as it fail DMARC alignment, ` +
        "so Gmail's and Yahoo's bulk-sender rules send them to spam or reject them.",
    );
  }
  let identity: SenderIdentity | undefined;
  try {
    identity = await deps.mailer.senderIdentity(sender);
  } catch (error: unknown) {
    log.warn('Could not read the sender identity from SES (GetEmailIdentity); its setup was not checked', {
      sender,
      error: errorMessage(error),
    });
  }
  if (identity !== undefined) problems.push(...identityProblems(sender, domain, identity));
  if (problems.length === 0) return;
  log.warn(`The sender is not set up for reliable delivery. ${problems.join(' ')} ${SENDER_SETUP}`, {
    sender,
    problems,
    ...(identity !== undefined && {
      addressVerified: identity.addressVerified,
      domainVerified: identity.domainVerified,
      dkimStatus: identity.dkimStatus,
      mailFromDomain: identity.mailFromDomain,
      mailFromStatus: identity.mailFromStatus,
    }),
  });
}

function identityProblems(sender: string, domain: string, identity: SenderIdentity): string[] {
  if (!identity.addressVerified && !identity.domainVerified) {
    return [
      `Neither ${sender} nor ${domain} is a verified SES identity in this region: SES will reject every digest.`,
    ];
  }
  const problems: string[] = [];
  if (!identity.domainVerified) {
    problems.push(
      `${sender} is verified only as an address, not its domain ${domain}: messages carry no DKIM signature ` +
        `of ${domain} and fail DMARC alignment.`,
    );
  }
  if (identity.dkimStatus !== 'SUCCESS') {
    problems.push(
      `DKIM is ${identity.dkimStatus ?? 'not set up'} for ${domain}, not SUCCESS: publish the three DKIM CNAME ` +
        'records SES gives for the domain identity.',
    );
  }
  if (identity.domainVerified && identity.mailFromStatus !== 'SUCCESS') {
    problems.push(
      identity.mailFromDomain === undefined
        ? `${domain} has no custom MAIL FROM domain: SPF passes only for amazonses.com, not aligned with ${domain}.`
        : `The custom MAIL FROM domain ${identity.mailFromDomain} is ${identity.mailFromStatus ?? 'not verified'}: ` +
            'publish its MX and SPF TXT records.',
    );
  }
  return problems;
}

async function warnAboutSending(deps: DigestDeps, account: SendingAccount, due: Candidate[]): Promise<void> {
  const { log } = deps;
  if (account.sentLast24Hours + due.length > account.max24HourSend) {
    log.warn('This run would exceed the SES 24-hour sending quota; some digests will fail and be retried', {
      max24HourSend: account.max24HourSend,
      sentLast24Hours: account.sentLast24Hours,
      due: due.length,
    });
  }
  if (!account.sandbox) return;
  for (const {
    target: { subscriber },
  } of due) {
    const verified = await deps.mailer.isVerified(subscriber.email).catch(() => undefined);
    if (verified === false) {
      log.warn(
        'SES is in the sandbox and this recipient is not verified: SES will reject the digest. ' +
          'Verify the address in SES (npm run subscribers -- list shows it) or request production access.',
        { subscriberId: subscriber.id },
      );
    } else if (verified === undefined) {
      log.warn('SES is in the sandbox and the recipient could not be checked', {
        subscriberId: subscriber.id,
      });
    }
  }
}

async function readSummaries(deps: DigestDeps, from: Date, now: Date): Promise<StoredSummary[]> {
  const objects = await deps.summaries.storedBetween(from, now);
  const valid: StoredSummary[] = [];
  for (const object of objects) {
    const parsed = summarySchema.safeParse(withCanonicalUrl(object.body));
    if (parsed.success) valid.push({ summary: parsed.data, key: object.key, storedAt: object.storedAt });
    else {
      deps.log.warn('Skipping a stored summary that does not match the schema', {
        key: object.key,
        reason: describeIssues(parsed.error.issues, 'summary'),
      });
    }
  }
  return valid;
}

/**
 * Summaries stored before URLs were kept canonical can hold one the schema now refuses (`?b=<2>`): read
 * them with it made canonical, or without it when it cannot be (or is not http), rather than skip them.
 */
function withCanonicalUrl(body: unknown): unknown {
  const source = isRecord(body) && isRecord(body.source) ? body.source : undefined;
  if (source === undefined || typeof source.url !== 'string') return body;
  const { url: stored, ...rest } = source;
  const url = canonicalSourceUrl(stored);
  return { ...(body as Record<string, unknown>), source: url === undefined ? rest : { ...rest, url } };
}

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

export class LedgerEntryError extends Error {
  override readonly name = 'LedgerEntryError';
}

/** A stored entry that fails the schema cannot place the window: every run skips the subscriber and says why. */
function validLedgerEntry(subscriberId: string, stored: unknown): LedgerEntry | undefined {
  if (stored === undefined) return undefined;
  const parsed = ledgerEntrySchema.safeParse(stored);
  if (!parsed.success) {
    throw new LedgerEntryError(
      `The latest ledger entry of subscriber ${subscriberId} is not valid: ${parsed.error.message}`,
    );
  }
  return parsed.data;
}
