/**
 * npm run subscribers -- add|remove|list|import|migrate-from-bucket ... : manage the digest's subscribers in
 * the stage's table.
 * Run with --help for the commands, how the store is chosen and the exit status.
 */
import { readFile, stat } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { DynamoDBServiceException, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { S3ServiceException } from '@aws-sdk/client-s3';
import { createDynamoDbClient, createS3Client } from '../src/aws/clients.js';
import { ConfigError, loadSubscriberDefaults } from '../src/config.js';
import {
  createDynamoDbSubscriberStore,
  InvalidStoredItemError,
  type DynamoDbSubscriberStore,
} from '../src/aws/dynamodb-subscriber-store.js';
import { createS3SubscribersBucket, SubscribersDocumentError } from '../src/aws/s3-bucket-subscribers.js';
import {
  sendAtFromHour,
  subscriberId,
  type Subscriber,
  type SubscriberDefaults,
} from '../src/digest/subscribers.js';
import { LOCAL_CLIENT_CREDENTIALS } from '../src/local/emulators.js';
import { silenceSdkNodeVersionNotice } from '../src/local/lambda-runtime.js';
import { readStackFile, StackFileError, STACK_FILE } from '../src/local/stack-file.js';
import {
  addSubscriber,
  CSV_COLUMNS,
  ImportFileError,
  importFormatOf,
  importSubscribers,
  MAX_IMPORT_BYTES,
  parseImportFile,
} from '../src/use-cases/manage-subscribers/import-subscribers.js';
import {
  migrateFromBucket,
  NoSubscribersDocumentError,
} from '../src/use-cases/manage-subscribers/migrate-from-bucket.js';

const SERVICE = 'article-digest';
const DEFAULT_SUBSCRIBERS_KEY = 'config/subscribers.json';
const DEFAULT_STATE_PREFIX = 'state/';
/** A progress line on stderr every this many subscribers migrated. */
const PROGRESS_EVERY = 100;
/** serverless.yml names the table `${self:service}-${sls:stage}-digest`. */
const tableForStage = (stage: string) => `${SERVICE}-${stage}-digest`;

const help = `usage: npm run subscribers -- COMMAND [--local | --stage NAME] [options]

Commands:
  add EMAIL [--time-zone ZONE] [--send-at HH:00] [--topics a,b] [--keywords x,y]
      [--frequency daily|weekly] [--weekday mon..sun]
      Adds a subscriber, or updates one (options not given keep their current values), or
      re-subscribes one who unsubscribed. New subscribers get DIGEST_TIME_ZONE (default UTC) and
      DIGEST_SEND_HOUR (default 7) unless given; --topics '' clears the topics. A weekly digest
      (--frequency weekly) needs --weekday: it goes out on that local weekday at the send hour.
  remove EMAIL
      Unsubscribes them, as their unsubscribe link does (their digest history is kept).
  list
      Prints every subscriber: address, time zone, send hour (and "weekly DAY" for a weekly digest), status, topics, keywords.
  import FILE.csv | FILE.json
      Adds and updates the subscribers a file lists (at most ${MAX_IMPORT_BYTES / 1024 / 1024} MB). CSV: a header
      row naming the columns (${CSV_COLUMNS.join(',')}; only email is required), topics and keywords
      separated by ";" inside their field, fields with commas in double quotes. JSON: the old
      {"subscribers": [...]} document. For someone already stored, an empty field or a missing column
      keeps their value; new subscribers get the defaults. Subscribers already as the file says are
      not rewritten, so importing a file again changes nothing; anyone who unsubscribed is
      left unsubscribed (use add to re-subscribe them). Each rejected line is printed with its reason.
  migrate-from-bucket --bucket BUCKET [--subscribers-key ${DEFAULT_SUBSCRIBERS_KEY}] [--state-prefix ${DEFAULT_STATE_PREFIX}] [--dry-run]
      Once, when a deployment moves to the table: brings over the subscribers document of versions
      before it, with each subscriber's newest ledger day from STATE_PREFIXledger/ (so the first run
      after the switch neither sends that day again nor loses the window) and the unsubscriptions under
      STATE_PREFIXunsubscribed/ (nobody who left comes back). --bucket is required: a stage's bucket is
      ${SERVICE}-STAGE-ACCOUNT-REGION (the stack's BucketName output), and the account would take an
      STS call. Entries without their own zone or hour get DIGEST_TIME_ZONE and DIGEST_SEND_HOUR: set
      them to the stage's timeZone and digestSendHour. Running it again changes nothing already migrated
      (reported as unchanged); --dry-run reads everything and writes nothing. Progress goes to stderr.
      S3_ENDPOINT points at an S3-compatible endpoint instead of AWS.

Which table:
  --local        the running local stack (npm start), from ${STACK_FILE}
  --stage NAME   the deployed stage's table, ${tableForStage('NAME')}
  otherwise      DIGEST_TABLE from the environment
  Credentials and region come from the usual AWS environment (AWS_PROFILE, AWS_REGION, ...);
  DYNAMODB_ENDPOINT points at a DynamoDB-compatible endpoint instead of AWS.

Output: a line per subscriber or rejected line, a summary line, and last one JSON line.
Exit status: 0 done; 1 an entry or any import line was rejected, an unknown address was removed,
or the store failed; 2 the command line is wrong.`;

class UsageError extends Error {
  override readonly name = 'UsageError';
}

interface Store {
  store: DynamoDbSubscriberStore;
  client: DynamoDBClient;
  table: string;
  where: string;
  region: string;
  credentials: { accessKeyId: string; secretAccessKey: string } | undefined;
}

async function openStore(local: boolean, stage: string | undefined): Promise<Store> {
  if (local && stage !== undefined)
    throw new UsageError('--local and --stage name two different stores: give one');
  const env = process.env;
  let table: string | undefined;
  let endpoint = env.DYNAMODB_ENDPOINT;
  let region = env.AWS_REGION ?? env.AWS_DEFAULT_REGION;
  let credentials;
  if (local) {
    const stack = await readStackFile();
    ({ DIGEST_TABLE: table, DYNAMODB_ENDPOINT: endpoint, AWS_REGION: region } = stack);
    // The local stack's fake credentials: a local run must never pick up real ones.
    credentials = LOCAL_CLIENT_CREDENTIALS;
  } else if (stage !== undefined) {
    if (!/^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?$/.test(stage)) {
      throw new UsageError(
        `--stage ${JSON.stringify(stage)} is not a stage name (lowercase letters, digits, hyphens)`,
      );
    }
    table = tableForStage(stage);
  } else {
    table = env.DIGEST_TABLE;
  }
  if (table === undefined || table === '') {
    throw new UsageError('no table: give --local or --stage NAME, or set DIGEST_TABLE');
  }
  if (region === undefined || region === '') {
    throw new UsageError('no region: set AWS_REGION (e.g. AWS_REGION=eu-west-1)');
  }
  const client = createDynamoDbClient(
    { AWS_REGION: region, DYNAMODB_ENDPOINT: endpoint },
    credentials === undefined ? {} : { credentials },
  );
  const store = createDynamoDbSubscriberStore(client, table, {
    onInvalidItem: (error) => console.error(`broken item ${error.message}`),
  });
  return { store, client, table, where: `table ${table} (${endpoint ?? region})`, region, credentials };
}

/** DIGEST_TIME_ZONE and DIGEST_SEND_HOUR, validated as the subscribe function validates them. */
function defaultsFromEnv(): SubscriberDefaults {
  try {
    const { DIGEST_TIME_ZONE, DIGEST_SEND_HOUR } = loadSubscriberDefaults();
    return { timeZone: DIGEST_TIME_ZONE, sendAt: sendAtFromHour(DIGEST_SEND_HOUR) };
  } catch (error: unknown) {
    if (error instanceof ConfigError)
      throw new UsageError(`${error.message} Unset, they default to UTC and 7.`);
    throw error;
  }
}

const list = (value: string | undefined) =>
  value === undefined
    ? undefined
    : value
        .split(',')
        .map((part) => part.trim())
        .filter(Boolean);

/** Exactly one positional argument after the command. */
function single(positionals: string[], what: string): string {
  if (positionals.length !== 1 || positionals[0] === undefined)
    throw new UsageError(`give exactly one ${what}`);
  return positionals[0];
}

/** "07:00" for a daily digest, "07:00 weekly fri" for a weekly one. */
function cadence(s: Subscriber): string {
  return s.frequency === 'weekly' ? `${s.sendAt} weekly ${s.weekday ?? '?'}` : s.sendAt;
}

const OPTIONS = {
  local: { type: 'boolean', default: false },
  stage: { type: 'string' },
  'time-zone': { type: 'string' },
  'send-at': { type: 'string' },
  topics: { type: 'string' },
  keywords: { type: 'string' },
  frequency: { type: 'string' },
  weekday: { type: 'string' },
  bucket: { type: 'string' },
  'subscribers-key': { type: 'string', default: DEFAULT_SUBSCRIBERS_KEY },
  'state-prefix': { type: 'string', default: DEFAULT_STATE_PREFIX },
  'dry-run': { type: 'boolean', default: false },
  help: { type: 'boolean', short: 'h', default: false },
} as const;

async function main(argv: string[]): Promise<number> {
  silenceSdkNodeVersionNotice();
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: OPTIONS,
  });
  const [command, ...rest] = positionals;
  if (values.help || command === undefined) {
    console.log(help);
    return values.help ? 0 : 2;
  }
  const profileOptions = ['time-zone', 'send-at', 'topics', 'keywords', 'frequency', 'weekday'] as const;
  if (command !== 'add' && profileOptions.some((name) => values[name] !== undefined)) {
    throw new UsageError(`--${profileOptions.join(', --')} go with add only`);
  }
  const migrationOptions = ['bucket', 'dry-run'] as const;
  if (
    command !== 'migrate-from-bucket' &&
    (migrationOptions.some((name) => values[name] !== undefined && values[name] !== false) ||
      values['subscribers-key'] !== DEFAULT_SUBSCRIBERS_KEY ||
      values['state-prefix'] !== DEFAULT_STATE_PREFIX)
  ) {
    throw new UsageError(
      '--bucket, --subscribers-key, --state-prefix and --dry-run go with migrate-from-bucket only',
    );
  }
  const run = async (fn: (store: Store) => Promise<number>) => {
    const store = await openStore(values.local, values.stage);
    try {
      return await fn(store);
    } finally {
      store.client.destroy();
    }
  };
  const now = new Date();
  switch (command) {
    case 'add': {
      const email = single(rest, 'EMAIL');
      const defaults = defaultsFromEnv();
      const entry = {
        email,
        ...(values['time-zone'] !== undefined && { timeZone: values['time-zone'] }),
        ...(values['send-at'] !== undefined && { sendAt: values['send-at'] }),
        ...(values.topics !== undefined && { topics: list(values.topics) }),
        ...(values.keywords !== undefined && { keywords: list(values.keywords) }),
        ...(values.frequency !== undefined && { frequency: values.frequency }),
        ...(values.weekday !== undefined && { weekday: values.weekday }),
      };
      return run(async ({ store, where }) => {
        const result = await addSubscriber(store, entry, defaults, now);
        if ('reason' in result) {
          console.log(`${email}: rejected: ${result.reason}`);
          console.log(JSON.stringify({ outcome: 'rejected', reason: result.reason }));
          return 1;
        }
        const s = result.subscriber;
        console.log(`${result.outcome} ${s.email} (${s.timeZone}, ${cadence(s)}) in ${where}`);
        console.log(JSON.stringify({ outcome: result.outcome, id: s.id }));
        return 0;
      });
    }
    case 'remove': {
      const email = single(rest, 'EMAIL');
      return run(async ({ store, where }) => {
        const id = subscriberId(email);
        const removed = await store.remove(id, now);
        const known = removed || (await store.get(id)) !== undefined;
        console.log(
          removed
            ? `unsubscribed ${email} in ${where}`
            : known
              ? `${email} was already unsubscribed`
              : `${email} is not a subscriber in ${where}: check the address`,
        );
        console.log(JSON.stringify({ removed, known }));
        return known ? 0 : 1;
      });
    }
    case 'list': {
      if (rest.length > 0) throw new UsageError('list takes no arguments');
      return run(async ({ store, where }) => {
        const counts = { subscribed: 0, unsubscribed: 0 };
        for await (const page of store.list()) {
          for (const { subscriber: s, unsubscribedAt } of page) {
            const status = unsubscribedAt === undefined ? 'subscribed' : `unsubscribed ${unsubscribedAt}`;
            counts[unsubscribedAt === undefined ? 'subscribed' : 'unsubscribed']++;
            console.log(
              [s.email, s.timeZone, cadence(s), status, s.topics.join(';'), s.keywords.join(';')].join('\t'),
            );
          }
        }
        console.log(`${counts.subscribed} subscribed, ${counts.unsubscribed} unsubscribed in ${where}`);
        console.log(JSON.stringify(counts));
        return 0;
      });
    }
    case 'import': {
      const path = single(rest, 'FILE');
      const format = importFormatOf(path);
      const size = (await stat(path)).size;
      if (size > MAX_IMPORT_BYTES) {
        throw new ImportFileError(
          `${path} is ${size} bytes, more than the ${MAX_IMPORT_BYTES} an import reads: split it into smaller files`,
        );
      }
      const file = parseImportFile(await readFile(path, 'utf8'), format);
      const defaults = defaultsFromEnv();
      return run(async ({ store, where }) => {
        const report = await importSubscribers(store, file, defaults, now);
        for (const { location, reason } of report.skipped) console.log(`${location}: skipped: ${reason}`);
        for (const { location, reason } of report.rejected) console.log(`${location}: rejected: ${reason}`);
        console.log(
          `imported ${path} into ${where}: ${report.added} added, ${report.updated} updated, ` +
            `${report.unchanged} unchanged, ${report.skipped.length} skipped (unsubscribed), ` +
            `${report.rejected.length} rejected`,
        );
        console.log(
          JSON.stringify({
            added: report.added,
            updated: report.updated,
            unchanged: report.unchanged,
            skipped: report.skipped.length,
            rejected: report.rejected.length,
          }),
        );
        return report.rejected.length > 0 ? 1 : 0;
      });
    }
    case 'migrate-from-bucket': {
      if (rest.length > 0) throw new UsageError('migrate-from-bucket takes no arguments, only options');
      const bucketName = values.bucket;
      if (bucketName === undefined || bucketName === '') {
        throw new UsageError(
          `give --bucket: the stage's bucket, ${SERVICE}-STAGE-ACCOUNT-REGION (the stack's BucketName output)`,
        );
      }
      const statePrefix = values['state-prefix'];
      if (statePrefix !== '' && !statePrefix.endsWith('/')) {
        throw new UsageError(`--state-prefix ${JSON.stringify(statePrefix)} must end with "/" (e.g. state/)`);
      }
      const defaults = defaultsFromEnv();
      const dryRun = values['dry-run'];
      return run(async ({ store, where, region, credentials }) => {
        const s3 = createS3Client(
          { AWS_REGION: region, S3_ENDPOINT: process.env.S3_ENDPOINT || undefined },
          credentials === undefined ? {} : { credentials },
        );
        try {
          const bucket = createS3SubscribersBucket(s3, bucketName, values['subscribers-key'], statePrefix);
          console.error(`migrating ${bucket.documentLocation} into ${where}${dryRun ? ' (dry run)' : ''}`);
          const report = await migrateFromBucket(store, bucket, {
            defaults,
            at: now,
            dryRun,
            onProgress: (done, total) => {
              if (done % PROGRESS_EVERY === 0 || done === total)
                console.error(`${done}/${total} subscribers`);
            },
          });
          for (const { location, reason } of report.rejected) console.log(`${location}: rejected: ${reason}`);
          console.log(
            `${dryRun ? 'dry run, nothing written: would migrate' : 'migrated'} ${report.migrated} of ` +
              `${report.subscribers} subscribers into ${where}: ${report.unchanged} unchanged, ` +
              `${report.unsubscribed} unsubscribed, ${report.withLedger} with a ledger, ` +
              `${report.rejected.length} rejected; ${report.unsubscribedNotListed} unsubscribed ids ` +
              'the document does not list (nothing to do for them)',
          );
          console.log(
            JSON.stringify({
              subscribers: report.subscribers,
              migrated: report.migrated,
              unchanged: report.unchanged,
              unsubscribed: report.unsubscribed,
              withLedger: report.withLedger,
              rejected: report.rejected.length,
            }),
          );
          return report.rejected.length > 0 ? 1 : 0;
        } finally {
          s3.destroy();
        }
      });
    }
    default:
      throw new UsageError(
        `unknown command ${JSON.stringify(command)}: add, remove, list, import or migrate-from-bucket`,
      );
  }
}

/** What went wrong and what to do, without a stack trace for the failures an operator can fix. */
function explain(error: unknown): { message: string; code: number } {
  if (error instanceof UsageError)
    return { message: `${error.message}\n(npm run subscribers -- --help)`, code: 2 };
  if (
    error instanceof StackFileError ||
    error instanceof ImportFileError ||
    error instanceof InvalidStoredItemError ||
    error instanceof NoSubscribersDocumentError ||
    error instanceof SubscribersDocumentError
  ) {
    return { message: error.message, code: 1 };
  }
  if (error instanceof DynamoDBServiceException && error.name === 'ResourceNotFoundException') {
    return {
      message:
        `the table does not exist (${error.message}): deploy the stage first, or check --stage, ` +
        'DIGEST_TABLE and AWS_REGION',
      code: 1,
    };
  }
  if (
    error instanceof S3ServiceException &&
    (error.name === 'NoSuchBucket' || error.name === 'AccessDenied')
  ) {
    return {
      message: `cannot read the bucket (${error.name}: ${error.message}): check --bucket and AWS_REGION`,
      code: 1,
    };
  }
  if (error instanceof Error && error.name === 'CredentialsProviderError') {
    return {
      message: `no AWS credentials: set AWS_PROFILE or AWS_ACCESS_KEY_ID (${error.message})`,
      code: 1,
    };
  }
  const cause = error instanceof Error && 'code' in error ? String(error.code) : '';
  if (cause === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') {
    // "--timezone" for "--time-zone": the same letters without the dashes.
    const given = /'(--?[^']+)'/.exec((error as Error).message)?.[1] ?? '';
    const meant = Object.keys(OPTIONS).find((name) => name.replaceAll('-', '') === given.replaceAll('-', ''));
    const hint = meant ? `: did you mean --${meant}?` : '';
    return { message: `unknown option ${given}${hint}\n(npm run subscribers -- --help)`, code: 2 };
  }
  if (cause.startsWith('ERR_PARSE_ARGS')) {
    return { message: `${(error as Error).message}\n(npm run subscribers -- --help)`, code: 2 };
  }
  if (cause === 'ECONNREFUSED') {
    return {
      message:
        `cannot reach the DynamoDB or S3 endpoint (${String(error)}): is the local stack running? ` +
        'start it with npm start',
      code: 1,
    };
  }
  if (cause === 'ENOENT') return { message: (error as Error).message, code: 1 };
  return { message: error instanceof Error ? `${error.name}: ${error.message}` : String(error), code: 1 };
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    const { message, code } = explain(error);
    console.error(`subscribers: ${message}`);
    process.exitCode = code;
  },
);
