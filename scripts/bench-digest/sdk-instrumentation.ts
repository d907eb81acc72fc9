/**
 * What the bench adds to each SDK client the product code is given, at the request-handler boundary (the
 * innermost middleware, after signing, once per HTTP attempt, retries included): a delay standing for the
 * network and service time of AWS in the same region, and a count of requests by service and operation.
 * For DynamoDB it also asks for ReturnConsumedCapacity (the product ignores it) and adds up the capacity
 * dynalite reports, plus the writes the `due` index takes (dynalite reports the table's only).
 */
import { DIGEST_TABLE_SCHEMA } from '../../src/aws/digest-table.js';
import type { AttributeValue, ConsumedCapacity } from '@aws-sdk/client-dynamodb';
import type { HttpRequest } from '@smithy/types';
import { sqsBilledRequests, writeUnits } from './cost-model.js';

export type ServiceName = 's3' | 'ses' | 'dynamodb' | 'sqs';

export interface RequestCounts {
  /** `service.Operation` -> HTTP attempts. */
  byOperation: Record<string, number>;
  dynamodbReadUnits: number;
  /** Table writes as dynalite reports them (larger of old and new item, per KB). */
  dynamodbTableWriteUnits: number;
  /** Writes to the `due` index (it projects the profile and `latest`) that the same requests cause on AWS. */
  dynamodbIndexWriteUnits: number;
  /** SQS requests as billed (per 64 KB chunk of payload). */
  sqsBilledRequests: number;
  /** ReceiveMessage calls that returned nothing (the pollers' idle long polls). */
  sqsEmptyReceives: number;
}

export const emptyCounts = (): RequestCounts => ({
  byOperation: {},
  dynamodbReadUnits: 0,
  dynamodbTableWriteUnits: 0,
  dynamodbIndexWriteUnits: 0,
  sqsBilledRequests: 0,
  sqsEmptyReceives: 0,
});

/** The part of an SDK client the bench touches (every v3 client has it, typed per service). */
interface InstrumentableClient {
  middlewareStack: { add: (...args: never[]) => void };
}

type AddMiddleware = (
  middleware: Middleware,
  options: { step: 'initialize' | 'deserialize'; priority?: 'low'; name: string },
) => void;

type Handler = (args: { input: Record<string, unknown>; request?: unknown }) => Promise<{ output: unknown }>;
type Middleware = (next: Handler, context: { commandName?: string }) => Handler;

const DYNAMODB_CAPACITY_COMMANDS = new Set([
  'UpdateItemCommand',
  'PutItemCommand',
  'GetItemCommand',
  'QueryCommand',
  'ScanCommand',
  'DeleteItemCommand',
]);

export function instrument(
  client: InstrumentableClient,
  service: ServiceName,
  options: { latencyMs: number; counts: () => RequestCounts },
): void {
  const { latencyMs, counts } = options;
  const atTheWire: Middleware = (next, context) => async (args) => {
    const operation = (context.commandName ?? 'Unknown').replace(/Command$/, '');
    const c = counts();
    c.byOperation[`${service}.${operation}`] = (c.byOperation[`${service}.${operation}`] ?? 0) + 1;
    if (service === 'sqs' && operation !== 'ReceiveMessage' && operation !== 'GetQueueAttributes') {
      const body = (args.request as HttpRequest | undefined)?.body as unknown;
      c.sqsBilledRequests += sqsBilledRequests(typeof body === 'string' ? Buffer.byteLength(body) : 0);
    }
    if (latencyMs > 0) await new Promise((resolve) => setTimeout(resolve, latencyMs));
    return next(args);
  };
  const add = client.middlewareStack.add.bind(client.middlewareStack) as unknown as AddMiddleware;
  add(atTheWire, { step: 'deserialize', priority: 'low', name: 'benchAtTheWire' });

  if (service === 'sqs') {
    const receives: Middleware = (next, context) => async (args) => {
      const result = await next(args);
      if (context.commandName === 'ReceiveMessageCommand') {
        const messages = (result.output as { Messages?: unknown[] }).Messages ?? [];
        const c = counts();
        // Billed like any request; counted apart so idle polling can be modelled as Lambda's pollers do it.
        if (messages.length === 0) c.sqsEmptyReceives++;
        else c.sqsBilledRequests += 1;
      }
      return result;
    };
    add(receives, { step: 'initialize', name: 'benchSqsReceives' });
  }

  if (service === 'dynamodb') {
    const capacity: Middleware = (next, context) => async (args) => {
      const command = context.commandName ?? '';
      if (!DYNAMODB_CAPACITY_COMMANDS.has(command)) return next(args);
      let result: { output: unknown };
      try {
        result = await next({ ...args, input: { ...args.input, ReturnConsumedCapacity: 'TOTAL' } });
      } catch (error: unknown) {
        // A write refused by its condition still costs a write unit on AWS (and writes no index).
        if ((error as { name?: string }).name === 'ConditionalCheckFailedException') {
          counts().dynamodbTableWriteUnits += 1;
        }
        throw error;
      }
      const consumed = (result.output as { ConsumedCapacity?: ConsumedCapacity }).ConsumedCapacity;
      const units = consumed?.CapacityUnits ?? 0;
      const c = counts();
      if (command === 'GetItemCommand' || command === 'QueryCommand' || command === 'ScanCommand') {
        c.dynamodbReadUnits += units;
      } else {
        c.dynamodbTableWriteUnits += units;
        c.dynamodbIndexWriteUnits += indexWriteUnits(args.input, units);
      }
      return result;
    };
    add(capacity, { step: 'initialize', name: 'benchDynamoDbCapacity' });
  }
}

/**
 * The `due` index holds every subscribed profile with the attributes it projects (src/aws/digest-table.ts):
 * a successful write to such a profile also writes the index twice when it moves the index key (`dueAt`:
 * delete the old entry, put the new), once when it changes a projected attribute (`latest`, the profile),
 * and not at all otherwise (a claim taken or released). Ledger history and failure items are not indexed.
 */
const PROJECTED = DIGEST_TABLE_SCHEMA.GlobalSecondaryIndexes[0].Projection.NonKeyAttributes;

function indexWriteUnits(input: Record<string, unknown>, tableUnits: number): number {
  const key = input.Key as Record<string, AttributeValue> | undefined;
  if (key?.sk?.S !== 'PROFILE') return 0;
  const expression = String(input.UpdateExpression ?? '');
  const movesKey = /#dueAt\s*=|#dueShard\s*=|REMOVE[^=]*#dueShard/.test(expression);
  const changesProjected =
    input.UpdateExpression === undefined || PROJECTED.some((name) => expression.includes(`#${name}`));
  return (movesKey ? 2 : changesProjected ? 1 : 0) * writeUnits(tableUnits * 1024);
}
