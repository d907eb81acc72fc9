/**
 * Real local stand-ins for S3 and SES v2, started in-process on 127.0.0.1 with random free ports: s3rver
 * (an S3-compatible HTTP server that also emits bucket notifications) and aws-ses-v2-local. Used by
 * `npm start`, `npm run demo` and the integration tests, always through the production SDK clients.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { S3Event, S3EventRecord } from 'aws-lambda';
import S3rver, { type S3rverContext, type S3rverEventRecord } from 's3rver';

const HOST = '127.0.0.1';

/** Fake, fixed credentials: local clients must never pick up real ones. */
export const LOCAL_CREDENTIALS = { AWS_ACCESS_KEY_ID: 'S3RVER', AWS_SECRET_ACCESS_KEY: 'S3RVER' } as const;
export const LOCAL_REGION = 'us-east-1';
/** The same, as an SDK client's `credentials`. */
export const LOCAL_CLIENT_CREDENTIALS = {
  accessKeyId: LOCAL_CREDENTIALS.AWS_ACCESS_KEY_ID,
  secretAccessKey: LOCAL_CREDENTIALS.AWS_SECRET_ACCESS_KEY,
} as const;

export interface S3Emulator {
  endpoint: string;
  directory: string;
  /** Calls `listener` with a Lambda-shaped S3 event for each object created, keys encoded as S3 encodes them. */
  onObjectCreated(listener: (event: S3Event) => void): void;
  close(): Promise<void>;
}

export async function startS3Emulator(options: {
  buckets: string[];
  directory?: string;
}): Promise<S3Emulator> {
  const ownsDirectory = options.directory === undefined;
  const directory = options.directory ?? (await mkdtemp(join(tmpdir(), 's3rver-')));
  const server = new S3rver({
    port: 0,
    address: HOST,
    silent: true,
    directory,
    configureBuckets: options.buckets.map((name) => ({ name })),
  });
  server.middleware.unshift(conditionalRequests());
  const { port } = await server.run();
  return {
    endpoint: `http://${HOST}:${port}`,
    directory,
    onObjectCreated(listener) {
      server.on('event', (event) => {
        const records = event.Records.filter((r) => r.eventName.startsWith('ObjectCreated:'));
        if (records.length > 0) listener({ Records: records.map(toLambdaRecord) });
      });
    },
    async close() {
      await server.close();
      if (ownsDirectory) await rm(directory, { recursive: true, force: true });
    },
  };
}

/**
 * S3's conditional requests, which s3rver ignores: a PUT with `If-None-Match: *` is refused (412) when the
 * key exists, which is how the adapters write once without a HEAD (a prefix-scoped role gets 403, not 404,
 * for a missing key); a GET, PUT or DELETE with `If-Match: "<etag>"` is refused (412) when the object has
 * changed since, and a PUT or DELETE (404 NoSuchKey) when it is gone, which is how `summarize` notices an
 * upload overwritten before it was read and how a send claim is taken over or given back by one run only.
 * S3 checks a condition and does the write as one step: writes to one key are done one at a time here, so
 * two concurrent conditional writes cannot both pass. Path-style requests only, as the local clients use.
 */
function conditionalRequests(): (ctx: S3rverContext, next: () => Promise<void>) => Promise<void> {
  const writesInProgress = new Map<string, Promise<void>>();
  const oneWriteAtATime = async (name: string, write: () => Promise<void>): Promise<void> => {
    const previous = writesInProgress.get(name) ?? Promise.resolve();
    const done = previous.then(write);
    const settled = done.catch(() => undefined);
    writesInProgress.set(name, settled);
    await done.finally(() => {
      if (writesInProgress.get(name) === settled) writesInProgress.delete(name);
    });
  };
  return async (ctx, next) => {
    const [bucketPart = '', ...keyParts] = ctx.path.slice(1).split('/');
    const bucket = decodeURIComponent(bucketPart);
    const key = keyParts.map((part) => decodeURIComponent(part)).join('/');
    const write = ctx.method === 'PUT' || ctx.method === 'DELETE';
    const ifNoneMatch = ctx.method === 'PUT' && ctx.get('if-none-match') === '*';
    const ifMatch = write || ctx.method === 'GET' ? ctx.get('if-match') : '';
    const checkThenHandle = async () => {
      const exists = (ifNoneMatch || ifMatch !== '') && (await ctx.app.store.existsObject(bucket, key));
      if (ifNoneMatch && exists) return preconditionFailed(ctx, 'If-None-Match');
      if (ifMatch && write && !exists) return noSuchKey(ctx);
      if (ifMatch && exists) {
        const { etag } = await ctx.app.store.getMetadata(bucket, key);
        if (unquote(etag) !== unquote(ifMatch)) return preconditionFailed(ctx, 'If-Match');
      }
      await next();
    };
    if (write && key !== '') return oneWriteAtATime(`${bucket}/${key}`, checkThenHandle);
    return checkThenHandle();
  };
}

function preconditionFailed(ctx: S3rverContext, condition: string): void {
  ctx.status = 412;
  ctx.type = 'application/xml';
  ctx.body =
    '<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>PreconditionFailed</Code>' +
    `<Message>At least one of the pre-conditions you specified did not hold</Message><Condition>${condition}</Condition></Error>`;
}

function noSuchKey(ctx: S3rverContext): void {
  ctx.status = 404;
  ctx.type = 'application/xml';
  ctx.body =
    '<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>NoSuchKey</Code>' +
    '<Message>The specified key does not exist.</Message></Error>';
}

const unquote = (etag: string) => etag.replaceAll('"', '');

/**
 * S3 URL-encodes keys in notifications (a space becomes "+"); s3rver passes them raw. Encode them the way
 * S3 does so the handler is exercised on exactly what Lambda would receive.
 */
export function encodeS3EventKey(key: string): string {
  return key
    .split('/')
    .map((part) => encodeURIComponent(part).replace(/%20/g, '+'))
    .join('/');
}

function toLambdaRecord(record: S3rverEventRecord): S3EventRecord {
  const { bucket, object } = record.s3;
  return {
    eventVersion: '2.1',
    eventSource: 'aws:s3',
    awsRegion: LOCAL_REGION,
    eventTime: record.eventTime,
    eventName: record.eventName as S3EventRecord['eventName'],
    userIdentity: { principalId: 'AWS:LOCAL' },
    requestParameters: { sourceIPAddress: HOST },
    responseElements: { 'x-amz-request-id': 'LOCAL', 'x-amz-id-2': 'LOCAL' },
    s3: {
      s3SchemaVersion: '1.0',
      configurationId: 'local-articles',
      bucket: {
        name: bucket.name,
        ownerIdentity: { principalId: 'LOCAL' },
        arn: `arn:aws:s3:::${bucket.name}`,
      },
      object: {
        key: encodeS3EventKey(object.key),
        size: object.size ?? 0,
        eTag: object.eTag ?? '',
        sequencer: object.sequencer,
      },
    },
  };
}

export interface ReceivedEmail {
  messageId: string;
  from: string;
  destination: { to: string[]; cc: string[]; bcc: string[] };
  subject: string;
  body: { html?: string; text?: string };
  headers?: { name: string; value: string }[];
  at: number;
}

/**
 * The account aws-ses-v2-local's GetAccount answers with: it reads the JSON from env `AWS_SES_ACCOUNT` of
 * the process it runs in, and validates every field below.
 */
export function sesEmulatorAccount(options: {
  productionAccess: boolean;
  maxSendRate: number;
  max24HourSend: number;
}): string {
  return JSON.stringify({
    DedicatedIpAutoWarmupEnabled: false,
    Details: {
      AdditionalContactEmailAddresses: [],
      ContactLanguage: 'EN',
      MailType: 'TRANSACTIONAL',
      ReviewDetails: { CaseId: 'local', Status: options.productionAccess ? 'GRANTED' : 'PENDING' },
      UseCaseDescription: 'Local runs of the article digest',
      WebsiteURL: 'http://127.0.0.1/',
    },
    EnforcementStatus: 'HEALTHY',
    ProductionAccessEnabled: options.productionAccess,
    SendingEnabled: true,
    SendQuota: { Max24HourSend: options.max24HourSend, MaxSendRate: options.maxSendRate, SentLast24Hours: 0 },
    SuppressionAttributes: { SuppressedReasons: [] },
  });
}

/** An SES identity (an address or a domain) as the emulator's GetEmailIdentity reports it. */
export interface EmulatedIdentity {
  /** VerifiedForSendingStatus; default true. */
  verified?: boolean;
  /** DkimAttributes.Status; default SUCCESS for a domain, NOT_STARTED for an address. */
  dkim?: 'SUCCESS' | 'PENDING' | 'FAILED' | 'TEMPORARY_FAILURE' | 'NOT_STARTED';
  /** A custom MAIL FROM domain, and its status (default SUCCESS). */
  mailFromDomain?: string;
  mailFromStatus?: 'SUCCESS' | 'PENDING' | 'FAILED' | 'TEMPORARY_FAILURE';
}

/**
 * The identities the emulator starts with: the local sender's domain as the deploy guide sets it up (domain
 * identity, Easy DKIM, custom MAIL FROM), so local runs send as a well set-up sender would, without warnings.
 */
export const DEFAULT_SES_IDENTITIES: Readonly<Record<string, EmulatedIdentity>> = {
  'example.com': { dkim: 'SUCCESS', mailFromDomain: 'mail.example.com', mailFromStatus: 'SUCCESS' },
};

export interface SesEmulator {
  endpoint: string;
  /** The web inbox a person can open in a browser. */
  inboxUrl: string;
  /**
   * The account's identities, which GetEmailIdentity answers from (aws-ses-v2-local has no identities):
   * change them to emulate another setup; any other name is answered 404 NotFoundException, as SES does.
   */
  identities: Map<string, EmulatedIdentity>;
  emails(): Promise<ReceivedEmail[]>;
  clear(): Promise<void>;
  close(): Promise<void>;
}

export async function startSesEmulator(
  options: { identities?: Record<string, EmulatedIdentity> } = {},
): Promise<SesEmulator> {
  const { default: startServer } = await import('aws-ses-v2-local');
  const server = await startServer({ host: HOST, port: 0 });
  const identities = new Map(Object.entries(options.identities ?? DEFAULT_SES_IDENTITIES));
  // GetEmailIdentity is answered here, before aws-ses-v2-local's routes; everything else goes on to them.
  const emulator = server.listeners('request') as ((req: IncomingMessage, res: ServerResponse) => void)[];
  server.removeAllListeners('request');
  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    if (answerGetEmailIdentity(req, res, identities)) return;
    for (const listener of emulator) listener.call(server, req, res);
  });
  const { port } = server.address() as AddressInfo;
  const endpoint = `http://${HOST}:${port}`;
  return {
    endpoint,
    inboxUrl: `${endpoint}/`,
    identities,
    async emails() {
      const response = await fetch(`${endpoint}/store`);
      const store = (await response.json()) as { emails: ReceivedEmail[] };
      return store.emails;
    },
    async clear() {
      await fetch(`${endpoint}/clear-store`, { method: 'POST' });
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}

/** SES v2 GetEmailIdentity (`GET /v2/email/identities/{name}`) from `identities`; false for any other request. */
function answerGetEmailIdentity(
  req: IncomingMessage,
  res: ServerResponse,
  identities: Map<string, EmulatedIdentity>,
): boolean {
  const match = /^\/v2\/email\/identities\/([^/?]+)(?:\?|$)/.exec(req.url ?? '');
  if (req.method !== 'GET' || !match) return false;
  const name = decodeURIComponent(match[1] ?? '');
  const identity = identities.get(name) ?? identities.get(name.toLowerCase());
  const reply = (status: number, body: unknown, headers: Record<string, string> = {}) => {
    res.writeHead(status, { 'content-type': 'application/json', 'x-amzn-requestid': 'local', ...headers });
    res.end(JSON.stringify(body));
  };
  if (identity === undefined) {
    reply(
      404,
      { message: `Email identity ${name} does not exist.` },
      { 'x-amzn-errortype': 'NotFoundException' },
    );
    return true;
  }
  const domain = !name.includes('@');
  const dkim = identity.dkim ?? (domain ? 'SUCCESS' : 'NOT_STARTED');
  reply(200, {
    IdentityType: domain ? 'DOMAIN' : 'EMAIL_ADDRESS',
    FeedbackForwardingStatus: true,
    VerifiedForSendingStatus: identity.verified ?? true,
    VerificationStatus: (identity.verified ?? true) ? 'SUCCESS' : 'PENDING',
    DkimAttributes: {
      SigningEnabled: dkim !== 'NOT_STARTED',
      Status: dkim,
      SigningAttributesOrigin: 'AWS_SES',
      ...(dkim !== 'NOT_STARTED' && { Tokens: ['local1', 'local2', 'local3'] }),
    },
    MailFromAttributes: {
      ...(identity.mailFromDomain !== undefined && {
        MailFromDomain: identity.mailFromDomain,
        MailFromDomainStatus: identity.mailFromStatus ?? 'SUCCESS',
      }),
      BehaviorOnMxFailure: 'USE_DEFAULT_VALUE',
    },
    Policies: {},
    Tags: [],
  });
  return true;
}
