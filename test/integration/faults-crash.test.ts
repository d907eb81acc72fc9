/**
 * A Lambda sandbox killed with SIGKILL at any point: a child process (test/support/lambda-runner.ts) runs the
 * real summarize and digest entry points against the emulators in this process, and is killed after a
 * seeded random delay, or at the worst moment for the digest (SES has accepted a message, the ledger entry
 * is not written). Then what AWS would do next runs to completion in a fresh process: Lambda retries the
 * summarize events, and the next hourly digest run comes once the dead run's claims have expired.
 * Subscribers, their ledger and claims are in a digest table on dynalite, in this process. Every
 * upload ends with exactly one summary or failure record, and every subscriber with the day's digest: a
 * second copy only for the one the kill caught between SES accepting and the ledger write.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { S3Client } from '@aws-sdk/client-s3';
import type { S3Event } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeS3EventKey } from '../../src/bucket-layout.js';
import { createDynamoDbClient } from '../../src/aws/clients.js';
import { createDigestTable } from '../../src/aws/digest-table.js';
import { createDynamoDbSubscriberStore } from '../../src/aws/dynamodb-subscriber-store.js';
import { subscriberId } from '../../src/digest/subscribers.js';
import { startDynamoDbEmulator, type DynamoDbEmulator } from '../../src/local/dynamodb-emulator.js';
import {
  LOCAL_CREDENTIALS,
  LOCAL_REGION,
  sesEmulatorAccount,
  startS3Emulator,
  startSesEmulator,
  type S3Emulator,
  type SesEmulator,
  LOCAL_CLIENT_CREDENTIALS,
} from '../../src/local/emulators.js';
import {
  faults,
  seededRandom,
  sendEmailRecipient,
  startFaultProxy,
  type FaultProxy,
  type ProxiedRequest,
} from '../support/fault-proxy.js';
import { expectOneRecordPerUpload, putUploads } from '../support/fault-scenarios.js';
import { localDateIn, zoneAtEight } from '../support/time-zones.js';
import { setEnv } from '../../src/local/lambda-runtime.js';
import { emulatorS3Client } from '../support/s3-fixtures.js';
import { subscribersOf } from '../support/digest-memory.js';
import { copiesPerRecipient, expireClaims } from '../support/digest-stack.js';
import { hostileUpload, sampleUpload, type UploadSpec } from '../../scripts/upload-mix.js';

const BUCKET = 'faults-crash';
const RUNNER = resolve(__dirname, '../support/lambda-runner.ts');
const SEED = 1130;
const HOUR_MS = 60 * 60 * 1000;
const SUBSCRIBERS = ['ana', 'bo', 'cy', 'dee', 'eli', 'fay'].map((name) => `${name}@example.com`);
/**
 * Two child processes (each loading the handlers under tsx), six uploads and two digest runs: up to 15 s a
 * scenario on a busy two-core machine, and the wait for the kill line alone may take 30 s. Not a speed test.
 */
const SCENARIO = { timeout: 120_000 };

/**
 * Where the run is killed: once it has printed a progress line (mid-batch, or between the batch and the
 * digest), or at the n-th SendEmail, held at the proxy either before SES has it or after SES accepted it.
 */
type Kill =
  { after: 'line'; line: string; where: string } | { after: 'send'; nth: number; accepted: boolean };

interface RunnerProcess {
  child: ChildProcess;
  lines: string[];
  exit: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

describe('a summarize and digest process killed with SIGKILL, then run again', SCENARIO, () => {
  let s3Emulator: S3Emulator;
  let ses: SesEmulator;
  let dynamoDbEmulator: DynamoDbEmulator;
  let proxy: FaultProxy;
  let s3: S3Client;
  let dynamodb: DynamoDBClient;
  let scratch: string;
  let restoreEnv: () => void = () => undefined;
  const children = new Set<ChildProcess>();
  let killAtFault: ((request: ProxiedRequest) => void) | undefined;
  const events = new Map<string, S3Event>();

  beforeAll(async () => {
    s3Emulator = await startS3Emulator({ buckets: [BUCKET] });
    ses = await startSesEmulator();
    proxy = await startFaultProxy({ target: ses.endpoint });
    proxy.onFault((_, request) => killAtFault?.(request));
    s3Emulator.onObjectCreated((event) => {
      for (const record of event.Records)
        events.set(decodeS3EventKey(record.s3.object.key), { Records: [record] });
    });
    s3 = emulatorS3Client(s3Emulator.endpoint);
    dynamoDbEmulator = await startDynamoDbEmulator();
    dynamodb = createDynamoDbClient(
      { AWS_REGION: LOCAL_REGION, DYNAMODB_ENDPOINT: dynamoDbEmulator.endpoint },
      { credentials: LOCAL_CLIENT_CREDENTIALS },
    );
    scratch = await mkdtemp(join(tmpdir(), 'faults-crash-'));
    // The SES emulator (in this process) answers GetAccount from this process's environment.
    restoreEnv = setEnv({
      AWS_SES_ACCOUNT: sesEmulatorAccount({ productionAccess: true, maxSendRate: 20, max24HourSend: 50_000 }),
    });
  });
  afterAll(async () => {
    for (const child of children) child.kill('SIGKILL');
    restoreEnv();
    s3?.destroy();
    dynamodb?.destroy();
    await proxy?.close();
    await Promise.all([s3Emulator?.close(), ses?.close(), dynamoDbEmulator?.close()]);
    if (scratch) await rm(scratch, { recursive: true, force: true });
  });

  async function startRunner(
    name: string,
    steps: unknown[],
    env: Record<string, string>,
  ): Promise<RunnerProcess> {
    const plan = join(scratch, `${name}.json`);
    await writeFile(plan, JSON.stringify({ steps }));
    const child = spawn(process.execPath, ['--import', 'tsx', RUNNER, plan], {
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    children.add(child);
    const lines: string[] = [];
    let partial = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      const text = partial + chunk.toString();
      const complete = text.split('\n');
      partial = complete.pop() ?? '';
      lines.push(...complete);
    });
    let stderr = '';
    child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const exit = once(child, 'exit').then(([code, signal]) => {
      children.delete(child);
      if (code !== 0 && signal !== 'SIGKILL') throw new Error(`the runner exited with ${code}: ${stderr}`);
      return { code: code as number | null, signal: signal as NodeJS.Signals | null };
    });
    return { child, lines, exit };
  }

  async function uploadBatch(
    scenario: number,
  ): Promise<{ uploads: (UploadSpec & { key: string })[]; events: S3Event[] }> {
    const random = seededRandom(SEED + scenario);
    const specs = [
      ...Array.from({ length: 4 }, (_, i) => sampleUpload(i + scenario, `crash-${scenario}`)),
      hostileUpload('empty', 0, random, `crash-${scenario}`),
      hostileUpload('bad-json', 1, random, `crash-${scenario}`),
    ];
    const uploads = specs.map((spec) => ({ ...spec, key: `articles/${spec.name}` }));
    await putUploads(s3, BUCKET, uploads);
    return {
      uploads,
      events: uploads.map((u) => events.get(u.key)).filter((e): e is S3Event => e !== undefined),
    };
  }

  /** The status of each subscriber's entry for the day, as their profile's `latest` holds it. */
  async function ledgerStatuses(table: string, localDate: string): Promise<Map<string, string>> {
    const store = createDynamoDbSubscriberStore(dynamodb, table);
    const statuses = new Map<string, string>();
    for (const email of SUBSCRIBERS) {
      const latest = (await store.get(subscriberId(email)))?.latest as
        { localDate?: string; status?: string } | undefined;
      if (latest?.localDate === localDate) statuses.set(email, latest.status ?? '?');
    }
    return statuses;
  }

  const copies = async () => copiesPerRecipient(await ses.emails());

  const random = seededRandom(SEED);
  // The batch has six uploads (summarized 0-5): one kill at a seeded point inside it, one after it.
  const kills: Kill[] = [
    {
      after: 'line',
      line: `summarized ${Math.floor(random() * 4)}`,
      where: 'in the middle of a batch of uploads',
    },
    { after: 'line', line: 'summarized 5', where: 'after the batch of uploads, as the digest starts' },
    { after: 'send', nth: 2, accepted: false },
    { after: 'send', nth: 3, accepted: true },
  ];

  kills.forEach((kill, index) => {
    const scenario = index + 1;
    const when =
      kill.after === 'line'
        ? kill.where
        : kill.accepted
          ? `right after SES accepted its digest number ${kill.nth}, before the ledger write`
          : `while its digest number ${kill.nth} is on its way to SES`;
    it(`keeps every upload and every subscriber's day when the process is killed ${when}`, async () => {
      const prefix = `crash-${scenario}/`;
      const statePrefix = `${prefix}state/`;
      const table = `crash-${scenario}`;
      await createDigestTable(dynamodb, table);
      await ses.clear();
      const { uploads, events } = await uploadBatch(scenario);
      expect(events).toHaveLength(uploads.length);
      const start = new Date(Date.now() + 1000);
      const zone = zoneAtEight(start);
      const store = createDynamoDbSubscriberStore(dynamodb, table);
      const subscribers = subscribersOf({
        subscribers: SUBSCRIBERS.map((email) => ({ email, timeZone: zone, sendAt: '07:00' })),
      });
      for (const subscriber of subscribers) await store.put(subscriber, new Date(0));
      const env = {
        ...LOCAL_CREDENTIALS,
        AWS_REGION: LOCAL_REGION,
        BUCKET,
        S3_ENDPOINT: s3Emulator.endpoint,
        SES_ENDPOINT: proxy.url,
        DYNAMODB_ENDPOINT: dynamoDbEmulator.endpoint,
        DIGEST_TABLE: table,
        SENDER_EMAIL: 'digest@example.com',
        STATE_PREFIX: statePrefix,
        LINK_SIGNING_SECRET: 'crash-test-secret-0123456789-0123456789',
        UNSUBSCRIBE_URL: 'https://unsubscribe.example.com/',
        // One send in flight (deliver-all.ts): each digest's ledger write is done before the next SendEmail
        // starts, so a kill catches at most the one send it was aimed at between SES and the ledger, however
        // the sends' answers and writes interleave on a busy machine. At the account's 20/s five would be in
        // flight, and a kill could catch any of them after SES accepted.
        DIGEST_MAX_SEND_RATE: '4',
        POWERTOOLS_LOG_LEVEL: 'SILENT',
        POWERTOOLS_METRICS_DISABLED: 'true',
        AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
      };

      // The run that dies.
      const steps = [
        { handler: 'summarize', events },
        { handler: 'digest', time: start.toISOString() },
      ];
      const doomed = await startRunner(`${scenario}-killed`, steps, env);
      /** The recipient of the SendEmail the kill was aimed at. */
      let victim: string | undefined;
      if (kill.after === 'send') {
        const removeFault = proxy.add({
          name: 'kill point',
          match: (request) => sendEmailRecipient(request) !== undefined,
          nth: kill.nth,
          fault: faults.hang({ forward: kill.accepted }),
        });
        killAtFault = (request) => {
          victim = sendEmailRecipient(request);
          doomed.child.kill('SIGKILL');
        };
        await doomed.exit;
        removeFault();
        killAtFault = undefined;
      } else {
        // Killed before any digest goes out, however late this process notices the line: a SendEmail that
        // comes first is held at the proxy, never forwarded, until the kill.
        const holdSends = proxy.add({
          name: 'no send before the kill',
          match: (request) => sendEmailRecipient(request) !== undefined,
          fault: faults.hang(),
        });
        await expect
          .poll(() => doomed.lines.includes(kill.line), { timeout: 30_000, interval: 2 })
          .toBe(true);
        doomed.child.kill('SIGKILL');
        await doomed.exit;
        holdSends();
      }
      const killed = !doomed.lines.includes('done');
      const localDate = localDateIn(zone, start);
      // What the kill left behind: a subscriber SES has a message for but the ledger does not know about.
      const recorded = await ledgerStatuses(table, localDate);
      const unrecorded = Object.keys(await copies()).filter((to) => !recorded.has(to));

      // What comes next on AWS: Lambda retries the summarize events; the next hourly digest run finds the dead
      // run's claims expired.
      await expireClaims(dynamodb, table);
      // Lambda retries only the invocations that did not finish.
      const unfinished = events.filter((_, i) => !doomed.lines.includes(`summarized ${i}`));
      const nextSteps = [
        ...(unfinished.length > 0 ? [{ handler: 'summarize', events: unfinished }] : []),
        { handler: 'digest', time: new Date(start.getTime() + HOUR_MS).toISOString() },
      ];
      const next = await startRunner(`${scenario}-next`, nextSteps, env);
      const { code } = await next.exit;

      expect(code).toBe(0);
      expect(next.lines.filter((line) => line.startsWith('failed'))).toEqual([]);
      expect(killed).toBe(true);
      expect(unrecorded).toEqual(kill.after === 'send' && kill.accepted ? [victim] : []);
      await expectOneRecordPerUpload(s3, BUCKET, uploads);
      expect(Object.fromEntries(await ledgerStatuses(table, localDate))).toEqual(
        Object.fromEntries(SUBSCRIBERS.map((email) => [email, 'sent'])),
      );
      expect(await copies()).toEqual(
        Object.fromEntries(SUBSCRIBERS.map((email) => [email, unrecorded.includes(email) ? 2 : 1])),
      );
    });
  });
});
