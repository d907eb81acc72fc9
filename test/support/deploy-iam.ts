/**
 * Checks the roles in the packaged template against what the code really does: every HTTP request the AWS
 * SDK makes to the local S3 and SES emulators is recorded (node:http diagnostics channel, so no code is
 * changed or mocked), turned into the IAM action and resource AWS would authorize, and evaluated against a
 * role's statements with the same matching rules IAM applies to them (wildcards, `StringLike` on
 * `s3:prefix`).
 */
import dc from 'node:diagnostics_channel';
import type { ClientRequest } from 'node:http';
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

/** Passes each SDK request to the given emulator endpoints to `onCall`, as an IAM call; returns `stop`. */
export function recordAwsCalls(
  endpoints: { s3: string; ses: string },
  onCall: (call: AwsCall) => void,
): () => void {
  const s3Host = new URL(endpoints.s3).host;
  const sesHost = new URL(endpoints.ses).host;
  const onRequest = (message: unknown) => {
    const { request } = message as { request: ClientRequest };
    const host = String(request.getHeader('host') ?? '');
    if (host === s3Host) onCall(s3Call(request.method, request.path));
    const ses = host === sesHost ? sesCall(request.method, request.path, signingRegion(request)) : undefined;
    if (ses) onCall(ses);
  };
  dc.subscribe('http.client.request.start', onRequest);
  return () => dc.unsubscribe('http.client.request.start', onRequest);
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

/**
 * An SES v2 REST request as the IAM action it needs. GetEmailIdentity names its identity in the path, so
 * its ARN is checked like an S3 resource; SendEmail's identities are in the body (their resources are
 * pinned by the template tests) and GetAccount has no resource, so those two are matched on the action.
 */
export function sesCall(method: string, path: string, region = 'us-east-1'): AwsCall | undefined {
  const request = `${method} ${path}`;
  const identity = (m: RegExpExecArray) =>
    `arn:aws:ses:${region}:${LOCAL_ACCOUNT_ID}:identity/${decodeURIComponent(m[1] ?? '')}`;
  const route: [RegExp, string, (m: RegExpExecArray) => string][] = [
    [/^POST \/v2\/email\/outbound-emails/, 'ses:SendEmail', () => '*'],
    [/^GET \/v2\/email\/account/, 'ses:GetAccount', () => '*'],
    [/^GET \/v2\/email\/identities\/([^/?]+)/, 'ses:GetEmailIdentity', identity],
  ];
  for (const [pattern, action, identity] of route) {
    const match = pattern.exec(request);
    if (match) return { action, resource: identity(match), context: {}, request };
  }
  // The emulator's own endpoints (/store, /clear-store) are the test's, not the function's.
  return path.startsWith('/v2/') ? { action: `ses:unknown`, resource: '*', context: {}, request } : undefined;
}

const glob = (pattern: string) =>
  new RegExp(
    `^${pattern
      .split('*')
      .map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
      .join('.*')}$`,
  );

/**
 * Whether any Allow statement grants `call`. Resources are compared after `resolve` turns the template's
 * text (`${AWS::Region}`, the stack's bucket name, ...) into what the emulator uses. An SES call recorded
 * without a resource (`*`) is matched on its action only. Conditions other than `StringLike` on `s3:prefix`
 * are treated as not met.
 */
export function allows(statements: Statement[], call: AwsCall, resolve: (arn: string) => string): boolean {
  return statements.some((statement) => {
    if (statement.Effect !== 'Allow' || !statement.Action.some((a) => glob(a).test(call.action)))
      return false;
    const resourceMatches =
      call.action.startsWith('ses:') && call.resource === '*'
        ? true
        : statement.Resource.some((r) => glob(resolve(r)).test(call.resource));
    return resourceMatches && conditionMet(statement, call);
  });
}

function conditionMet(statement: Statement, call: AwsCall): boolean {
  if (statement.Condition === undefined) return true;
  const condition = statement.Condition;
  if (typeof condition !== 'object' || condition === null || Array.isArray(condition)) return false;
  return Object.entries(condition).every(([operator, keys]) => {
    if (operator !== 'StringLike' || typeof keys !== 'object' || keys === null || Array.isArray(keys))
      return false;
    return Object.entries(keys).every(([key, patterns]) => {
      const value = call.context[key];
      const list = Array.isArray(patterns) ? patterns : [patterns];
      return value !== undefined && list.some((p) => typeof p === 'string' && glob(p).test(value));
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
