/**
 * SDK clients, built once per cold start by the wiring. Pointing them at a local endpoint switches on what
 * S3-compatible emulators need: path-style addressing, and checksums only when required (otherwise a
 * streamed body is stored with aws-chunked framing by s3rver).
 *
 * Every request has a deadline. Without one a connection that hangs holds the function until Lambda kills
 * it: a send would then never reach its ledger write nor take the "ambiguous" path. `requestTimeout` runs
 * from the start of a request (connecting included) to the response headers; `socketTimeout` then bounds
 * each silence while the body arrives (and replaces SES's default of 300 s).
 */
import { DynamoDBClient, type DynamoDBClientConfig } from '@aws-sdk/client-dynamodb';
import { S3Client, type S3ClientConfig } from '@aws-sdk/client-s3';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SESv2Client, type SESv2ClientConfig } from '@aws-sdk/client-sesv2';
import { SQSClient, type SQSClientConfig } from '@aws-sdk/client-sqs';
import type { AwsConfig } from '../config.js';

interface HttpTimeouts {
  connectionTimeout: number;
  requestTimeout: number;
  socketTimeout: number;
}

/**
 * The deadlines of every in-region state service (S3, DynamoDB, SQS, Secrets Manager), set by S3's needs.
 * S3 is in the same region and answers small requests in tens of milliseconds; AWS advises retrying such a
 * request after about 2 s, on a new connection. Connecting takes milliseconds, so after 1 s the SYN was
 * lost and a new connection is quicker than the kernel's retransmission. 3 s to the headers leaves room for
 * a long listing. The SDK retries a timeout (S3 reads and writes here are idempotent).
 */
export const STORE_TIMEOUTS: HttpTimeouts = {
  connectionTimeout: 1_000,
  requestTimeout: 3_000,
  socketTimeout: 3_000,
};
const STORE_MAX_ATTEMPTS = 3;

/**
 * SendEmail answers in a fraction of a second; 5 s is many times that, so only a stuck connection misses
 * it, and a stuck send holds up the subscribers after it for no longer. A timed-out send is ambiguous: it
 * is not retried, and the next run sends again. 3 s to connect lets the first retransmitted SYN (sent after
 * 1 s) get through.
 */
export const SES_TIMEOUTS: HttpTimeouts = {
  connectionTimeout: 3_000,
  requestTimeout: 5_000,
  socketTimeout: 5_000,
};

/** The longest one request can take: headers just before `requestTimeout`, then a body that stalls. */
const longestRequestMs = (timeouts: HttpTimeouts) => timeouts.requestTimeout + timeouts.socketTimeout;

/**
 * The SDK's standard retry (3.1169) waits before retry n (1-based) a random share of 1 s × 2^(n-1) for
 * throttling (50 ms × 2^(n-1) otherwise), and up to 5 s longer when the answer carries Retry-After.
 */
const longestSdkBackoffMs = (retry: number) => 1_000 * 2 ** (retry - 1) + 5_000;

/** The longest one call can take: every attempt to its deadline, the longest backoff before each retry. */
function longestCallMs(timeouts: HttpTimeouts, maxAttempts: number): number {
  let total = maxAttempts * longestRequestMs(timeouts);
  for (let retry = 1; retry < maxAttempts; retry++) total += longestSdkBackoffMs(retry);
  return total;
}

/** The longest one S3 call can take, its SDK retries included: 3 × 6 s + 6 s + 7 s = 31 s. */
export const STORE_CALL_MAX_MS = longestCallMs(STORE_TIMEOUTS, STORE_MAX_ATTEMPTS);

/** The longest one SendEmail attempt can take (the mailer makes one request per attempt): 10 s. */
export const SES_ATTEMPT_MAX_MS = longestRequestMs(SES_TIMEOUTS);

const requestHandler = (timeouts: HttpTimeouts) => ({ ...timeouts, throwOnRequestTimeout: true });

/** `extra` lets tests and local tools pass explicit (fake) credentials instead of touching process.env. */
export function createS3Client(
  aws: Pick<AwsConfig, 'AWS_REGION' | 'S3_ENDPOINT'>,
  extra: S3ClientConfig = {},
): S3Client {
  return new S3Client({
    requestHandler: requestHandler(STORE_TIMEOUTS),
    // Set here, not left to AWS_MAX_ATTEMPTS / AWS_RETRY_MODE, so that STORE_CALL_MAX_MS holds.
    maxAttempts: STORE_MAX_ATTEMPTS,
    retryMode: 'standard',
    ...extra,
    region: aws.AWS_REGION,
    ...(aws.S3_ENDPOINT && {
      endpoint: aws.S3_ENDPOINT,
      forcePathStyle: true,
      requestChecksumCalculation: 'WHEN_REQUIRED',
      responseChecksumValidation: 'WHEN_REQUIRED',
    }),
  });
}

export function createSesClient(
  aws: Pick<AwsConfig, 'AWS_REGION' | 'SES_ENDPOINT'>,
  extra: SESv2ClientConfig = {},
): SESv2Client {
  return new SESv2Client({
    requestHandler: requestHandler(SES_TIMEOUTS),
    ...extra,
    region: aws.AWS_REGION,
    ...(aws.SES_ENDPOINT && { endpoint: aws.SES_ENDPOINT }),
  });
}

/**
 * DynamoDB answers a key-value request in single-digit milliseconds in the same region; S3's deadlines are
 * generous for it and keep one bound (STORE_CALL_MAX_MS) for every state write the digest makes.
 */
export function createDynamoDbClient(
  aws: Pick<AwsConfig, 'AWS_REGION' | 'DYNAMODB_ENDPOINT'>,
  extra: DynamoDBClientConfig = {},
): DynamoDBClient {
  return new DynamoDBClient({
    requestHandler: requestHandler(STORE_TIMEOUTS),
    maxAttempts: STORE_MAX_ATTEMPTS,
    retryMode: 'standard',
    ...extra,
    region: aws.AWS_REGION,
    ...(aws.DYNAMODB_ENDPOINT && { endpoint: aws.DYNAMODB_ENDPOINT }),
  });
}

/** The planner's SendMessageBatch calls: small requests in the same region, like S3's. */
export function createSqsClient(
  aws: Pick<AwsConfig, 'AWS_REGION' | 'SQS_ENDPOINT'>,
  extra: SQSClientConfig = {},
): SQSClient {
  return new SQSClient({
    requestHandler: requestHandler(STORE_TIMEOUTS),
    maxAttempts: STORE_MAX_ATTEMPTS,
    retryMode: 'standard',
    ...extra,
    region: aws.AWS_REGION,
    ...(aws.SQS_ENDPOINT && { endpoint: aws.SQS_ENDPOINT }),
  });
}

/**
 * The signing keys are read at cold start and on a key id the function does not hold yet, while a reader
 * or the digest waits: small answers from the same region, so S3's deadlines fit.
 */
export function createSecretsManagerClient(): SecretsManagerClient {
  return new SecretsManagerClient({ requestHandler: requestHandler(STORE_TIMEOUTS) });
}
