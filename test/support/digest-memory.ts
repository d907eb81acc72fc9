/**
 * In-memory digest ports with real behaviour (no I/O) for unit tests and the preview script. The mailer
 * records what it was asked to send; a `fail` hook lets a test make chosen sends throw.
 */
import { Logger } from '@aws-lambda-powertools/logger';
import type { LedgerEntry, SendFailure } from '../../src/digest/ledger.js';
import type { DigestDeps, DigestSettings } from '../../src/use-cases/run-digest/run-digest.js';
import type { OutgoingEmail } from '../../src/digest/email.js';
import type { StoredSummary } from '../../src/digest/stored-summary.js';
import {
  claimExpired,
  type Ledger,
  type LinkSigner,
  type Log,
  type Mailer,
  type SendingAccount,
  type StoredObject,
  type SummaryReader,
  type UnsubscribeList,
} from '../../src/use-cases/run-digest/ports.js';
import type { UnsubscribeRecorder } from '../../src/links/ports.js';
import type { Summary } from '../../src/summary/schema.js';

export function memoryLedger(): Ledger & { entries: LedgerEntry[]; failures: SendFailure[] } {
  const entries: LedgerEntry[] = [];
  const failures: SendFailure[] = [];
  const claims = new Map<string, { at: Date; token: string }>();
  let claimsTaken = 0;
  const mine = (id: string) => entries.filter((e) => e.subscriberId === id);
  return {
    entries,
    failures,
    has: async (id, date) => mine(id).some((e) => e.localDate === date),
    async latest(id, notBefore) {
      const entry = mine(id)
        .filter((e) => e.localDate >= notBefore)
        .sort((a, b) => a.localDate.localeCompare(b.localDate))
        .at(-1);
      return entry && { key: `ledger/${id}/${entry.localDate}.json`, body: entry };
    },
    async record(entry) {
      entries.splice(
        0,
        entries.length,
        ...entries.filter((e) => !(e.subscriberId === entry.subscriberId && e.localDate === entry.localDate)),
        entry,
      );
    },
    async claim(id, date, at) {
      const held = claims.get(`${id}/${date}`);
      if (held && !claimExpired(held.at.toISOString(), at)) return undefined;
      const token = `claim-${++claimsTaken}`;
      claims.set(`${id}/${date}`, { at, token });
      return { subscriberId: id, localDate: date, token };
    },
    async release({ subscriberId, localDate, token }) {
      const key = `${subscriberId}/${localDate}`;
      if (claims.get(key)?.token === token) claims.delete(key);
    },
    async recordFailure(failure) {
      failures.push(failure);
    },
  };
}

export function memoryUnsubscribes(
  ids: string[] = [],
): UnsubscribeList & UnsubscribeRecorder & { ids: Set<string> } {
  const set = new Set(ids);
  return {
    ids: set,
    all: async () => new Set(set),
    async add(id) {
      if (set.has(id)) return false;
      set.add(id);
      return true;
    },
  };
}

export function memorySummaries(objects: StoredObject[]): SummaryReader {
  return {
    storedBetween: async (from, to) => objects.filter((o) => o.storedAt >= from && o.storedAt < to),
  };
}

/** A summary as the bucket would hold it (key by upload date, storage time) before validation. */
export const stored = (summary: Summary, storedAt: Date): StoredObject => ({
  key: `summaries/${storedAt.toISOString().slice(0, 10).replaceAll('-', '/')}/${summary.id}.json`,
  storedAt,
  body: summary,
});

/** The same, validated: what the core works on after reading. */
export const storedSummary = (summary: Summary, storedAt: Date): StoredSummary => {
  const { key } = stored(summary, storedAt);
  return { summary, key, storedAt };
};

export function capturingMailer(
  options: {
    account?: Partial<SendingAccount> | Error;
    verified?: string[];
    fail?: (email: OutgoingEmail) => Error | undefined;
  } = {},
): Mailer & { sent: (OutgoingEmail & { messageId: string })[] } {
  const sent: (OutgoingEmail & { messageId: string })[] = [];
  return {
    sent,
    async send(email) {
      const error = options.fail?.(email);
      if (error) throw error;
      const messageId = `message-${sent.length + 1}`;
      sent.push({ ...email, messageId });
      return { messageId };
    },
    async account() {
      if (options.account instanceof Error) throw options.account;
      return {
        sandbox: false,
        maxSendRate: 14,
        max24HourSend: 50_000,
        sentLast24Hours: 0,
        ...options.account,
      };
    },
    isVerified: async (address) => (options.verified ?? []).includes(address),
    // The deploy guide's setup: a verified domain with Easy DKIM and a custom MAIL FROM, so no warning.
    senderIdentity: async () => ({
      addressVerified: false,
      domainVerified: true,
      dkimStatus: 'SUCCESS',
      mailFromDomain: 'mail.example.com',
      mailFromStatus: 'SUCCESS',
    }),
  };
}

/** One message as the core hands it to the mailer, for tests of the SES adapter and the retry loop. */
export const OUTGOING: OutgoingEmail = {
  from: 'digest@example.com',
  to: 'ana@example.com',
  subject: 'Your digest for Tue 24 Nov: 1 article',
  html: '<p>hi</p>',
  text: 'hi',
  headers: [{ name: 'List-Unsubscribe-Post', value: 'List-Unsubscribe=One-Click' }],
};

/** Signs nothing; the link expires `expires` seconds after `clock()`. */
export function fakeLinkSigner(clock: () => Date = () => new Date()): LinkSigner {
  return {
    presign: async ({ bucket, key, versionId }, expires) => ({
      url: `https://${bucket}.s3.amazonaws.com/${key.split('/').map(encodeURIComponent).join('/')}?${versionId ? `versionId=${encodeURIComponent(versionId)}&` : ''}X-Amz-Expires=${expires}&X-Amz-Signature=0123abcd`,
      expiresAt: new Date(clock().getTime() + expires * 1000),
    }),
  };
}

export function memoryLog(): Log & {
  logged: { level: string; message: string; attributes: Record<string, unknown> | undefined }[];
} {
  const logged: { level: string; message: string; attributes: Record<string, unknown> | undefined }[] = [];
  const at =
    (level: string) =>
    (message: string, ...attributes: Record<string, unknown>[]) =>
      void logged.push({ level, message, attributes: attributes[0] });
  return { logged, info: at('info'), warn: at('warn'), error: at('error') };
}

export const TEST_SETTINGS: DigestSettings = {
  sender: 'digest@example.com',
  sendEmpty: false,
  linkExpirySeconds: 604_800,
  unsubscribe: {
    url: 'https://unsubscribe.example.com/',
    secret: 'test-secret-0123456789-0123456789-abcdef',
  },
  defaults: { timeZone: 'UTC', sendAt: '07:00' },
  fallbackRecipients: ['ana@example.com'],
};

export function memoryDeps(
  overrides: Partial<DigestDeps> & { objects?: StoredObject[]; document?: unknown } = {},
) {
  const { objects = [], document, ...rest } = overrides;
  const ledger = memoryLedger();
  const mailer = capturingMailer();
  const log = memoryLog();
  const unsubscribes = memoryUnsubscribes();
  const deps: DigestDeps = {
    directory: { load: async () => document },
    ledger,
    unsubscribes,
    summaries: memorySummaries(objects),
    mailer,
    links: fakeLinkSigner(),
    log,
    sleep: async () => undefined,
    clock: () => new Date(),
    hasTimeLeft: () => true,
    settings: TEST_SETTINGS,
    ...rest,
  };
  return { deps, ledger, mailer, log, unsubscribes };
}

/** A silent powertools logger for handler tests. */
export const quietLogger = () => new Logger({ serviceName: 'digest-test', logLevel: 'SILENT' });
