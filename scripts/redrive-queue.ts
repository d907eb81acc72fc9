/**
 * Replays failed asynchronous invocations from the stack's failed-invocations queue (used by
 * `npm run redrive`, scripts/redrive.ts). The queue holds two kinds of message:
 *
 * - Lambda on-failure destination records (summarize and digest after their retries): a JSON body with
 *   `requestContext.functionArn` and the original event as `requestPayload`.
 * - EventBridge Scheduler dead letters (a digest run the scheduler could not deliver): the body is the
 *   target input and the `TARGET_ARN` message attribute names the function.
 *
 * Each message is re-invoked asynchronously (InvocationType Event) with the original event and deleted only
 * once Lambda accepted it; a message that cannot be read or re-invoked stays in the queue and is reported.
 * The handlers are idempotent (summaries are keyed by upload, the digest takes "now" from the event), so a
 * redrive of something that meanwhile succeeded does no harm.
 */
import { InvokeCommand, type LambdaClient } from '@aws-sdk/client-lambda';
import {
  ChangeMessageVisibilityCommand,
  DeleteMessageCommand,
  GetQueueUrlCommand,
  ReceiveMessageCommand,
  type Message,
  type SQSClient,
} from '@aws-sdk/client-sqs';

export interface FailedInvocation {
  messageId: string;
  receiptHandle: string;
  source: 'lambda-destination' | 'scheduler-dead-letter';
  functionArn: string;
  /** The original event, exactly as the function first received it. */
  payload: string;
  /** Why it failed, as recorded with the message. */
  reason: string;
}

export interface UnreadableMessage {
  messageId: string;
  problem: string;
}

export interface RedriveOptions {
  queueUrl: string;
  dryRun: boolean;
  /** Stop after this many messages (all of them by default). */
  limit: number;
  /** How long received messages stay hidden from other consumers while this run handles them. */
  visibilityTimeoutSeconds: number;
  log: (line: string) => void;
}

export interface RedriveReport {
  redriven: FailedInvocation[];
  wouldRedrive: FailedInvocation[];
  failed: { invocation: FailedInvocation; error: string }[];
  unreadable: UnreadableMessage[];
}

export class RedriveError extends Error {
  override readonly name = 'RedriveError';
}

export interface RedriveClients {
  sqs: Pick<SQSClient, 'send'>;
  lambda: Pick<LambdaClient, 'send'>;
}

/** The stage whose queue `npm run redrive` reads when neither --stage nor STAGE names one. */
export const DEFAULT_STAGE = 'dev';

/**
 * What to tell an operator when the AWS SDK could not even start, and what to set: no region (the SDK's
 * "Region is missing") or no credentials (CredentialsProviderError); undefined for any other error.
 */
export function explainSetupError(error: unknown): string | undefined {
  if (!(error instanceof Error)) return undefined;
  const stage =
    `the queue is the stage's (--stage STAGE, else STAGE, else ${DEFAULT_STAGE}), ` +
    'in the account and region it was deployed to';
  if (error.message === 'Region is missing') {
    return `no AWS region: give --region (e.g. --region eu-west-1) or set AWS_REGION; ${stage}`;
  }
  if (error.name === 'CredentialsProviderError') {
    return (
      `no AWS credentials (${error.message}): set AWS_PROFILE to a configured profile ` +
      `(aws configure, or aws sso login) or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY; ${stage}`
    );
  }
  return undefined;
}

/** The queue's URL from its name (`<service>-<stage>-failed-invocations`, see serverless.yml). */
export async function queueUrlForStage(
  sqs: Pick<SQSClient, 'send'>,
  stage: string,
  service = 'article-digest',
): Promise<string> {
  const queueName = `${service}-${stage}-failed-invocations`;
  const { QueueUrl } = await sqs.send(new GetQueueUrlCommand({ QueueName: queueName }));
  if (!QueueUrl) throw new RedriveError(`No queue named ${queueName} in this account and region`);
  return QueueUrl;
}

/** Reads one queue message as a failed invocation, or says why it cannot. */
export function readFailedInvocation(message: Message): FailedInvocation | UnreadableMessage {
  const messageId = message.MessageId ?? '(no id)';
  if (!message.ReceiptHandle) return { messageId, problem: 'the message has no receipt handle' };
  const base = { messageId, receiptHandle: message.ReceiptHandle };
  const targetArn = message.MessageAttributes?.TARGET_ARN?.StringValue;
  if (targetArn) {
    const errorCode = message.MessageAttributes?.ERROR_CODE?.StringValue ?? 'unknown error';
    const errorMessage = message.MessageAttributes?.ERROR_MESSAGE?.StringValue ?? '';
    return {
      ...base,
      source: 'scheduler-dead-letter',
      functionArn: targetArn,
      payload: message.Body ?? '{}',
      reason: `${errorCode}${errorMessage ? `: ${errorMessage}` : ''}`,
    };
  }
  let record: unknown;
  try {
    record = JSON.parse(message.Body ?? '');
  } catch {
    return { messageId, problem: 'the body is not JSON and there is no TARGET_ARN attribute' };
  }
  if (!isDestinationRecord(record)) {
    return {
      messageId,
      problem: 'the body is neither a Lambda destination record nor a scheduler dead letter',
    };
  }
  const response = record.responsePayload;
  const error =
    isObject(response) && typeof response.errorMessage === 'string' ? `: ${response.errorMessage}` : '';
  return {
    ...base,
    source: 'lambda-destination',
    functionArn: record.requestContext.functionArn,
    payload: JSON.stringify(record.requestPayload),
    reason: `${record.requestContext.condition ?? 'failed'}${error}`,
  };
}

interface DestinationRecord {
  requestContext: { functionArn: string; condition?: string };
  requestPayload: unknown;
  responsePayload?: unknown;
}

function isDestinationRecord(value: unknown): value is DestinationRecord {
  if (!isObject(value) || !isObject(value.requestContext) || !('requestPayload' in value)) return false;
  return (
    typeof value.requestContext.functionArn === 'string' &&
    value.requestContext.functionArn.startsWith('arn:')
  );
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Drains the queue (up to `limit` messages) and replays each failed invocation. */
export async function redrive(clients: RedriveClients, options: RedriveOptions): Promise<RedriveReport> {
  const report: RedriveReport = { redriven: [], wouldRedrive: [], failed: [], unreadable: [] };
  const seen = new Set<string>();
  const heldForDryRun: string[] = [];
  let handled = 0;
  while (handled < options.limit) {
    const { Messages = [] } = await clients.sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: options.queueUrl,
        MaxNumberOfMessages: Math.min(10, options.limit - handled),
        WaitTimeSeconds: 1,
        VisibilityTimeout: options.visibilityTimeoutSeconds,
        MessageAttributeNames: ['All'],
      }),
    );
    const fresh = Messages.filter((m) => !seen.has(m.MessageId ?? ''));
    if (fresh.length === 0) break;
    for (const message of fresh) {
      seen.add(message.MessageId ?? '');
      handled += 1;
      const invocation = readFailedInvocation(message);
      if (!('receiptHandle' in invocation)) {
        report.unreadable.push(invocation);
        options.log(`? ${invocation.messageId}: left in the queue, ${invocation.problem}`);
        continue;
      }
      const what = `${invocation.messageId} -> ${invocation.functionArn} (${invocation.source}; ${invocation.reason})`;
      if (options.dryRun) {
        report.wouldRedrive.push(invocation);
        heldForDryRun.push(invocation.receiptHandle);
        options.log(`~ would redrive ${what}`);
        continue;
      }
      try {
        await invokeAsync(clients.lambda, invocation);
        await clients.sqs.send(
          new DeleteMessageCommand({ QueueUrl: options.queueUrl, ReceiptHandle: invocation.receiptHandle }),
        );
        report.redriven.push(invocation);
        options.log(`✓ redriven ${what}`);
      } catch (error: unknown) {
        const reason = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
        report.failed.push({ invocation, error: reason });
        options.log(`✗ ${what}: ${reason}; left in the queue`);
      }
    }
  }
  // A dry run changes nothing: make what it looked at visible again at once.
  for (const receiptHandle of heldForDryRun) {
    await clients.sqs.send(
      new ChangeMessageVisibilityCommand({
        QueueUrl: options.queueUrl,
        ReceiptHandle: receiptHandle,
        VisibilityTimeout: 0,
      }),
    );
  }
  return report;
}

async function invokeAsync(lambda: Pick<LambdaClient, 'send'>, invocation: FailedInvocation): Promise<void> {
  const result = await lambda.send(
    new InvokeCommand({
      FunctionName: invocation.functionArn,
      InvocationType: 'Event',
      Payload: new TextEncoder().encode(invocation.payload),
    }),
  );
  if (result.StatusCode !== 202) {
    throw new RedriveError(`Lambda answered ${String(result.StatusCode)} instead of 202 Accepted`);
  }
}
