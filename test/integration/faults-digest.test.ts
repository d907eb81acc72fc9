/**
 * SES faults in the middle of a digest run, at the HTTP boundary: the production adapters and SES client
 * (`createSesClient`) talk to aws-ses-v2-local through a fault proxy that throttles (429), fails (5xx),
 * hangs, and drops connections before or after forwarding; subscribers, ledger and claims on dynalite. The
 * digest handler then runs again as Lambda's retry of the same scheduled event and as the next hourly runs,
 * faults off. What docs/digest.md promises
 * ("Exactly once per subscriber and local day"): nobody loses the local day, and a second copy goes only to
 * a subscriber whose send was ambiguous after SES had accepted it (dropped after forwarding, timed out).
 */
import type { SESv2Client } from '@aws-sdk/client-sesv2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSesClient } from '../../src/aws/clients.js';
import { createDigestHandler, digestDeps } from '../../src/handlers/digest-handler.js';
import { LOCAL_REGION, sesEmulatorAccount, LOCAL_CLIENT_CREDENTIALS } from '../../src/local/emulators.js';
import type { DigestReport } from '../../src/use-cases/run-digest/run-digest.js';
import {
  faults,
  sendEmailRecipient,
  startFaultProxy,
  type FaultProxy,
  type FaultRule,
} from '../support/fault-proxy.js';
import { localDateIn, zoneAtEight } from '../support/time-zones.js';
import { lambdaContext, setEnv } from '../../src/local/lambda-runtime.js';
import { copiesPerRecipient, startDigestStack, type DigestStack } from '../support/digest-stack.js';
import { buildSummary, summaryKey } from '../support/summary-fixtures.js';

const HOUR_MS = 60 * 60 * 1000;
const MINUTE_MS = 60 * 1000;
/** How long a hung SendEmail may hold the run before the test calls it stuck (the Lambda timeout is 300 s). */
const HUNG_RUN_DEADLINE_MS = 20_000;

const credentials = LOCAL_CLIENT_CREDENTIALS;

interface Scenario {
  /** Fault rules per recipient, active during the first run only. */
  faults: Record<string, Omit<FaultRule, 'name' | 'match'>>;
  clean: string[];
}

describe('the digest under SES faults mid-run, then the next runs with the faults off', () => {
  let stack: DigestStack;
  let proxy: FaultProxy;
  let ses: SESv2Client;
  let restoreAccount: () => void = () => undefined;
  let scenarios = 0;

  beforeAll(async () => {
    stack = await startDigestStack();
    proxy = await startFaultProxy({ target: stack.ses.endpoint, seed: 7 });
    ses = createSesClient({ AWS_REGION: LOCAL_REGION, SES_ENDPOINT: proxy.url }, { credentials });
    // The emulator answers GetAccount from this process's environment: production access, 50 sends/s.
    restoreAccount = setEnv({
      AWS_SES_ACCOUNT: sesEmulatorAccount({ productionAccess: true, maxSendRate: 50, max24HourSend: 50_000 }),
    });
    for (const title of ['Tram line approved', 'Harbour ferry goes electric', 'Library reopens']) {
      const story = buildSummary({ title });
      await stack.putSummary(story, summaryKey(story, new Date()));
    }
  });
  afterAll(async () => {
    restoreAccount();
    ses?.destroy();
    await proxy?.close();
    await stack?.close();
  });

  /** Runs the digest handler at hourly times, with a clock that moves with them (claims expire in it). */
  async function digestRuns(scenario: Scenario) {
    scenarios++;
    const prefix = `faults-${scenarios}/`;
    const recipients = [...Object.keys(scenario.faults), ...scenario.clean];
    await stack.ses.clear();
    await stack.freshTable();
    // Summaries are stored "now" (S3 LastModified, whole seconds): the first run starts after that second.
    const start = new Date(Date.now() + 2000);
    const zone = zoneAtEight(start);
    await stack.subscribe({
      subscribers: recipients.map((email) => ({ email, timeZone: zone, sendAt: '07:00' })),
    });
    let clock = start;
    const handler = createDigestHandler({
      ...digestDeps(
        stack.config({
          SES_ENDPOINT: proxy.url,
          STATE_PREFIX: `${prefix}state/`,
        }),
        { s3: stack.s3, ses, dynamodb: stack.dynamodb },
      ),
      clock: () => clock,
      // The run's own pacing and backoff; the SDK's retry delays stay real.
      sleep: async () => undefined,
    });
    const run = async (time: Date, at: Date = time) => {
      clock = at;
      return (await handler({ time: time.toISOString() }, lambdaContext('digest', 300_000))) as DigestReport;
    };

    const removers = Object.entries(scenario.faults).map(([email, rule]) =>
      proxy.add({ name: email, match: (request) => sendEmailRecipient(request) === email, ...rule }),
    );
    const firstRun = run(start);
    firstRun.catch(() => undefined);
    const first = await Promise.race([
      firstRun,
      new Promise<never>((_, reject) =>
        setTimeout(
          () =>
            reject(
              new Error(
                `The digest run was still waiting on a hung SendEmail after ${HUNG_RUN_DEADLINE_MS / 1000} s: the SES ` +
                  'client has no request timeout short enough to give up on it, so one hung connection holds the ' +
                  'whole run (and everyone after that subscriber) until Lambda kills it.',
              ),
            ),
          HUNG_RUN_DEADLINE_MS,
        ).unref(),
      ),
    ]);
    removers.forEach((remove) => remove());
    // Lambda retries the same scheduled event (here a minute later), then the next two hourly runs come.
    const retry = await run(start, new Date(start.getTime() + MINUTE_MS));
    const next = await run(new Date(start.getTime() + HOUR_MS));
    const last = await run(new Date(start.getTime() + 2 * HOUR_MS));

    const copies = {
      ...Object.fromEntries(recipients.map((r) => [r, 0])),
      ...copiesPerRecipient(await stack.ses.emails()),
    };
    const localDate = localDateIn(zone, start);
    // The day's status as the profile's `latest` holds it (what refuses a second digest), and as the DAY#
    // history item records it: the two agree.
    const ledger = Object.fromEntries(
      await Promise.all(
        recipients.map(async (r) => {
          const [latest, day] = await Promise.all([stack.latest(r), stack.dayEntry(r, localDate)]);
          const status = latest?.localDate === localDate ? latest.status : undefined;
          return [r, status === day?.status ? status : `latest ${status}, history ${day?.status}`] as const;
        }),
      ),
    );
    const failureCodes = Object.fromEntries(
      await Promise.all(
        recipients.map(async (r) => [r, (await stack.sendFailure(r, localDate))?.code] as const),
      ),
    );
    return { reports: { first, retry, next, last }, copies, ledger, failureCodes, recipients };
  }

  it('gives everyone the day once, and a second copy only to those whose send SES accepted but never confirmed', async () => {
    const result = await digestRuns({
      faults: {
        'throttled.once@example.com': { nth: 1, fault: faults.sesThrottling() },
        'throttled.throughout@example.com': { fault: faults.sesThrottling() },
        'failing.throughout@example.com': { fault: faults.sesInternalFailure() },
        'unavailable.once@example.com': { nth: 1, fault: faults.sesUnavailable() },
        'dropped.after@example.com': { fault: faults.dropAfterForwarding() },
        'dropped.before@example.com': { fault: faults.dropBeforeForwarding() },
      },
      clean: [
        'a@example.com',
        'b@example.com',
        'c@example.com',
        'd@example.org',
        'e@example.org',
        'f@example.net',
      ],
    });

    expect(proxy.injected()).toBeGreaterThan(0);
    expect(result.reports.first).toMatchObject({ due: 12, sent: 8, failed: 4 });
    // The run held everyone it owed for less than an hour: Lambda's retry of the same event finds nobody
    // due (whoever failed is still held), and the next hourly run sends them all: those SES answered with an
    // error, and the ambiguous ones, whose claims have expired by then.
    expect(result.reports.retry).toMatchObject({ due: 0, sent: 0 });
    expect(result.reports.next).toMatchObject({ due: 4, sent: 4, failed: 0 });
    expect(result.reports.last).toMatchObject({ due: 0, sent: 0 });
    expect(result.ledger).toEqual(Object.fromEntries(result.recipients.map((r) => [r, 'sent'])));
    expect(result.copies).toEqual({
      ...Object.fromEntries(result.recipients.map((r) => [r, 1])),
      'dropped.after@example.com': 2,
    });
    expect(result.failureCodes).toMatchObject({
      'throttled.throughout@example.com': 'TooManyRequestsException',
      'failing.throughout@example.com': 'InternalFailure',
      'dropped.after@example.com': 'SendOutcomeUnknown',
      'dropped.before@example.com': 'SendOutcomeUnknown',
      'a@example.com': undefined,
    });
  });

  it('gives up on a hung SendEmail as an ambiguous send: the run goes on, and the next hour sends it again', async () => {
    const result = await digestRuns({
      faults: {
        'hung.after@example.com': { fault: faults.hang({ forward: true }) },
        'hung.before@example.com': { fault: faults.hang() },
      },
      clean: ['g@example.com', 'h@example.com'],
    });

    expect(result.reports.first).toMatchObject({ due: 4, sent: 2, failed: 2 });
    expect(result.reports.retry).toMatchObject({ due: 0, sent: 0 });
    expect(result.reports.next).toMatchObject({ due: 2, sent: 2 });
    expect(result.ledger).toEqual(Object.fromEntries(result.recipients.map((r) => [r, 'sent'])));
    expect(result.copies).toEqual({
      'hung.after@example.com': 2,
      'hung.before@example.com': 1,
      'g@example.com': 1,
      'h@example.com': 1,
    });
    expect(result.failureCodes).toMatchObject({
      'hung.after@example.com': 'SendOutcomeUnknown',
      'hung.before@example.com': 'SendOutcomeUnknown',
    });
  });
});
