/**
 * npm run load -- [--count 10000] [--concurrency 8] [--hostile-share 0.1] [--max-seconds 600] [--seed 1]
 *
 * Load on the local stack (`startLocalStack`, what `npm start` runs): `--count` uploads under `articles/`,
 * each summarized by the real `summarize` handler from its S3 notification, `--concurrency` uploads in flight
 * at a time (each worker uploads, waits for the handler to finish with its event, uploads the next). A share
 * of them (`--hostile-share`) is hostile or broken: empty, binary, bad JSON, huge markup, deep nesting,
 * unpunctuated text (scripts/upload-mix.ts). After `--max-seconds` it stops uploading and says so.
 *
 * Then it checks the invariant: every upload has exactly one summary or exactly one failure record, none
 * missing, none doubled. Progress goes to stderr every few seconds; the last line on stdout is the report:
 * {"uploads":N,"summaries":N,"failures":N,"missing":0,"doubled":0,"p50Ms":..,"p95Ms":..,"maxMs":..,"peakRssMb":..}
 * where latency is the handler's time for the upload's event (from the notification to the handler's
 * answer) and peak RSS is this process's, emulators included. Exit code 1 when the invariant does not hold.
 */
import { parseArgs } from 'node:util';
import { GetObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { decodeS3EventKey } from '../src/bucket-layout.js';
import { mapConcurrent } from '../src/concurrency.js';
import { listAll, parseJson } from '../src/aws/s3-objects.js';
import { startLocalStack } from '../src/local/local-stack.js';
import { seededRandom } from '../test/support/fault-proxy.js';
import { HOSTILE_KINDS, hostileUpload, sampleUpload, type UploadSpec } from './upload-mix.js';

const usage =
  'usage: npm run load -- [--count N] [--concurrency N] [--hostile-share 0..1] [--max-seconds N] [--seed N]';
const PROGRESS_EVERY_MS = 5_000;
/** A handler that has not answered by then (the summarize Lambda's timeout) is counted as missing. */
const HANDLER_TIMEOUT_MS = 60_000;

function options() {
  const { values } = parseArgs({
    options: {
      count: { type: 'string', default: '10000' },
      concurrency: { type: 'string', default: '8' },
      'hostile-share': { type: 'string', default: '0.1' },
      'max-seconds': { type: 'string', default: '600' },
      seed: { type: 'string', default: '1' },
      help: { type: 'boolean', default: false },
    },
  });
  const number = (name: keyof typeof values, check: (n: number) => boolean, what: string) => {
    const value = Number(values[name]);
    if (!check(value)) throw new UsageError(`--${name} must be ${what} (got ${String(values[name])})`);
    return value;
  };
  const whole = (n: number) => Number.isInteger(n) && n >= 1;
  return {
    help: values.help,
    count: number('count', whole, 'a whole number ≥ 1'),
    concurrency: number('concurrency', whole, 'a whole number ≥ 1'),
    hostileShare: number('hostile-share', (n) => n >= 0 && n <= 1, 'between 0 and 1'),
    maxSeconds: number('max-seconds', (n) => n > 0, 'a number of seconds > 0'),
    seed: number('seed', Number.isInteger, 'a whole number'),
  };
}

class UsageError extends Error {}

const progress = (started: number, line: string) =>
  process.stderr.write(`[${((performance.now() - started) / 1000).toFixed(0).padStart(4)} s] ${line}\n`);

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? 0;
}

const rssMb = () => Math.round(process.memoryUsage().rss / 1024 / 1024);

async function main(): Promise<number> {
  const opts = options();
  if (opts.help) {
    console.log(usage);
    return 0;
  }
  // One WARN line per failure record would flood stdout; errors (a handler that failed) still show.
  process.env.AWS_LAMBDA_LOG_LEVEL ??= 'ERROR';
  const random = seededRandom(opts.seed);
  const started = performance.now();

  const waiting = new Map<string, (done: boolean) => void>();
  const startedAt = new Map<string, number>();
  const latencies: number[] = [];
  const stack = await startLocalStack({
    quietLogs: true,
    onSummarized: (report) => {
      const at = performance.now();
      for (const outcome of report.outcomes) {
        const from = startedAt.get(outcome.key);
        if (from !== undefined) latencies.push(at - from);
        waiting.get(outcome.key)?.(true);
      }
    },
  });
  // Registered after the stack's own listener, which has just invoked the handler with the same event.
  stack.s3.onObjectCreated((event) => {
    const at = performance.now();
    for (const record of event.Records) startedAt.set(decodeS3EventKey(record.s3.object.key), at);
  });

  const uploaded: string[] = [];
  let timedOut = 0;
  let stoppedEarly = false;
  let next = 0;
  const deadline = started + opts.maxSeconds * 1000;
  const nextUpload = (): UploadSpec | undefined => {
    if (next >= opts.count) return undefined;
    if (performance.now() >= deadline) {
      stoppedEarly = true;
      return undefined;
    }
    const index = next++;
    if (random() < opts.hostileShare) {
      const kind = HOSTILE_KINDS[Math.floor(random() * HOSTILE_KINDS.length)] ?? 'empty';
      return hostileUpload(kind, index, random, 'load');
    }
    return sampleUpload(index, 'load');
  };
  const worker = async () => {
    for (let spec = nextUpload(); spec; spec = nextUpload()) {
      const key = `articles/${spec.name}`;
      const handled = new Promise<boolean>((resolve) => {
        waiting.set(key, resolve);
        setTimeout(() => resolve(false), HANDLER_TIMEOUT_MS).unref();
      });
      await stack.client.send(
        new PutObjectCommand({
          Bucket: stack.bucket,
          Key: key,
          Body: spec.body,
          ContentType: spec.contentType,
        }),
      );
      uploaded.push(key);
      if (!(await handled)) timedOut++;
      waiting.delete(key);
    }
  };

  progress(
    started,
    `uploading ${opts.count} articles, ${opts.concurrency} at a time, ${opts.hostileShare * 100}% hostile`,
  );
  let lastCount = 0;
  const ticker = setInterval(() => {
    const rate = ((uploaded.length - lastCount) * 1000) / PROGRESS_EVERY_MS;
    lastCount = uploaded.length;
    const sorted = [...latencies].sort((a, b) => a - b);
    progress(
      started,
      `${uploaded.length}/${opts.count} uploaded, ${latencies.length} handled, ${rate.toFixed(1)}/s, ` +
        `p50 ${percentile(sorted, 50).toFixed(0)} ms, p95 ${percentile(sorted, 95).toFixed(0)} ms, rss ${rssMb()} MB`,
    );
  }, PROGRESS_EVERY_MS);
  try {
    await Promise.all(Array.from({ length: opts.concurrency }, worker));
    clearInterval(ticker);
    await stack.settled();
    if (stoppedEarly) {
      progress(
        started,
        `stopped uploading after --max-seconds ${opts.maxSeconds}: ${uploaded.length} of ${opts.count} uploaded`,
      );
    }
    if (timedOut > 0) progress(started, `${timedOut} uploads got no answer from the handler within 60 s`);

    progress(started, `checking: one summary or one failure record per upload (${uploaded.length} uploads)`);
    const sourceKeys = async (prefix: string) => {
      const objects = await listAll(stack.client, stack.bucket, prefix);
      return mapConcurrent(objects, 16, async ({ Key }) => {
        const object = await stack.client.send(new GetObjectCommand({ Bucket: stack.bucket, Key }));
        const body = parseJson((await object.Body?.transformToString()) ?? '') as {
          source?: { key?: string };
        };
        return body.source?.key ?? `(unreadable: ${Key})`;
      });
    };
    const summaries = await sourceKeys('summaries/');
    const failures = await sourceKeys('failures/');
    const records = new Map<string, number>();
    for (const key of [...summaries, ...failures]) records.set(key, (records.get(key) ?? 0) + 1);
    const missing = uploaded.filter((key) => !records.has(key)).length;
    const doubled = uploaded.reduce((extra, key) => extra + Math.max(0, (records.get(key) ?? 0) - 1), 0);
    const known = new Set(uploaded);
    const stray = [...records.keys()].filter((key) => !known.has(key)).length;
    const sorted = [...latencies].sort((a, b) => a - b);
    const report = {
      uploads: uploaded.length,
      summaries: summaries.length,
      failures: failures.length,
      missing,
      doubled,
      p50Ms: Math.round(percentile(sorted, 50)),
      p95Ms: Math.round(percentile(sorted, 95)),
      maxMs: Math.round(sorted.at(-1) ?? 0),
      peakRssMb: Math.round(process.resourceUsage().maxRSS / 1024),
    };
    const holds =
      missing === 0 && doubled === 0 && stray === 0 && report.uploads === report.summaries + report.failures;
    progress(
      started,
      holds
        ? `invariant holds: ${report.uploads} uploads = ${report.summaries} summaries + ${report.failures} failure records`
        : `INVARIANT BROKEN: ${missing} missing, ${doubled} doubled, ${stray} records of unknown uploads`,
    );
    console.log(JSON.stringify(report));
    return holds ? 0 : 1;
  } finally {
    clearInterval(ticker);
    await stack.close();
  }
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    console.error(error instanceof UsageError ? `${error.message}\n${usage}` : error);
    process.exitCode = error instanceof UsageError ? 2 : 1;
  },
);
