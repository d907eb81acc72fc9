/**
 * Hourly runs across DST changes over the emulators: every subscriber gets exactly one digest per local day,
 * at the first hourly run at or after their local send time. Expected send instants are written out in UTC
 * so the test does not just repeat the code's time-zone arithmetic.
 */
import { describe, expect, it } from 'vitest';
import { runDigest } from '../../src/use-cases/run-digest/run-digest.js';
import { useDigestStack } from '../support/digest-stack.js';

const HOUR_MS = 60 * 60 * 1000;
/**
 * Each test makes a few hundred runs over the emulators: over 15 s for the longer one even on an idle
 * two-core machine, over 20 s on a busy one. What is checked is which digests went out, not how fast, so the
 * default 30 s is no limit for them.
 */
const SWEEP_TIMEOUT_MS = 180_000;

const stack = useDigestStack();

/**
 * Runs the digest every hour in [from, to) on a fresh table and returns, per address, the UTC instants it
 * received one.
 */
async function hourlyRuns(subscribers: object[], from: string, to: string): Promise<Map<string, string[]>> {
  await stack().freshTable();
  await stack().subscribe({ subscribers });
  await stack().ses.clear();
  // Summaries are stored "now", not in these weeks: the short note proves each send.
  const deps = stack().deps({ SEND_EMPTY_DIGEST: 'true' });
  const received = new Map<string, string[]>();
  let seen = 0;
  for (let t = Date.parse(from); t < Date.parse(to); t += HOUR_MS) {
    const report = await runDigest(deps, new Date(t));
    if (report.sent === 0) continue;
    const emails = await stack().ses.emails();
    for (const email of emails.slice(seen)) {
      for (const to of email.destination.to)
        received.set(to, [...(received.get(to) ?? []), new Date(t).toISOString()]);
    }
    seen = emails.length;
  }
  return received;
}

/** `YYYY-MM-DDTHH:00:00.000Z` for each day in [first, last] at the UTC hour `hourFor(date)`. */
function daily(first: string, last: string, hourFor: (date: string) => number): string[] {
  const out: string[] = [];
  for (let d = Date.parse(`${first}T00:00:00Z`); d <= Date.parse(`${last}T00:00:00Z`); d += 24 * HOUR_MS) {
    const date = new Date(d).toISOString().slice(0, 10);
    out.push(new Date(Date.parse(`${date}T00:00:00Z`) + hourFor(date) * HOUR_MS).toISOString());
  }
  return out;
}

describe('hourly digest runs across daylight-saving changes', { timeout: SWEEP_TIMEOUT_MS }, () => {
  it('autumn: London (25 Oct) and New York (1 Nov) fall back; Kathmandu (+05:45) is steady', async () => {
    const received = await hourlyRuns(
      [
        { email: 'ny@example.com', timeZone: 'America/New_York', sendAt: '07:00' },
        { email: 'ny-1am@example.com', timeZone: 'America/New_York', sendAt: '01:00' },
        { email: 'london@example.com', timeZone: 'Europe/London', sendAt: '07:00' },
        { email: 'ktm@example.com', timeZone: 'Asia/Kathmandu', sendAt: '07:00' },
      ],
      '2026-10-23T04:00:00Z',
      '2026-11-03T00:00:00Z',
    );

    expect(received.get('ny@example.com')).toEqual(
      daily('2026-10-23', '2026-11-02', (d) => (d < '2026-11-01' ? 11 : 12)),
    );
    // 01:00 happens twice on 1 Nov; only the first (EDT, 05:00Z) sends.
    expect(received.get('ny-1am@example.com')).toEqual(
      daily('2026-10-23', '2026-11-02', (d) => (d <= '2026-11-01' ? 5 : 6)),
    );
    expect(received.get('london@example.com')).toEqual(
      daily('2026-10-23', '2026-11-02', (d) => (d < '2026-10-25' ? 6 : 7)),
    );
    // 07:00 local is 01:15Z; the first hourly run at or after it is 02:00Z (07:45 local). The runs start at
    // 09:45 local on 23 Oct, past the send time, so a new subscriber gets that day's digest at once.
    expect(received.get('ktm@example.com')).toEqual([
      '2026-10-23T04:00:00.000Z',
      ...daily('2026-10-24', '2026-11-02', () => 2),
    ]);
  });

  it('spring: New York skips 02:00-03:00 on 8 Mar and London moves to BST on 29 Mar', async () => {
    const received = await hourlyRuns(
      [
        { email: 'ny-2am@example.com', timeZone: 'America/New_York', sendAt: '02:00' },
        { email: 'london@example.com', timeZone: 'Europe/London', sendAt: '07:00' },
      ],
      '2026-03-06T06:00:00Z',
      '2026-03-10T06:00:00Z',
    );
    const london = await hourlyRuns(
      [{ email: 'london@example.com', timeZone: 'Europe/London', sendAt: '07:00' }],
      '2026-03-27T00:00:00Z',
      '2026-03-31T00:00:00Z',
    );

    // 02:00 does not exist on 8 Mar: the 03:00 EDT run (07:00Z) sends it.
    expect(received.get('ny-2am@example.com')).toEqual(
      daily('2026-03-06', '2026-03-09', (d) => (d < '2026-03-08' ? 7 : d === '2026-03-08' ? 7 : 6)),
    );
    expect(london.get('london@example.com')).toEqual(
      daily('2026-03-27', '2026-03-30', (d) => (d < '2026-03-29' ? 7 : 6)),
    );
  });
});
