import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import {
  ChangeMessageVisibilityCommand,
  DeleteMessageCommand,
  GetQueueUrlCommand,
  ReceiveMessageCommand,
  SQSClient,
  type Message,
} from '@aws-sdk/client-sqs';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import {
  queueUrlForStage,
  readFailedInvocation,
  redrive,
  type RedriveOptions,
} from '../../../scripts/redrive-queue.js';

const QUEUE_URL = 'https://sqs.eu-west-1.amazonaws.com/123456789012/article-digest-dev-failed-invocations';
const SUMMARIZE_ARN = 'arn:aws:lambda:eu-west-1:123456789012:function:article-digest-dev-summarize';
const DIGEST_ARN = 'arn:aws:lambda:eu-west-1:123456789012:function:article-digest-dev-digest';

const s3Event = {
  Records: [{ eventSource: 'aws:s3', s3: { bucket: { name: 'b' }, object: { key: 'articles/a+b.md' } } }],
};

/** An on-failure destination record as Lambda writes it after the retries of an asynchronous invocation. */
function destinationRecord(id: string, payload: unknown = s3Event): Message {
  return {
    MessageId: id,
    ReceiptHandle: `handle-${id}`,
    Body: JSON.stringify({
      version: '1.0',
      timestamp: '2026-11-24T07:00:03.000Z',
      requestContext: {
        requestId: `request-${id}`,
        functionArn: `${SUMMARIZE_ARN}:$LATEST`,
        condition: 'RetriesExhausted',
        approximateInvokeCount: 3,
      },
      requestPayload: payload,
      responseContext: { statusCode: 200, executedVersion: '$LATEST', functionError: 'Unhandled' },
      responsePayload: {
        errorType: 'RetryableUploadError',
        errorMessage: '1 of 1 uploads hit a transient error',
      },
    }),
  };
}

/** A dead letter as EventBridge Scheduler writes it: the target input as body, the target in attributes. */
function schedulerDeadLetter(id: string): Message {
  return {
    MessageId: id,
    ReceiptHandle: `handle-${id}`,
    Body: '{"time": "2026-11-24T07:00:00Z"}',
    MessageAttributes: {
      TARGET_ARN: { DataType: 'String', StringValue: DIGEST_ARN },
      ERROR_CODE: { DataType: 'String', StringValue: 'Lambda.TooManyRequestsException' },
      ERROR_MESSAGE: { DataType: 'String', StringValue: 'Rate exceeded' },
    },
  };
}

const sqs = mockClient(SQSClient);
const lambda = mockClient(LambdaClient);
// The mocks patch every client of the class in this worker: give the real ones back for the next file.
afterAll(() => {
  sqs.restore();
  lambda.restore();
});

afterEach(() => {
  sqs.reset();
  lambda.reset();
});

function options(overrides: Partial<RedriveOptions> = {}): RedriveOptions {
  return {
    queueUrl: QUEUE_URL,
    dryRun: false,
    limit: 100,
    visibilityTimeoutSeconds: 60,
    log: () => {},
    ...overrides,
  };
}

function queueHolding(...messages: Message[]): void {
  sqs.on(ReceiveMessageCommand).resolvesOnce({ Messages: messages }).resolves({ Messages: [] });
}

function payloadText(payload: unknown): string {
  if (payload instanceof Uint8Array) return new TextDecoder().decode(payload);
  throw new Error(`the payload is not bytes: ${String(payload)}`);
}

function clients() {
  return { sqs: new SQSClient({ region: 'eu-west-1' }), lambda: new LambdaClient({ region: 'eu-west-1' }) };
}

describe('reading queue messages', () => {
  it('reads a Lambda destination record as the original function and event', () => {
    const invocation = readFailedInvocation(destinationRecord('m1'));
    expect(invocation).toEqual({
      messageId: 'm1',
      receiptHandle: 'handle-m1',
      source: 'lambda-destination',
      functionArn: `${SUMMARIZE_ARN}:$LATEST`,
      payload: JSON.stringify(s3Event),
      reason: 'RetriesExhausted: 1 of 1 uploads hit a transient error',
    });
  });

  it('reads a scheduler dead letter as the digest with its scheduled time', () => {
    expect(readFailedInvocation(schedulerDeadLetter('m2'))).toMatchObject({
      source: 'scheduler-dead-letter',
      functionArn: DIGEST_ARN,
      payload: '{"time": "2026-11-24T07:00:00Z"}',
      reason: 'Lambda.TooManyRequestsException: Rate exceeded',
    });
  });

  it.each([
    ['a body that is not JSON', 'not json'],
    ['JSON without a function', '{"requestPayload": {}}'],
    [
      'a function that is not an ARN',
      '{"requestContext": {"functionArn": "summarize"}, "requestPayload": {}}',
    ],
  ])('says why it cannot read %s', (_, body) => {
    expect(readFailedInvocation({ MessageId: 'm3', ReceiptHandle: 'h', Body: body })).toHaveProperty(
      'problem',
    );
  });
});

describe('redriving', () => {
  it('re-invokes each failed invocation asynchronously with its original event, then deletes it', async () => {
    queueHolding(destinationRecord('m1'), schedulerDeadLetter('m2'));
    lambda.on(InvokeCommand).resolves({ StatusCode: 202 });

    const report = await redrive(clients(), options());

    const invocations = lambda.commandCalls(InvokeCommand).map((call) => ({
      ...call.args[0].input,
      Payload: payloadText(call.args[0].input.Payload),
    }));
    expect(invocations).toEqual([
      { FunctionName: `${SUMMARIZE_ARN}:$LATEST`, InvocationType: 'Event', Payload: JSON.stringify(s3Event) },
      { FunctionName: DIGEST_ARN, InvocationType: 'Event', Payload: '{"time": "2026-11-24T07:00:00Z"}' },
    ]);
    expect(sqs.commandCalls(DeleteMessageCommand).map((c) => c.args[0].input.ReceiptHandle)).toEqual([
      'handle-m1',
      'handle-m2',
    ]);
    expect(report.redriven.map((i) => i.messageId)).toEqual(['m1', 'm2']);
  });

  it('receives with all message attributes, which carry the scheduler target', async () => {
    queueHolding();
    await redrive(clients(), options());
    expect(sqs.commandCalls(ReceiveMessageCommand)[0]?.args[0].input).toMatchObject({
      QueueUrl: QUEUE_URL,
      MessageAttributeNames: ['All'],
      VisibilityTimeout: 60,
    });
  });

  it('keeps a message whose invocation Lambda refused, and goes on with the rest', async () => {
    queueHolding(destinationRecord('m1'), destinationRecord('m2'));
    lambda
      .on(InvokeCommand)
      .rejectsOnce(Object.assign(new Error('Rate exceeded'), { name: 'TooManyRequestsException' }))
      .resolves({ StatusCode: 202 });

    const report = await redrive(clients(), options());

    expect(report.failed).toEqual([
      {
        invocation: expect.objectContaining({ messageId: 'm1' }),
        error: 'TooManyRequestsException: Rate exceeded',
      },
    ]);
    expect(sqs.commandCalls(DeleteMessageCommand).map((c) => c.args[0].input.ReceiptHandle)).toEqual([
      'handle-m2',
    ]);
  });

  it('keeps a message when Lambda does not answer 202 Accepted', async () => {
    queueHolding(destinationRecord('m1'));
    lambda.on(InvokeCommand).resolves({ StatusCode: 200 });
    const report = await redrive(clients(), options());
    expect(report.failed).toHaveLength(1);
    expect(sqs.commandCalls(DeleteMessageCommand)).toHaveLength(0);
  });

  it('leaves unreadable messages in the queue', async () => {
    queueHolding({ MessageId: 'junk', ReceiptHandle: 'handle-junk', Body: 'hello' });
    const report = await redrive(clients(), options());
    expect(report.unreadable).toEqual([{ messageId: 'junk', problem: expect.any(String) }]);
    expect(lambda.commandCalls(InvokeCommand)).toHaveLength(0);
    expect(sqs.commandCalls(DeleteMessageCommand)).toHaveLength(0);
  });

  it('in a dry run invokes and deletes nothing, and makes the messages visible again', async () => {
    queueHolding(destinationRecord('m1'), schedulerDeadLetter('m2'));
    const lines: string[] = [];

    const report = await redrive(clients(), options({ dryRun: true, log: (line) => lines.push(line) }));

    expect(lambda.commandCalls(InvokeCommand)).toHaveLength(0);
    expect(sqs.commandCalls(DeleteMessageCommand)).toHaveLength(0);
    expect(sqs.commandCalls(ChangeMessageVisibilityCommand).map((c) => c.args[0].input)).toEqual([
      { QueueUrl: QUEUE_URL, ReceiptHandle: 'handle-m1', VisibilityTimeout: 0 },
      { QueueUrl: QUEUE_URL, ReceiptHandle: 'handle-m2', VisibilityTimeout: 0 },
    ]);
    expect(report.wouldRedrive.map((i) => i.functionArn)).toEqual([`${SUMMARIZE_ARN}:$LATEST`, DIGEST_ARN]);
    expect(lines.every((line) => line.startsWith('~ would redrive'))).toBe(true);
  });

  it('stops at the limit', async () => {
    lambda.on(InvokeCommand).resolves({ StatusCode: 202 });
    sqs
      .on(ReceiveMessageCommand)
      .resolvesOnce({ Messages: [destinationRecord('m1'), destinationRecord('m2')] })
      .resolves({ Messages: [destinationRecord('m3')] });

    const report = await redrive(clients(), options({ limit: 2 }));

    expect(report.redriven.map((i) => i.messageId)).toEqual(['m1', 'm2']);
    expect(sqs.commandCalls(ReceiveMessageCommand)).toHaveLength(1);
  });

  it('finds the queue of a stage by its name', async () => {
    sqs
      .on(GetQueueUrlCommand, { QueueName: 'article-digest-prod-failed-invocations' })
      .resolves({ QueueUrl: QUEUE_URL });
    await expect(queueUrlForStage(new SQSClient({ region: 'eu-west-1' }), 'prod')).resolves.toBe(QUEUE_URL);
  });
});
