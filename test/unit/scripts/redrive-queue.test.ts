/**
 * The redrive script over real SQS and Lambda clients (built as scripts/redrive.ts builds them) whose HTTP
 * requests fakes answer as the services would: SQS in its JSON protocol (POST /, `x-amz-target:
 * AmazonSQS.<Action>`), Lambda's Invoke as REST-JSON (POST /2015-03-31/functions/<name>/invocations).
 */
import { LambdaClient } from '@aws-sdk/client-lambda';
import { SQSClient, type Message } from '@aws-sdk/client-sqs';
import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  queueUrlForStage,
  readFailedInvocation,
  redrive,
  type RedriveOptions,
} from '../../../scripts/redrive-queue.js';
import {
  awsJsonAction,
  awsJsonAnswer,
  FAKE_CREDENTIALS,
  httpFake,
  jsonError,
  lambdaAccepted,
  lambdaInvoked,
  sqsReceived,
  type FakeAnswer,
  type Responder,
} from '../../support/aws-http-fake.js';

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

afterEach(() => {
  vi.restoreAllMocks();
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

/** The queue's answers to successive ReceiveMessage requests; the last one repeats. */
const queueHolding = (...messages: Message[]): FakeAnswer[] => [sqsReceived(messages), sqsReceived([])];

/**
 * A fake SQS: ReceiveMessage answered by `receives` in turn (the last repeats), GetQueueUrl from `queues`
 * (name to URL), DeleteMessage and ChangeMessageVisibility accepted. Requests' JSON bodies are the inputs.
 */
function fakeSqs(receives: FakeAnswer[] = [sqsReceived([])], queues: Record<string, string> = {}) {
  let received = 0;
  const { requestHandler, requests } = httpFake((request) => {
    const input = JSON.parse(request.body) as Record<string, unknown>;
    switch (awsJsonAction(request)) {
      case 'ReceiveMessage':
        return receives[Math.min(received++, receives.length - 1)]!;
      case 'DeleteMessage':
      case 'ChangeMessageVisibility':
        return awsJsonAnswer({});
      case 'GetQueueUrl': {
        const url = queues[String(input.QueueName)];
        return url
          ? awsJsonAnswer({ QueueUrl: url })
          : jsonError(400, 'QueueDoesNotExist', 'The specified queue does not exist.');
      }
      default:
        return new Error(`The fake SQS has no answer for ${String(request.headers['x-amz-target'])}`);
    }
  });
  /** The inputs of the requests for `action` (DeleteMessage...), in order. */
  const inputs = (action: string) =>
    requests
      .filter((r) => awsJsonAction(r) === action)
      .map((r) => JSON.parse(r.body) as Record<string, unknown>);
  return { requestHandler, requests, inputs };
}

/** A fake Lambda answering each Invoke with `respond`; the requests it got, read back as Invoke inputs. */
function fakeLambda(respond: Responder = () => lambdaAccepted()) {
  const { requestHandler, requests } = httpFake(respond);
  const invocations = () =>
    requests.map((r) => ({
      FunctionName: lambdaInvoked(r),
      InvocationType: r.headers['x-amz-invocation-type'],
      Payload: r.body,
      // Absent unless the script sets them: then toEqual below fails.
      Qualifier: r.query.Qualifier,
      LogType: r.headers['x-amz-log-type'],
      ClientContext: r.headers['x-amz-client-context'],
    }));
  return { requestHandler, requests, invocations };
}

type Fake = Pick<ReturnType<typeof httpFake>, 'requestHandler'>;

/** The clients as scripts/redrive.ts builds them (the SDK's default retries), sending to the fakes. */
function clients(sqs: Fake, lambda: Fake = fakeLambda()) {
  const config = { region: 'eu-west-1', credentials: FAKE_CREDENTIALS };
  return {
    sqs: new SQSClient({ ...config, requestHandler: sqs.requestHandler }),
    lambda: new LambdaClient({ ...config, requestHandler: lambda.requestHandler }),
  };
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
    const sqs = fakeSqs(queueHolding(destinationRecord('m1'), schedulerDeadLetter('m2')));
    const lambda = fakeLambda(() => lambdaAccepted());

    const report = await redrive(clients(sqs, lambda), options());

    expect(lambda.invocations()).toEqual([
      { FunctionName: `${SUMMARIZE_ARN}:$LATEST`, InvocationType: 'Event', Payload: JSON.stringify(s3Event) },
      { FunctionName: DIGEST_ARN, InvocationType: 'Event', Payload: '{"time": "2026-11-24T07:00:00Z"}' },
    ]);
    expect(sqs.inputs('DeleteMessage').map((input) => input.ReceiptHandle)).toEqual([
      'handle-m1',
      'handle-m2',
    ]);
    expect(report.redriven.map((i) => i.messageId)).toEqual(['m1', 'm2']);
  });

  it('receives with all message attributes, which carry the scheduler target', async () => {
    const sqs = fakeSqs(queueHolding());
    await redrive(clients(sqs), options());
    expect(sqs.inputs('ReceiveMessage')[0]).toMatchObject({
      QueueUrl: QUEUE_URL,
      MessageAttributeNames: ['All'],
      VisibilityTimeout: 60,
    });
  });

  it('keeps a message whose invocation Lambda refused, and goes on with the rest', async () => {
    const sqs = fakeSqs(queueHolding(destinationRecord('m1'), destinationRecord('m2')));
    // Lambda throttles m1's invocation. The SDK retries a 429 itself (3 attempts in all): refused every time.
    const lambda = fakeLambda((_request, index) =>
      index < 3 ? jsonError(429, 'TooManyRequestsException', 'Rate exceeded') : lambdaAccepted(),
    );
    // The SDK's backoff between its retries of the 429 is a random share of its ceiling: none here.
    vi.spyOn(Math, 'random').mockReturnValue(0);

    const report = await redrive(clients(sqs, lambda), options());

    expect(report.failed).toEqual([
      {
        invocation: expect.objectContaining({ messageId: 'm1' }),
        error: 'TooManyRequestsException: Rate exceeded',
      },
    ]);
    expect(sqs.inputs('DeleteMessage').map((input) => input.ReceiptHandle)).toEqual(['handle-m2']);
    // m1's three attempts, then m2's one.
    expect(lambda.requests).toHaveLength(4);
  });

  it('keeps a message when Lambda does not answer 202 Accepted', async () => {
    const sqs = fakeSqs(queueHolding(destinationRecord('m1')));
    const lambda = fakeLambda(() => ({ status: 200, headers: { 'x-amzn-requestid': 'FAKE' }, body: '' }));
    const report = await redrive(clients(sqs, lambda), options());
    expect(report.failed).toHaveLength(1);
    expect(sqs.inputs('DeleteMessage')).toHaveLength(0);
  });

  it('leaves unreadable messages in the queue', async () => {
    const sqs = fakeSqs(queueHolding({ MessageId: 'junk', ReceiptHandle: 'handle-junk', Body: 'hello' }));
    const lambda = fakeLambda();
    const report = await redrive(clients(sqs, lambda), options());
    expect(report.unreadable).toEqual([{ messageId: 'junk', problem: expect.any(String) }]);
    expect(lambda.requests).toHaveLength(0);
    expect(sqs.inputs('DeleteMessage')).toHaveLength(0);
  });

  it('in a dry run invokes and deletes nothing, and makes the messages visible again', async () => {
    const sqs = fakeSqs(queueHolding(destinationRecord('m1'), schedulerDeadLetter('m2')));
    const lambda = fakeLambda();
    const lines: string[] = [];

    const report = await redrive(
      clients(sqs, lambda),
      options({ dryRun: true, log: (line) => lines.push(line) }),
    );

    expect(lambda.requests).toHaveLength(0);
    expect(sqs.inputs('DeleteMessage')).toHaveLength(0);
    expect(sqs.inputs('ChangeMessageVisibility')).toEqual([
      { QueueUrl: QUEUE_URL, ReceiptHandle: 'handle-m1', VisibilityTimeout: 0 },
      { QueueUrl: QUEUE_URL, ReceiptHandle: 'handle-m2', VisibilityTimeout: 0 },
    ]);
    expect(report.wouldRedrive.map((i) => i.functionArn)).toEqual([`${SUMMARIZE_ARN}:$LATEST`, DIGEST_ARN]);
    expect(lines.every((line) => line.startsWith('~ would redrive'))).toBe(true);
  });

  it('stops at the limit', async () => {
    const lambda = fakeLambda(() => lambdaAccepted());
    const sqs = fakeSqs([
      sqsReceived([destinationRecord('m1'), destinationRecord('m2')]),
      sqsReceived([destinationRecord('m3')]),
    ]);

    const report = await redrive(clients(sqs, lambda), options({ limit: 2 }));

    expect(report.redriven.map((i) => i.messageId)).toEqual(['m1', 'm2']);
    expect(sqs.inputs('ReceiveMessage')).toHaveLength(1);
  });

  it('finds the queue of a stage by its name', async () => {
    const sqs = fakeSqs(queueHolding(), { 'article-digest-prod-failed-invocations': QUEUE_URL });
    await expect(queueUrlForStage(clients(sqs).sqs, 'prod')).resolves.toBe(QUEUE_URL);
  });
});
