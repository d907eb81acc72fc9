/**
 * In-memory digest ports with real behaviour (no I/O) for unit tests and the preview script. The mailer
 * records what it was asked to send; a `fail` hook lets a test make chosen sends throw.
 */
import { Logger } from '@aws-lambda-powertools/logger';
import type { LedgerEntry, SendFailure } from '../../src/digest/ledger.js';
import type { DigestDeps, DigestSettings } from '../../src/use-cases/run-digest/run-digest.js';
import type { OutgoingEmail } from '../../src/digest/email.js';
import type { StoredSummary } from '../../src/digest/stored-summary.js';
import type { Story } from '../../src/digest/stories.js';
import {
  claimExpired,
  type Ledger,
  type LinkSigner,
  type Log,
  type Mailer,
  type SendingAccount,
  type StoredObject,
  type SubscriberStore,
  type SummaryReader,
} from '../../src/use-cases/run-digest/ports.js';
import { parseSubscribers, type Subscriber } from '../../src/digest/subscribers.js';
import type { UnsubscribeRecorder } from '../../src/links/ports.js';
import type { Summary } from '../../src/summary/schema.js';

/**
 * The subscriber store and ledger in memory, with the DynamoDB adapter's semantics: `due` returns the
 * subscribed whose `dueAt` has come, `moveDue` and `claim` are conditional, `record` sets the latest entry
 * and the next due time and ends the claim.
 */
export function memoryStore(): SubscriberStore &
  Ledger &
  UnsubscribeRecorder & {
    entries: LedgerEntry[];
    failures: SendFailure[];
    profiles: Map<string, MemoryProfile>;
    put(subscriber: Subscriber, dueAt?: Date): void;
  } {
  const entries: LedgerEntry[] = [];
  const failures: SendFailure[] = [];
  const profiles = new Map<string, MemoryProfile>();
  let claimsTaken = 0;
  return {
    entries,
    failures,
    profiles,
    put(subscriber, dueAt = new Date(0)) {
      const existing = profiles.get(subscriber.id);
      profiles.set(subscriber.id, {
        ...existing,
        subscriber,
        dueAt: dueAt.toISOString(),
        subscribed: true,
      });
    },
    async *due(now, pageSize) {
      const due = [...profiles.values()]
        .filter((p) => p.subscribed && p.dueAt <= now.toISOString())
        .sort((a, b) => a.dueAt.localeCompare(b.dueAt))
        .map((p) => ({ subscriber: p.subscriber, latest: p.latest, dueAt: p.dueAt }));
      for (let start = 0; start < due.length; start += pageSize) yield due.slice(start, start + pageSize);
    },
    async moveDue(id, seenDueAt, dueAt) {
      const profile = profiles.get(id);
      if (!profile?.subscribed || profile.dueAt !== seenDueAt) return false;
      profile.dueAt = dueAt.toISOString();
      return true;
    },
    async claim(id, localDate, at) {
      const profile = profiles.get(id);
      if (!profile?.subscribed) return undefined;
      const latest = profile.latest as LedgerEntry | undefined;
      if (latest && latest.localDate >= localDate) return undefined;
      const held = profile.claim;
      if (held && held.localDate === localDate && !claimExpired(held.claimedAt, at)) return undefined;
      const token = `claim-${++claimsTaken}`;
      profile.claim = { localDate, claimedAt: at.toISOString(), token };
      return { subscriberId: id, localDate, token };
    },
    async release({ subscriberId, token }) {
      const profile = profiles.get(subscriberId);
      if (profile?.claim?.token === token) delete profile.claim;
    },
    async record(entry, nextDueAt) {
      entries.splice(
        0,
        entries.length,
        ...entries.filter((e) => !(e.subscriberId === entry.subscriberId && e.localDate === entry.localDate)),
        entry,
      );
      const profile = profiles.get(entry.subscriberId);
      if (!profile) throw new Error(`no profile for subscriber ${entry.subscriberId}`);
      const latest = profile.latest as LedgerEntry | undefined;
      // As the DynamoDB store: never back in time (a late redrive of an older day is history only).
      if (latest && latest.localDate > entry.localDate) return;
      profile.latest = entry;
      profile.dueAt = nextDueAt.toISOString();
      delete profile.claim;
    },
    async recordFailure(failure) {
      failures.push(failure);
    },
    async add(id) {
      const profile = profiles.get(id);
      if (!profile?.subscribed) return false;
      profile.subscribed = false;
      return true;
    },
  };
}

export interface MemoryProfile {
  subscriber: Subscriber;
  latest?: unknown;
  dueAt: string;
  subscribed: boolean;
  claim?: { localDate: string; claimedAt: string; token: string };
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

/** Each summary a story of its own, in the order given: for tests of the view and its rendering alone. */
export const alone = (items: StoredSummary[]): Story[] => items.map((lead) => ({ lead, others: [] }));

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
  senders: 2,
  inlineSeconds: 120,
  batchSize: 50,
};

/** Subscribers as an operator lists them, validated with the digest's rules (defaults UTC, 07:00). */
export function subscribersOf(document: unknown): Subscriber[] {
  return parseSubscribers(document, { timeZone: 'UTC', sendAt: '07:00' }).subscribers;
}

/**
 * The planner over in-memory ports. `document` seeds the store as an operator's list would (everyone due
 * from the epoch on, so dueness alone decides); `unsubscribed` ids are then unsubscribed.
 */
export function memoryDeps(
  overrides: Partial<DigestDeps> & {
    objects?: StoredObject[];
    document?: unknown;
    unsubscribed?: string[];
  } = {},
) {
  const { objects = [], document, unsubscribed = [], ...rest } = overrides;
  const store = memoryStore();
  if (document !== undefined) for (const subscriber of subscribersOf(document)) store.put(subscriber);
  for (const id of unsubscribed) void store.add(id, new Date(0));
  const mailer = capturingMailer();
  const log = memoryLog();
  const deps: DigestDeps = {
    store,
    ledger: store,
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
  return { deps, ledger: store, store, mailer, log };
}

/** A silent powertools logger for handler tests. */
export const quietLogger = () => new Logger({ serviceName: 'digest-test', logLevel: 'SILENT' });
