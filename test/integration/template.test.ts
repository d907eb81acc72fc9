/**
 * The deployable service, checked without AWS: `serverless package` runs once, offline, with no credentials,
 * and these tests assert on the CloudFormation it generates. Each block guards a property a regression would
 * silently lose: privacy of the bucket, least privilege of each role, the trigger that must not loop, the
 * dead-letter path, the schedule, the environment each function validates at start.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { promisify } from 'node:util';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { withLinkSigningSecrets } from '../../src/aws/secret.js';
import {
  linkSecretsFor,
  loadDigestConfig,
  loadLinkEndpointConfig,
  loadObservabilityConfig,
  loadSubscribeConfig,
  loadSummarizeConfig,
} from '../../src/config.js';
import {
  LOCAL_BUCKET,
  LOCAL_RECIPIENTS,
  LOCAL_SENDER,
  LOCAL_TABLE,
  startLocalStack,
  type LocalStack,
} from '../../src/local/local-stack.js';
import { LOCAL_REGION } from '../../src/local/emulators.js';
import { createMetrics } from '../../src/observability.js';
import {
  LOCAL_ACCOUNT_ID,
  allows,
  deniedCalls,
  jsonProtocolCall,
  recordAwsCalls,
  s3Call,
  sesCall,
  sesCalls,
  type AwsCall,
} from '../support/deploy-iam.js';
import {
  REPO_ROOT,
  asArray,
  packageService,
  printService,
  render,
  resource,
  resourcesOfType,
  roleStatements,
  type CfnTemplate,
  type CfnValue,
  type PackagedService,
  type Statement,
  zipEntryText,
} from '../support/deploy-template.js';

const SENDER = 'digest@news.example.org';
const TIME_ZONE = 'Europe/Berlin';
const ALARM_EMAIL = 'ops@example.org';
const BUCKET_ARN = 'arn:${AWS::Partition}:s3:::article-digest-dev-${AWS::AccountId}-${AWS::Region}';
const object = (key: string) => `${BUCKET_ARN}/${key}`;
const SES = 'arn:${AWS::Partition}:ses:${AWS::Region}:${AWS::AccountId}';
const FUNCTIONS = {
  summarize: 'SummarizeLambdaFunction',
  digest: 'DigestLambdaFunction',
  digestSender: 'DigestSenderLambdaFunction',
  unsubscribe: 'UnsubscribeLambdaFunction',
  articleLink: 'ArticleLinkLambdaFunction',
  subscribe: 'SubscribeLambdaFunction',
} as const;
/** The handler module of each function (src/handlers/<file>.ts); the zip is named after the function. */
const HANDLER_FILES: Record<keyof typeof FUNCTIONS, string> = {
  summarize: 'summarize',
  digest: 'digest',
  digestSender: 'digest-sender',
  unsubscribe: 'unsubscribe',
  articleLink: 'article-link',
  subscribe: 'subscribe',
};
const ROLE_IDS = [
  'SummarizeRole',
  'DigestRole',
  'DigestSenderRole',
  'UnsubscribeRole',
  'ArticleLinkRole',
  'SubscribeRole',
];
/** The digest table and its due index, as the roles name them. */
const TABLE = 'DigestTable.Arn';
const DUE_INDEX = '${DigestTable.Arn}/index/due';

let service: PackagedService;
let template: CfnTemplate;

beforeAll(async () => {
  service = await packageService([
    `--param=senderEmail=${SENDER}`,
    `--param=timeZone=${TIME_ZONE}`,
    `--param=alarmEmail=${ALARM_EMAIL}`,
  ]);
  template = service.template;
  const sizes = Object.entries(service.zips).map(
    ([name, zip]) => `${name} ${(zip.bytes / 1024).toFixed(1)} KiB`,
  );
  console.log(`serverless package: ${service.seconds.toFixed(1)} s; ${sizes.join(', ')}`);
}, 120_000);

afterAll(async () => {
  await rm(service.outDir, { recursive: true, force: true });
});

async function printFunctions(args: string[]): Promise<Record<string, { reservedConcurrency?: number }>> {
  return (await printService('functions', args)) as Record<string, { reservedConcurrency?: number }>;
}

function props(id: string, type: string): Record<string, CfnValue> {
  return resource(template, id, type).Properties ?? {};
}

function environmentOf(functionId: string): Record<string, CfnValue> {
  const environment = props(functionId, 'AWS::Lambda::Function').Environment;
  const variables = isRecord(environment) ? environment.Variables : undefined;
  return isRecord(variables) ? variables : {};
}

function isRecord(value: CfnValue | undefined): value is Record<string, CfnValue> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

describe('the functions', () => {
  // nodejs24.x: AWS no longer creates functions on nodejs20.x, and nodejs22.x leaves standard support on
  // 2027-04-30. The bundle still targets node20, so the same code runs on the local Node 20.
  it.each(Object.entries(FUNCTIONS))('%s runs Node.js 24 on arm64 with JSON logs', (name, id) => {
    const fn = props(id, 'AWS::Lambda::Function');
    expect(fn.Runtime).toBe('nodejs24.x');
    expect(fn.Architectures).toEqual(['arm64']);
    expect(fn.Handler).toBe(`src/handlers/${HANDLER_FILES[name as keyof typeof FUNCTIONS]}.main`);
    expect(fn.LoggingConfig).toEqual({ LogFormat: 'JSON' });
  });

  it('sizes memory and timeout as measured (docs/sizing-and-cost.md)', () => {
    const sizing = Object.fromEntries(
      Object.entries(FUNCTIONS).map(([name, id]) => {
        const fn = props(id, 'AWS::Lambda::Function');
        return [name, { memory: fn.MemorySize, timeout: fn.Timeout }];
      }),
    );
    expect(sizing).toEqual({
      summarize: { memory: 1024, timeout: 90 },
      digest: { memory: 1024, timeout: 300 },
      digestSender: { memory: 1024, timeout: 300 },
      unsubscribe: { memory: 1024, timeout: 10 },
      articleLink: { memory: 1024, timeout: 10 },
      subscribe: { memory: 1024, timeout: 15 },
    });
  });

  it('keeps every log group for a bounded time', () => {
    const groups = resourcesOfType(template, 'AWS::Logs::LogGroup');
    expect(groups.map(([id]) => id).sort()).toEqual([
      'ArticleLinkLogGroup',
      'DigestLogGroup',
      'DigestSenderLogGroup',
      'SubscribeLogGroup',
      'SummarizeLogGroup',
      'UnsubscribeLogGroup',
    ]);
    for (const [, group] of groups) expect(group.Properties?.RetentionInDays).toBe(30);
  });

  // Lambda refuses a reservation that leaves the account less than 100 unreserved concurrent executions,
  // and new accounts start with a quota of 10: any reservation fails their first deploy.
  it('reserves no concurrency for any function by default, so the first deploy works on a new account', () => {
    for (const id of Object.values(FUNCTIONS)) {
      expect(props(id, 'AWS::Lambda::Function').ReservedConcurrentExecutions, id).toBeUndefined();
    }
  });

  const reservations = async (params: string[]) =>
    Object.fromEntries(
      Object.entries(await printFunctions(params)).map(([name, fn]) => [
        name,
        fn.reservedConcurrency ?? null,
      ]),
    );

  it('caps the public functions only when asked', async () => {
    expect(await reservations(['--param=linkFunctionConcurrency=5'])).toEqual({
      summarize: null,
      digest: null,
      digestSender: null,
      unsubscribe: 5,
      articleLink: 5,
      subscribe: 5,
    });
  }, 60_000);

  // The S3 send claims already keep overlapping runs from sending twice (docs/digest.md): one run at a time
  // is only an optimization, for accounts with concurrency to spare.
  it('reserves concurrency for the digest only when asked', async () => {
    expect(await reservations(['--param=digestConcurrency=1'])).toEqual({
      summarize: null,
      digest: 1,
      digestSender: null,
      unsubscribe: null,
      articleLink: null,
      subscribe: null,
    });
  }, 60_000);

  it('packages one minified, fully bundled zip of at most 500 KiB per function, its source map beside it', () => {
    expect(Object.keys(service.zips).sort()).toEqual([
      'articleLink.zip',
      'digest.zip',
      'digestSender.zip',
      'subscribe.zip',
      'summarize.zip',
      'unsubscribe.zip',
    ]);
    for (const [zipName, zip] of Object.entries(service.zips)) {
      const name = HANDLER_FILES[zipName.replace(/\.zip$/, '') as keyof typeof FUNCTIONS];
      expect(Object.keys(zip.entries)).toEqual([`src/handlers/${name}.js`]);
      // Issue 13's bound: the AWS SDK bundled, the source map outside.
      expect(zip.bytes).toBeLessThanOrEqual(500 * 1024);
    }
  });

  it.each(Object.entries(HANDLER_FILES))(
    '%s ships minified code that maps back to src/ through the map beside its zip',
    async (functionName, name) => {
      const zip = await readFile(join(service.outDir, `${functionName}.zip`));
      const code = zipEntryText(zip, `src/handlers/${name}.js`);
      // Minified output is a few very long lines (newlines survive only inside template literals).
      expect(code.length / code.split('\n').length).toBeGreaterThan(1000);
      // The map is not in the zip, so the code names none (Node would look for it at every cold start).
      expect(code).not.toMatch(/sourceMappingURL/);
      const map = JSON.parse(
        await readFile(join(service.outDir, 'sourcemaps', `${functionName}.js.map`), 'utf8'),
      ) as { sources: string[]; mappings: string };
      expect(map.sources).toContainEqual(expect.stringMatching(new RegExp(`src/handlers/${name}\\.ts$`)));
      expect(map.mappings.length).toBeGreaterThan(1000);
    },
  );
});

describe('the stage name', () => {
  // It is part of the bucket name, article-digest-<stage>-<account>-<region>: S3 takes only lowercase
  // letters, digits and hyphens there, and 63 characters in all (20 for the stage with the longest region).
  it('stops packaging with a clear message before anything is built when S3 could not name the bucket', async () => {
    await expect(packageService(['--stage', 'Bad_Stage'])).rejects.toThrow(
      /Stage "Bad_Stage" cannot be used: a stage name must be 1-20 lowercase letters, digits and hyphens/,
    );
  }, 60_000);
});

describe('the bucket', () => {
  const bucket = () => props('ArticlesBucket', 'AWS::S3::Bucket');

  it('blocks every kind of public access and disables ACLs', () => {
    expect(bucket().PublicAccessBlockConfiguration).toEqual({
      BlockPublicAcls: true,
      BlockPublicPolicy: true,
      IgnorePublicAcls: true,
      RestrictPublicBuckets: true,
    });
    expect(bucket().OwnershipControls).toEqual({ Rules: [{ ObjectOwnership: 'BucketOwnerEnforced' }] });
  });

  it('encrypts at rest', () => {
    expect(bucket().BucketEncryption).toEqual({
      ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }],
    });
  });

  it('has a name unique to the account, region and stage', () => {
    expect(render(bucket().BucketName)).toBe('article-digest-dev-${AWS::AccountId}-${AWS::Region}');
  });

  it('denies every request that does not use TLS 1.2 or later', () => {
    const policy = props('ArticlesBucketPolicy', 'AWS::S3::BucketPolicy');
    expect(policy.Bucket).toEqual({ Ref: 'ArticlesBucket' });
    const document = policy.PolicyDocument;
    const statements = isRecord(document) ? asArray(document.Statement).filter(isRecord) : [];
    const rendered = statements.map((s) => ({
      Effect: s.Effect,
      Principal: s.Principal,
      Action: s.Action,
      Resource: asArray(s.Resource).map(render),
      Condition: s.Condition,
    }));
    const common = { Effect: 'Deny', Principal: '*', Action: 's3:*', Resource: [BUCKET_ARN, object('*')] };
    expect(rendered).toEqual([
      { ...common, Condition: { Bool: { 'aws:SecureTransport': 'false' } } },
      { ...common, Condition: { NumericLessThan: { 's3:TlsVersion': '1.2' } } },
    ]);
    expect(statements.every((s) => s.Effect === 'Deny')).toBe(true);
  });

  it('expires failure records, run snapshots and the state older versions left, and never unsubscribes, summaries or articles', () => {
    const lifecycle = bucket().LifecycleConfiguration;
    const rules = isRecord(lifecycle) ? asArray(lifecycle.Rules).filter(isRecord) : [];
    const expiring = Object.fromEntries(
      rules
        .filter((r) => r.ExpirationInDays !== undefined)
        .map((r) => [render(r.Prefix), r.ExpirationInDays]),
    );
    expect(expiring).toEqual({
      'failures/': 30,
      'state/digest-runs/': 2,
      // Written only before DigestTable: what older stacks left expires as it always did.
      'state/ledger/': 90,
      'state/claims/': 7,
      'state/send-failures/': 30,
    });
    // Before DigestTable the unsubscribes were kept here: an import must still find them.
    expect(Object.keys(expiring).some((prefix) => 'state/unsubscribed/'.startsWith(prefix))).toBe(false);
    expect(rules.every((r) => r.Status === 'Enabled')).toBe(true);
    expect(
      rules.find((r) => r.Id === 'abort-incomplete-multipart-uploads')?.AbortIncompleteMultipartUpload,
    ).toEqual({
      DaysAfterInitiation: 1,
    });
  });
});

describe('the upload trigger', () => {
  it('invokes summarize only for objects created under articles/', () => {
    const notification = props('ArticlesBucket', 'AWS::S3::Bucket').NotificationConfiguration;
    expect(notification).toEqual({
      LambdaConfigurations: [
        {
          Event: 's3:ObjectCreated:*',
          Function: { 'Fn::GetAtt': ['SummarizeLambdaFunction', 'Arn'] },
          Filter: { S3Key: { Rules: [{ Name: 'prefix', Value: 'articles/' }] } },
        },
      ],
    });
    expect(resource(template, 'ArticlesBucket', 'AWS::S3::Bucket').DependsOn).toEqual([
      'SummarizeLambdaPermissionArticlesBucket',
    ]);
  });

  it('lets only this bucket in this account invoke summarize', () => {
    const permission = props('SummarizeLambdaPermissionArticlesBucket', 'AWS::Lambda::Permission');
    expect({ ...permission, SourceArn: render(permission.SourceArn) }).toEqual({
      FunctionName: { 'Fn::GetAtt': ['SummarizeLambdaFunction', 'Arn'] },
      Action: 'lambda:InvokeFunction',
      Principal: 's3.amazonaws.com',
      SourceArn: BUCKET_ARN,
      SourceAccount: { Ref: 'AWS::AccountId' },
    });
  });

  it('cannot re-trigger itself: no role may write under the trigger prefix', () => {
    const writable = (role: string) =>
      roleStatements(template, role)
        .filter((s) => s.Action.some((a) => a.startsWith('s3:Put')))
        .flatMap((s) => s.Resource);
    expect(writable('SummarizeRole').length).toBeGreaterThan(0);
    expect(writable('DigestRole').length).toBeGreaterThan(0);
    for (const role of [...ROLE_IDS, 'DigestSchedulerRole']) {
      for (const arn of writable(role))
        expect(arn.startsWith(object('articles/')) || arn === object('*'), `${role} writes ${arn}`).toBe(
          false,
        );
    }
  });
});

describe('least privilege', () => {
  const lambdaTrust = {
    Version: '2012-10-17',
    Statement: [
      { Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' },
    ],
  };
  const allow = (Sid: string, Action: string[], Resource: string[], Condition?: CfnValue): Statement => ({
    Sid,
    Effect: 'Allow',
    Action,
    Resource,
    ...(Condition !== undefined && { Condition }),
  });
  const listUnder = (Sid: string, prefixes: string[]) =>
    allow(Sid, ['s3:ListBucket'], [BUCKET_ARN], { StringLike: { 's3:prefix': prefixes } });
  const logs = (group: string) =>
    allow('WriteOwnLogs', ['logs:CreateLogStream', 'logs:PutLogEvents'], [`${group}.Arn`]);
  const deadLetter = allow('DeadLetterFailedEvents', ['sqs:SendMessage'], ['FailedInvocationsQueue.Arn']);
  const readSecrets = (Sid: string, secrets: string[]) =>
    allow(
      Sid,
      ['secretsmanager:GetSecretValue'],
      secrets.map((id) => `Ref(${id})`),
    );
  /** The statement that lets the digest send: any identity of its region, only as the configured sender. */
  const sendAsSender = allow(
    'SendAsTheConfiguredSender',
    ['ses:SendEmail'],
    [`${SES}:configuration-set/\${SesConfigurationSet}`, `${SES}:identity/*`],
    { StringEquals: { 'ses:FromAddress': SENDER } },
  );

  it('gives each function its own role and creates no shared default role', () => {
    const roles = Object.values(FUNCTIONS).map((id) => render(props(id, 'AWS::Lambda::Function').Role));
    expect(roles).toEqual(ROLE_IDS.map((role) => `${role}.Arn`));
    expect(template.Resources.IamRoleLambdaExecution).toBeUndefined();
    for (const role of ROLE_IDS) {
      expect(props(role, 'AWS::IAM::Role').AssumeRolePolicyDocument).toEqual(lambdaTrust);
      expect(props(role, 'AWS::IAM::Role').ManagedPolicyArns).toBeUndefined();
    }
  });

  it('summarize reads articles/*, writes summaries/* and failures/*, and nothing else', () => {
    expect(roleStatements(template, 'SummarizeRole')).toEqual([
      logs('SummarizeLogGroup'),
      allow('ReadArticles', ['s3:GetObject', 's3:GetObjectVersion'], [object('articles/*')]),
      allow(
        'WriteSummariesAndFailureRecords',
        ['s3:PutObject'],
        [object('failures/*'), object('summaries/*')],
      ),
      listUnder('ListArticles', ['articles/*']),
      deadLetter,
    ]);
  });

  /**
   * digest (sending inline) and digestSender: claims, ledger, failures and moving dueAt, item writes, and the
   * GetItem of the profile record() falls back to when neither of its conditional updates applies.
   */
  const writeSendState = allow(
    'ClaimAndRecordSends',
    ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem'],
    [TABLE],
  );
  /** Single-item requests only on partitions whose key matches one of `prefixes`. */
  const onPartitions = (prefixes: string[]) => ({
    'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': prefixes },
  });

  it('digest reads summaries, queries the due index, writes items and snapshots, enqueues batches, sends only as the sender', () => {
    expect(roleStatements(template, 'DigestRole')).toEqual([
      logs('DigestLogGroup'),
      listUnder('ListSummaries', ['summaries/*']),
      allow('ReadSummaries', ['s3:GetObject'], [object('summaries/*')]),
      allow('SaveRunSnapshots', ['s3:PutObject'], [object('state/digest-runs/*')]),
      allow('FindDueSubscribers', ['dynamodb:Query'], [DUE_INDEX]),
      writeSendState,
      allow('EnqueueSendBatches', ['sqs:SendMessage'], ['DigestSendQueue.Arn']),
      sendAsSender,
      // Read-only, on every identity: in the sandbox the recipients (any address) are checked.
      allow('CheckRecipientVerification', ['ses:GetEmailIdentity'], [`${SES}:identity/*`]),
      allow('ReadSendingQuota', ['ses:GetAccount'], ['*']),
      readSecrets('ReadLinkSigningKeys', ['ArticleLinkSecret', 'SubscribeSecret', 'UnsubscribeSecret']),
      deadLetter,
    ]);
  });

  it('digestSender consumes its queue, reads run snapshots, writes items and sends only as the sender', () => {
    expect(roleStatements(template, 'DigestSenderRole')).toEqual([
      logs('DigestSenderLogGroup'),
      allow(
        'ConsumeSendBatches',
        ['sqs:DeleteMessage', 'sqs:GetQueueAttributes', 'sqs:ReceiveMessage'],
        ['DigestSendQueue.Arn'],
      ),
      allow('ReadRunSnapshots', ['s3:GetObject'], [object('state/digest-runs/*')]),
      listUnder('ListRunSnapshots', ['state/digest-runs/*']),
      writeSendState,
      sendAsSender,
      readSecrets('ReadLinkSigningKeys', ['ArticleLinkSecret', 'SubscribeSecret', 'UnsubscribeSecret']),
    ]);
  });

  // Each function holds only its own half: the planner cannot consume batches, the sender cannot plan.
  it('keeps planning and sending apart: only digest queries the index or enqueues, only digestSender receives', () => {
    const actionsOf = (role: string) => new Set(roleStatements(template, role).flatMap((s) => s.Action));
    const planner = actionsOf('DigestRole');
    const sender = actionsOf('DigestSenderRole');
    expect(planner.has('dynamodb:Query')).toBe(true);
    expect(sender.has('dynamodb:Query')).toBe(false);
    expect(sender.has('sqs:SendMessage')).toBe(false);
    expect(sender.has('s3:PutObject')).toBe(false);
    expect(sender.has('s3:ListBucket') && planner.has('s3:ListBucket')).toBe(true);
    for (const action of ['sqs:ReceiveMessage', 'sqs:DeleteMessage', 'sqs:ChangeMessageVisibility']) {
      expect(planner.has(action), action).toBe(false);
    }
    // Nobody running in Lambda scans the table or deletes from it (the admin CLI runs with the operator's).
    for (const role of ROLE_IDS) {
      for (const action of actionsOf(role)) {
        expect(action, role).not.toMatch(
          /^dynamodb:(Scan|DeleteItem|Batch|Transact|DeleteTable|UpdateTable)/,
        );
      }
    }
  });

  it('scopes every DynamoDB grant to the digest table, and Query to its due index alone', () => {
    const grants = ROLE_IDS.flatMap((role) =>
      roleStatements(template, role)
        .filter((s) => s.Action.some((a) => a.startsWith('dynamodb:')))
        .map((s) => ({ role, actions: s.Action, resources: s.Resource })),
    );
    expect(grants.map((g) => g.role).sort()).toEqual([
      'DigestRole',
      'DigestRole',
      'DigestSenderRole',
      'SubscribeRole',
      'UnsubscribeRole',
    ]);
    for (const grant of grants) {
      const query = grant.actions.includes('dynamodb:Query');
      // Query is alone in its statement, so it reaches the index and nothing else.
      expect(grant.resources, grant.role).toEqual(query ? [DUE_INDEX] : [TABLE]);
      if (query) expect(grant.actions).toEqual(['dynamodb:Query']);
    }
  });

  it('no longer grants the S3 state the digest kept before DigestTable', () => {
    const resources = ROLE_IDS.flatMap((role) => roleStatements(template, role).flatMap((s) => s.Resource));
    for (const prefix of ['state/ledger/', 'state/claims/', 'state/send-failures/', 'state/unsubscribed/']) {
      expect(
        resources.filter((arn) => arn.startsWith(object(prefix))),
        prefix,
      ).toEqual([]);
    }
    const listed = ROLE_IDS.flatMap((role) =>
      roleStatements(template, role).flatMap((s) => JSON.stringify(s.Condition ?? {})),
    );
    expect(listed.join(' ')).not.toMatch(/state\/(ledger|claims|unsubscribed)|config\/subscribers/);
  });

  // SES authorizes SendEmail against the identity it sends from, the configuration set, and in the sandbox
  // (where every account starts) each recipient's identity: a grant on the sender's identity alone gets
  // AccessDenied for verified recipients. So every identity of the region, on condition of the From address.
  it('digest and digestSender may send to any identity in their region, but only from the configured sender', () => {
    for (const [role, functionId] of [
      ['DigestRole', 'DigestLambdaFunction'],
      ['DigestSenderRole', 'DigestSenderLambdaFunction'],
    ] as const) {
      const statement = roleStatements(template, role).find((s) => s.Action.includes('ses:SendEmail'));
      expect(statement, role).toEqual(sendAsSender);
      // The condition names exactly the address the function sends from.
      expect(environmentOf(functionId).SENDER_EMAIL).toBe(SENDER);
    }

    const region = 'eu-west-1';
    const deployed = (text: string) =>
      text
        .replaceAll('${AWS::Partition}', 'aws')
        .replaceAll('${AWS::Region}', region)
        .replaceAll('${AWS::AccountId}', LOCAL_ACCOUNT_ID)
        .replaceAll('${SesConfigurationSet}', 'article-digest-dev');
    const send = (from: string, to: string[], inRegion = region) =>
      sesCalls(
        'POST',
        '/v2/email/outbound-emails',
        inRegion,
        JSON.stringify({
          FromEmailAddress: from,
          Destination: { ToAddresses: to },
          ConfigurationSetName: 'article-digest-dev',
        }),
      );
    const denied = (calls: AwsCall[]) => deniedCalls([sendAsSender], calls, deployed);
    const sandboxSend = send(SENDER, ['verified.reader@example.net', 'other@elsewhere.example']);

    // The sender's identity, both recipients' identities and the configuration set: all four allowed.
    expect(sandboxSend.map((c) => c.resource)).toHaveLength(4);
    expect(denied(sandboxSend)).toEqual([]);
    expect(denied(send(`Digest <${SENDER}>`, ['reader@example.net']))).toEqual([]);
    // Any other From address, even in the sender's own domain, and any other region: nothing.
    for (const calls of [
      send('someone@news.example.org', ['reader@example.net']),
      send(SENDER, ['reader@example.net'], 'us-west-2'),
    ]) {
      expect(denied(calls)).toHaveLength(calls.length);
    }
  });

  it('unsubscribe only updates subscribers in the digest table and reads its signing secret', () => {
    expect(roleStatements(template, 'UnsubscribeRole')).toEqual([
      logs('UnsubscribeLogGroup'),
      allow('RecordUnsubscribes', ['dynamodb:UpdateItem'], [TABLE], onPartitions(['SUB#*'])),
      readSecrets('ReadUnsubscribeSigningKey', ['UnsubscribeSecret']),
    ]);
  });

  it('subscribe updates and reads single items of the digest table, sends only as the sender, and reads its own secret', () => {
    expect(roleStatements(template, 'SubscribeRole')).toEqual([
      logs('SubscribeLogGroup'),
      allow(
        'ManageSubscribersAndSignupLimits',
        ['dynamodb:GetItem', 'dynamodb:UpdateItem'],
        [TABLE],
        onPartitions(['SUB#*', 'RATE#*', 'CONFIRM#*']),
      ),
      sendAsSender,
      readSecrets('ReadSubscribeSigningKey', ['SubscribeSecret']),
    ]);
    expect(environmentOf('SubscribeLambdaFunction').SENDER_EMAIL).toBe(SENDER);
  });

  it('article-link only reads articles/* (to find and presign them) and reads its signing secret', () => {
    expect(roleStatements(template, 'ArticleLinkRole')).toEqual([
      logs('ArticleLinkLogGroup'),
      allow('PresignArticles', ['s3:GetObject', 's3:GetObjectVersion'], [object('articles/*')]),
      listUnder('ListArticles', ['articles/*']),
      readSecrets('ReadArticleLinkSigningKey', ['ArticleLinkSecret']),
    ]);
  });

  it("lets each public function read only its own signing secret, so neither can mint the other's links", () => {
    const readable = (role: string) =>
      roleStatements(template, role)
        .filter((s) => s.Action.some((a) => a.startsWith('secretsmanager:')))
        .flatMap((s) => s.Resource)
        .sort();
    const secrets = resourcesOfType(template, 'AWS::SecretsManager::Secret').map(([id]) => id);

    expect(secrets.sort()).toEqual(['ArticleLinkSecret', 'SubscribeSecret', 'UnsubscribeSecret']);
    const digestSecrets = ['Ref(ArticleLinkSecret)', 'Ref(SubscribeSecret)', 'Ref(UnsubscribeSecret)'];
    expect(Object.fromEntries(ROLE_IDS.map((role) => [role, readable(role)]))).toEqual({
      SummarizeRole: [],
      DigestRole: digestSecrets,
      DigestSenderRole: digestSecrets,
      UnsubscribeRole: ['Ref(UnsubscribeSecret)'],
      ArticleLinkRole: ['Ref(ArticleLinkSecret)'],
      SubscribeRole: ['Ref(SubscribeSecret)'],
    });
    expect(readable('DigestSchedulerRole')).toEqual([]);
  });

  it('digest and digestSender do not read the originals: they sign tokens, the article-link function presigns', () => {
    for (const role of ['DigestRole', 'DigestSenderRole']) {
      const readable = roleStatements(template, role)
        .filter((s) => s.Action.includes('s3:GetObject'))
        .flatMap((s) => s.Resource);
      expect(
        readable.some((arn) => arn.startsWith(object('articles/'))),
        role,
      ).toBe(false);
    }
  });

  it('the schedule may only invoke the digest and dead-letter its runs', () => {
    const role = props('DigestSchedulerRole', 'AWS::IAM::Role');
    expect(role.AssumeRolePolicyDocument).toEqual({
      Version: '2012-10-17',
      Statement: [
        {
          Effect: 'Allow',
          Principal: { Service: 'scheduler.amazonaws.com' },
          Action: 'sts:AssumeRole',
          Condition: { StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } } },
        },
      ],
    });
    expect(roleStatements(template, 'DigestSchedulerRole')).toEqual([
      allow('InvokeDigest', ['lambda:InvokeFunction'], ['DigestLambdaFunction.Arn']),
      allow('DeadLetterUndeliveredRuns', ['sqs:SendMessage'], ['FailedInvocationsQueue.Arn']),
    ]);
  });

  it('grants no wildcard action anywhere and a wildcard resource only for ses:GetAccount', () => {
    const roles = resourcesOfType(template, 'AWS::IAM::Role').map(([id]) => id);
    expect(roles.sort()).toEqual([
      'ArticleLinkRole',
      'DigestRole',
      'DigestSchedulerRole',
      'DigestSenderRole',
      'SubscribeRole',
      'SummarizeRole',
      'UnsubscribeRole',
    ]);
    for (const role of roles) {
      for (const statement of roleStatements(template, role)) {
        expect(statement.Effect).toBe('Allow');
        for (const action of statement.Action) expect(action, `${role} ${statement.Sid}`).not.toMatch(/\*/);
        if (statement.Resource.includes('*')) expect(statement.Action).toEqual(['ses:GetAccount']);
      }
    }
  });
});

describe('failed invocations', () => {
  it.each([
    ['SummarizeLambdaEvConf', 'SummarizeLambdaFunction', 21600],
    ['DigestLambdaEvConf', 'DigestLambdaFunction', 3600],
  ])('%s sends events that failed their retries to the queue', (configId, functionId, maxAge) => {
    const config = props(configId, 'AWS::Lambda::EventInvokeConfig');
    expect(config.FunctionName).toEqual({ Ref: functionId });
    expect(config.MaximumRetryAttempts).toBe(2);
    expect(config.MaximumEventAgeInSeconds).toBe(maxAge);
    expect(config.DestinationConfig).toEqual({
      OnFailure: { Destination: { 'Fn::GetAtt': ['FailedInvocationsQueue', 'Arn'] } },
    });
  });

  it('keeps failed invocations encrypted for the longest time SQS allows', () => {
    const queue = props('FailedInvocationsQueue', 'AWS::SQS::Queue');
    expect(queue.SqsManagedSseEnabled).toBe(true);
    expect(queue.MessageRetentionPeriod).toBe(1_209_600);
    expect(render(queue.QueueName)).toBe('article-digest-dev-failed-invocations');
    expect(template.Outputs?.FailedInvocationsQueueUrl?.Value).toEqual({ Ref: 'FailedInvocationsQueue' });
  });

  it('alarms as soon as anything is dead-lettered', () => {
    const alarm = props('FailedInvocationsAlarm', 'AWS::CloudWatch::Alarm');
    expect(alarm).toMatchObject({
      Namespace: 'AWS/SQS',
      MetricName: 'ApproximateNumberOfMessagesVisible',
      Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': ['FailedInvocationsQueue', 'QueueName'] } }],
      Statistic: 'Maximum',
      Threshold: 0,
      ComparisonOperator: 'GreaterThanThreshold',
      AlarmActions: [{ Ref: 'AlarmTopic' }],
    });
  });

  it.each(Object.entries(FUNCTIONS))('alarms on any %s error', (name, functionId) => {
    const alarm = props(`${name[0]?.toUpperCase()}${name.slice(1)}ErrorsAlarm`, 'AWS::CloudWatch::Alarm');
    expect(alarm).toMatchObject({
      Namespace: 'AWS/Lambda',
      MetricName: 'Errors',
      Dimensions: [{ Name: 'FunctionName', Value: { Ref: functionId } }],
      Statistic: 'Sum',
      Threshold: 0,
      ComparisonOperator: 'GreaterThanThreshold',
      TreatMissingData: 'notBreaching',
      AlarmActions: [{ Ref: 'AlarmTopic' }],
    });
  });

  it.each([
    ['SubscribeThrottlesAlarm', 'SubscribeLambdaFunction'],
    ['UnsubscribeThrottlesAlarm', 'UnsubscribeLambdaFunction'],
    ['ArticleLinkThrottlesAlarm', 'ArticleLinkLambdaFunction'],
  ])('%s: a public function turned requests away for lack of concurrency', (alarmId, functionId) => {
    expect(props(alarmId, 'AWS::CloudWatch::Alarm')).toMatchObject({
      Namespace: 'AWS/Lambda',
      MetricName: 'Throttles',
      Dimensions: [{ Name: 'FunctionName', Value: { Ref: functionId } }],
      Statistic: 'Sum',
      Threshold: 0,
      ComparisonOperator: 'GreaterThanThreshold',
      TreatMissingData: 'notBreaching',
      AlarmActions: [{ Ref: 'AlarmTopic' }],
      OKActions: [{ Ref: 'AlarmTopic' }],
    });
  });

  // Account-wide in the region, no dimensions: SES reviews an account at 5 % bounces or 0.1 % complaints.
  it.each([
    ['SesBounceRateAlarm', 'ses-bounce-rate', 'Reputation.BounceRate', 0.05],
    ['SesComplaintRateAlarm', 'ses-complaint-rate', 'Reputation.ComplaintRate', 0.001],
  ])('%s alarms on the SES reputation metric before SES acts on it', (alarmId, name, metric, threshold) => {
    expect(props(alarmId, 'AWS::CloudWatch::Alarm')).toEqual({
      AlarmName: `article-digest-dev-${name}`,
      AlarmDescription: expect.any(String),
      Namespace: 'AWS/SES',
      MetricName: metric,
      Statistic: 'Maximum',
      Period: 3600,
      EvaluationPeriods: 1,
      Threshold: threshold,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      TreatMissingData: 'notBreaching',
      AlarmActions: [{ Ref: 'AlarmTopic' }],
      OKActions: [{ Ref: 'AlarmTopic' }],
    });
  });

  // A digest SES refused, or one a run had no time left to send, is a subscriber without their mail: the run
  // itself succeeds, so no Errors alarm sees it; one in an hour (one run) is enough to look. A confirmation
  // mail SES did not take ends in a page of ours (503), not a failed invocation: only SignupsFailed sees it.
  it.each([
    {
      what: 'digest',
      resource: 'DigestsFailedAlarm',
      name: 'digests-failed',
      metric: 'DigestsFailed',
      period: 3600,
      emitter: 'DigestLambdaFunction',
    },
    {
      what: 'confirmation mail',
      resource: 'SignupsFailedAlarm',
      name: 'signups-failed',
      metric: 'SignupsFailed',
      period: 300,
      emitter: 'SubscribeLambdaFunction',
    },
  ])('alarms on any $what that could not be sent, counted for this stage only', (expected) => {
    const alarm = props(expected.resource, 'AWS::CloudWatch::Alarm');
    expect(alarm).toEqual({
      AlarmName: `article-digest-dev-${expected.name}`,
      AlarmDescription: expect.any(String),
      Namespace: 'article-digest',
      MetricName: expected.metric,
      Dimensions: [
        { Name: 'service', Value: 'article-digest' },
        { Name: 'stage', Value: 'dev' },
      ],
      Statistic: 'Sum',
      Period: expected.period,
      EvaluationPeriods: 1,
      Threshold: 1,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      TreatMissingData: 'notBreaching',
      AlarmActions: [{ Ref: 'AlarmTopic' }],
      OKActions: [{ Ref: 'AlarmTopic' }],
    });

    // CloudWatch matches a metric only on its exact namespace and full set of dimensions: the function that
    // emits it, with the environment the template gives it, must emit exactly those.
    const environment = Object.fromEntries(
      Object.entries(environmentOf(expected.emitter)).filter(
        (entry): entry is [string, string] => typeof entry[1] === 'string',
      ),
    );
    const emitter = createMetrics(loadObservabilityConfig(environment));
    emitter.addMetric(expected.metric, MetricUnit.Count, 1);
    const emf = emitter.serializeMetrics() as unknown as Record<string, unknown> & {
      _aws: { CloudWatchMetrics: { Namespace: string; Dimensions: string[][] }[] };
    };
    const [directive] = emf._aws.CloudWatchMetrics;
    const dimensions = asArray(alarm.Dimensions).filter(isRecord);
    expect(directive?.Namespace).toBe(alarm.Namespace);
    expect(directive?.Dimensions).toEqual([dimensions.map((d) => d.Name)]);
    expect(dimensions.map((d) => emf[String(d.Name)])).toEqual(dimensions.map((d) => d.Value));
  });

  it('gives each stage its own metrics and alarm (dev and prod no longer add up)', async () => {
    const prod = (await printService('', ['--stage', 'prod'])) as {
      provider: { environment: Record<string, unknown> };
      resources: { Resources: Record<string, { Properties: { Dimensions: unknown } }> };
    };
    expect(prod.provider.environment.STAGE).toBe('prod');
    expect(prod.resources.Resources.DigestsFailedAlarm?.Properties.Dimensions).toEqual([
      { Name: 'service', Value: 'article-digest' },
      { Name: 'stage', Value: 'prod' },
    ]);
  }, 60_000);

  it('mails alarms to the configured address', () => {
    const subscription = resource(template, 'AlarmEmailSubscription', 'AWS::SNS::Subscription');
    expect(subscription.Condition).toBe('HasAlarmEmail');
    expect(subscription.Properties).toEqual({
      TopicArn: { Ref: 'AlarmTopic' },
      Protocol: 'email',
      Endpoint: ALARM_EMAIL,
    });
  });
});

describe('the schedule', () => {
  const schedule = () => props('DigestSchedule', 'AWS::Scheduler::Schedule');

  it('runs the digest every hour in the configured time zone', () => {
    expect(schedule()).toMatchObject({
      ScheduleExpression: 'cron(0 * * * ? *)',
      ScheduleExpressionTimezone: TIME_ZONE,
      FlexibleTimeWindow: { Mode: 'OFF' },
      State: 'ENABLED',
    });
    // The digest reads no default zone: each stored subscriber has their own. The signup form's default is the
    // schedule's zone.
    expect(environmentOf('SubscribeLambdaFunction').DIGEST_TIME_ZONE).toBe(TIME_ZONE);
    for (const id of ['DigestLambdaFunction', 'DigestSenderLambdaFunction']) {
      expect(Object.keys(environmentOf(id)), id).not.toContain('DIGEST_TIME_ZONE');
      expect(Object.keys(environmentOf(id)), id).not.toContain('DIGEST_SEND_HOUR');
    }
  });

  it('passes the scheduled time as the run time, so a retry computes the same digest', () => {
    const target = schedule().Target;
    expect(isRecord(target) && JSON.parse(String(target.Input))).toEqual({
      time: '<aws.scheduler.scheduled-time>',
    });
    expect(target).toMatchObject({
      Arn: { 'Fn::GetAtt': ['DigestLambdaFunction', 'Arn'] },
      RoleArn: { 'Fn::GetAtt': ['DigestSchedulerRole', 'Arn'] },
      DeadLetterConfig: { Arn: { 'Fn::GetAtt': ['FailedInvocationsQueue', 'Arn'] } },
    });
  });
});

describe('the environment', () => {
  /** Values CloudFormation fills in at deploy time, as a deployed function would see them. */
  const deployed: Record<string, string> = {
    'Ref(SesConfigurationSet)': 'article-digest-dev',
    'Ref(DigestTable)': 'article-digest-dev-digest',
    'Ref(DigestSendQueue)': 'https://sqs.eu-west-1.amazonaws.com/123456789012/article-digest-dev-digest-send',
    'UnsubscribeLambdaFunctionUrl.FunctionUrl': 'https://abcdefghij.lambda-url.eu-west-1.on.aws/',
    'ArticleLinkLambdaFunctionUrl.FunctionUrl': 'https://klmnopqrst.lambda-url.eu-west-1.on.aws/',
    'SubscribeLambdaFunctionUrl.FunctionUrl': 'https://uvwxyzabcd.lambda-url.eu-west-1.on.aws/',
    'Ref(UnsubscribeSecret)':
      'arn:aws:secretsmanager:eu-west-1:123456789012:secret:article-digest/dev/unsubscribe-signing-key-AbCdEf',
    'Ref(ArticleLinkSecret)':
      'arn:aws:secretsmanager:eu-west-1:123456789012:secret:article-digest/dev/article-link-signing-key-AbCdEf',
    'Ref(SubscribeSecret)':
      'arn:aws:secretsmanager:eu-west-1:123456789012:secret:article-digest/dev/subscribe-signing-key-AbCdEf',
  };
  /** What each secret holds right after the first deploy: a plain value, and the generated JSON. */
  const stored: Record<string, string> = {
    [deployed['Ref(UnsubscribeSecret)'] ?? '']: 'u'.repeat(64),
    [deployed['Ref(ArticleLinkSecret)'] ?? '']: JSON.stringify({ current: 'a'.repeat(64) }),
    [deployed['Ref(SubscribeSecret)'] ?? '']: JSON.stringify({ current: 's'.repeat(64) }),
  };
  const read: string[] = [];
  const secretSource = {
    secretString: async (id: string) => {
      read.push(id);
      const value = stored[id];
      if (value === undefined) throw new Error(`no secret ${id}`);
      return value;
    },
  };
  const withSecrets = async (functionId: string) => {
    read.length = 0;
    const env = await withLinkSigningSecrets(resolvedEnvironment(functionId), secretSource);
    return { env, read: [...read].sort() };
  };
  const resolve = (value: CfnValue): string =>
    (deployed[render(value)] ?? render(value))
      .replace('${AWS::AccountId}', '123456789012')
      .replace('${AWS::Region}', 'eu-west-1');
  const resolvedEnvironment = (functionId: string) => ({
    AWS_REGION: 'eu-west-1',
    ...Object.fromEntries(Object.entries(environmentOf(functionId)).map(([k, v]) => [k, resolve(v)])),
  });

  it('names only variables that src/config.ts reads, the Powertools ones and the secret reference', async () => {
    const configSource = await readFile(join(REPO_ROOT, 'src', 'config.ts'), 'utf8');
    const known = new Set([...configSource.matchAll(/^\s+([A-Z][A-Z0-9_]+):/gm)].map((m) => m[1]));
    const extra = new Set([
      'POWERTOOLS_SERVICE_NAME',
      'POWERTOOLS_METRICS_NAMESPACE',
      'POWERTOOLS_LOG_LEVEL',
      // The metrics' stage dimension, read by src/observability.ts.
      'STAGE',
      'UNSUBSCRIBE_SIGNING_SECRET_ID',
      'ARTICLE_LINK_SIGNING_SECRET_ID',
      'SUBSCRIBE_SIGNING_SECRET_ID',
    ]);
    for (const id of Object.values(FUNCTIONS)) {
      for (const name of Object.keys(environmentOf(id))) {
        expect(known.has(name) || extra.has(name), `${id} sets ${name}, which nothing reads`).toBe(true);
      }
    }
  });

  it('sets the Powertools service, the metrics namespace and the stage on every function', () => {
    for (const id of Object.values(FUNCTIONS)) {
      expect(environmentOf(id)).toMatchObject({
        POWERTOOLS_SERVICE_NAME: 'article-digest',
        POWERTOOLS_METRICS_NAMESPACE: 'article-digest',
        STAGE: 'dev',
      });
      // The maps are not in the zips, so --enable-source-maps would find nothing (and only cost time).
      expect(environmentOf(id)).not.toHaveProperty('NODE_OPTIONS');
    }
  });

  it('gives summarize a configuration its own validation accepts', () => {
    const config = loadSummarizeConfig(resolvedEnvironment('SummarizeLambdaFunction'));
    expect(config).toMatchObject({
      BUCKET: 'article-digest-dev-123456789012-eu-west-1',
      ARTICLES_PREFIX: 'articles/',
      SUMMARIES_PREFIX: 'summaries/',
      FAILURES_PREFIX: 'failures/',
    });
  });

  it('gives digest a configuration its own validation accepts, with both URLs and both signing secrets', async () => {
    const { env, read: secrets } = await withSecrets('DigestLambdaFunction');
    const config = loadDigestConfig(env);
    expect(config).toMatchObject({
      SENDER_EMAIL: SENDER,
      SES_CONFIGURATION_SET: 'article-digest-dev',
      UNSUBSCRIBE_URL: deployed['UnsubscribeLambdaFunctionUrl.FunctionUrl'],
      ARTICLE_LINK_URL: deployed['ArticleLinkLambdaFunctionUrl.FunctionUrl'],
      LINK_EXPIRY_SECONDS: 30 * 86_400,
    });
    expect(linkSecretsFor(config, 'unsubscribe')?.current).toBe('u'.repeat(64));
    expect(linkSecretsFor(config, 'articleLink')?.current).toBe('a'.repeat(64));
    expect(secrets).toEqual([
      deployed['Ref(ArticleLinkSecret)'],
      deployed['Ref(SubscribeSecret)'],
      deployed['Ref(UnsubscribeSecret)'],
    ]);
    expect(config.SUBSCRIBE_URL).toBe(deployed['SubscribeLambdaFunctionUrl.FunctionUrl']);
    expect(linkSecretsFor(config, 'preferences')?.current).toBe('s'.repeat(64));
    expect(config).toMatchObject({
      DIGEST_TABLE: deployed['Ref(DigestTable)'],
      DIGEST_SEND_QUEUE_URL: deployed['Ref(DigestSendQueue)'],
      DIGEST_SENDERS: 2,
      // Empty: the account's SES rate.
      DIGEST_MAX_SEND_RATE: undefined,
    });
    expect(environmentOf('DigestLambdaFunction').UNSUBSCRIBE_URL).toEqual({
      'Fn::GetAtt': ['UnsubscribeLambdaFunctionUrl', 'FunctionUrl'],
    });
    expect(environmentOf('DigestLambdaFunction').ARTICLE_LINK_URL).toEqual({
      'Fn::GetAtt': ['ArticleLinkLambdaFunctionUrl', 'FunctionUrl'],
    });
  });

  it('gives digestSender the digest configuration without the queue it consumes', async () => {
    const { env, read: secrets } = await withSecrets('DigestSenderLambdaFunction');
    const config = loadDigestConfig(env);
    expect(config).toMatchObject({
      SENDER_EMAIL: SENDER,
      DIGEST_TABLE: deployed['Ref(DigestTable)'],
      DIGEST_SENDERS: 2,
      SES_CONFIGURATION_SET: 'article-digest-dev',
      UNSUBSCRIBE_URL: deployed['UnsubscribeLambdaFunctionUrl.FunctionUrl'],
      ARTICLE_LINK_URL: deployed['ArticleLinkLambdaFunctionUrl.FunctionUrl'],
    });
    expect(config.DIGEST_SEND_QUEUE_URL).toBeUndefined();
    expect(linkSecretsFor(config, 'unsubscribe')?.current).toBe('u'.repeat(64));
    expect(linkSecretsFor(config, 'articleLink')?.current).toBe('a'.repeat(64));
    expect(secrets).toEqual([
      deployed['Ref(ArticleLinkSecret)'],
      deployed['Ref(SubscribeSecret)'],
      deployed['Ref(UnsubscribeSecret)'],
    ]);
    expect(config.SUBSCRIBE_URL).toBe(deployed['SubscribeLambdaFunctionUrl.FunctionUrl']);
    expect(linkSecretsFor(config, 'preferences')?.current).toBe('s'.repeat(64));
    // What composes a digest is the same in both: a batch sent by either reads the same.
    const shared = Object.entries(environmentOf('DigestLambdaFunction')).filter(
      ([name]) => !['DIGEST_SEND_QUEUE_URL', 'DIGEST_MAX_SEND_RATE'].includes(name),
    );
    expect(environmentOf('DigestSenderLambdaFunction')).toEqual(Object.fromEntries(shared));
  });

  it('gives digest and digestSender no subscriber list of their own: subscribers live in the table', () => {
    for (const id of ['DigestLambdaFunction', 'DigestSenderLambdaFunction']) {
      expect(Object.keys(environmentOf(id)), id).not.toContain('SUBSCRIBERS_KEY');
      expect(Object.keys(environmentOf(id)), id).not.toContain('RECIPIENTS');
    }
  });

  it('gives article-link a configuration its own validation accepts once its secret alone is read', async () => {
    const { env, read: secrets } = await withSecrets('ArticleLinkLambdaFunction');
    expect(loadLinkEndpointConfig('article-link', env)).toMatchObject({
      BUCKET: 'article-digest-dev-123456789012-eu-west-1',
      ARTICLES_PREFIX: 'articles/',
      linkSecrets: { current: 'a'.repeat(64) },
    });
    expect(secrets).toEqual([deployed['Ref(ArticleLinkSecret)']]);
  });

  it('gives subscribe a configuration its own validation accepts once its secret alone is read', async () => {
    const { env, read: secrets } = await withSecrets('SubscribeLambdaFunction');
    const config = loadSubscribeConfig(env);
    expect(config).toMatchObject({
      DIGEST_TABLE: deployed['Ref(DigestTable)'],
      SENDER_EMAIL: SENDER,
      SES_CONFIGURATION_SET: 'article-digest-dev',
      DIGEST_TIME_ZONE: TIME_ZONE,
      DIGEST_SEND_HOUR: 7,
      subscribeSecrets: { current: 's'.repeat(64) },
    });
    // Its own URL would be a circular reference: the confirmation links use the domain requests come in on.
    expect(config.SUBSCRIBE_URL).toBeUndefined();
    expect(secrets).toEqual([deployed['Ref(SubscribeSecret)']]);
  });

  it('gives unsubscribe a configuration its own validation accepts once its secret alone is read', async () => {
    const { env, read: secrets } = await withSecrets('UnsubscribeLambdaFunction');
    expect(loadLinkEndpointConfig('unsubscribe', env)).toMatchObject({
      DIGEST_TABLE: deployed['Ref(DigestTable)'],
    });
    // The stack's first secret, plain: also the key of the unsubscribe links sent before key ids.
    expect(loadLinkEndpointConfig('unsubscribe', env).linkSecrets).toEqual({
      current: 'u'.repeat(64),
      legacy: 'u'.repeat(64),
    });
    expect(secrets).toEqual([deployed['Ref(UnsubscribeSecret)']]);
  });

  it('holds no plaintext secret: the signing secrets are generated in Secrets Manager and passed by reference', () => {
    const references = Object.fromEntries(
      Object.entries(FUNCTIONS).map(([name, id]) => [
        name,
        Object.entries(environmentOf(id))
          .filter(([variable]) => /SECRET|PASSWORD|TOKEN|PRIVATE|CREDENTIAL/.test(variable))
          .map(([variable, value]) => `${variable}=${render(value)}`),
      ]),
    );
    expect(references).toEqual({
      summarize: [],
      digest: [
        'UNSUBSCRIBE_SIGNING_SECRET_ID=Ref(UnsubscribeSecret)',
        'ARTICLE_LINK_SIGNING_SECRET_ID=Ref(ArticleLinkSecret)',
        'SUBSCRIBE_SIGNING_SECRET_ID=Ref(SubscribeSecret)',
      ],
      digestSender: [
        'UNSUBSCRIBE_SIGNING_SECRET_ID=Ref(UnsubscribeSecret)',
        'ARTICLE_LINK_SIGNING_SECRET_ID=Ref(ArticleLinkSecret)',
        'SUBSCRIBE_SIGNING_SECRET_ID=Ref(SubscribeSecret)',
      ],
      unsubscribe: ['UNSUBSCRIBE_SIGNING_SECRET_ID=Ref(UnsubscribeSecret)'],
      articleLink: ['ARTICLE_LINK_SIGNING_SECRET_ID=Ref(ArticleLinkSecret)'],
      subscribe: ['SUBSCRIBE_SIGNING_SECRET_ID=Ref(SubscribeSecret)'],
    });
    for (const id of ['UnsubscribeSecret', 'ArticleLinkSecret', 'SubscribeSecret']) {
      expect(props(id, 'AWS::SecretsManager::Secret').SecretString, id).toBeUndefined();
    }
    expect(props('ArticleLinkSecret', 'AWS::SecretsManager::Secret')).toMatchObject({
      Name: 'article-digest/dev/article-link-signing-key',
      GenerateSecretString: {
        SecretStringTemplate: '{}',
        GenerateStringKey: 'current',
        PasswordLength: 64,
        ExcludePunctuation: true,
      },
    });
    const text = JSON.stringify(template);
    expect(text).not.toMatch(/AKIA[0-9A-Z]{16}/);
    expect(text).not.toMatch(/resolve:(ssm-secure|secretsmanager)/);
  });

  // `serverless remove` (or a replacement) would otherwise delete the keys, and with them every link in mail
  // already sent. DeletionPolicy and UpdateReplacePolicy are attributes, not properties: adding them does not
  // update the secret.
  it.each(['UnsubscribeSecret', 'ArticleLinkSecret', 'SubscribeSecret'])(
    'keeps %s when the stack is removed or the secret replaced',
    (id) => {
      const secret = resource(template, id, 'AWS::SecretsManager::Secret');
      expect({ deletion: secret.DeletionPolicy, replace: secret.UpdateReplacePolicy }).toEqual({
        deletion: 'Retain',
        replace: 'Retain',
      });
    },
  );

  it('leaves the first signing secret exactly as deployed: any change to it could regenerate its value', () => {
    // Its value signed every link before keys were per purpose; unsubscribe links from then never expire.
    expect(props('UnsubscribeSecret', 'AWS::SecretsManager::Secret')).toEqual({
      Name: 'article-digest/dev/unsubscribe-signing-key',
      Description:
        'HMAC key of the unsubscribe and article links; rotating it invalidates links in mails already sent.',
      GenerateSecretString: { PasswordLength: 64, ExcludePunctuation: true },
    });
  });
});

describe('the public endpoints (unsubscribe, article-link, subscribe)', () => {
  const PUBLIC = ['UnsubscribeLambdaFunction', 'ArticleLinkLambdaFunction', 'SubscribeLambdaFunction'];

  it('are public function URLs (mail clients and readers come without credentials) and the only ones', () => {
    const urls = resourcesOfType(template, 'AWS::Lambda::Url');
    expect(urls.map(([id]) => id).sort()).toEqual([
      'ArticleLinkLambdaFunctionUrl',
      'SubscribeLambdaFunctionUrl',
      'UnsubscribeLambdaFunctionUrl',
    ]);
    for (const fn of PUBLIC) {
      expect(props(`${fn}Url`, 'AWS::Lambda::Url')).toMatchObject({
        AuthType: 'NONE',
        TargetFunctionArn: { 'Fn::GetAtt': [fn, 'Arn'] },
      });
    }
  });

  it('may be invoked by anyone only through their URLs (both permissions new function URLs need)', () => {
    const permissions = resourcesOfType(template, 'AWS::Lambda::Permission')
      .map(([, p]) => p.Properties ?? {})
      .filter((p) => p.Principal === '*')
      .sort((a, b) =>
        `${render(a.FunctionName)} ${String(a.Action)}`.localeCompare(
          `${render(b.FunctionName)} ${String(b.Action)}`,
        ),
      );
    expect(permissions).toEqual(
      [...PUBLIC].sort().flatMap((fn) => [
        {
          FunctionName: { 'Fn::GetAtt': [fn, 'Arn'] },
          Action: 'lambda:InvokeFunction',
          Principal: '*',
          InvokedViaFunctionUrl: true,
        },
        {
          FunctionName: { 'Fn::GetAtt': [fn, 'Arn'] },
          Action: 'lambda:InvokeFunctionUrl',
          Principal: '*',
          FunctionUrlAuthType: 'NONE',
        },
      ]),
    );
  });
});

describe('cfn-lint', () => {
  const cfnLint = async (): Promise<string | undefined> =>
    promisify(execFile)('sh', ['-c', 'command -v cfn-lint'])
      .then(({ stdout }) => stdout.trim() || undefined)
      .catch(() => undefined);

  it('finds no errors in the template (warnings allowed; skipped with a notice when cfn-lint is absent)', async (context) => {
    const linter = await cfnLint();
    if (linter === undefined) {
      console.warn('SKIPPED: cfn-lint is not installed (pip install cfn-lint, or apt-get install cfn-lint)');
      context.skip();
      return;
    }
    const file = join(service.outDir, 'cloudformation-template-update-stack.json');
    const result = await promisify(execFile)(linter, [file]).then(
      (r) => ({ code: 0, output: r.stdout }),
      (error: { code?: number; stdout?: string; stderr?: string }) => ({
        code: error.code ?? 1,
        output: `${error.stdout ?? ''}${error.stderr ?? ''}`,
      }),
    );
    // Exit status bits: 2 errors, 4 warnings, 8 informational. The W3005 warnings are osls' DependsOn lists.
    expect(result.code & 2, result.output).toBe(0);
    expect(result.code & ~(2 | 4 | 8), result.output).toBe(0);
  });
});

/** Self-contained, so these tests need nothing beside the checkout. */
const ARTICLE = `# Library extends opening hours for exam season

The central library will stay open until midnight from 1 May to 15 June, the city council announced on Tuesday, after students asked for more quiet space during exams.

The extra hours cost about 60,000 euros and are paid from the youth budget. "Every seat was taken by ten in the morning last year," said librarian Tom Berg.

Two reading rooms on the top floor will be kept silent, and the café will close at eight as before.
`;

describe('the roles allow every call the functions make (local stack, requests recorded)', () => {
  type FunctionName = keyof typeof FUNCTIONS;
  const ROLES: Record<FunctionName, string> = {
    summarize: 'SummarizeRole',
    digest: 'DigestRole',
    digestSender: 'DigestSenderRole',
    unsubscribe: 'UnsubscribeRole',
    articleLink: 'ArticleLinkRole',
    subscribe: 'SubscribeRole',
  };
  const calls: Record<FunctionName, AwsCall[]> = {
    summarize: [],
    digest: [],
    digestSender: [],
    unsubscribe: [],
    articleLink: [],
    subscribe: [],
  };
  let fetchedArticle = { status: 0, text: '' };
  const uploaded = new Set<string>();
  let phase: FunctionName | undefined;
  /**
   * The function whose invocation made a request. The digest is invoked inside `as`, so its requests carry
   * its name; the local event source polls the send queue on its own, so digestSender's requests carry none.
   */
  const invokedBy = new AsyncLocalStorage<FunctionName>();
  let sendQueue = '';
  let stack: LocalStack | undefined;
  let scratch: string | undefined;
  let stopRecording = () => {};

  /** The template's ARNs and condition values as the local stack spells them. */
  const resolve = (arn: string) => {
    const table = `arn:aws:dynamodb:${LOCAL_REGION}:${LOCAL_ACCOUNT_ID}:table/${LOCAL_TABLE}`;
    return arn
      .replaceAll(SENDER, LOCAL_SENDER)
      .replaceAll('${DigestTable.Arn}', table)
      .replaceAll('DigestTable.Arn', table)
      .replaceAll('DigestSendQueue.Arn', `arn:aws:sqs:${LOCAL_REGION}:${LOCAL_ACCOUNT_ID}:${sendQueue}`)
      .replaceAll('${AWS::Partition}', 'aws')
      .replaceAll('article-digest-dev-${AWS::AccountId}-${AWS::Region}', LOCAL_BUCKET)
      .replaceAll('${AWS::Region}', LOCAL_REGION)
      .replaceAll('${AWS::AccountId}', LOCAL_ACCOUNT_ID);
  };

  async function as<T>(name: FunctionName, act: () => Promise<T>): Promise<T> {
    phase = name;
    try {
      return await invokedBy.run(name, act);
    } finally {
      phase = undefined;
    }
  }

  /** Whose role AWS would authorize a recorded call against; undefined for the test's and SQS's own. */
  const callerOf = (call: AwsCall): FunctionName | undefined => {
    if (call.action.startsWith('sqs:')) {
      // The local event source moves dead letters itself; on AWS the queue's redrive policy does.
      if (!call.resource.endsWith(`:${sendQueue}`)) return undefined;
      // Lambda's pollers receive, delete and inspect with the function's role.
      if (call.action !== 'sqs:SendMessage') return 'digestSender';
    }
    return invokedBy.getStore() ?? (phase === 'digest' ? 'digestSender' : phase);
  };

  beforeAll(async () => {
    // However few are due, the digest queues them for digestSender, so that both halves are exercised.
    vi.stubEnv('DIGEST_INLINE_SECONDS', '0');
    stack = await startLocalStack({ quietLogs: true });
    const local = stack;
    sendQueue =
      new URL(process.env.DIGEST_SEND_QUEUE_URL ?? 'http://missing/').pathname.split('/').pop() ?? '';
    stopRecording = recordAwsCalls(
      {
        s3: local.s3.endpoint,
        ses: local.ses.endpoint,
        dynamoDb: local.dynamoDb.endpoint,
        sqs: local.sqs.endpoint,
      },
      (call) => {
        // The test's own uploads are not the function's calls.
        const ownUpload =
          call.action === 's3:PutObject' && [...uploaded].some((key) => call.resource.endsWith(`/${key}`));
        const caller = callerOf(call);
        if (caller && !ownUpload) calls[caller].push(call);
      },
    );
    scratch = await mkdtemp(join(tmpdir(), 'iam-coverage-'));
    const blank = join(scratch, 'blank.txt');
    await writeFile(blank, ' \n ');
    const article = join(scratch, 'bridge.md');
    await writeFile(article, ARTICLE);
    await as('summarize', async () => {
      // A summary, the same upload again (already summarized), and a failure record.
      for (const path of [article, article, blank]) {
        uploaded.add(`articles/${basename(path)}`);
        await local.upload(path);
        await local.settled();
      }
    });
    const today = new Date();
    await as('digest', () => local.runDigest(today));
    const [email] = await local.ses.emails();
    const header = email?.headers?.find((h) => h.name === 'List-Unsubscribe')?.value ?? '';
    const link = /<(http[^>]+)>/.exec(header)?.[1] ?? '';
    // The article has no URL of its own: the digest links it through the article-link function.
    const articleLink =
      (email?.body.text ?? '').split(/\s/).find((w) => w.startsWith(local.articleLink.url)) ?? '';
    const location = await as('articleLink', async () => {
      const redirect = await fetch(articleLink, { redirect: 'manual' });
      return redirect.headers.get('location') ?? '';
    });
    // The reader's GET of the presigned URL is authorized against the signer's role: count it as its call.
    const presigned = new URL(location);
    calls.articleLink.push(s3Call('GET', `${presigned.pathname}${presigned.search}`));
    const response = await fetch(presigned);
    fetchedArticle = { status: response.status, text: await response.text() };
    await as('unsubscribe', async () => {
      for (let i = 0; i < 2; i += 1) {
        // As Gmail sends it (RFC 8058): the one-click body, form-encoded.
        await fetch(link, { method: 'POST', body: new URLSearchParams({ 'List-Unsubscribe': 'One-Click' }) });
      }
    });
    await as('digest', () => local.runDigest(new Date(today.getTime() + 24 * 60 * 60 * 1000)));
    await as('subscribe', () => signUpConfirmAndManage(local));
  }, 90_000);

  /** A signup, its confirmation, a change of preferences and an unsubscribe, as a browser sends them. */
  async function signUpConfirmAndManage(local: LocalStack): Promise<void> {
    const form = async (url: string) => {
      const html = await (await fetch(url)).text();
      return /name="formToken" value="([^"]+)"/.exec(html)?.[1] ?? '';
    };
    const post = (url: string, fields: Record<string, string>) =>
      fetch(url, {
        method: 'POST',
        headers: { 'sec-fetch-site': 'same-origin' },
        body: new URLSearchParams(fields),
      });
    const address = 'iam.reader@example.net';
    await post(local.subscribe.url, {
      formToken: await form(local.subscribe.url),
      email: address,
      timeZone: 'UTC',
      hour: '7',
    });
    const mail = (await local.ses.emails()).find((e) => e.destination.to.includes(address));
    const confirm = /^(http\S+\/confirm\?token=\S+)$/m.exec(mail?.body.text ?? '')?.[1] ?? '';
    await fetch(confirm);
    const subscribed = await (await post(confirm, {})).text();
    const preferences =
      /href="([^"]+\/preferences\?token=[^"]+)"/.exec(subscribed)?.[1]?.replaceAll('&amp;', '&') ?? '';
    const fields = { timeZone: 'UTC', hour: '9', topics: '', keywords: '' };
    await post(preferences, { ...fields, formToken: await form(preferences), action: 'save' });
    await post(preferences, { formToken: await form(preferences), action: 'unsubscribe' });
    subscribeOutcome = { confirm: confirm !== '', preferences: preferences !== '' };
  }
  let subscribeOutcome = { confirm: false, preferences: false };

  afterAll(async () => {
    stopRecording();
    vi.unstubAllEnvs();
    await stack?.close();
    if (scratch) await rm(scratch, { recursive: true, force: true });
  });

  it('exercised each function: summaries and failure records, planning, queued sends and ledger, an unsubscribe, a link', () => {
    const made = (name: FunctionName, action: string, prefix: string) =>
      calls[name].some((c) => c.action === action && c.resource.startsWith(prefix));
    const under = (prefix: string) => `arn:aws:s3:::${LOCAL_BUCKET}/${prefix}`;
    const table = `arn:aws:dynamodb:${LOCAL_REGION}:${LOCAL_ACCOUNT_ID}:table/${LOCAL_TABLE}`;
    const queue = `arn:aws:sqs:${LOCAL_REGION}:${LOCAL_ACCOUNT_ID}:${sendQueue}`;
    expect(made('summarize', 's3:PutObject', under('summaries/'))).toBe(true);
    expect(made('summarize', 's3:PutObject', under('failures/'))).toBe(true);
    // The sender's identity: the address, then its domain.
    const identity = (name: string) => `arn:aws:ses:${LOCAL_REGION}:${LOCAL_ACCOUNT_ID}:identity/${name}`;
    expect(made('digest', 'ses:GetEmailIdentity', identity(LOCAL_SENDER))).toBe(true);
    expect(made('digest', 'ses:GetEmailIdentity', identity('example.com'))).toBe(true);
    expect(made('digest', 'ses:GetAccount', '*')).toBe(true);
    // Planning: the due index, holding the due (dueAt moved on), the run's snapshot, the batches.
    expect(made('digest', 'dynamodb:Query', `${table}/index/due`)).toBe(true);
    expect(made('digest', 'dynamodb:UpdateItem', table)).toBe(true);
    expect(made('digest', 's3:PutObject', under('state/digest-runs/'))).toBe(true);
    expect(made('digest', 'sqs:SendMessage', queue)).toBe(true);
    // Sending: a send is authorized against the sender's identity and, in the sandbox, the recipient's.
    expect(made('digestSender', 'sqs:ReceiveMessage', queue)).toBe(true);
    expect(made('digestSender', 's3:GetObject', under('state/digest-runs/'))).toBe(true);
    expect(made('digestSender', 'ses:SendEmail', identity(LOCAL_SENDER))).toBe(true);
    expect(made('digestSender', 'ses:SendEmail', identity(LOCAL_RECIPIENTS[0]!))).toBe(true);
    expect(made('digestSender', 'dynamodb:UpdateItem', table)).toBe(true);
    expect(made('digestSender', 'dynamodb:PutItem', table)).toBe(true);
    expect(made('unsubscribe', 'dynamodb:UpdateItem', table)).toBe(true);
    expect(made('articleLink', 's3:GetObject', under('articles/bridge.md'))).toBe(true);
    // Signup: rate counters, the profile and the used link (UpdateItem), link and profile reads, the mail.
    expect(subscribeOutcome).toEqual({ confirm: true, preferences: true });
    expect(made('subscribe', 'dynamodb:UpdateItem', table)).toBe(true);
    expect(made('subscribe', 'dynamodb:GetItem', table)).toBe(true);
    expect(made('subscribe', 'ses:SendEmail', identity(LOCAL_SENDER))).toBe(true);
    // The partitions each role's LeadingKeys condition must allow, as the code really keys them.
    const partitions = (name: FunctionName) =>
      [...new Set(calls[name].flatMap((c) => c.context['dynamodb:LeadingKeys']?.split('#')[0] ?? []))].sort();
    expect(partitions('unsubscribe')).toEqual(['SUB']);
    expect(partitions('subscribe')).toEqual(['CONFIRM', 'RATE', 'SUB']);
    expect(calls.articleLink.filter((c) => c.action === 's3:GetObject')).toHaveLength(2);
    expect(fetchedArticle).toEqual({ status: 200, text: ARTICLE });
  });

  it.each(Object.keys(ROLES) as FunctionName[])('%s makes no call its role denies', (name) => {
    expect(deniedCalls(roleStatements(template, ROLES[name]), calls[name], resolve)).toEqual([]);
  });

  it('the evaluator itself denies what the roles leave out', () => {
    const statements = roleStatements(template, 'UnsubscribeRole');
    const put = (key: string) => s3Call('PUT', `/${LOCAL_BUCKET}/${encodeURIComponent(key)}`);
    const dynamoDb = (operation: string, body: Record<string, unknown>) =>
      jsonProtocolCall(`DynamoDB_20120810.${operation}`, LOCAL_REGION, JSON.stringify(body));
    const onItem = (operation: string, pk: string, TableName = LOCAL_TABLE) =>
      dynamoDb(operation, { TableName, Key: { pk: { S: pk }, sk: { S: 'PROFILE' } } });
    const update = onItem('UpdateItem', 'SUB#0f3a');
    expect(update && allows(statements, update, resolve)).toBe(true);
    const elsewhere = onItem('UpdateItem', 'SUB#0f3a', 'another-table');
    expect(elsewhere && allows(statements, elsewhere, resolve)).toBe(false);
    // Partitions: unsubscribe only subscribers; subscribe also its rate counters and used links.
    const subscribe = roleStatements(template, 'SubscribeRole');
    for (const pk of ['RATE#ANY#2026-01-01T10', 'CONFIRM#abc', 'RUN#x']) {
      const call = onItem('UpdateItem', pk);
      expect(call && allows(statements, call, resolve), pk).toBe(false);
    }
    for (const pk of ['SUB#0f3a', 'RATE#SOURCE#h#2026-01-01T10', 'RATE#ADDRESS#0f3a', 'CONFIRM#abc']) {
      const call = onItem('GetItem', pk);
      expect(call && allows(subscribe, call, resolve), pk).toBe(true);
    }
    const otherPartition = onItem('UpdateItem', 'RUN#x');
    expect(otherPartition && allows(subscribe, otherPartition, resolve)).toBe(false);
    // record()'s fallback read of the profile, when neither conditional update applied.
    const readProfile = onItem('GetItem', 'SUB#0f3a');
    for (const role of ['DigestRole', 'DigestSenderRole']) {
      expect(readProfile && allows(roleStatements(template, role), readProfile, resolve), role).toBe(true);
    }
    expect(allows(statements, put('state/unsubscribed/abc.json'), resolve)).toBe(false);
    expect(allows(statements, put('state/ledger/abc/2026-11-24.json'), resolve)).toBe(false);
    const sender = roleStatements(template, 'DigestSenderRole');
    const query = dynamoDb('Query', { TableName: LOCAL_TABLE, IndexName: 'due' });
    expect(query && allows(roleStatements(template, 'DigestRole'), query, resolve)).toBe(true);
    expect(query && allows(sender, query, resolve)).toBe(false);
    const queueUrl = `http://127.0.0.1/${LOCAL_ACCOUNT_ID}/${sendQueue}`;
    const receive = jsonProtocolCall(
      'AmazonSQS.ReceiveMessage',
      LOCAL_REGION,
      JSON.stringify({ QueueUrl: queueUrl }),
    );
    expect(receive && allows(sender, receive, resolve)).toBe(true);
    expect(receive && allows(roleStatements(template, 'DigestRole'), receive, resolve)).toBe(false);
    const enqueue = jsonProtocolCall(
      'AmazonSQS.SendMessageBatch',
      LOCAL_REGION,
      JSON.stringify({ QueueUrl: queueUrl }),
    );
    expect(enqueue?.action).toBe('sqs:SendMessage');
    expect(enqueue && allows(sender, enqueue, resolve)).toBe(false);
    expect(allows(statements, s3Call('GET', `/${LOCAL_BUCKET}?list-type=2&prefix=state%2F`), resolve)).toBe(
      false,
    );
    const articleLink = roleStatements(template, 'ArticleLinkRole');
    expect(allows(articleLink, s3Call('GET', `/${LOCAL_BUCKET}/articles/x.md?versionId=v1`), resolve)).toBe(
      true,
    );
    expect(allows(articleLink, s3Call('GET', `/${LOCAL_BUCKET}/state/unsubscribed/x.json`), resolve)).toBe(
      false,
    );
    expect(allows(articleLink, s3Call('GET', `/${LOCAL_BUCKET}/summaries/2026/x.json`), resolve)).toBe(false);
    const digest = roleStatements(template, 'DigestRole');
    expect(
      allows(digest, s3Call('GET', `/${LOCAL_BUCKET}?list-type=2&prefix=summaries%2F2026%2F`), resolve),
    ).toBe(true);
    expect(allows(digest, s3Call('GET', `/${LOCAL_BUCKET}?list-type=2&prefix=failures%2F`), resolve)).toBe(
      false,
    );
    const lookUp = sesCall('GET', '/v2/email/identities/anyone%40example.net', LOCAL_REGION);
    expect(lookUp && allows(digest, lookUp, resolve)).toBe(true);
    expect(lookUp && allows(statements, lookUp, resolve)).toBe(false);
    const otherRegion = sesCall('GET', '/v2/email/identities/anyone%40example.net', 'eu-west-1');
    expect(otherRegion && allows(digest, otherRegion, resolve)).toBe(false);
  });
});
