/**
 * Fault injection at the SDK's request-handler boundary: a real SDK client gets a `requestHandler` that
 * answers each HTTP request as the service would (status, headers, body), so the SDK's own serialization,
 * error parsing and retries run, and every request is recorded. Pass `requestHandler` to the production
 * client factories (src/aws/clients.ts) through their `extra` argument, with `FAKE_CREDENTIALS`.
 */
import type { Message } from '@aws-sdk/client-sqs';
import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';

export const FAKE_CREDENTIALS = { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret' };

/** One request as it went on the wire: header names lower-cased, the body as text. */
export interface SeenRequest {
  method: string;
  hostname: string;
  /** Still percent-encoded, as sent. */
  path: string;
  query: Record<string, string | string[] | null>;
  headers: Record<string, string>;
  body: string;
}

/** What the service answers, or an Error the connection fails with (ECONNRESET, a timeout...). */
export type FakeAnswer = Error | { status: number; headers?: Record<string, string>; body?: string };

/** Answers the `index`-th request (0-based) that reached the handler. */
export type Responder = (request: SeenRequest, index: number) => FakeAnswer | Promise<FakeAnswer>;

interface WireRequest {
  method: string;
  hostname?: string;
  path: string;
  query?: Record<string, string | string[] | null>;
  headers: Record<string, string>;
  body?: unknown;
}

async function bodyText(body: unknown): Promise<string> {
  if (body === undefined || body === null) return '';
  if (typeof body === 'string') return body;
  // Over its bytes: the SDK's JSON body is a Uint8Array subclass that warns when read as a string.
  if (body instanceof Uint8Array)
    return Buffer.from(body.buffer, body.byteOffset, body.byteLength).toString('utf-8');
  if (body instanceof Readable) {
    const chunks: Buffer[] = [];
    for await (const chunk of body) chunks.push(Buffer.from(chunk as Uint8Array));
    return Buffer.concat(chunks).toString('utf-8');
  }
  throw new Error(`The fake cannot read a request body of type ${typeof body}`);
}

/** A request handler answering with `respond`, and the requests it was sent, in order. */
export function httpFake(respond: Responder) {
  const requests: SeenRequest[] = [];
  const requestHandler = {
    async handle(request: WireRequest) {
      const seen: SeenRequest = {
        method: request.method,
        hostname: request.hostname ?? '',
        path: request.path,
        query: request.query ?? {},
        headers: Object.fromEntries(Object.entries(request.headers).map(([k, v]) => [k.toLowerCase(), v])),
        body: await bodyText(request.body),
      };
      requests.push(seen);
      const answer = await respond(seen, requests.length - 1);
      if (answer instanceof Error) throw answer;
      return {
        response: {
          statusCode: answer.status,
          headers: answer.headers ?? {},
          body: Readable.from([Buffer.from(answer.body ?? '')]),
        },
      };
    },
  };
  return { requestHandler, requests };
}

/** The answers in turn, one per request; the last one repeats. */
export const inTurn =
  (...answers: FakeAnswer[]): Responder =>
  (_request, index) =>
    answers[Math.min(index, answers.length - 1)]!;

/** A JSON-protocol success (SES v2 and the other REST-JSON services). */
export const jsonAnswer = (value: unknown, status = 200): FakeAnswer => ({
  status,
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify(value),
});

/** A JSON-protocol error: the error type in x-amzn-errortype, the message in the body. */
export const jsonError = (status: number, type: string, message: string): FakeAnswer => ({
  status,
  headers: { 'content-type': 'application/json', 'x-amzn-errortype': type },
  body: JSON.stringify({ message }),
});

const xmlEscape = (text: string) =>
  text.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;');

/** S3's error answer: the status and an XML <Error> body with its code and message. */
export const s3Error = (status: number, code: string, message: string): FakeAnswer => ({
  status,
  headers: { 'content-type': 'application/xml', 'x-amz-request-id': 'FAKE' },
  body: `<?xml version="1.0" encoding="UTF-8"?><Error><Code>${code}</Code><Message>${xmlEscape(message)}</Message></Error>`,
});

/** S3's answer to a PutObject that wrote. */
export const s3Written = (etag = '"e"'): FakeAnswer => ({ status: 200, headers: { etag }, body: '' });

/** S3's answer to a GetObject: the object's bytes and their length. */
export const s3Object = (text: string, headers: Record<string, string> = {}): FakeAnswer => ({
  status: 200,
  headers: {
    'content-length': String(Buffer.byteLength(text)),
    etag: '"e"',
    'last-modified': new Date('2026-11-24T08:15:02Z').toUTCString(),
    ...headers,
  },
  body: text,
});

/** S3's answer to a ListObjectsV2 of one page holding `keys`. */
export const s3Listing = (keys: string[]): FakeAnswer => ({
  status: 200,
  headers: { 'content-type': 'application/xml' },
  body:
    '<?xml version="1.0" encoding="UTF-8"?><ListBucketResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/">' +
    `<KeyCount>${keys.length}</KeyCount><IsTruncated>false</IsTruncated>` +
    keys.map((key) => `<Contents><Key>${xmlEscape(key)}</Key><Size>1</Size></Contents>`).join('') +
    '</ListBucketResult>',
});

/**
 * The bucket and the decoded key an S3 request addresses, virtual-hosted (`<bucket>.s3.<region>...`) or
 * path-style (`/<bucket>/<key>`, what the SDK uses for a bucket name that is not a DNS label).
 */
export function s3Target(request: SeenRequest): { bucket: string; key: string } {
  const path = request.path.replace(/^\//, '');
  const virtualHosted = /^(.+)\.s3[.-]/.exec(request.hostname);
  if (virtualHosted) return { bucket: virtualHosted[1]!, key: decodeURIComponent(path) };
  const slash = path.indexOf('/');
  return slash < 0
    ? { bucket: decodeURIComponent(path), key: '' }
    : { bucket: decodeURIComponent(path.slice(0, slash)), key: decodeURIComponent(path.slice(slash + 1)) };
}

/**
 * S3's answer to a HeadObject that found the object: headers only, never a body (`content-type` as it was
 * uploaded, `x-amz-version-id` in a versioned bucket, among `headers`).
 */
export const s3Head = (headers: Record<string, string> = {}): FakeAnswer => ({
  status: 200,
  headers: {
    'content-length': '12',
    etag: '"e"',
    'last-modified': new Date('2026-11-24T08:15:02Z').toUTCString(),
    'x-amz-request-id': 'FAKE',
    ...headers,
  },
});

/**
 * S3's refusal of a HEAD (404 missing key, 403 denied, 503 SlowDown...): the status alone, since a HEAD
 * answer has no body to carry an error code (the SDK names a 404 `NotFound`, other statuses `Unknown`).
 */
export const s3HeadError = (status: number): FakeAnswer => ({
  status,
  headers: { 'x-amz-request-id': 'FAKE' },
});

/** An AWS JSON 1.0 success (SQS): the output as the body. */
export const awsJsonAnswer = (value: unknown): FakeAnswer => ({
  status: 200,
  headers: { 'content-type': 'application/x-amz-json-1.0', 'x-amzn-requestid': 'FAKE' },
  body: JSON.stringify(value),
});

/** The action of an AWS JSON request (`x-amz-target: AmazonSQS.ReceiveMessage` is `ReceiveMessage`). */
export const awsJsonAction = (request: SeenRequest): string =>
  (request.headers['x-amz-target'] ?? '').replace(/^[^.]*\./, '');

/**
 * SQS's answer to a ReceiveMessage (JSON protocol): the messages with the MD5 of each body, which the SDK
 * checks; an empty queue is answered with no `Messages` at all.
 */
export const sqsReceived = (messages: Message[]): FakeAnswer =>
  awsJsonAnswer(
    messages.length === 0
      ? {}
      : {
          Messages: messages.map((message) => ({
            ...message,
            MD5OfBody: createHash('md5')
              .update(message.Body ?? '')
              .digest('hex'),
          })),
        },
  );

/** Lambda's answer to an asynchronous Invoke (`X-Amz-Invocation-Type: Event`): 202 Accepted, no body. */
export const lambdaAccepted = (): FakeAnswer => ({
  status: 202,
  headers: { 'x-amzn-requestid': 'FAKE' },
  body: '',
});

/** The function an Invoke request (POST /2015-03-31/functions/<name>/invocations) names, decoded. */
export function lambdaInvoked(request: SeenRequest): string | undefined {
  const name = /^\/2015-03-31\/functions\/([^/]+)\/invocations$/.exec(request.path)?.[1];
  return name === undefined ? undefined : decodeURIComponent(name);
}

/** Whether an S3 request is a ListObjectsV2 (GET with `list-type=2`). */
export const isS3Listing = (request: SeenRequest): boolean =>
  request.method === 'GET' && request.query['list-type'] === '2';
