/**
 * Every row of the guarantee table in docs/digest.md ("Guarantees, case by case"), driven through hourly
 * runs of the real use case over several days: production adapters on dynalite (subscribers, ledger,
 * claims) and on aws-ses-v2-local behind the fault proxy, which injects SES faults at the HTTP boundary per
 * recipient and run; ledger writes fail at a second fault proxy, in front of dynalite, with DynamoDB's own
 * 500 InternalServerError (which the production client parses, and retries as it would on AWS). Runs
 * are skipped, retried, replayed late and run twice at once. Summaries are stored every few hours of the
 * simulated days (an in-memory reader, so their storage time follows the simulated clock, not
 * the real one s3rver would stamp). Per subscriber the test reads what SES received: which local day each
 * digest names, the run that sent it, and every summary in it.
 */
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { SESv2Client } from '@aws-sdk/client-sesv2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSesClient } from '../../src/aws/clients.js';
import { subscriberId } from '../../src/digest/subscribers.js';
import { digestDeps } from '../../src/handlers/digest-handler.js';
import { LOCAL_REGION, sesEmulatorAccount, LOCAL_CLIENT_CREDENTIALS } from '../../src/local/emulators.js';
import { setEnv } from '../../src/local/lambda-runtime.js';
import { runDigest } from '../../src/use-cases/run-digest/run-digest.js';
import type { StoredObject } from '../../src/use-cases/run-digest/ports.js';
import { memoryLog, memorySummaries, stored } from '../support/digest-memory.js';
import { startDigestStack, type DigestStack } from '../support/digest-stack.js';
import {
  dynamoDbRequest,
  faults,
  sendEmailRecipient,
  startFaultProxy,
  type Fault,
  type FaultProxy,
  type ProxiedRequest,
} from '../support/fault-proxy.js';
import { buildSummary } from '../support/summary-fixtures.js';

const HOUR_MS = 60 * 60 * 1000;
/** A summary is stored every this many hours, at half past (never on a run's window edge). */
const STORE_EVERY_HOURS = 5;

const credentials = LOCAL_CLIENT_CREDENTIALS;

const messageRejected: Fault = {
  kind: 'respond',
  label: 'ses-400-MessageRejected',
  status: 400,
  headers: { 'content-type': 'application/json', 'x-amzn-errortype': 'MessageRejected' },
  body: JSON.stringify({ __type: 'MessageRejected', message: 'Email address is not verified.' }),
};

interface Sweep {
  subscribers: { email: string; timeZone: string; sendAt: string }[];
  /** Hourly runs at every UTC hour in [from, to). */
  from: string;
  to: string;
  /** Runs the scheduler never made (UTC ISO instants). */
  missed?: string[];
  /** SES faults for one recipient's SendEmail requests during one run; `times` caps how many. */
  faults?: { email: string; run: string; fault: Fault; times?: number }[];
  /** Further invocations of the scheduled event for `time`, made at clock time `at` (retries, redrives). */
  extra?: { time: string; at: string }[];
  /** Runs invoked twice at the same time (an overlapping duplicate invocation). */
  twice?: string[];
  /** Runs in which every write of this recipient's ledger entry fails (after SES accepted the digest). */
  failedLedgerWrites?: { email: string; run: string }[];
}

interface Digest {
  /** The local day the subject names, e.g. "Tue 17 Nov". */
  day: string;
  /** The run that sent it (UTC ISO). */
  sentBy: string;
  /** The summaries it carries, by their code (S001, ...). */
  items: string[];
}

interface Received {
  /** Per address, every digest SES accepted, in order. */
  digests: Map<string, Digest[]>;
  /** Every summary stored in the sweep: its code and storage time. */
  summaries: { code: string; storedAt: Date }[];
}

/**
 * The partition key (`SUB#<id>`) of a ledger write: the profile update that sets `latest`, or the DAY#
 * history item put after it; undefined for any other request.
 */
function ledgerWriteKey(request: ProxiedRequest): string | undefined {
  const call = dynamoDbRequest(request);
  const input = call?.input as
    | {
        Key?: { pk?: { S?: string } };
        Item?: { pk?: { S?: string }; sk?: { S?: string } };
        UpdateExpression?: string;
      }
    | undefined;
  const ledgerWrite =
    (call?.operation === 'UpdateItem' && input?.UpdateExpression?.includes('#latest')) ||
    (call?.operation === 'PutItem' && input?.Item?.sk?.S?.startsWith('DAY#'));
  return ledgerWrite ? (input?.Key?.pk?.S ?? input?.Item?.pk?.S) : undefined;
}

/** Every hourly run in [from, to), as the ISO instants the runs are keyed by. */
function hourly(from: string, to: string): string[] {
  const runs: string[] = [];
  for (let t = Date.parse(from); t < Date.parse(to); t += HOUR_MS) runs.push(new Date(t).toISOString());
  return runs;
}

/**
 * A sweep is a few days of hourly runs over the emulators (up to three sweeps a test): a few seconds idle,
 * over 12 s on a busy two-core machine. The rows are about what each reader receives, not about speed, so
 * the default 30 s is no limit for them.
 */
const SWEEPS_TIMEOUT_MS = 180_000;

describe('the guarantee table, row by row, over hourly runs', { timeout: SWEEPS_TIMEOUT_MS }, () => {
  let stack: DigestStack;
  let proxy: FaultProxy;
  let dynamoDbProxy: FaultProxy;
  let ses: SESv2Client;
  let restoreAccount: () => void = () => undefined;
  let sweeps = 0;
  let currentRun = '';
  /** Partition keys (`SUB#<id>`) whose ledger writes fail in the current run. */
  let failingLedgerKeys: string[] = [];
  /** The DynamoDB client the runs use: the production one, on dynalite behind `dynamoDbProxy`. */
  let dynamodb: DynamoDBClient;

  beforeAll(async () => {
    stack = await startDigestStack();
    proxy = await startFaultProxy({ target: stack.ses.endpoint });
    ses = createSesClient({ AWS_REGION: LOCAL_REGION, SES_ENDPOINT: proxy.url }, { credentials });
    dynamoDbProxy = await startFaultProxy({ target: stack.dynamoDbEmulator.endpoint });
    dynamodb = stack.newDynamoDbClient(dynamoDbProxy.url);
    // The ledger entry is the profile update that sets `latest` (and the DAY# history item after it): both
    // fail as DynamoDB fails a write, after SES accepted the digest.
    dynamoDbProxy.add({
      name: 'failing ledger writes',
      match: (request) => {
        const pk = ledgerWriteKey(request);
        return pk !== undefined && failingLedgerKeys.includes(pk);
      },
      fault: faults.dynamoDbInternalError(),
    });
    restoreAccount = setEnv({
      AWS_SES_ACCOUNT: sesEmulatorAccount({ productionAccess: true, maxSendRate: 50, max24HourSend: 50_000 }),
    });
  });
  afterAll(async () => {
    restoreAccount();
    ses?.destroy();
    dynamodb?.destroy();
    await proxy?.close();
    await dynamoDbProxy?.close();
    await stack?.close();
  });

  async function sweep(plan: Sweep): Promise<Received> {
    const prefix = `guarantees-${++sweeps}/`;
    await stack.freshTable();
    await stack.subscribe({ subscribers: plan.subscribers });
    await stack.ses.clear();
    proxy.clear();
    const from = Date.parse(plan.from);
    const to = Date.parse(plan.to);
    const summaries: { code: string; storedAt: Date }[] = [];
    const objects: StoredObject[] = [];
    // From a day before the first run: a first digest looks back 24 hours.
    for (let t = from - 24 * HOUR_MS + HOUR_MS / 2, n = 1; t < to; t += STORE_EVERY_HOURS * HOUR_MS, n++) {
      const code = `S${String(n).padStart(3, '0')}`;
      // Words of its own in every 3-gram, so no two summaries are near-duplicates of each other.
      const summary = buildSummary({
        title: `Story ${code}`,
        summary: [`${code}a ${code}b ${code}c ${code}d.`],
      });
      summaries.push({ code, storedAt: new Date(t) });
      objects.push(stored(summary, new Date(t)));
    }
    let clock = new Date(from);
    const deps = {
      ...digestDeps(
        stack.config({
          SES_ENDPOINT: proxy.url,
          STATE_PREFIX: `${prefix}state/`,
          SEND_EMPTY_DIGEST: 'true',
        }),
        { s3: stack.s3, ses, dynamodb },
      ),
      summaries: memorySummaries(objects),
      clock: () => clock,
      sleep: async () => undefined,
      hasTimeLeft: () => true,
      log: memoryLog(),
    };
    for (const rule of plan.faults ?? []) {
      proxy.add({
        name: `${rule.email} at ${rule.run}`,
        match: (request) => currentRun === rule.run && sendEmailRecipient(request) === rule.email,
        fault: rule.fault,
        ...(rule.times !== undefined && { times: rule.times }),
      });
    }

    const digests = new Map<string, Digest[]>();
    let seen = 0;
    const invoke = async (time: string, at: string, copies = 1) => {
      currentRun = time;
      failingLedgerKeys = (plan.failedLedgerWrites ?? [])
        .filter((fault) => fault.run === time)
        .map((fault) => `SUB#${subscriberId(fault.email)}`);
      clock = new Date(at);
      await Promise.all(Array.from({ length: copies }, () => runDigest(deps, new Date(time))));
      const emails = await stack.ses.emails();
      for (const email of emails.slice(seen)) {
        const [address = ''] = email.destination.to;
        const day = /^Your digest for (\w{3} \d{1,2} \w{3}):/.exec(email.subject)?.[1] ?? email.subject;
        const items = [...(email.body.text ?? '').matchAll(/Story (S\d{3})/g)].map((m) => m[1]!);
        digests.set(address, [...(digests.get(address) ?? []), { day, sentBy: time, items }]);
      }
      seen = emails.length;
    };
    const extra = [...(plan.extra ?? [])];
    for (let t = from; t < to; t += HOUR_MS) {
      const time = new Date(t).toISOString();
      if (!plan.missed?.includes(time)) await invoke(time, time, plan.twice?.includes(time) ? 2 : 1);
      for (const retry of extra.filter((e) => Date.parse(e.at) >= t && Date.parse(e.at) < t + HOUR_MS)) {
        await invoke(retry.time, retry.at);
      }
    }
    return { digests, summaries };
  }

  /** `[day, sentBy hour]` of each digest an address received. */
  const schedule = (received: Received, email: string) =>
    (received.digests.get(email) ?? []).map((d) => [d.day, d.sentBy.slice(0, 13)]);

  /**
   * How many times the address received each summary stored before its last digest was sent (and after the
   * first digest's window began): 1 for every one of them is "exactly once, nothing lost".
   */
  function receipts(received: Received, email: string): Record<string, number> {
    const digests = received.digests.get(email) ?? [];
    const last = Date.parse(digests.at(-1)?.sentBy ?? '');
    const first = Date.parse(digests[0]?.sentBy ?? '') - 24 * HOUR_MS;
    const counts: Record<string, number> = {};
    for (const { code, storedAt } of received.summaries) {
      if (storedAt.getTime() >= first && storedAt.getTime() < last) counts[code] = 0;
    }
    for (const digest of digests) for (const code of digest.items) counts[code] = (counts[code] ?? 0) + 1;
    return counts;
  }

  const exactlyOnce = (received: Received, email: string) => {
    const counts = receipts(received, email);
    expect(Object.keys(counts).length).toBeGreaterThan(0);
    return Object.fromEntries(Object.entries(counts).filter(([, n]) => n !== 1));
  };

  it('normal runs and late send hours (23:00 in zones 0, 30 and 45 minutes off the hour): one digest per local day, under an hour late', async () => {
    const received = await sweep({
      subscribers: [
        { email: 'london-07@example.com', timeZone: 'Europe/London', sendAt: '07:00' },
        { email: 'utc-23@example.com', timeZone: 'UTC', sendAt: '23:00' },
        { email: 'london-23@example.com', timeZone: 'Europe/London', sendAt: '23:00' },
        { email: 'kolkata-23@example.com', timeZone: 'Asia/Kolkata', sendAt: '23:00' },
        { email: 'kathmandu-23@example.com', timeZone: 'Asia/Kathmandu', sendAt: '23:00' },
      ],
      from: '2026-11-16T00:00:00Z',
      to: '2026-11-20T00:00:00Z',
    });

    const days = ['Mon 16 Nov', 'Tue 17 Nov', 'Wed 18 Nov', 'Thu 19 Nov'];
    const at = (hour: string) => days.map((day, i) => [day, `2026-11-${16 + i}T${hour}`]);
    expect(schedule(received, 'london-07@example.com')).toEqual(at('07'));
    expect(schedule(received, 'utc-23@example.com')).toEqual(at('23'));
    expect(schedule(received, 'london-23@example.com')).toEqual(at('23'));
    // 23:00 IST is 17:30Z: the 18:00Z run sends at 23:30 local. 23:00 NPT is 17:15Z: 23:45 local.
    expect(schedule(received, 'kolkata-23@example.com')).toEqual(at('18'));
    expect(schedule(received, 'kathmandu-23@example.com')).toEqual(at('18'));
    for (const email of received.digests.keys()) expect(exactlyOnce(received, email)).toEqual({});
  });

  it('a missed run is caught up by the next; when it was the only due run of the day, after local midnight, named for the day it belongs to', async () => {
    const received = await sweep({
      subscribers: [
        { email: 'london-07@example.com', timeZone: 'Europe/London', sendAt: '07:00' },
        { email: 'utc-23@example.com', timeZone: 'UTC', sendAt: '23:00' },
        { email: 'kolkata-23@example.com', timeZone: 'Asia/Kolkata', sendAt: '23:00' },
        { email: 'kathmandu-23@example.com', timeZone: 'Asia/Kathmandu', sendAt: '23:00' },
      ],
      from: '2026-11-16T00:00:00Z',
      to: '2026-11-20T00:00:00Z',
      missed: [
        '2026-11-17T07:00:00.000Z', // London's 07:00: not its only due run that day
        '2026-11-17T18:00:00.000Z', // Kolkata's and Kathmandu's only due run on Tue 17
        '2026-11-17T23:00:00.000Z', // UTC 23:00's only due run on Tue 17
        '2026-11-18T18:00:00.000Z', // two runs in a row missed on Wed 18
        '2026-11-18T19:00:00.000Z',
      ],
    });

    expect(schedule(received, 'london-07@example.com')).toEqual([
      ['Mon 16 Nov', '2026-11-16T07'],
      ['Tue 17 Nov', '2026-11-17T08'],
      ['Wed 18 Nov', '2026-11-18T07'],
      ['Thu 19 Nov', '2026-11-19T07'],
    ]);
    expect(schedule(received, 'utc-23@example.com')).toEqual([
      ['Mon 16 Nov', '2026-11-16T23'],
      ['Tue 17 Nov', '2026-11-18T00'], // 00:00 on Wed 18, an hour late
      ['Wed 18 Nov', '2026-11-18T23'],
      ['Thu 19 Nov', '2026-11-19T23'],
    ]);
    const lateAfterMidnight = [
      ['Mon 16 Nov', '2026-11-16T18'],
      ['Tue 17 Nov', '2026-11-17T19'], // 00:30 / 00:45 on Wed 18 local
      ['Wed 18 Nov', '2026-11-18T20'], // two runs missed: two hours late
      ['Thu 19 Nov', '2026-11-19T18'],
    ];
    expect(schedule(received, 'kolkata-23@example.com')).toEqual(lateAfterMidnight);
    expect(schedule(received, 'kathmandu-23@example.com')).toEqual(lateAfterMidnight);
    for (const email of received.digests.keys()) expect(exactlyOnce(received, email)).toEqual({});
  });

  it('SES faults at the only due run: 5xx, throttling and a connection dropped before SES are sent once by the next run; a permanent rejection gives the day up', async () => {
    const run = '2026-11-17T18:00:00.000Z';
    const ktm = (name: string) => ({
      email: `${name}@example.com`,
      timeZone: 'Asia/Kathmandu',
      sendAt: '23:00',
    });
    const received = await sweep({
      subscribers: [
        ktm('failing'),
        ktm('throttled'),
        ktm('throttled-once'),
        ktm('dropped-before'),
        ktm('rejected'),
      ],
      from: '2026-11-16T12:00:00Z',
      to: '2026-11-19T00:00:00Z',
      faults: [
        { email: 'failing@example.com', run, fault: faults.sesInternalFailure() },
        { email: 'throttled@example.com', run, fault: faults.sesThrottling() },
        { email: 'throttled-once@example.com', run, fault: faults.sesThrottling(), times: 1 },
        { email: 'dropped-before@example.com', run, fault: faults.dropBeforeForwarding() },
        { email: 'rejected@example.com', run, fault: messageRejected },
      ],
    });

    const caughtUp = [
      ['Mon 16 Nov', '2026-11-16T18'],
      ['Tue 17 Nov', '2026-11-17T19'],
      ['Wed 18 Nov', '2026-11-18T18'],
    ];
    expect(schedule(received, 'failing@example.com')).toEqual(caughtUp);
    expect(schedule(received, 'throttled@example.com')).toEqual(caughtUp);
    expect(schedule(received, 'dropped-before@example.com')).toEqual(caughtUp);
    // Retried within the run, with backoff: on time.
    expect(schedule(received, 'throttled-once@example.com')).toEqual([
      ['Mon 16 Nov', '2026-11-16T18'],
      ['Tue 17 Nov', '2026-11-17T18'],
      ['Wed 18 Nov', '2026-11-18T18'],
    ]);
    // Refused for good: that day is given up, and the next day's digest carries its summaries.
    expect(schedule(received, 'rejected@example.com')).toEqual([
      ['Mon 16 Nov', '2026-11-16T18'],
      ['Wed 18 Nov', '2026-11-18T18'],
    ]);
    for (const email of received.digests.keys()) expect(exactlyOnce(received, email)).toEqual({});
    expect(proxy.injected('drop-before-forwarding')).toBe(1);
  });

  it('ambiguous sends (dropped after SES accepted): each is sent again by the next run, named for the same day, so one duplicate per ambiguous send and the next day repeats nothing', async () => {
    const ktm = (name: string) => ({
      email: `${name}@example.com`,
      timeZone: 'Asia/Kathmandu',
      sendAt: '23:00',
    });
    const dropped = (email: string, run: string) => ({ email, run, fault: faults.dropAfterForwarding() });
    const received = await sweep({
      subscribers: [
        ktm('once'),
        ktm('twice'),
        { email: 'utc-23@example.com', timeZone: 'UTC', sendAt: '23:00' },
        { email: 'london-07@example.com', timeZone: 'Europe/London', sendAt: '07:00' },
      ],
      from: '2026-11-16T12:00:00Z',
      to: '2026-11-19T00:00:00Z',
      faults: [
        dropped('once@example.com', '2026-11-17T18:00:00.000Z'),
        dropped('twice@example.com', '2026-11-17T18:00:00.000Z'),
        dropped('twice@example.com', '2026-11-17T19:00:00.000Z'),
        dropped('utc-23@example.com', '2026-11-17T23:00:00.000Z'),
        dropped('london-07@example.com', '2026-11-17T07:00:00.000Z'),
      ],
      // Lambda retries the ambiguous run a minute later: the kept claim stops a second copy within the lease.
      extra: [{ time: '2026-11-17T18:00:00.000Z', at: '2026-11-17T18:01:00.000Z' }],
    });

    expect(schedule(received, 'once@example.com')).toEqual([
      ['Mon 16 Nov', '2026-11-16T18'],
      ['Tue 17 Nov', '2026-11-17T18'],
      ['Tue 17 Nov', '2026-11-17T19'],
      ['Wed 18 Nov', '2026-11-18T18'],
    ]);
    expect(schedule(received, 'twice@example.com')).toEqual([
      ['Mon 16 Nov', '2026-11-16T18'],
      ['Tue 17 Nov', '2026-11-17T18'],
      ['Tue 17 Nov', '2026-11-17T19'],
      ['Tue 17 Nov', '2026-11-17T20'],
      ['Wed 18 Nov', '2026-11-18T18'],
    ]);
    expect(schedule(received, 'utc-23@example.com')).toEqual([
      ['Mon 16 Nov', '2026-11-16T23'],
      ['Tue 17 Nov', '2026-11-17T23'],
      ['Tue 17 Nov', '2026-11-18T00'],
      ['Wed 18 Nov', '2026-11-18T23'],
    ]);
    // A new subscriber whose send time has passed gets that day's digest at the first run.
    expect(schedule(received, 'london-07@example.com')).toEqual([
      ['Mon 16 Nov', '2026-11-16T12'],
      ['Tue 17 Nov', '2026-11-17T07'],
      ['Tue 17 Nov', '2026-11-17T08'],
      ['Wed 18 Nov', '2026-11-18T07'],
    ]);
    // The duplicates are the unrecorded digest's summaries, received again an hour later; never a day later.
    const tuesday = (email: string) =>
      (received.digests.get(email) ?? []).filter((d) => d.day === 'Tue 17 Nov').map((d) => d.items);
    const [first = [], again = []] = tuesday('once@example.com');
    expect(first.length).toBeGreaterThan(0);
    expect(Object.values(exactlyOnce(received, 'once@example.com'))).toEqual(first.map(() => 2));
    expect(again).toEqual(expect.arrayContaining(first));
    const twice = exactlyOnce(received, 'twice@example.com');
    expect(Math.max(...Object.values(twice))).toBe(3);
    for (const email of [
      'once@example.com',
      'twice@example.com',
      'utc-23@example.com',
      'london-07@example.com',
    ]) {
      const wednesday = received.digests.get(email)?.find((d) => d.day === 'Wed 18 Nov');
      const earlier = new Set(
        (received.digests.get(email) ?? []).filter((d) => d.day !== 'Wed 18 Nov').flatMap((d) => d.items),
      );
      expect(wednesday?.items.filter((code) => earlier.has(code))).toEqual([]);
    }
  });

  it('an outage of a whole day skips that day (its summaries come the next day); one of more than 7 days never sends what is older', async () => {
    const day = await sweep({
      subscribers: [
        { email: 'kathmandu-23@example.com', timeZone: 'Asia/Kathmandu', sendAt: '23:00' },
        { email: 'london-07@example.com', timeZone: 'Europe/London', sendAt: '07:00' },
      ],
      from: '2026-11-16T12:00:00Z',
      to: '2026-11-20T00:00:00Z',
      // Every run from Kathmandu's Tue 17 send time to its Wed 18 send time.
      missed: hourly('2026-11-17T18:00:00Z', '2026-11-18T18:00:00Z'),
    });
    const week = await sweep({
      subscribers: [{ email: 'kathmandu-23@example.com', timeZone: 'Asia/Kathmandu', sendAt: '23:00' }],
      from: '2026-11-01T12:00:00Z',
      to: '2026-11-12T00:00:00Z',
      missed: hourly('2026-11-02T18:00:00Z', '2026-11-10T18:00:00Z'),
    });

    expect(schedule(day, 'kathmandu-23@example.com')).toEqual([
      ['Mon 16 Nov', '2026-11-16T18'],
      ['Wed 18 Nov', '2026-11-18T18'],
      ['Thu 19 Nov', '2026-11-19T18'],
    ]);
    // London's Wed 18 span starts at 07:00Z: its runs resume within it, so no day is skipped.
    expect(schedule(day, 'london-07@example.com')).toEqual([
      ['Mon 16 Nov', '2026-11-16T12'],
      ['Tue 17 Nov', '2026-11-17T07'],
      ['Wed 18 Nov', '2026-11-18T18'],
      ['Thu 19 Nov', '2026-11-19T07'],
    ]);
    for (const email of day.digests.keys()) expect(exactlyOnce(day, email)).toEqual({});
    expect(schedule(week, 'kathmandu-23@example.com')).toEqual([
      ['Sun 1 Nov', '2026-11-01T18'],
      ['Tue 10 Nov', '2026-11-10T18'],
      ['Wed 11 Nov', '2026-11-11T18'],
    ]);
    // The window reaches back 7 days: what was stored in the two days before that is never sent.
    const neverSent = week.summaries
      .filter(({ storedAt }) => storedAt >= new Date('2026-11-01T18:00:00Z'))
      .filter(({ storedAt }) => storedAt < new Date('2026-11-03T18:00:00Z'))
      .map(({ code }) => code);
    expect(neverSent.length).toBeGreaterThan(0);
    expect(exactlyOnce(week, 'kathmandu-23@example.com')).toEqual(
      Object.fromEntries(neverSent.map((code) => [code, 0])),
    );
  });

  it('a ledger write that fails after SES accepted is one ambiguous send: one duplicate, from the next run, named for the same day', async () => {
    const received = await sweep({
      subscribers: [
        { email: 'kathmandu-23@example.com', timeZone: 'Asia/Kathmandu', sendAt: '23:00' },
        { email: 'london-07@example.com', timeZone: 'Europe/London', sendAt: '07:00' },
      ],
      from: '2026-11-16T12:00:00Z',
      to: '2026-11-19T00:00:00Z',
      failedLedgerWrites: [
        { email: 'kathmandu-23@example.com', run: '2026-11-17T18:00:00.000Z' },
        { email: 'london-07@example.com', run: '2026-11-17T07:00:00.000Z' },
      ],
    });

    expect(schedule(received, 'kathmandu-23@example.com')).toEqual([
      ['Mon 16 Nov', '2026-11-16T18'],
      ['Tue 17 Nov', '2026-11-17T18'],
      ['Tue 17 Nov', '2026-11-17T19'],
      ['Wed 18 Nov', '2026-11-18T18'],
    ]);
    expect(schedule(received, 'london-07@example.com')).toEqual([
      ['Mon 16 Nov', '2026-11-16T12'],
      ['Tue 17 Nov', '2026-11-17T07'],
      ['Tue 17 Nov', '2026-11-17T08'],
      ['Wed 18 Nov', '2026-11-18T07'],
    ]);
    for (const email of received.digests.keys()) {
      expect(Math.max(...Object.values(receipts(received, email)))).toBe(2);
    }
  });

  it('retried, replayed and overlapping runs send nothing twice', async () => {
    const received = await sweep({
      subscribers: [
        { email: 'kathmandu-23@example.com', timeZone: 'Asia/Kathmandu', sendAt: '23:00' },
        { email: 'london-07@example.com', timeZone: 'Europe/London', sendAt: '07:00' },
      ],
      from: '2026-11-16T00:00:00Z',
      to: '2026-11-19T00:00:00Z',
      twice: ['2026-11-17T18:00:00.000Z', '2026-11-17T07:00:00.000Z'],
      missed: ['2026-11-18T18:00:00.000Z'],
      extra: [
        // Lambda's retries of the same event, one and two minutes later.
        { time: '2026-11-17T18:00:00.000Z', at: '2026-11-17T18:01:00.000Z' },
        { time: '2026-11-17T18:00:00.000Z', at: '2026-11-17T18:03:00.000Z' },
        // A redrive of an old event, hours after later runs sent.
        { time: '2026-11-17T07:00:00.000Z', at: '2026-11-17T15:00:00.000Z' },
        // The missed only-due run replayed after the next run already caught it up.
        { time: '2026-11-18T18:00:00.000Z', at: '2026-11-18T20:10:00.000Z' },
      ],
    });

    expect(schedule(received, 'kathmandu-23@example.com')).toEqual([
      ['Mon 16 Nov', '2026-11-16T18'],
      ['Tue 17 Nov', '2026-11-17T18'],
      ['Wed 18 Nov', '2026-11-18T19'],
    ]);
    expect(schedule(received, 'london-07@example.com')).toEqual([
      ['Mon 16 Nov', '2026-11-16T07'],
      ['Tue 17 Nov', '2026-11-17T07'],
      ['Wed 18 Nov', '2026-11-18T07'],
    ]);
    for (const email of received.digests.keys()) expect(exactlyOnce(received, email)).toEqual({});
  });

  it('DST: a send hour inside the spring gap goes at the first run after it; a repeated hour sends once; a late hour catches up across a DST night', async () => {
    const spring = await sweep({
      subscribers: [
        { email: 'ny-02@example.com', timeZone: 'America/New_York', sendAt: '02:00' },
        { email: 'ny-23@example.com', timeZone: 'America/New_York', sendAt: '23:00' },
      ],
      from: '2026-03-07T00:00:00Z',
      to: '2026-03-10T06:00:00Z',
      // New York's 23:00 on Sat 7 Mar (04:00Z Sun) is its only due run that day: missed, the night the
      // clocks go forward.
      missed: ['2026-03-08T04:00:00.000Z'],
    });
    const london = await sweep({
      subscribers: [{ email: 'london-01@example.com', timeZone: 'Europe/London', sendAt: '01:00' }],
      from: '2026-10-24T00:00:00Z',
      to: '2026-10-27T00:00:00Z',
    });
    const newYork = await sweep({
      subscribers: [
        { email: 'ny-01@example.com', timeZone: 'America/New_York', sendAt: '01:00' },
        { email: 'ny-01-failed@example.com', timeZone: 'America/New_York', sendAt: '01:00' },
      ],
      from: '2026-10-31T04:00:00Z',
      to: '2026-11-03T00:00:00Z',
      faults: [
        // The first 01:00 of Sun 1 Nov (EDT, 05:00Z) fails for this one: the repeated 01:00 (EST) sends.
        {
          email: 'ny-01-failed@example.com',
          run: '2026-11-01T05:00:00.000Z',
          fault: faults.sesInternalFailure(),
        },
      ],
    });

    expect(schedule(spring, 'ny-02@example.com')).toEqual([
      ['Fri 6 Mar', '2026-03-07T00'], // a new subscriber past its send time (19:00 EST)
      ['Sat 7 Mar', '2026-03-07T07'],
      ['Sun 8 Mar', '2026-03-08T07'], // 02:00 never happens: the 03:00 EDT run
      ['Mon 9 Mar', '2026-03-09T06'],
    ]);
    expect(schedule(spring, 'ny-23@example.com')).toEqual([
      ['Fri 6 Mar', '2026-03-07T04'], // a new subscriber past its send time
      ['Sat 7 Mar', '2026-03-08T05'], // caught up at 01:00 EST on Sun 8 Mar
      ['Sun 8 Mar', '2026-03-09T03'], // 23:00 EDT
      ['Mon 9 Mar', '2026-03-10T03'],
    ]);
    // London falls back on Sun 25 Oct: the first 01:00 (BST, 00:00Z) sends, the repeated one (GMT) does not.
    expect(schedule(london, 'london-01@example.com')).toEqual([
      ['Sat 24 Oct', '2026-10-24T00'],
      ['Sun 25 Oct', '2026-10-25T00'],
      ['Mon 26 Oct', '2026-10-26T01'],
    ]);
    expect(schedule(newYork, 'ny-01@example.com')).toEqual([
      ['Sat 31 Oct', '2026-10-31T05'],
      ['Sun 1 Nov', '2026-11-01T05'],
      ['Mon 2 Nov', '2026-11-02T06'],
    ]);
    expect(schedule(newYork, 'ny-01-failed@example.com')).toEqual([
      ['Sat 31 Oct', '2026-10-31T05'],
      ['Sun 1 Nov', '2026-11-01T06'],
      ['Mon 2 Nov', '2026-11-02T06'],
    ]);
    for (const received of [spring, london, newYork]) {
      for (const email of received.digests.keys()) expect(exactlyOnce(received, email)).toEqual({});
    }
  });
});
