/** In-memory implementations of the subscribe function's ports: real behaviour, no I/O, for unit tests. */
import type { OutgoingEmail } from '../../src/digest/email.js';
import type { Subscriber } from '../../src/digest/subscribers.js';
import { fixedSecrets } from '../../src/links/link-secrets.js';
import type { SubscribeDeps } from '../../src/links/subscribe.js';
import type { StoredSubscriber } from '../../src/use-cases/manage-subscribers/ports.js';

export const TEST_SECRET = 'unit-test-subscribe-secret-0000000000000';

export interface MemorySubscribe {
  deps: SubscribeDeps;
  sent: OutgoingEmail[];
  profiles: Map<string, StoredSubscriber>;
  /** Counted signups per source key. */
  sources: Map<string, number>;
  clock: { now: Date };
}

export function memorySubscribe(limits: { perSource?: number; perHour?: number } = {}): MemorySubscribe {
  const sent: OutgoingEmail[] = [];
  const profiles = new Map<string, StoredSubscriber>();
  const sources = new Map<string, number>();
  const lastMail = new Map<string, number>();
  const used = new Map<string, 'taken' | 'used'>();
  let any = 0;
  const clock = { now: new Date('2026-11-30T10:00:00Z') };
  const deps: SubscribeDeps = {
    secrets: fixedSecrets(TEST_SECRET),
    subscribers: {
      async put(subscriber: Subscriber, at: Date) {
        const before = profiles.get(subscriber.id);
        profiles.set(subscriber.id, {
          subscriber,
          dueAt: at.toISOString(),
          createdAt: before?.createdAt ?? at.toISOString(),
          updatedAt: at.toISOString(),
        });
      },
      async remove(id: string, at: Date) {
        const profile = profiles.get(id);
        if (profile === undefined || profile.unsubscribedAt !== undefined) return false;
        profiles.set(id, {
          subscriber: profile.subscriber,
          unsubscribedAt: at.toISOString(),
          createdAt: profile.createdAt,
          updatedAt: at.toISOString(),
        });
        return true;
      },
      get: async (id: string) => profiles.get(id),
    },
    limits: {
      async takeSource(key, _at, limit) {
        const count = sources.get(key) ?? 0;
        if (count >= limit) return false;
        sources.set(key, count + 1);
        return true;
      },
      async takeAny(_at, limit) {
        if (any >= limit) return false;
        any += 1;
        return true;
      },
      async takeAddress(id, at) {
        const last = lastMail.get(id);
        if (last !== undefined && at.getTime() - last < 3_600_000) return false;
        lastMail.set(id, at.getTime());
        return true;
      },
      async releaseAddress(id, at) {
        if (lastMail.get(id) === at.getTime()) lastMail.delete(id);
      },
    },
    confirmations: {
      state: async (jti) => (used.get(jti) === 'used' ? 'used' : 'unused'),
      async take(jti) {
        if (used.has(jti)) return false;
        used.set(jti, 'taken');
        return true;
      },
      async markUsed(jti) {
        used.set(jti, 'used');
      },
    },
    mailer: {
      async send(email) {
        sent.push(email);
        return { messageId: `m-${sent.length}` };
      },
    },
    now: () => clock.now,
    settings: {
      sender: 'digest@example.com',
      confirmHours: 48,
      maxPerSourceHour: limits.perSource ?? 10,
      maxPerHour: limits.perHour ?? 1000,
      defaults: { timeZone: 'UTC', hour: 7 },
    },
  };
  return { deps, sent, profiles, sources, clock };
}
