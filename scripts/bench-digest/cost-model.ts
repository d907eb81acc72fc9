/**
 * What the digest costs a day and a month, from request counts: list prices in us-east-1 (November 2026),
 * on-demand everything, no free tier counted except EventBridge Scheduler's (14 million invocations a month;
 * the hourly schedule makes 720). `npm run bench:digest` measures the counts per subscriber and per run.
 */

/** USD per unit. */
export const PRICES = {
  /** SES outbound: $0.10 per 1,000 messages. */
  sesMail: 0.1 / 1_000,
  /** DynamoDB on-demand: $0.625 per million write request units (1 KB each). */
  dynamodbWriteUnit: 0.625 / 1_000_000,
  /** DynamoDB on-demand: $0.125 per million read request units (4 KB strongly consistent, 8 KB eventually). */
  dynamodbReadUnit: 0.125 / 1_000_000,
  /** S3 Standard: PUT, COPY, POST, LIST $0.005 per 1,000; GET $0.0004 per 1,000. */
  s3Put: 0.005 / 1_000,
  s3List: 0.005 / 1_000,
  s3Get: 0.0004 / 1_000,
  /** SQS standard: $0.40 per million requests, each 64 KB chunk of a payload a request. */
  sqsRequest: 0.4 / 1_000_000,
  /** Lambda x86: $0.20 per million requests and $0.0000166667 per GB-second. */
  lambdaRequest: 0.2 / 1_000_000,
  lambdaGbSecond: 0.0000166667,
  /** EventBridge Scheduler: inside the free tier. */
  schedulerInvocation: 0,
} as const;

export const DAYS_PER_MONTH = 30;

/** Billable units over some period (a run, a subscriber's day, a day). */
export interface Usage {
  sesMails: number;
  s3Get: number;
  s3Put: number;
  s3List: number;
  dynamodbReadUnits: number;
  dynamodbWriteUnits: number;
  /** Billed SQS requests (a request carrying more than 64 KB counts once per 64 KB chunk). */
  sqsRequests: number;
  lambdaRequests: number;
  lambdaGbSeconds: number;
  schedulerInvocations: number;
}

export const NO_USAGE: Usage = {
  sesMails: 0,
  s3Get: 0,
  s3Put: 0,
  s3List: 0,
  dynamodbReadUnits: 0,
  dynamodbWriteUnits: 0,
  sqsRequests: 0,
  lambdaRequests: 0,
  lambdaGbSeconds: 0,
  schedulerInvocations: 0,
};

export type Service = 'ses' | 'dynamodb' | 's3' | 'sqs' | 'lambda' | 'scheduler';

export interface Cost {
  totalUsd: number;
  byService: Record<Service, number>;
}

export function cost(usage: Usage): Cost {
  const byService: Record<Service, number> = {
    ses: usage.sesMails * PRICES.sesMail,
    dynamodb:
      usage.dynamodbWriteUnits * PRICES.dynamodbWriteUnit + usage.dynamodbReadUnits * PRICES.dynamodbReadUnit,
    s3: usage.s3Put * PRICES.s3Put + usage.s3List * PRICES.s3List + usage.s3Get * PRICES.s3Get,
    sqs: usage.sqsRequests * PRICES.sqsRequest,
    lambda: usage.lambdaRequests * PRICES.lambdaRequest + usage.lambdaGbSeconds * PRICES.lambdaGbSecond,
    scheduler: usage.schedulerInvocations * PRICES.schedulerInvocation,
  };
  const totalUsd = Object.values(byService).reduce((sum, value) => sum + value, 0);
  return { totalUsd, byService };
}

export function scaleUsage(usage: Usage, factor: number): Usage {
  return Object.fromEntries(
    Object.entries(usage).map(([name, value]) => [name, value * factor]),
  ) as unknown as Usage;
}

export function addUsage(a: Usage, b: Usage): Usage {
  return Object.fromEntries(
    Object.entries(a).map(([name, value]) => [name, value + b[name as keyof Usage]]),
  ) as unknown as Usage;
}

/**
 * A day of digests: every subscriber's share (their sends, claims, ledger writes, queue messages, sender
 * time) plus each hourly run's own (its listing and reading of the summaries, its snapshot, its GetAccount,
 * the due queries of an empty run, the planner invocation).
 */
export function dailyUsage(options: {
  subscribers: number;
  perSubscriber: Usage;
  perRun: Usage;
  runsPerDay: number;
}): Usage {
  return addUsage(
    scaleUsage(options.perSubscriber, options.subscribers),
    scaleUsage(options.perRun, options.runsPerDay),
  );
}

/** DynamoDB write request units for writing an item of `bytes` (1 KB each, at least one). */
export const writeUnits = (bytes: number): number => Math.max(1, Math.ceil(bytes / 1024));

/** Read request units for reading `bytes` in one request (4 KB each; eventually consistent reads half). */
export const readUnits = (bytes: number, consistent: boolean): number =>
  Math.max(1, Math.ceil(bytes / 4096)) * (consistent ? 1 : 0.5);

/** SQS billing: each 64 KB chunk of a request's payload is one request. */
export const sqsBilledRequests = (payloadBytes: number): number =>
  Math.max(1, Math.ceil(payloadBytes / (64 * 1024)));

/** A DynamoDB attribute value as the low-level API writes it. */
export type AttributeValueJson =
  | { S: string }
  | { N: string }
  | { BOOL: boolean }
  | { NULL: true }
  | { L: AttributeValueJson[] }
  | { M: Record<string, AttributeValueJson> };

const utf8 = (text: string) => Buffer.byteLength(text, 'utf8');

/**
 * An item's size as DynamoDB bills it: each attribute's name plus its value; a string its UTF-8 length, a
 * number about one byte per two digits plus one, a boolean or null one byte, a list or map 3 bytes plus
 * one per element plus its elements (a map's element names included).
 */
export function itemBytes(item: Record<string, AttributeValueJson>): number {
  return Object.entries(item).reduce((sum, [name, value]) => sum + utf8(name) + valueBytes(value), 0);
}

function valueBytes(value: AttributeValueJson): number {
  if ('S' in value) return utf8(value.S);
  if ('N' in value) return Math.ceil(value.N.replace(/[^0-9]/g, '').length / 2) + 1;
  if ('BOOL' in value || 'NULL' in value) return 1;
  if ('L' in value) return 3 + value.L.reduce((sum, element) => sum + 1 + valueBytes(element), 0);
  return (
    3 +
    Object.entries(value.M).reduce((sum, [name, element]) => sum + 1 + utf8(name) + valueBytes(element), 0)
  );
}
