/**
 * The signup's abuse limits and used confirmation links, as small items on the digest table beside the
 * subscribers (src/aws/digest-table.ts), each expiring through the table's TTL:
 *
 * - `pk = RATE#SOURCE#<keyed hash>#<hour>` / `RATE#ANY#<hour>`, `sk = COUNT`: signups in that UTC hour,
 *   counted with one conditional ADD (refused at the limit), expiring after two hours.
 * - `pk = RATE#ADDRESS#<subscriber id>`, `sk = LAST`: when the address was last sent a confirmation; the next
 *   is refused until an hour has passed (a time condition, since TTL deletion may lag by days).
 * - `pk = CONFIRM#<token id>`, `sk = USED`: a confirmation link taken (`takenAt`) and then used
 *   (`usedAt`), kept until a day after the link expires.
 *
 * Only UpdateItem and GetItem: every write is an UpdateItem whose condition decides the race.
 */
import {
  GetItemCommand,
  UpdateItemCommand,
  type AttributeValue,
  type DynamoDBClient,
} from '@aws-sdk/client-dynamodb';
import { conditionalUpdate } from './dynamodb-conditional.js';
import type { SignupLimits, UsedConfirmations } from '../links/subscribe-ports.js';
import { PARTITION_KEY, SORT_KEY, TTL_ATTRIBUTE } from './digest-table.js';

const HOUR_MS = 3_600_000;
/** A confirmation taken by a request that then failed may be taken again after this long. */
const TAKE_LEASE_MS = 60_000;

type Key = Record<string, AttributeValue>;
const key = (pk: string, sk: string): Key => ({ [PARTITION_KEY]: { S: pk }, [SORT_KEY]: { S: sk } });
const epochSeconds = (date: Date) => String(Math.floor(date.getTime() / 1000));
const hourOf = (at: Date) => at.toISOString().slice(0, 13);

export function createDynamoDbSignupState(
  client: DynamoDBClient,
  tableName: string,
): SignupLimits & UsedConfirmations {
  const conditional = conditionalUpdate(client, tableName);

  const count = (pk: string, at: Date, limit: number) =>
    conditional({
      Key: key(`${pk}#${hourOf(at)}`, 'COUNT'),
      UpdateExpression: 'ADD #count :one SET #expiresAt = :expiresAt',
      ConditionExpression: 'attribute_not_exists(#count) OR #count < :limit',
      ExpressionAttributeNames: { '#count': 'count', '#expiresAt': TTL_ATTRIBUTE },
      ExpressionAttributeValues: {
        ':one': { N: '1' },
        ':limit': { N: String(limit) },
        ':expiresAt': { N: epochSeconds(new Date(at.getTime() + 2 * HOUR_MS)) },
      },
    });

  return {
    takeSource: (sourceKey, at, limit) => count(`RATE#SOURCE#${sourceKey}`, at, limit),
    takeAny: (at, limit) => count('RATE#ANY', at, limit),

    takeAddress: (subscriberId, at) =>
      conditional({
        Key: key(`RATE#ADDRESS#${subscriberId}`, 'LAST'),
        UpdateExpression: 'SET #sentAt = :at, #expiresAt = :expiresAt',
        ConditionExpression: 'attribute_not_exists(#sentAt) OR #sentAt <= :hourAgo',
        ExpressionAttributeNames: { '#sentAt': 'sentAt', '#expiresAt': TTL_ATTRIBUTE },
        ExpressionAttributeValues: {
          ':at': { S: at.toISOString() },
          ':hourAgo': { S: new Date(at.getTime() - HOUR_MS).toISOString() },
          ':expiresAt': { N: epochSeconds(new Date(at.getTime() + 2 * HOUR_MS)) },
        },
      }),

    async releaseAddress(subscriberId, at) {
      await conditional({
        Key: key(`RATE#ADDRESS#${subscriberId}`, 'LAST'),
        UpdateExpression: 'REMOVE #sentAt',
        ConditionExpression: '#sentAt = :at',
        ExpressionAttributeNames: { '#sentAt': 'sentAt' },
        ExpressionAttributeValues: { ':at': { S: at.toISOString() } },
      });
    },

    async state(jti) {
      const { Item } = await client.send(
        new GetItemCommand({
          TableName: tableName,
          Key: key(`CONFIRM#${jti}`, 'USED'),
          ProjectionExpression: '#usedAt',
          ExpressionAttributeNames: { '#usedAt': 'usedAt' },
          ConsistentRead: true,
        }),
      );
      return Item?.usedAt === undefined ? 'unused' : 'used';
    },

    take: (jti, at, expiresAt) =>
      conditional({
        Key: key(`CONFIRM#${jti}`, 'USED'),
        UpdateExpression: 'SET #takenAt = :at, #expiresAt = :expiresAt',
        ConditionExpression:
          'attribute_not_exists(#usedAt) AND (attribute_not_exists(#takenAt) OR #takenAt <= :leaseOver)',
        ExpressionAttributeNames: { '#takenAt': 'takenAt', '#usedAt': 'usedAt', '#expiresAt': TTL_ATTRIBUTE },
        ExpressionAttributeValues: {
          ':at': { S: at.toISOString() },
          ':leaseOver': { S: new Date(at.getTime() - TAKE_LEASE_MS).toISOString() },
          ':expiresAt': { N: epochSeconds(expiresAt) },
        },
      }),

    async markUsed(jti, at) {
      await client.send(
        new UpdateItemCommand({
          TableName: tableName,
          Key: key(`CONFIRM#${jti}`, 'USED'),
          UpdateExpression: 'SET #usedAt = :at',
          ExpressionAttributeNames: { '#usedAt': 'usedAt' },
          ExpressionAttributeValues: { ':at': { S: at.toISOString() } },
        }),
      );
    },
  };
}
