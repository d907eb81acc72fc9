/**
 * The digest at scale as deployed (issue 14): the subscriber table, the send queue and its dead letters, the
 * sender's event source and the alarms on it, checked in the template `serverless package` writes offline.
 * The roles of digest and digestSender are checked with the others in template.test.ts.
 */
import { rm } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DIGEST_TABLE_SCHEMA, TTL_ATTRIBUTE } from '../../src/aws/digest-table.js';
import {
  packageService,
  printService,
  render,
  resource,
  resourcesOfType,
  type CfnTemplate,
  type CfnValue,
  type PackagedService,
} from '../support/deploy-template.js';

/** digestSender's timeout: the queue's visibility timeout must be six times it (Lambda's advice for SQS). */
const SENDER_TIMEOUT_SECONDS = 300;
const DAY_SECONDS = 86_400;

let service: PackagedService;
let template: CfnTemplate;

beforeAll(async () => {
  service = await packageService();
  template = service.template;
}, 120_000);

afterAll(async () => {
  await rm(service.outDir, { recursive: true, force: true });
});

function props(id: string, type: string): Record<string, CfnValue> {
  return resource(template, id, type).Properties ?? {};
}

function isRecord(value: CfnValue | undefined): value is Record<string, CfnValue> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

describe('the digest table', () => {
  const table = () => props('DigestTable', 'AWS::DynamoDB::Table');

  it('has exactly the keys and due index src/aws/digest-table.ts defines, so code and stack cannot drift', () => {
    const { AttributeDefinitions, KeySchema, GlobalSecondaryIndexes } = table();
    // The same definition creates the local and test tables (createDigestTable).
    expect(JSON.parse(JSON.stringify({ AttributeDefinitions, KeySchema, GlobalSecondaryIndexes }))).toEqual(
      JSON.parse(JSON.stringify(DIGEST_TABLE_SCHEMA)),
    );
  });

  it('indexes the subscribed by shard and due time, with the profile and latest entry (no second read per subscriber)', () => {
    expect(table().GlobalSecondaryIndexes).toEqual([
      {
        IndexName: 'due',
        KeySchema: [
          { AttributeName: 'dueShard', KeyType: 'HASH' },
          { AttributeName: 'dueAt', KeyType: 'RANGE' },
        ],
        Projection: {
          ProjectionType: 'INCLUDE',
          NonKeyAttributes: [
            'id',
            'email',
            'timeZone',
            'sendAt',
            'topics',
            'keywords',
            'frequency',
            'weekday',
            'latest',
          ],
        },
      },
    ]);
    expect(table().KeySchema).toEqual([
      { AttributeName: 'pk', KeyType: 'HASH' },
      { AttributeName: 'sk', KeyType: 'RANGE' },
    ]);
  });

  it('is on demand, encrypted under a KMS key, restorable to any point, and expires history by TTL', () => {
    expect(table()).toMatchObject({
      BillingMode: 'PAY_PER_REQUEST',
      PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
      SSESpecification: { SSEEnabled: true },
      TimeToLiveSpecification: { AttributeName: TTL_ATTRIBUTE, Enabled: true },
    });
    expect(TTL_ATTRIBUTE).toBe('expiresAt');
    expect(table().ProvisionedThroughput).toBeUndefined();
    expect(render(table().TableName)).toBe('article-digest-dev-digest');
  });

  // Subscribers and who unsubscribed cannot be recreated: `serverless remove` or a replacing change must not
  // delete them.
  it('is kept when the stack is removed or a change would replace it', () => {
    const { DeletionPolicy, UpdateReplacePolicy } = resource(template, 'DigestTable', 'AWS::DynamoDB::Table');
    expect({ DeletionPolicy, UpdateReplacePolicy }).toEqual({
      DeletionPolicy: 'Retain',
      UpdateReplacePolicy: 'Retain',
    });
  });

  it('is the table digest, digestSender and unsubscribe are given, and an output', () => {
    for (const id of ['DigestLambdaFunction', 'DigestSenderLambdaFunction', 'UnsubscribeLambdaFunction']) {
      expect(environmentOf(id).DIGEST_TABLE, id).toEqual({ Ref: 'DigestTable' });
    }
    expect(environmentOf('SummarizeLambdaFunction').DIGEST_TABLE).toBeUndefined();
    expect(template.Outputs?.DigestTableName?.Value).toEqual({ Ref: 'DigestTable' });
  });
});

describe('the send queue', () => {
  const queue = () => props('DigestSendQueue', 'AWS::SQS::Queue');
  const deadLetters = () => props('DigestSendDeadLetterQueue', 'AWS::SQS::Queue');

  it('hides a batch for six times the sender timeout, so no second sender takes a batch being sent', () => {
    expect(props('DigestSenderLambdaFunction', 'AWS::Lambda::Function').Timeout).toBe(SENDER_TIMEOUT_SECONDS);
    expect(queue().VisibilityTimeout).toBe(6 * SENDER_TIMEOUT_SECONDS);
  });

  it('is encrypted, keeps batches 4 days and dead-letters a batch after five receives', () => {
    expect(queue()).toMatchObject({
      QueueName: 'article-digest-dev-digest-send',
      SqsManagedSseEnabled: true,
      MessageRetentionPeriod: 4 * DAY_SECONDS,
      RedrivePolicy: {
        deadLetterTargetArn: { 'Fn::GetAtt': ['DigestSendDeadLetterQueue', 'Arn'] },
        maxReceiveCount: 5,
      },
    });
  });

  it('keeps dead letters encrypted for 14 days, and takes them from the send queue alone', () => {
    expect(deadLetters()).toMatchObject({
      QueueName: 'article-digest-dev-digest-send-dead-letters',
      SqsManagedSseEnabled: true,
      MessageRetentionPeriod: 14 * DAY_SECONDS,
    });
    const allowed = deadLetters().RedriveAllowPolicy;
    expect(isRecord(allowed) && allowed.redrivePermission).toBe('byQueue');
    const sources =
      isRecord(allowed) && Array.isArray(allowed.sourceQueueArns) ? allowed.sourceQueueArns : [];
    // Spelled out (a reference would be circular): it must name the send queue exactly.
    expect(sources.map(render)).toEqual([
      `arn:\${AWS::Partition}:sqs:\${AWS::Region}:\${AWS::AccountId}:${String(queue().QueueName)}`,
    ]);
    expect(template.Outputs?.DigestSendDeadLetterQueueUrl?.Value).toEqual({
      Ref: 'DigestSendDeadLetterQueue',
    });
  });

  it('is where the planner enqueues (its URL) and the only queue the sender consumes', () => {
    expect(environmentOf('DigestLambdaFunction').DIGEST_SEND_QUEUE_URL).toEqual({ Ref: 'DigestSendQueue' });
    expect(environmentOf('DigestSenderLambdaFunction').DIGEST_SEND_QUEUE_URL).toBeUndefined();
    const mappings = resourcesOfType(template, 'AWS::Lambda::EventSourceMapping');
    expect(mappings.map(([, m]) => render(m.Properties?.EventSourceArn))).toEqual(['DigestSendQueue.Arn']);
  });
});

describe("the sender's event source", () => {
  const mapping = () => {
    const [found] = resourcesOfType(template, 'AWS::Lambda::EventSourceMapping');
    return found?.[1];
  };

  it('gives digestSender one batch per invocation, retrying only the batches it reports failed', () => {
    expect(mapping()?.Properties).toMatchObject({
      FunctionName: { 'Fn::GetAtt': ['DigestSenderLambdaFunction', 'Arn'] },
      EventSourceArn: { 'Fn::GetAtt': ['DigestSendQueue', 'Arn'] },
      BatchSize: 1,
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      Enabled: true,
    });
    // The role's queue permissions must exist before Lambda checks them on creating the mapping.
    expect(mapping()?.DependsOn).toEqual(['DigestSenderRole']);
  });

  it('runs at most digestSenders (default 2) senders, the number the planner divides the send rate by', () => {
    expect(mapping()?.Properties?.ScalingConfig).toEqual({ MaximumConcurrency: 2 });
    for (const id of ['DigestLambdaFunction', 'DigestSenderLambdaFunction']) {
      expect(environmentOf(id).DIGEST_SENDERS, id).toBe('2');
    }
  });

  // maximumConcurrency caps the senders without reserving account concurrency (a reservation fails the
  // first deploy on new accounts, and one below the maximum makes Lambda throttle the pollers).
  it('reserves no concurrency for digestSender', () => {
    expect(
      props('DigestSenderLambdaFunction', 'AWS::Lambda::Function').ReservedConcurrentExecutions,
    ).toBeUndefined();
  });

  it('takes the number of senders from the digestSenders parameter, for the queue and both functions alike', async () => {
    const functions = (await printService('functions', ['--param=digestSenders=8'])) as Record<
      string,
      { environment?: Record<string, unknown>; events?: { sqs?: { maximumConcurrency?: unknown } }[] }
    >;
    expect(functions.digestSender?.events?.[0]?.sqs?.maximumConcurrency).toBe(8);
    expect(functions.digestSender?.environment?.DIGEST_SENDERS).toBe('8');
    expect(functions.digest?.environment?.DIGEST_SENDERS).toBe('8');
  }, 60_000);

  it('refuses fewer than 2 senders before anything is built: Lambda allows no lower maximum concurrency', async () => {
    await expect(printService('functions', ['--param=digestSenders=1'])).rejects.toThrow(
      /maximumConcurrency'?: must be >= 2/,
    );
  }, 60_000);

  it("leaves the planner's send rate to SES unless digestMaxSendRate is set", async () => {
    expect(environmentOf('DigestLambdaFunction').DIGEST_MAX_SEND_RATE).toBe('');
    const functions = (await printService('functions', ['--param=digestMaxSendRate=40'])) as Record<
      string,
      { environment?: Record<string, unknown> }
    >;
    expect(functions.digest?.environment?.DIGEST_MAX_SEND_RATE).toBe('40');
  }, 60_000);
});

describe('the send alarms', () => {
  const alarm = (id: string) => props(id, 'AWS::CloudWatch::Alarm');
  const conventions = {
    TreatMissingData: 'notBreaching',
    EvaluationPeriods: 1,
    AlarmActions: [{ Ref: 'AlarmTopic' }],
    OKActions: [{ Ref: 'AlarmTopic' }],
  };

  it('alarms as soon as a batch is dead-lettered', () => {
    expect(alarm('DigestSendDeadLettersAlarm')).toMatchObject({
      ...conventions,
      AlarmName: 'article-digest-dev-digest-send-dead-letters',
      Namespace: 'AWS/SQS',
      MetricName: 'ApproximateNumberOfMessagesVisible',
      Dimensions: [
        { Name: 'QueueName', Value: { 'Fn::GetAtt': ['DigestSendDeadLetterQueue', 'QueueName'] } },
      ],
      Statistic: 'Maximum',
      Threshold: 0,
      ComparisonOperator: 'GreaterThanThreshold',
    });
  });

  it('alarms when batches wait over an hour: digests are going out more than an hour late', () => {
    expect(alarm('DigestSendBacklogAlarm')).toMatchObject({
      ...conventions,
      AlarmName: 'article-digest-dev-digest-send-backlog',
      Namespace: 'AWS/SQS',
      MetricName: 'ApproximateAgeOfOldestMessage',
      Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': ['DigestSendQueue', 'QueueName'] } }],
      Statistic: 'Maximum',
      Threshold: 3600,
      ComparisonOperator: 'GreaterThanThreshold',
    });
  });

  it('alarms on every queue of the stack', () => {
    const watched = resourcesOfType(template, 'AWS::CloudWatch::Alarm')
      .filter(([, a]) => a.Properties?.Namespace === 'AWS/SQS')
      .map(([, a]) => (isRecord(a.Properties) ? a.Properties.Dimensions : undefined))
      .flatMap((d) => (Array.isArray(d) ? d.filter(isRecord).map((x) => render(x.Value)) : []));
    const queues = resourcesOfType(template, 'AWS::SQS::Queue').map(([id]) => `${id}.QueueName`);
    expect(new Set(watched)).toEqual(new Set(queues));
  });
});

function environmentOf(functionId: string): Record<string, CfnValue> {
  const environment = props(functionId, 'AWS::Lambda::Function').Environment;
  const variables = isRecord(environment) ? environment.Variables : undefined;
  return isRecord(variables) ? variables : {};
}
