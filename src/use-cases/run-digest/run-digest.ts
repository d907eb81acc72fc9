/**
 * The digest use case, over ports only. One run (an hourly schedule tick, or a retry of it: `now` comes
 * from the event, so a retry computes the same thing):
 *  1. read the subscribers and the unsubscribed set;
 *  2. find who is due (no ledger entry for the local day whose send time came last: today's, or yesterday's
 *     when its runs were missed or failed) and each one's window;
 *  3. if anyone is: read the account (sandbox? send rate?) and the summaries stored in the union of the
 *     windows, once;
 *  4. deliver to each in turn, paced by the send rate (see deliver.ts).
 */
import { canonicalSourceUrl, summarySchema } from '../../summary/schema.js';
import type { StoredSummary } from '../../digest/stored-summary.js';
import type { SenderIdentity, SendingAccount, StoredLedgerEntry } from './ports.js';
import { deliver } from './deliver.js';
import { errorMessage, type DigestDeps, type DueSubscriber } from './deps.js';
import { ledgerEntrySchema, ledgerLookbackDate, nextWindow, type LedgerEntry } from '../../digest/ledger.js';
import { mapConcurrent } from '../../concurrency.js';
import { dueness, owedLocalDate } from '../../digest/schedule.js';
import { sendIntervalMs } from './send.js';
import {
  parseSubscribers,
  subscribersFromRecipients,
  type SubscriberList,
} from '../../digest/subscribers.js';

export type { DigestDeps, DigestSettings } from './deps.js';

export interface DigestReport {
  subscribers: number;
  invalidSubscribers: number;
  due: number;
  sent: number;
  empty: number;
  failed: number;
  /** Due, but another run holds the claim (a concurrent duplicate invocation). */
  claimedElsewhere: number;
  deferred: number;
}

const LEDGER_CONCURRENCY = 8;

/** Without GetAccount, assume the sandbox's rate: slow but never throttled into failure. */
const FALLBACK_ACCOUNT: SendingAccount = {
  sandbox: false,
  maxSendRate: 1,
  max24HourSend: Infinity,
  sentLast24Hours: 0,
};

export async function runDigest(deps: DigestDeps, now: Date): Promise<DigestReport> {
  const { log } = deps;
  const [list, unsubscribed] = await Promise.all([loadSubscribers(deps), deps.unsubscribes.all()]);
  const active = list.subscribers.filter((s) => !unsubscribed.has(s.id));
  const report: DigestReport = {
    subscribers: active.length,
    invalidSubscribers: list.invalid.length,
    due: 0,
    sent: 0,
    empty: 0,
    failed: 0,
    claimedElsewhere: 0,
    deferred: 0,
  };

  const checked = await mapConcurrent(active, LEDGER_CONCURRENCY, async (subscriber) => {
    try {
      // Most runs only need to see that the owed day's entry exists. Before the send time that is
      // yesterday's: a day whose runs were all missed or failed is sent now, after local midnight.
      if (await deps.ledger.has(subscriber.id, owedLocalDate(subscriber, now))) return undefined;
      const latest = validLedgerEntry(await deps.ledger.latest(subscriber.id, ledgerLookbackDate(now)));
      const state = dueness(subscriber, latest, now);
      return state.due
        ? { subscriber, localDate: state.localDate, window: nextWindow(latest, now) }
        : undefined;
    } catch (error: unknown) {
      report.failed++;
      log.error('Could not read the ledger; this subscriber is retried next run', {
        subscriberId: subscriber.id,
        error: errorMessage(error),
      });
      return undefined;
    }
  });
  const due = checked.filter((d): d is DueSubscriber => d !== undefined);
  report.due = due.length;
  log.info('Digest run planned', { now: now.toISOString(), subscribers: active.length, due: due.length });
  if (due.length === 0) return report;

  // Only a run that sends needs the account (sandbox, quota, rate) and checks the sender.
  const account = await readAccount(deps);
  await warnAboutSender(deps);
  await warnAboutSending(deps, account, due);
  const stored = await readSummaries(deps, due, now);
  const intervalMs = sendIntervalMs(account.maxSendRate);
  let sentBefore = false;
  for (const [index, target] of due.entries()) {
    if (!deps.hasTimeLeft()) {
      report.deferred = due.length - index;
      log.warn('Stopping before the invocation times out; the rest are sent next run', {
        deferred: report.deferred,
      });
      break;
    }
    if (sentBefore) await deps.sleep(intervalMs);
    const outcome = await deliver(deps, target, stored, now, intervalMs);
    sentBefore = outcome === 'sent' || outcome === 'failed';
    report[outcome]++;
  }
  log.info('Digest run finished', { ...report });
  return report;
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

async function loadSubscribers(deps: DigestDeps): Promise<SubscriberList> {
  const { settings, log } = deps;
  const document = await deps.directory.load();
  const list =
    document === undefined
      ? subscribersFromRecipients(settings.fallbackRecipients, settings.defaults)
      : parseSubscribers(document, settings.defaults);
  for (const bad of list.invalid) {
    log.warn('Skipping an invalid subscriber entry', {
      index: bad.index,
      entry: bad.entry,
      reason: bad.reason,
    });
  }
  return list;
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

async function warnAboutSending(
  deps: DigestDeps,
  account: SendingAccount,
  due: DueSubscriber[],
): Promise<void> {
  const { log } = deps;
  if (account.sentLast24Hours + due.length > account.max24HourSend) {
    log.warn('This run would exceed the SES 24-hour sending quota; some digests will fail and be retried', {
      max24HourSend: account.max24HourSend,
      sentLast24Hours: account.sentLast24Hours,
      due: due.length,
    });
  }
  if (!account.sandbox) return;
  for (const { subscriber } of due) {
    const verified = await deps.mailer.isVerified(subscriber.email).catch(() => undefined);
    if (verified === false) {
      log.warn(
        'SES is in the sandbox and this recipient is not verified: SES will reject the digest. ' +
          'Verify the address in SES or request production access.',
        { subscriberId: subscriber.id, email: subscriber.email },
      );
    } else if (verified === undefined) {
      log.warn('SES is in the sandbox and the recipient could not be checked', {
        subscriberId: subscriber.id,
      });
    }
  }
}

async function readSummaries(deps: DigestDeps, due: DueSubscriber[], now: Date): Promise<StoredSummary[]> {
  const from = new Date(Math.min(...due.map((d) => d.window.from.getTime())));
  const objects = await deps.summaries.storedBetween(from, now);
  const valid: StoredSummary[] = [];
  for (const object of objects) {
    const parsed = summarySchema.safeParse(withCanonicalUrl(object.body));
    if (parsed.success) valid.push({ summary: parsed.data, key: object.key, storedAt: object.storedAt });
    else {
      deps.log.warn('Skipping a stored summary that does not match the schema', {
        key: object.key,
        reason: parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '),
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

/** A stored entry that fails the schema cannot place the window: the subscriber waits, with the reason logged. */
function validLedgerEntry(stored: StoredLedgerEntry | undefined): LedgerEntry | undefined {
  if (stored === undefined) return undefined;
  const parsed = ledgerEntrySchema.safeParse(stored.body);
  if (!parsed.success)
    throw new LedgerEntryError(`Ledger entry ${stored.key} is not valid: ${parsed.error.message}`);
  return parsed.data;
}
