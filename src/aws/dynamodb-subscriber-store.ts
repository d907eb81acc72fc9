/**
 * Subscribers, their ledger and send claims on the digest table (src/aws/digest-table.ts), with the low-level
 * DynamoDB client (no lib-dynamodb: it would double the client's share of each bundle for a few helpers).
 *
 * Every race is decided by one conditional write on the subscriber's profile item: who moves `dueAt` on, who
 * holds the claim for a day, whether the day is done (`latest`). `due` reads the sparse `due` index, so a run
 * costs one query per shard and page however many subscribers are not due.
 *
 * An item that does not read back as a subscriber (edited by hand, an old shape) is an
 * `InvalidStoredItemError` naming its key, never the address. Single reads (`get`) throw it; pages (`due`,
 * `list`) hand it to `onInvalidItem` and go on without the item, so one broken profile never stops anyone
 * else's digest. Without `onInvalidItem` the error is thrown: a caller must choose to skip and report.
 */
import { randomUUID } from 'node:crypto';
import {
  ConditionalCheckFailedException,
  GetItemCommand,
  PutItemCommand,
  QueryCommand,
  ScanCommand,
  UpdateItemCommand,
  type AttributeValue,
  type DynamoDBClient,
} from '@aws-sdk/client-dynamodb';
import { conditionalUpdate } from './dynamodb-conditional.js';
import type { LedgerEntry, SendFailure } from '../digest/ledger.js';
import type { Subscriber } from '../digest/subscribers.js';
import { describeIssues } from '../errors.js';
import type { UnsubscribeRecorder } from '../links/ports.js';
import type {
  BucketImporter,
  BucketSubscriber,
  StoredSubscriber,
  SubscriberAdmin,
} from '../use-cases/manage-subscribers/ports.js';
import {
  CLAIM_LEASE_MS,
  storedSubscriberSchema,
  type HeldClaim,
  type Ledger,
  type SubscriberRecord,
  type SubscriberStore,
} from '../use-cases/run-digest/ports.js';
import {
  DUE_AT,
  DUE_INDEX,
  DUE_SHARD,
  FAILURE_TTL_DAYS,
  HISTORY_TTL_DAYS,
  PARTITION_KEY,
  PROFILE_SK,
  SORT_KEY,
  SUBSCRIBER_ATTRIBUTES,
  TTL_ATTRIBUTE,
  dayKey,
  dueShardOf,
  dueShards,
  expiresAfter,
  failureKey,
  profileKey,
} from './digest-table.js';

type Item = Record<string, AttributeValue>;

export class InvalidStoredItemError extends Error {
  override readonly name = 'InvalidStoredItemError';
  constructor(
    /** `pk/sk` of the item, e.g. `SUB#0f3a.../PROFILE`. */
    readonly key: string,
    reason: string,
  ) {
    super(`stored item ${key} is not a valid subscriber profile: ${reason}`);
  }
}

export interface DynamoDbSubscriberStoreOptions {
  /** Called for each item of a page that is not a valid profile, which is then left out; default: throw it. */
  onInvalidItem?: (error: InvalidStoredItemError) => void;
  /** Profiles per Scan page of `list` (before filtering out ledger items); default 100. */
  listPageSize?: number;
}

export type DynamoDbSubscriberStore = SubscriberStore &
  Ledger &
  UnsubscribeRecorder &
  SubscriberAdmin &
  BucketImporter;

export function createDynamoDbSubscriberStore(
  client: DynamoDBClient,
  tableName: string,
  options: DynamoDbSubscriberStoreOptions = {},
): DynamoDbSubscriberStore {
  const onInvalidItem =
    options.onInvalidItem ??
    ((error: InvalidStoredItemError) => {
      throw error;
    });
  const readPage = (items: Item[] | undefined): StoredSubscriber[] =>
    (items ?? []).flatMap((item) => {
      try {
        return [readProfile(item)];
      } catch (error: unknown) {
        if (!(error instanceof InvalidStoredItemError)) throw error;
        onInvalidItem(error);
        return [];
      }
    });

  const update = conditionalUpdate(client, tableName);

  const unsubscribe = (subscriberId: string, at: Date) =>
    update({
      Key: profileKey(subscriberId),
      UpdateExpression: 'SET #unsubscribedAt = :at, #updatedAt = :at REMOVE #dueShard, #dueAt',
      ConditionExpression: 'attribute_exists(#pk) AND attribute_not_exists(#unsubscribedAt)',
      ExpressionAttributeNames: names('pk', 'unsubscribedAt', 'updatedAt', DUE_SHARD, DUE_AT),
      ExpressionAttributeValues: { ':at': { S: at.toISOString() } },
    });

  return {
    async *due(now, pageSize) {
      for (const shard of dueShards()) {
        let start: Item | undefined;
        do {
          const page = await client.send(
            new QueryCommand({
              TableName: tableName,
              IndexName: DUE_INDEX,
              KeyConditionExpression: '#dueShard = :shard AND #dueAt <= :now',
              ExpressionAttributeNames: names(DUE_SHARD, DUE_AT),
              ExpressionAttributeValues: { ':shard': { S: shard }, ':now': { S: now.toISOString() } },
              Limit: pageSize,
              ExclusiveStartKey: start,
            }),
          );
          start = page.LastEvaluatedKey;
          const records = readPage(page.Items).flatMap((stored): SubscriberRecord[] =>
            stored.dueAt === undefined
              ? []
              : [{ subscriber: stored.subscriber, latest: stored.latest, dueAt: stored.dueAt }],
          );
          if (records.length > 0) yield records;
        } while (start !== undefined);
      }
    },

    moveDue: (subscriberId, seenDueAt, dueAt) =>
      update({
        Key: profileKey(subscriberId),
        UpdateExpression: 'SET #dueAt = :dueAt',
        ConditionExpression: 'attribute_exists(#dueShard) AND #dueAt = :seen',
        ExpressionAttributeNames: names(DUE_SHARD, DUE_AT),
        ExpressionAttributeValues: { ':dueAt': { S: dueAt.toISOString() }, ':seen': { S: seenDueAt } },
      }),

    async claim(subscriberId, localDate, at) {
      const token = randomUUID();
      const claimed = await update({
        Key: profileKey(subscriberId),
        UpdateExpression: 'SET #claim = :claim',
        // Subscribed, the day not done, and no live claim for the day (one for another day is stale).
        ConditionExpression:
          'attribute_exists(#dueShard)' +
          ' AND (attribute_not_exists(#latest) OR #latest.#localDate < :localDate)' +
          ' AND (attribute_not_exists(#claim) OR #claim.#localDate <> :localDate' +
          ' OR #claim.#claimedAt <= :expiredBefore)',
        ExpressionAttributeNames: names(DUE_SHARD, 'latest', 'claim', 'localDate', 'claimedAt'),
        ExpressionAttributeValues: {
          ':claim': toAttribute({ localDate, claimedAt: at.toISOString(), token }),
          ':localDate': { S: localDate },
          ':expiredBefore': { S: new Date(at.getTime() - CLAIM_LEASE_MS).toISOString() },
        },
      });
      return claimed ? { subscriberId, localDate, token } : undefined;
    },

    async release(claim: HeldClaim) {
      // False when another run has taken the claim over since, or it is recorded: theirs to keep.
      await update({
        Key: profileKey(claim.subscriberId),
        UpdateExpression: 'REMOVE #claim',
        ConditionExpression: '#claim.#token = :token',
        ExpressionAttributeNames: names('claim', 'token'),
        ExpressionAttributeValues: { ':token': { S: claim.token } },
      });
    },

    async record(entry: LedgerEntry, nextDueAt: Date) {
      const key = profileKey(entry.subscriberId);
      const latest = toAttribute(entry);
      // Never back in time: a batch redriven after a later day's digest must not make that day look
      // undone (the same day again is a retried write, and harmless).
      const notOlder = '(attribute_not_exists(#latest) OR #latest.#localDate <= :localDate)';
      const localDate = { S: entry.localDate };
      // `dueAt` moves on only while the run's hold is on it (a lease, ahead of now). A put that changed the
      // schedule meanwhile made them due at once; the next run then applies the new schedule.
      // `latest` is what refuses a second digest for the day: it is written even when the subscriber left
      // meanwhile (then without `dueAt`, which would put them back in the index) or was rescheduled.
      const recorded =
        (await update({
          Key: key,
          UpdateExpression: 'SET #latest = :latest, #dueAt = :dueAt REMOVE #claim',
          ConditionExpression: `attribute_exists(#dueShard) AND #dueAt > :recordedAt AND ${notOlder}`,
          ExpressionAttributeNames: names('latest', 'claim', 'localDate', DUE_SHARD, DUE_AT),
          ExpressionAttributeValues: {
            ':latest': latest,
            ':dueAt': { S: nextDueAt.toISOString() },
            ':recordedAt': { S: entry.recordedAt },
            ':localDate': localDate,
          },
        })) ||
        (await update({
          Key: key,
          UpdateExpression: 'SET #latest = :latest REMOVE #claim',
          ConditionExpression: `attribute_exists(#pk) AND ${notOlder}`,
          ExpressionAttributeNames: names('pk', 'latest', 'claim', 'localDate'),
          ExpressionAttributeValues: { ':latest': latest, ':localDate': localDate },
        }));
      if (!recorded) {
        const { Item } = await client.send(
          new GetItemCommand({
            TableName: tableName,
            Key: key,
            ProjectionExpression: '#pk',
            ExpressionAttributeNames: names('pk'),
            ConsistentRead: true,
          }),
        );
        if (Item === undefined) {
          throw new Error(
            `cannot record the digest of ${entry.localDate} for subscriber ${entry.subscriberId}: no profile`,
          );
        }
        // A later day is already recorded: this entry is history only.
      }
      await client.send(
        new PutItemCommand({
          TableName: tableName,
          Item: {
            ...dayKey(entry.subscriberId, entry.localDate),
            ...toItem(entry),
            [TTL_ATTRIBUTE]: { N: String(expiresAfter(new Date(entry.recordedAt), HISTORY_TTL_DAYS)) },
          },
        }),
      );
    },

    async recordFailure(failure: SendFailure) {
      await client.send(
        new PutItemCommand({
          TableName: tableName,
          Item: {
            ...failureKey(failure.subscriberId, failure.localDate),
            ...toItem(failure),
            [TTL_ATTRIBUTE]: { N: String(expiresAfter(new Date(failure.failedAt), FAILURE_TTL_DAYS)) },
          },
        }),
      );
    },

    add: unsubscribe,
    remove: unsubscribe,

    async put(subscriber: Subscriber, at: Date) {
      const key = profileKey(subscriber.id);
      const profile = {
        ':email': { S: subscriber.email },
        ':topics': toAttribute(subscriber.topics),
        ':keywords': toAttribute(subscriber.keywords),
        ':at': { S: at.toISOString() },
      };
      // `frequency` is written on every reschedule (`daily` by default); `weekday` only for a weekly digest.
      // An item written before either existed reads as daily and stays on its schedule for a daily put.
      const frequency = subscriber.frequency ?? 'daily';
      const weekday = frequency === 'weekly' ? subscriber.weekday : undefined;
      const sameCadence =
        weekday === undefined
          ? '(attribute_not_exists(#frequency) OR #frequency = :frequency) AND attribute_not_exists(#weekday)'
          : '#frequency = :frequency AND #weekday = :weekday';
      const cadence = {
        ':frequency': { S: frequency },
        ...(weekday !== undefined && { ':weekday': { S: weekday } }),
      };
      // Subscribed on the same schedule: when they are next due stays as the digest left it.
      const kept = await update({
        Key: key,
        UpdateExpression: 'SET #email = :email, #topics = :topics, #keywords = :keywords, #updatedAt = :at',
        ConditionExpression:
          'attribute_exists(#dueShard) AND #timeZone = :timeZone AND #sendAt = :sendAt AND ' + sameCadence,
        ExpressionAttributeNames: names(
          'email',
          'topics',
          'keywords',
          'updatedAt',
          DUE_SHARD,
          'timeZone',
          'sendAt',
          'frequency',
          'weekday',
        ),
        ExpressionAttributeValues: {
          ...profile,
          ...cadence,
          ':timeZone': { S: subscriber.timeZone },
          ':sendAt': { S: subscriber.sendAt },
        },
      });
      if (kept) return;
      // New, rescheduled or back: due at once, and the digest's rules decide which period (`latest` is kept).
      await client.send(
        new UpdateItemCommand({
          TableName: tableName,
          Key: key,
          UpdateExpression:
            'SET #id = :id, #email = :email, #timeZone = :timeZone, #sendAt = :sendAt, #topics = :topics,' +
            ' #keywords = :keywords, #frequency = :frequency,' +
            (weekday !== undefined ? ' #weekday = :weekday,' : '') +
            ' #createdAt = if_not_exists(#createdAt, :at), #updatedAt = :at,' +
            ' #dueShard = :dueShard, #dueAt = :at REMOVE #unsubscribedAt' +
            (weekday === undefined ? ', #weekday' : ''),
          ExpressionAttributeNames: names(
            ...SUBSCRIBER_ATTRIBUTES,
            'createdAt',
            'updatedAt',
            DUE_SHARD,
            DUE_AT,
            'unsubscribedAt',
          ),
          ExpressionAttributeValues: {
            ...profile,
            ...cadence,
            ':id': { S: subscriber.id },
            ':timeZone': { S: subscriber.timeZone },
            ':sendAt': { S: subscriber.sendAt },
            ':dueShard': { S: dueShardOf(subscriber.id) },
          },
        }),
      );
    },

    async get(subscriberId) {
      const { Item } = await client.send(
        new GetItemCommand({ TableName: tableName, Key: profileKey(subscriberId), ConsistentRead: true }),
      );
      return Item === undefined ? undefined : readProfile(Item);
    },

    async *list(pageSize = options.listPageSize ?? 100) {
      let start: Item | undefined;
      do {
        const page = await client.send(
          new ScanCommand({
            TableName: tableName,
            FilterExpression: '#sk = :profile',
            ExpressionAttributeNames: names(SORT_KEY),
            ExpressionAttributeValues: { ':profile': { S: PROFILE_SK } },
            Limit: pageSize,
            ExclusiveStartKey: start,
          }),
        );
        start = page.LastEvaluatedKey;
        const profiles = readPage(page.Items);
        if (profiles.length > 0) yield profiles;
      } while (start !== undefined);
    },

    async importFromBucket({ subscriber, latest, dueAt, unsubscribedAt }: BucketSubscriber, at: Date) {
      const key = profileKey(subscriber.id);
      try {
        await client.send(
          new PutItemCommand({
            TableName: tableName,
            Item: {
              ...key,
              ...toItem(subscriber),
              createdAt: { S: at.toISOString() },
              updatedAt: { S: at.toISOString() },
              ...(latest !== undefined && { latest: toAttribute(latest) }),
              ...(unsubscribedAt === undefined
                ? { [DUE_SHARD]: { S: dueShardOf(subscriber.id) }, [DUE_AT]: { S: dueAt.toISOString() } }
                : { unsubscribedAt: { S: unsubscribedAt.toISOString() } }),
            },
            ConditionExpression: 'attribute_not_exists(#pk)',
            ExpressionAttributeNames: names('pk'),
          }),
        );
        return true;
      } catch (error: unknown) {
        if (!(error instanceof ConditionalCheckFailedException)) throw error;
      }
      if (latest === undefined) return false;
      // Already in the table (an earlier run, or an import since the switch): only `latest` may be behind.
      const older = '(attribute_not_exists(#latest) OR #latest.#localDate < :localDate)';
      const values = { ':latest': toAttribute(latest), ':localDate': { S: latest.localDate } };
      return (
        (await update({
          Key: key,
          UpdateExpression: 'SET #latest = :latest, #dueAt = :dueAt',
          ConditionExpression: `attribute_exists(#dueShard) AND ${older}`,
          ExpressionAttributeNames: names('latest', 'localDate', DUE_SHARD, DUE_AT),
          ExpressionAttributeValues: { ...values, ':dueAt': { S: dueAt.toISOString() } },
        })) ||
        (await update({
          Key: key,
          UpdateExpression: 'SET #latest = :latest',
          ConditionExpression: `attribute_not_exists(#dueShard) AND ${older}`,
          ExpressionAttributeNames: names('latest', 'localDate', DUE_SHARD),
          ExpressionAttributeValues: values,
        }))
      );
    },
  };
}

/** `#name` placeholders for every attribute an expression names (reserved words or not: one rule). */
function names(...attributes: string[]): Record<string, string> {
  return Object.fromEntries(attributes.map((name) => [`#${name}`, name]));
}

function readProfile(item: Item): StoredSubscriber {
  const key = `${stringOf(item[PARTITION_KEY]) ?? '?'}/${stringOf(item[SORT_KEY]) ?? '?'}`;
  const fields = Object.fromEntries(
    Object.entries(item).map(([name, value]) => [name, fromAttribute(value)]),
  );
  const parsed = storedSubscriberSchema.safeParse(fields);
  if (!parsed.success) {
    throw new InvalidStoredItemError(key, describeIssues(parsed.error.issues, 'item'));
  }
  if (key !== `SUB#${parsed.data.id}/${PROFILE_SK}`) {
    throw new InvalidStoredItemError(key, `its id ${parsed.data.id} does not match its key`);
  }
  const text = (name: string) => (typeof fields[name] === 'string' ? fields[name] : undefined);
  const { id, email, timeZone, sendAt, topics, keywords, frequency, weekday } = parsed.data;
  const unsubscribedAt = text('unsubscribedAt');
  const dueAt = text(DUE_AT);
  return {
    subscriber: {
      id,
      email,
      timeZone,
      sendAt,
      topics,
      keywords,
      // A daily subscriber reads back without the fields, as before weekly digests existed.
      ...(frequency === 'weekly' && { frequency, weekday }),
    },
    ...(unsubscribedAt !== undefined && { unsubscribedAt }),
    ...(dueAt !== undefined && { dueAt }),
    ...(fields.latest !== undefined && { latest: fields.latest }),
    createdAt: text('createdAt') ?? '',
    updatedAt: text('updatedAt') ?? '',
  };
}

const stringOf = (value: AttributeValue | undefined) => value?.S;

/** Top-level attributes of a flat record (a ledger entry, a failure); undefined fields are left out. */
function toItem(record: object): Item {
  return Object.fromEntries(
    Object.entries(record)
      .filter(([, value]) => value !== undefined)
      .map(([name, value]) => [name, toAttribute(value)]),
  );
}

/** JSON-shaped values to DynamoDB's typed form: strings, numbers, booleans, null, lists and maps. */
export function toAttribute(value: unknown): AttributeValue {
  if (typeof value === 'string') return { S: value };
  if (typeof value === 'number' && Number.isFinite(value)) return { N: String(value) };
  if (typeof value === 'boolean') return { BOOL: value };
  if (value === null) return { NULL: true };
  if (Array.isArray(value)) return { L: value.map(toAttribute) };
  if (typeof value === 'object') return { M: toItem(value) };
  throw new TypeError(`cannot store a ${typeof value} in DynamoDB`);
}

/** The inverse of `toAttribute`; sets and binary (which this table never writes) read as undefined. */
export function fromAttribute(value: AttributeValue): unknown {
  if (value.S !== undefined) return value.S;
  if (value.N !== undefined) return Number(value.N);
  if (value.BOOL !== undefined) return value.BOOL;
  if (value.NULL !== undefined) return null;
  if (value.L !== undefined) return value.L.map(fromAttribute);
  if (value.M !== undefined) {
    return Object.fromEntries(Object.entries(value.M).map(([name, item]) => [name, fromAttribute(item)]));
  }
  return undefined;
}
