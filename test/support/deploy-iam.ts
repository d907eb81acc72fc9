/**
 * Checks the roles in the packaged template against what the code really does: every HTTP request the AWS
 * SDK makes to the local S3, SES, DynamoDB and SQS emulators is recorded (node:http diagnostics channel, plus
 * the body of each SES, DynamoDB and SQS request, so no code of the service is changed or mocked), turned
 * into the IAM actions and
 * resources AWS would authorize, and evaluated against a role's statements with the same matching rules IAM
 * applies to them (wildcards, `StringLike` and `StringEquals` on the request's condition keys).
 */
import dc from 'node:diagnostics_channel';
import { ClientRequest } from 'node:http';
import { PARTITION_KEY } from '../../src/aws/digest-table.js';
import type { Statement } from './deploy-template.js';

/** The account id SES ARNs of recorded calls carry (the emulators have none); resolve the template's to it. */
export const LOCAL_ACCOUNT_ID = '000000000000';

export interface AwsCall {
  /** `s3:GetObject`, `ses:SendEmail`, ... */
  action: string;
  /** The ARN IAM authorizes the call against. */
  resource: string;
  /** Condition keys of the request, e.g. `s3:prefix` of a listing. */
  context: Record<string, string>;
  /** The request as sent, for messages. */
  request: string;
}

/** Passes each SDK request to the given emulator endpoints to `onCall`, as IAM calls; returns `stop`. */
export function recordAwsCalls(
  endpoints: { s3: string; ses: string; dynamoDb?: string; sqs?: string },
  onCall: (call: AwsCall) => void,
): () => void {
  const hostOfUrl = (url: string | undefined) => (url === undefined ? undefined : new URL(url).host);
  const s3Host = hostOfUrl(endpoints.s3);
  const sesHost = hostOfUrl(endpoints.ses);
  const dynamoDbHost = hostOfUrl(endpoints.dynamoDb);
  const sqsHost = hostOfUrl(endpoints.sqs);
  const hostOf = (request: ClientRequest) => String(request.getHeader('host') ?? '');
  // SendEmail names its sender and recipients in the body, DynamoDB its table and index, SQS its queue; the
  // body is written before the channel below fires.
  const bodies = captureRequestBodies((request) =>
    [sesHost, dynamoDbHost, sqsHost].includes(hostOf(request)),
  );
  const onRequest = (message: unknown) => {
    const { request } = message as { request: ClientRequest };
    const host = hostOf(request);
    if (host === s3Host) onCall(s3Call(request.method, request.path));
    if (host === sesHost) {
      const calls = sesCalls(request.method, request.path, signingRegion(request), bodies.of(request));
      for (const call of calls) onCall(call);
    }
    if (host === dynamoDbHost || host === sqsHost) {
      const target = String(request.getHeader('x-amz-target') ?? '');
      const call = jsonProtocolCall(target, signingRegion(request), bodies.of(request));
      if (call) onCall(call);
    }
  };
  dc.subscribe('http.client.request.start', onRequest);
  return () => {
    dc.unsubscribe('http.client.request.start', onRequest);
    bodies.stop();
  };
}

/**
 * Keeps the body of each outgoing request `wanted` selects, by wrapping `write` and `end` of
 * `http.ClientRequest` until `stop` (the SDK ends a JSON request with its whole body). Node publishes
 * `http.client.request.start` once the request has been ended, so the body is complete by then.
 */
function captureRequestBodies(wanted: (request: ClientRequest) => boolean): {
  of: (request: ClientRequest) => string;
  stop: () => void;
} {
  const chunks = new WeakMap<ClientRequest, Buffer[]>();
  const keep = (request: ClientRequest, chunk: unknown) => {
    if (!(typeof chunk === 'string' || chunk instanceof Uint8Array) || !wanted(request)) return;
    chunks.set(request, [...(chunks.get(request) ?? []), Buffer.from(chunk)]);
  };
  const proto = ClientRequest.prototype;
  const { write, end } = proto;
  proto.write = function (this: ClientRequest, ...args: unknown[]) {
    keep(this, args[0]);
    return Reflect.apply(write, this, args) as boolean;
  } as typeof write;
  proto.end = function (this: ClientRequest, ...args: unknown[]) {
    keep(this, args[0]);
    return Reflect.apply(end, this, args) as ClientRequest;
  } as typeof end;
  return {
    of: (request) => Buffer.concat(chunks.get(request) ?? []).toString('utf8'),
    // Both are inherited from OutgoingMessage: removing the wrappers restores them.
    stop: () => {
      Reflect.deleteProperty(proto, 'write');
      Reflect.deleteProperty(proto, 'end');
    },
  };
}

/** A path-style S3 request as the IAM action and resource it needs. */
export function s3Call(method: string, path: string): AwsCall {
  const url = new URL(path, 'http://s3.local');
  const [bucket = '', ...keyParts] = url.pathname.slice(1).split('/');
  const key = keyParts.map(decodeURIComponent).join('/');
  const request = `${method} ${decodeURIComponent(url.pathname)}${url.search}`;
  const object = (action: string): AwsCall => ({
    action,
    resource: `arn:aws:s3:::${bucket}/${key}`,
    context: {},
    request,
  });
  if (key === '' && method === 'GET') {
    return {
      action: 's3:ListBucket',
      resource: `arn:aws:s3:::${bucket}`,
      context: { 's3:prefix': url.searchParams.get('prefix') ?? '' },
      request,
    };
  }
  if (method === 'GET' || method === 'HEAD') {
    return object(url.searchParams.has('versionId') ? 's3:GetObjectVersion' : 's3:GetObject');
  }
  if (method === 'PUT') return object('s3:PutObject');
  if (method === 'DELETE') return object('s3:DeleteObject');
  return object(`s3:unknown(${method})`);
}

/** The region in the request's SigV4 credential scope. */
function signingRegion(request: ClientRequest): string {
  const authorization = String(request.getHeader('authorization') ?? '');
  return /Credential=[^/]+\/\d{8}\/([^/]+)\//.exec(authorization)?.[1] ?? 'us-east-1';
}

interface SendEmailBody {
  FromEmailAddress?: string;
  Destination?: { ToAddresses?: string[]; CcAddresses?: string[]; BccAddresses?: string[] };
  ConfigurationSetName?: string;
}

/**
 * An SES v2 REST request as the IAM calls AWS authorizes for it. GetEmailIdentity names its identity in the
 * path. SendEmail is authorized against every resource it uses, each with the request's `ses:FromAddress`:
 * the identity it sends from, the configuration set it names, and, while the account is in the SES sandbox,
 * each recipient's identity too (the known `AccessDenied` on a verified recipient's ARN). Recipients are
 * always included here: a role has to cover the sandbox, where every new account starts. GetAccount has no
 * resource type (`*`).
 */
export function sesCalls(method: string, path: string, region = 'us-east-1', body = ''): AwsCall[] {
  const request = `${method} ${path}`;
  const arn = (resource: string) => `arn:aws:ses:${region}:${LOCAL_ACCOUNT_ID}:${resource}`;
  if (/^POST \/v2\/email\/outbound-emails/.test(request)) {
    const message = JSON.parse(body || '{}') as SendEmailBody;
    const from = addressOf(message.FromEmailAddress ?? '');
    const { ToAddresses = [], CcAddresses = [], BccAddresses = [] } = message.Destination ?? {};
    const recipients = [...ToAddresses, ...CcAddresses, ...BccAddresses].map(addressOf);
    const resources = [
      arn(`identity/${from}`),
      ...recipients.map((recipient) => arn(`identity/${recipient}`)),
      ...(message.ConfigurationSetName === undefined
        ? []
        : [arn(`configuration-set/${message.ConfigurationSetName}`)]),
    ];
    const described = `${request} from ${from} to ${recipients.join(', ')}`;
    return [...new Set(resources)].map((resource) => ({
      action: 'ses:SendEmail',
      resource,
      context: { 'ses:FromAddress': from },
      request: described,
    }));
  }
  if (/^GET \/v2\/email\/account/.test(request)) {
    return [{ action: 'ses:GetAccount', resource: '*', context: {}, request }];
  }
  const identity = /^GET \/v2\/email\/identities\/([^/?]+)/.exec(request);
  if (identity) {
    const name = decodeURIComponent(identity[1] ?? '');
    return [{ action: 'ses:GetEmailIdentity', resource: arn(`identity/${name}`), context: {}, request }];
  }
  // The emulator's own endpoints (/store, /clear-store) are the test's, not the function's.
  return path.startsWith('/v2/') ? [{ action: `ses:unknown`, resource: '*', context: {}, request }] : [];
}

interface JsonProtocolBody {
  TableName?: string;
  IndexName?: string;
  QueueUrl?: string;
  /** GetItem, UpdateItem, DeleteItem name their item by `Key`, PutItem by `Item`. */
  Key?: Record<string, { S?: string }>;
  Item?: Record<string, { S?: string }>;
}

/** SQS batch operations are authorized as their single-message actions. */
const SQS_BATCH_ACTIONS: Record<string, string> = {
  SendMessageBatch: 'SendMessage',
  DeleteMessageBatch: 'DeleteMessage',
  ChangeMessageVisibilityBatch: 'ChangeMessageVisibility',
};

/**
 * A DynamoDB or SQS request (AWS JSON protocol: the operation in `X-Amz-Target`) as the IAM call it needs: a
 * table, or its index when the request names one; a queue, named by the last segment of its URL. A single-item
 * DynamoDB request carries its partition key as `dynamodb:LeadingKeys`. Requests naming no table or queue
 * (ListTables, ListQueues, ...) are not a function's and are left out.
 */
export function jsonProtocolCall(target: string, region: string, body: string): AwsCall | undefined {
  const [service = '', operation = ''] = target.split('.');
  const message = JSON.parse(body || '{}') as JsonProtocolBody;
  const arn = (kind: string, resource: string) => `arn:aws:${kind}:${region}:${LOCAL_ACCOUNT_ID}:${resource}`;
  if (service.startsWith('DynamoDB_') && message.TableName !== undefined) {
    const table = `table/${message.TableName}`;
    const leadingKey = (message.Key ?? message.Item)?.[PARTITION_KEY]?.S;
    return {
      action: `dynamodb:${operation}`,
      resource: arn('dynamodb', message.IndexName ? `${table}/index/${message.IndexName}` : table),
      context: leadingKey === undefined ? {} : { 'dynamodb:LeadingKeys': leadingKey },
      request: `${operation} ${message.TableName}${message.IndexName ? ` index ${message.IndexName}` : ''}`,
    };
  }
  if (service === 'AmazonSQS' && message.QueueUrl !== undefined) {
    const queue = new URL(message.QueueUrl).pathname.split('/').pop() ?? '';
    return {
      action: `sqs:${SQS_BATCH_ACTIONS[operation] ?? operation}`,
      resource: arn('sqs', queue),
      context: {},
      request: `${operation} ${queue}`,
    };
  }
  return undefined;
}

/** The first IAM call of an SES request (the only one, except for SendEmail). */
export function sesCall(method: string, path: string, region = 'us-east-1', body = ''): AwsCall | undefined {
  return sesCalls(method, path, region, body)[0];
}

/** `Name <a@b.c>` or `a@b.c` as `a@b.c`: the value of `ses:FromAddress`. */
function addressOf(mailbox: string): string {
  return /<([^>]*)>\s*$/.exec(mailbox)?.[1] ?? mailbox.trim();
}

const glob = (pattern: string) =>
  new RegExp(
    `^${pattern
      .split('*')
      .map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
      .join('.*')}$`,
  );

/**
 * Whether any Allow statement grants `call`. Resources and condition values are compared after `resolve`
 * turns the template's text (`${AWS::Region}`, the stack's bucket name, ...) into what the emulator uses.
 * Conditions: `StringEquals` and `StringLike` on single-valued keys of the call's context, and
 * `ForAllValues:StringLike` on `dynamodb:LeadingKeys` (one value per single-item request); a key the call
 * lacks, or any other operator, is not met. (IAM would let a `ForAllValues` condition on a missing key pass;
 * here a call whose key was not read counts as denied.)
 */
export function allows(statements: Statement[], call: AwsCall, resolve: (arn: string) => string): boolean {
  return statements.some((statement) => {
    if (statement.Effect !== 'Allow' || !statement.Action.some((a) => glob(a).test(call.action)))
      return false;
    const resourceMatches = statement.Resource.some((r) => glob(resolve(r)).test(call.resource));
    return resourceMatches && conditionMet(statement, call, resolve);
  });
}

function conditionMet(statement: Statement, call: AwsCall, resolve: (text: string) => string): boolean {
  if (statement.Condition === undefined) return true;
  const condition = statement.Condition;
  if (typeof condition !== 'object' || condition === null || Array.isArray(condition)) return false;
  return Object.entries(condition).every(([operator, keys]) => {
    const matches: Record<string, (pattern: string, value: string) => boolean> = {
      StringEquals: (pattern, value) => pattern === value,
      StringLike: (pattern, value) => glob(pattern).test(value),
      'ForAllValues:StringLike': (pattern, value) => glob(pattern).test(value),
    };
    const match = matches[operator];
    if (!match || typeof keys !== 'object' || keys === null || Array.isArray(keys)) return false;
    return Object.entries(keys).every(([key, patterns]) => {
      const value = call.context[key];
      const list = Array.isArray(patterns) ? patterns : [patterns];
      return value !== undefined && list.some((p) => typeof p === 'string' && match(resolve(p), value));
    });
  });
}

/**
 * The calls a role does not allow. A read also needs `s3:ListBucket` on its own key: without it S3 answers
 * a missing key with 403 instead of 404, and the code's "not there yet" branch turns into an error.
 */
export function deniedCalls(
  statements: Statement[],
  calls: AwsCall[],
  resolve: (arn: string) => string,
): string[] {
  const denied: string[] = [];
  for (const call of calls) {
    if (!allows(statements, call, resolve)) denied.push(`${call.action} ${call.resource} (${call.request})`);
    if (call.action === 's3:GetObject') {
      const [bucketArn = '', key = ''] = call.resource.split(/\/(.*)/s);
      const probe: AwsCall = {
        ...call,
        action: 's3:ListBucket',
        resource: bucketArn,
        context: { 's3:prefix': key },
      };
      if (!allows(statements, probe, resolve))
        denied.push(`s3:ListBucket on ${key}, so a missing key is 404 (${call.request})`);
    }
  }
  return [...new Set(denied)];
}
