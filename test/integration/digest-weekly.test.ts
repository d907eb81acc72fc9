/**
 * Weekly subscribers through the real planner: the production store on dynalite (profiles, the due index,
 * claims, the ledger) and SES on aws-ses-v2-local, over three weeks of hourly runs that cross both autumn
 * DST changes (London 25 Oct, New York 1 Nov) and miss one weekly send run. Each weekly subscriber gets one
 * digest per week, on their weekday at the first run at or after their send time, and every summary stored
 * in between exactly once; a daily subscriber alongside is unaffected.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { digestDeps } from '../../src/handlers/digest-handler.js';
import { sesEmulatorAccount } from '../../src/local/emulators.js';
import { setEnv } from '../../src/local/lambda-runtime.js';
import { runDigest } from '../../src/use-cases/run-digest/run-digest.js';
import type { StoredObject } from '../../src/use-cases/run-digest/ports.js';
import { memoryLog, memorySummaries, stored } from '../support/digest-memory.js';
import { startDigestStack, type DigestStack } from '../support/digest-stack.js';
import { buildSummary } from '../support/summary-fixtures.js';

const HOUR_MS = 60 * 60 * 1000;
const DAY_MS = 24 * HOUR_MS;
const FROM = '2026-10-19T00:00:00Z'; // a Monday
const TO = '2026-11-09T00:00:00Z'; // three weeks later
const MISSED = ['2026-10-30T07:00:00.000Z']; // Fri 30 Oct, 07:00 GMT: the London weekly send run

interface Digest {
  sentBy: string;
  localDate: string;
  items: string[];
}

describe('weekly digests through the planner over three weeks of hourly runs', () => {
  let stack: DigestStack;
  let restoreAccount: () => void = () => undefined;
  const digests = new Map<string, Digest[]>();
  const summaries: { code: string; storedAt: Date }[] = [];

  beforeAll(async () => {
    stack = await startDigestStack();
    restoreAccount = setEnv({
      AWS_SES_ACCOUNT: sesEmulatorAccount({ productionAccess: true, maxSendRate: 50, max24HourSend: 50_000 }),
    });
    await stack.subscribe({
      subscribers: [
        {
          email: 'london-fri@example.com',
          timeZone: 'Europe/London',
          sendAt: '07:00',
          frequency: 'weekly',
          weekday: 'fri',
        },
        {
          email: 'ny-sun@example.com',
          timeZone: 'America/New_York',
          sendAt: '01:00',
          frequency: 'weekly',
          weekday: 'Sunday',
        },
        { email: 'london-daily@example.com', timeZone: 'Europe/London', sendAt: '07:00' },
      ],
    });
    await stack.ses.clear();
    const from = Date.parse(FROM);
    const to = Date.parse(TO);
    const objects: StoredObject[] = [];
    // From 8 days before the first run: a weekly first digest looks back 7 days.
    for (let t = from - 8 * DAY_MS + HOUR_MS / 2, n = 1; t < to; t += 5 * HOUR_MS, n++) {
      const code = `S${String(n).padStart(3, '0')}`;
      summaries.push({ code, storedAt: new Date(t) });
      objects.push(
        stored(
          buildSummary({ title: `Story ${code}`, summary: [`${code}a ${code}b ${code}c ${code}d.`] }),
          new Date(t),
        ),
      );
    }
    let clock = new Date(from);
    const deps = {
      ...digestDeps(stack.config({ SEND_EMPTY_DIGEST: 'true' }), {
        s3: stack.s3,
        ses: stack.sesClient,
        dynamodb: stack.dynamodb,
      }),
      summaries: memorySummaries(objects),
      clock: () => clock,
      sleep: async () => undefined,
      hasTimeLeft: () => true,
      log: memoryLog(),
    };
    let seen = 0;
    for (let t = from; t < to; t += HOUR_MS) {
      const time = new Date(t).toISOString();
      if (MISSED.includes(time)) continue;
      clock = new Date(t);
      await runDigest(deps, new Date(t));
      const emails = await stack.ses.emails();
      for (const email of emails.slice(seen)) {
        const [address = ''] = email.destination.to;
        const items = [
          ...new Set([...(email.body.text ?? '').matchAll(/Story (S\d{3})/g)].map((m) => m[1]!)),
        ];
        const latest = await stack.latest(address);
        digests.set(address, [
          ...(digests.get(address) ?? []),
          { sentBy: time, localDate: latest?.localDate ?? '?', items },
        ]);
      }
      seen = emails.length;
    }
  }, 300_000);

  afterAll(async () => {
    restoreAccount();
    await stack?.close();
  });

  const when = (email: string) => (digests.get(email) ?? []).map((d) => [d.localDate, d.sentBy]);

  /** Every summary stored from the first digest's window (7 days back) to the last digest: exactly once. */
  function notOnce(email: string): Record<string, number> {
    const received = digests.get(email) ?? [];
    const first = Date.parse(received[0]!.sentBy) - 7 * DAY_MS;
    const last = Date.parse(received.at(-1)!.sentBy);
    const counts: Record<string, number> = {};
    for (const { code, storedAt } of summaries) {
      if (storedAt.getTime() >= first && storedAt.getTime() < last) counts[code] = 0;
    }
    for (const digest of received) for (const code of digest.items) counts[code] = (counts[code] ?? 0) + 1;
    expect(Object.keys(counts).length).toBeGreaterThan(30);
    return Object.fromEntries(Object.entries(counts).filter(([, n]) => n !== 1));
  }

  it('London, Fridays 07:00: BST then GMT, the missed run caught up by the next, one a week', () => {
    expect(when('london-fri@example.com')).toEqual([
      ['2026-10-23', '2026-10-23T06:00:00.000Z'], // 07:00 BST
      ['2026-10-30', '2026-10-30T08:00:00.000Z'], // 07:00 GMT missed: the 08:00 run
      ['2026-11-06', '2026-11-06T07:00:00.000Z'],
    ]);
    expect(notOnce('london-fri@example.com')).toEqual({});
  });

  it('New York, Sundays 01:00: the first 01:00 of the fall-back night, not the repeated one', () => {
    expect(when('ny-sun@example.com')).toEqual([
      // The first run is Sun 18 Oct, 20:00 EDT: new, on their weekday after the send time, so that week's.
      ['2026-10-18', '2026-10-19T00:00:00.000Z'],
      ['2026-10-25', '2026-10-25T05:00:00.000Z'], // 01:00 EDT
      ['2026-11-01', '2026-11-01T05:00:00.000Z'], // the first 01:00 (EDT); 06:00Z is the second
      ['2026-11-08', '2026-11-08T06:00:00.000Z'], // 01:00 EST
    ]);
    expect(notOnce('ny-sun@example.com')).toEqual({});
  });

  it('a daily subscriber alongside still gets one a day', () => {
    const daily = digests.get('london-daily@example.com') ?? [];
    expect(daily.map((d) => d.localDate)).toEqual(
      Array.from({ length: 21 }, (_, i) =>
        new Date(Date.parse('2026-10-19') + i * DAY_MS).toISOString().slice(0, 10),
      ),
    );
  });
});
