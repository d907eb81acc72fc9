/**
 * The digest table (`DIGEST_TABLE`): subscribers, their ledger and send claims, in one place. serverless.yml's
 * `DigestTable` resource must match `DIGEST_TABLE_SCHEMA` (a template test compares them); local stacks,
 * tests and the bench create it from the same definition with `createDigestTable`.
 *
 * Items, all under `pk = SUB#<id>`:
 * - `sk = PROFILE`: the subscriber, `latest` (their newest ledger entry), `claim` while a send is under way,
 *   and, only while subscribed, `dueShard` + `dueAt`: the sparse `due` index holds exactly the subscribed.
 * - `sk = DAY#<localDate>`: that day's ledger entry (audit trail), expiring after HISTORY_TTL_DAYS.
 * - `sk = FAIL#<localDate>`: a failed send, expiring after FAILURE_TTL_DAYS.
 */
import {
  CreateTableCommand,
  DescribeTableCommand,
  DynamoDBServiceException,
  UpdateTimeToLiveCommand,
  type AttributeValue,
  type DynamoDBClient,
} from '@aws-sdk/client-dynamodb';
import type { Subscriber } from '../digest/subscribers.js';

export const PARTITION_KEY = 'pk';
export const SORT_KEY = 'sk';
export const DUE_INDEX = 'due';
export const DUE_SHARD = 'dueShard';
export const DUE_AT = 'dueAt';
export const TTL_ATTRIBUTE = 'expiresAt';
export const PROFILE_SK = 'PROFILE';

/**
 * The `due` index's partitions. One partition key value would put every run's reads and every subscriber's
 * `dueAt` write on one index partition (about 1,000 writes/s each); 16 spread them, and a run still needs
 * only 16 queries when nobody is due.
 */
export const DUE_SHARDS = 16;

export const HISTORY_TTL_DAYS = 400;
export const FAILURE_TTL_DAYS = 30;

/**
 * A subscriber's fields, each an attribute of their profile item (and projected into the due index). Listed
 * as the keys of a record of every field, so a field added to `Subscriber` fails the build until it is here.
 */
export const SUBSCRIBER_ATTRIBUTES = Object.keys({
  id: true,
  email: true,
  timeZone: true,
  sendAt: true,
  topics: true,
  keywords: true,
  frequency: true,
  weekday: true,
} satisfies Record<keyof Subscriber, true>) as (keyof Subscriber)[];

/**
 * The key and index definition, in the shape both CreateTable and CloudFormation's AWS::DynamoDB::Table
 * take (BillingMode PAY_PER_REQUEST; TTL, PITR and SSE are set apart, by the template).
 */
export const DIGEST_TABLE_SCHEMA = {
  AttributeDefinitions: [
    { AttributeName: PARTITION_KEY, AttributeType: 'S' },
    { AttributeName: SORT_KEY, AttributeType: 'S' },
    { AttributeName: DUE_SHARD, AttributeType: 'S' },
    { AttributeName: DUE_AT, AttributeType: 'S' },
  ],
  KeySchema: [
    { AttributeName: PARTITION_KEY, KeyType: 'HASH' },
    { AttributeName: SORT_KEY, KeyType: 'RANGE' },
  ],
  GlobalSecondaryIndexes: [
    {
      IndexName: DUE_INDEX,
      KeySchema: [
        { AttributeName: DUE_SHARD, KeyType: 'HASH' },
        { AttributeName: DUE_AT, KeyType: 'RANGE' },
      ],
      // What `due` reads: the profile and `latest`. A claim, written just before each send, is not
      // projected, so it costs no index write. CloudFormation cannot change a projection in place: a
      // new field the planner reads needs a new index (deploy it, switch DUE_INDEX, then drop this one).
      Projection: {
        ProjectionType: 'INCLUDE',
        NonKeyAttributes: [...SUBSCRIBER_ATTRIBUTES, 'latest'],
      },
    },
  ],
} as const;

/** The shard of a subscriber id (32 hex digits, a hash: its first byte is uniform). */
export function dueShardOf(subscriberId: string): string {
  const firstByte = Number.parseInt(subscriberId.slice(0, 2), 16);
  if (Number.isNaN(firstByte)) throw new Error(`not a subscriber id: ${JSON.stringify(subscriberId)}`);
  return String(firstByte % DUE_SHARDS);
}

export const dueShards = (): string[] => Array.from({ length: DUE_SHARDS }, (_, shard) => String(shard));

type Key = Record<string, AttributeValue>;
const key = (subscriberId: string, sk: string): Key => ({
  [PARTITION_KEY]: { S: `SUB#${subscriberId}` },
  [SORT_KEY]: { S: sk },
});
export const profileKey = (subscriberId: string): Key => key(subscriberId, PROFILE_SK);
export const dayKey = (subscriberId: string, localDate: string): Key => key(subscriberId, `DAY#${localDate}`);
export const failureKey = (subscriberId: string, localDate: string): Key =>
  key(subscriberId, `FAIL#${localDate}`);

/** Epoch seconds `days` after `from`, for the TTL attribute. */
export function expiresAfter(from: Date, days: number): number {
  return Math.floor(from.getTime() / 1000) + days * 86_400;
}

/**
 * Creates the table on demand (an existing one is left as it is) and waits until it is ACTIVE, then turns
 * TTL on. dynalite has no UpdateTimeToLive: there expired history simply stays, which nothing reads.
 */
export async function createDigestTable(client: DynamoDBClient, tableName: string): Promise<void> {
  try {
    await client.send(
      new CreateTableCommand({
        TableName: tableName,
        BillingMode: 'PAY_PER_REQUEST',
        AttributeDefinitions: [...DIGEST_TABLE_SCHEMA.AttributeDefinitions],
        KeySchema: [...DIGEST_TABLE_SCHEMA.KeySchema],
        GlobalSecondaryIndexes: DIGEST_TABLE_SCHEMA.GlobalSecondaryIndexes.map((index) => ({
          IndexName: index.IndexName,
          KeySchema: [...index.KeySchema],
          Projection: {
            ProjectionType: index.Projection.ProjectionType,
            NonKeyAttributes: [...index.Projection.NonKeyAttributes],
          },
        })),
      }),
    );
  } catch (error: unknown) {
    if (!(error instanceof DynamoDBServiceException && error.name === 'ResourceInUseException')) throw error;
  }
  await waitUntilActive(client, tableName);
  try {
    await client.send(
      new UpdateTimeToLiveCommand({
        TableName: tableName,
        TimeToLiveSpecification: { AttributeName: TTL_ATTRIBUTE, Enabled: true },
      }),
    );
  } catch (error: unknown) {
    if (!(error instanceof DynamoDBServiceException)) throw error;
    // dynalite: UnknownOperationException. AWS: ValidationException when TTL is already on.
    if (error.name !== 'UnknownOperationException' && !/already enabled/i.test(error.message)) throw error;
  }
}

const ACTIVE_WAIT_MS = 120_000;

async function waitUntilActive(client: DynamoDBClient, tableName: string): Promise<void> {
  const deadline = Date.now() + ACTIVE_WAIT_MS;
  for (;;) {
    const { Table } = await client.send(new DescribeTableCommand({ TableName: tableName }));
    const indexesActive = (Table?.GlobalSecondaryIndexes ?? []).every((i) => i.IndexStatus === 'ACTIVE');
    if (Table?.TableStatus === 'ACTIVE' && indexesActive) return;
    if (Date.now() > deadline) {
      throw new Error(
        `table ${tableName} is still ${Table?.TableStatus ?? 'missing'} after ${ACTIVE_WAIT_MS} ms`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}
