/**
 * The digest against real emulators: s3rver, aws-ses-v2-local and dynalite on random ports, production
 * adapters wired by `digestDeps`, fake credentials passed to the clients (process.env untouched). Each test
 * gets a fresh digest table (`useDigestStack` makes one before each test), so subscribers never leak.
 */
import {
  GetItemCommand,
  ScanCommand,
  UpdateItemCommand,
  type AttributeValue,
  type DynamoDBClient,
} from '@aws-sdk/client-dynamodb';
import { PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import type { SESv2Client } from '@aws-sdk/client-sesv2';
import { afterAll, beforeAll, beforeEach } from 'vitest';
import type { SQSClient } from '@aws-sdk/client-sqs';
import { createDigestTable, dayKey, failureKey, PROFILE_SK } from '../../src/aws/digest-table.js';
import { createDynamoDbSubscriberStore, fromAttribute } from '../../src/aws/dynamodb-subscriber-store.js';
import { createDynamoDbClient, createS3Client, createSesClient } from '../../src/aws/clients.js';
import { startDynamoDbEmulator, type DynamoDbEmulator } from '../../src/local/dynamodb-emulator.js';
import type { LedgerEntry, SendFailure } from '../../src/digest/ledger.js';
import { subscriberId, type Subscriber } from '../../src/digest/subscribers.js';
import { CLAIM_LEASE_MS } from '../../src/use-cases/run-digest/ports.js';
import { loadDigestConfig, type DigestConfig } from '../../src/config.js';
import type { DigestDeps } from '../../src/use-cases/run-digest/run-digest.js';
import { digestDeps } from '../../src/handlers/digest-handler.js';
import {
  LOCAL_REGION,
  startS3Emulator,
  startSesEmulator,
  type S3Emulator,
  type SesEmulator,
  LOCAL_CLIENT_CREDENTIALS,
  type ReceivedEmail,
} from '../../src/local/emulators.js';
import type { Summary } from '../../src/summary/schema.js';
import { memoryLog, subscribersOf } from './digest-memory.js';
import { zoneAtEight } from './time-zones.js';

export const TEST_BUCKET = 'digest-test-bucket';
export const TEST_SECRET = 'test-secret-0123456789-0123456789-abcdef';
export const TEST_UNSUBSCRIBE_URL = 'https://unsubscribe.example.com/';

const credentials = LOCAL_CLIENT_CREDENTIALS;

export interface DigestStack {
  s3Emulator: S3Emulator;
  ses: SesEmulator;
  dynamoDbEmulator: DynamoDbEmulator;
  s3: S3Client;
  sesClient: SESv2Client;
  dynamodb: DynamoDBClient;
  /** The digest table tests use now (`DIGEST_TABLE`); `freshTable` makes a new, empty one. */
  table(): string;
  freshTable(): Promise<string>;
  /** The production store on the current table (admin, ledger and due queries alike). */
  store(): ReturnType<typeof createDynamoDbSubscriberStore>;
  /**
   * Subscribes people as an operator would: addresses (UTC, 07:00 unless given) or a subscribers document
   * `{ subscribers: [...] }`, validated with the digest's rules, added `at` (default: the epoch, so that
   * only the schedule decides when they are due).
   */
  subscribe(who: string[] | { subscribers: unknown[] }, at?: Date): Promise<Subscriber[]>;
  /**
   * Subscribes addresses at 00:00 in `dueTimeZone`: owed the digest of their local day at any run in the
   * hours after the stack started.
   */
  subscribeDue(emails: string[]): Promise<Subscriber[]>;
  /** `zoneAtEight` of the stack's start, whatever time of day the suite runs. */
  dueTimeZone: string;
  /** The address's newest ledger entry, as the profile's `latest` holds it (what refuses a second digest). */
  latest(email: string): Promise<LedgerEntry | undefined>;
  /** The address's ledger history item for that local date (DAY#), if any: the audit trail. */
  dayEntry(email: string, localDate: string): Promise<LedgerEntry | undefined>;
  /** The address's send failure recorded for that local date (its FAIL# item), if any. */
  sendFailure(email: string, localDate: string): Promise<SendFailure | undefined>;
  /**
   * Stands in for the claim lease running out (a run that died holding claims): every claim in the table
   * is dated back past CLAIM_LEASE_MS from `now`.
   */
  expireClaims(now?: Date): Promise<number>;
  config(env?: Record<string, string>): DigestConfig;
  /**
   * Production deps over the emulators, with instant sleeps and a recording log; `clients` replaces the
   * stack's own (e.g. ones with fault-injecting middleware, or an SQS client for a send queue).
   */
  deps(
    env?: Record<string, string>,
    clients?: { ses?: SESv2Client; dynamodb?: DynamoDBClient; sqs?: SQSClient },
  ): DigestDeps & { logged: ReturnType<typeof memoryLog>['logged'] };
  /** A second SES client on the emulator, or on `endpoint` (e.g. a fault proxy in front of it). */
  newSesClient(endpoint?: string): SESv2Client;
  /** A second DynamoDB client on dynalite, or on `endpoint` (e.g. a fault proxy in front of it). */
  newDynamoDbClient(endpoint?: string): DynamoDBClient;
  putSummary(summary: Summary, key: string): Promise<void>;
  putJson(key: string, value: unknown): Promise<void>;
  close(): Promise<void>;
}

export async function startDigestStack(): Promise<DigestStack> {
  const [s3Emulator, ses, dynamoDbEmulator] = await Promise.all([
    startS3Emulator({ buckets: [TEST_BUCKET] }),
    startSesEmulator(),
    startDynamoDbEmulator(),
  ]);
  const aws = {
    AWS_REGION: LOCAL_REGION,
    S3_ENDPOINT: s3Emulator.endpoint,
    SES_ENDPOINT: ses.endpoint,
    DYNAMODB_ENDPOINT: dynamoDbEmulator.endpoint,
  };
  const s3 = createS3Client(aws, { credentials });
  const sesClient = createSesClient(aws, { credentials });
  const dynamodb = createDynamoDbClient(aws, { credentials });
  let tables = 0;
  let table = '';
  const freshTable = async () => {
    table = `digest-test-${++tables}`;
    await createDigestTable(dynamodb, table);
    return table;
  };
  await freshTable();
  const store = () => createDynamoDbSubscriberStore(dynamodb, table);
  /** An item of the current table as plain values, or undefined. */
  const readItem = async (key: Record<string, AttributeValue>): Promise<unknown> => {
    const { Item } = await dynamodb.send(
      new GetItemCommand({ TableName: table, Key: key, ConsistentRead: true }),
    );
    if (Item === undefined) return undefined;
    return Object.fromEntries(Object.entries(Item).map(([name, value]) => [name, fromAttribute(value)]));
  };
  const subscribe: DigestStack['subscribe'] = async (who, at = new Date(0)) => {
    const subscribers = subscribersOf(
      Array.isArray(who) ? { subscribers: who.map((email) => ({ email })) } : who,
    );
    for (const subscriber of subscribers) await store().put(subscriber, at);
    return subscribers;
  };
  const config = (env: Record<string, string> = {}) =>
    loadDigestConfig({
      ...aws,
      BUCKET: TEST_BUCKET,
      DIGEST_TABLE: table,
      SENDER_EMAIL: 'digest@example.com',
      UNSUBSCRIBE_URL: TEST_UNSUBSCRIBE_URL,
      LINK_SIGNING_SECRET: TEST_SECRET,
      ...env,
    });
  const dueTimeZone = zoneAtEight(new Date());
  const putJson = async (key: string, value: unknown) => {
    await s3.send(new PutObjectCommand({ Bucket: TEST_BUCKET, Key: key, Body: JSON.stringify(value) }));
  };
  return {
    s3Emulator,
    ses,
    dynamoDbEmulator,
    s3,
    sesClient,
    dynamodb,
    table: () => table,
    freshTable,
    store,
    subscribe,
    subscribeDue: (emails) =>
      subscribe({ subscribers: emails.map((email) => ({ email, timeZone: dueTimeZone, sendAt: '00:00' })) }),
    dueTimeZone,
    async latest(email) {
      return (await store().get(subscriberId(email)))?.latest as LedgerEntry | undefined;
    },
    dayEntry: async (email, localDate) =>
      (await readItem(dayKey(subscriberId(email), localDate))) as LedgerEntry | undefined,
    sendFailure: async (email, localDate) =>
      (await readItem(failureKey(subscriberId(email), localDate))) as SendFailure | undefined,
    expireClaims: (now) => expireClaims(dynamodb, table, now),
    config,
    deps(env, clients) {
      const log = memoryLog();
      return {
        ...digestDeps(config(env), {
          s3,
          ses: clients?.ses ?? sesClient,
          dynamodb: clients?.dynamodb ?? dynamodb,
          ...(clients?.sqs && { sqs: clients.sqs }),
        }),
        sleep: async () => undefined,
        hasTimeLeft: () => true,
        log,
        logged: log.logged,
      };
    },
    newSesClient: (endpoint = ses.endpoint) =>
      createSesClient({ ...aws, SES_ENDPOINT: endpoint }, { credentials }),
    newDynamoDbClient: (endpoint = dynamoDbEmulator.endpoint) =>
      createDynamoDbClient({ ...aws, DYNAMODB_ENDPOINT: endpoint }, { credentials }),
    putSummary: (summary, key) => putJson(key, summary),
    putJson,
    async close() {
      s3.destroy();
      sesClient.destroy();
      dynamodb.destroy();
      await Promise.all([s3Emulator.close(), ses.close(), dynamoDbEmulator.close()]);
    },
  };
}

/** How many copies of each email SES received per recipient (`to` addresses), e.g. from `ses.emails()`. */
export function copiesPerRecipient(
  emails: readonly Pick<ReceivedEmail, 'destination'>[],
): Record<string, number> {
  const copies: Record<string, number> = {};
  for (const email of emails) for (const to of email.destination.to) copies[to] = (copies[to] ?? 0) + 1;
  return copies;
}

/**
 * Stands in for the claim lease running out, for a run that died holding claims: every claim in the table
 * is dated back past CLAIM_LEASE_MS before `now`. Returns how many there were.
 */
export async function expireClaims(
  dynamodb: DynamoDBClient,
  table: string,
  now = new Date(),
): Promise<number> {
  const claimedAt = new Date(now.getTime() - CLAIM_LEASE_MS - 60_000).toISOString();
  const { Items = [] } = await dynamodb.send(
    new ScanCommand({
      TableName: table,
      FilterExpression: 'sk = :profile AND attribute_exists(#claim)',
      ExpressionAttributeNames: { '#claim': 'claim' },
      ExpressionAttributeValues: { ':profile': { S: PROFILE_SK } },
      ConsistentRead: true,
    }),
  );
  for (const { pk, sk } of Items) {
    if (pk === undefined || sk === undefined) continue;
    await dynamodb.send(
      new UpdateItemCommand({
        TableName: table,
        Key: { pk, sk },
        UpdateExpression: 'SET #claim.#claimedAt = :claimedAt',
        ExpressionAttributeNames: { '#claim': 'claim', '#claimedAt': 'claimedAt' },
        ExpressionAttributeValues: { ':claimedAt': { S: claimedAt } },
      }),
    );
  }
  return Items.length;
}

/** Starts the stack once for a test file, clears the SES store before each test, closes it at the end. */
export function useDigestStack(): () => DigestStack {
  let stack: DigestStack | undefined;
  beforeAll(async () => {
    stack = await startDigestStack();
  });
  afterAll(async () => {
    await stack?.close();
  });
  beforeEach(async () => {
    await stack?.ses.clear();
    await stack?.freshTable();
  });
  return () => {
    if (!stack) throw new Error('the digest stack is not started (use it inside tests)');
    return stack;
  };
}
