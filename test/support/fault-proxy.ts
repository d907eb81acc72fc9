/**
 * A small HTTP proxy on 127.0.0.1 in front of an emulator (s3rver, aws-ses-v2-local, dynalite) that injects
 * faults at the HTTP boundary, so the production SDK clients and adapters meet them exactly as they would
 * meet a failing AWS endpoint: point S3_ENDPOINT / SES_ENDPOINT / DYNAMODB_ENDPOINT (or a client's endpoint)
 * at `proxy.url`.
 *
 * Each request is read whole, then the rules are consulted in order. Every rule whose filter (method, path,
 * request predicate) matches counts the request (its `nth`, 1-based); the first rule that also passes its
 * `nth`, `times` and `probability` (a seeded PRNG, so a run is reproducible when requests arrive in a
 * fixed order) injects its fault. A request no rule picks is forwarded unchanged (signature headers and
 * all, so s3rver still verifies SigV4).
 *
 * Faults: an answer the service could give (S3 500 InternalError, 503 SlowDown, SES 429 throttling or 5xx,
 * DynamoDB 500 InternalServerError), a hang (no answer until `releaseHung` drops the connection; optionally
 * after forwarding, so the emulator acted), and a dropped connection before forwarding (the emulator never
 * saw it) or after forwarding (the emulator acted, the client never hears: the ambiguous case).
 */
import { Agent, createServer, request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

export interface ProxiedRequest {
  method: string;
  /** Path and query as sent, e.g. `/bucket/articles/a.txt?x-id=GetObject`. */
  path: string;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

export type Fault =
  | { kind: 'respond'; label: string; status: number; headers: Record<string, string>; body: string }
  | { kind: 'hang'; label: string; forward: boolean }
  | { kind: 'drop-before'; label: string }
  | { kind: 'drop-after'; label: string };

const s3Error = (status: number, code: string, message: string): Fault => ({
  kind: 'respond',
  label: `s3-${status}-${code}`,
  status,
  headers: { 'content-type': 'application/xml', 'x-amz-request-id': 'FAULTPROXY' },
  body:
    '<?xml version="1.0" encoding="UTF-8"?>\n' +
    `<Error><Code>${code}</Code><Message>${message}</Message><RequestId>FAULTPROXY</RequestId></Error>`,
});

const sesError = (status: number, type: string, message: string): Fault => ({
  kind: 'respond',
  label: `ses-${status}-${type}`,
  status,
  headers: { 'content-type': 'application/json', 'x-amzn-errortype': type, 'x-amzn-requestid': 'FAULTPROXY' },
  body: JSON.stringify({ __type: type, message }),
});

const dynamoDbError = (status: number, type: string, message: string): Fault => ({
  kind: 'respond',
  label: `dynamodb-${status}-${type}`,
  status,
  headers: { 'content-type': 'application/x-amz-json-1.0', 'x-amzn-requestid': 'FAULTPROXY' },
  body: JSON.stringify({ __type: `com.amazonaws.dynamodb.v20120810#${type}`, message }),
});

/** The faults, shaped as the real services answer. */
export const faults = {
  s3InternalError: () => s3Error(500, 'InternalError', 'We encountered an internal error. Please try again.'),
  s3SlowDown: () => s3Error(503, 'SlowDown', 'Please reduce your request rate.'),
  sesThrottling: () => sesError(429, 'TooManyRequestsException', 'Maximum sending rate exceeded.'),
  sesInternalFailure: () => sesError(500, 'InternalFailure', 'The request processing has failed.'),
  sesUnavailable: () => sesError(503, 'ServiceUnavailable', 'Service Unavailable'),
  dynamoDbInternalError: () => dynamoDbError(500, 'InternalServerError', 'Internal server error'),
  /** Never answers; with `forward`, the emulator handled the request first (it may have acted). */
  hang: (options: { forward?: boolean } = {}): Fault => ({
    kind: 'hang',
    label: options.forward ? 'hang-after-forwarding' : 'hang',
    forward: options.forward ?? false,
  }),
  /** Closes the connection before forwarding: the emulator never sees the request. */
  dropBeforeForwarding: (): Fault => ({ kind: 'drop-before', label: 'drop-before-forwarding' }),
  /** Forwards, lets the emulator answer, then closes the connection: it acted, the client never hears. */
  dropAfterForwarding: (): Fault => ({ kind: 'drop-after', label: 'drop-after-forwarding' }),
};

export interface FaultRule {
  /** Shown in the log. */
  name: string;
  method?: string;
  path?: RegExp | ((path: string) => boolean);
  match?: (request: ProxiedRequest) => boolean;
  /** Which matching requests (1-based count of this rule's matches) may be faulted. */
  nth?: number | number[] | ((n: number) => boolean);
  /** Inject at most this many times. */
  times?: number;
  /** Chance that a matching request is faulted, drawn from the proxy's seeded PRNG. */
  probability?: number;
  /** The fault, or a choice of one (given the proxy's PRNG). */
  fault: Fault | ((random: () => number, request: ProxiedRequest) => Fault);
}

export interface ProxyLogEntry {
  method: string;
  path: string;
  /** The rule and fault label when one was injected. */
  rule?: string;
  fault?: string;
  /** The emulator's status when the request was forwarded. */
  upstreamStatus?: number;
}

export interface FaultProxy {
  url: string;
  log: ProxyLogEntry[];
  /** Adds a rule after the existing ones (or before them, `first`); returns a function that removes it. */
  add(rule: FaultRule, options?: { first?: boolean }): () => void;
  /** Faults off: every request is forwarded from now on (counters and log are kept). */
  clear(): void;
  /**
   * Drops the connection of every request a hang fault holds now (the client sees it reset, as when the
   * peer dies); returns how many there were.
   */
  releaseHung(): number;
  /** Called when a fault is injected, after forwarding for the faults that forward. */
  onFault(listener: (entry: ProxyLogEntry, request: ProxiedRequest) => void): void;
  /** How many faults were injected, optionally only those with this label. */
  injected(label?: string): number;
  /** Stops the proxy; hung and open connections are destroyed. */
  close(): Promise<void>;
}

/** mulberry32: a tiny seeded PRNG, good enough to pick faults reproducibly. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Hop-by-hop headers, and `expect` (never signed; the body is sent at once). */
const NOT_FORWARDED = new Set(['connection', 'keep-alive', 'proxy-connection', 'upgrade', 'expect']);

interface ActiveRule {
  rule: FaultRule;
  matched: number;
  fired: number;
}

export async function startFaultProxy(options: { target: string; seed?: number }): Promise<FaultProxy> {
  const target = new URL(options.target);
  const random = seededRandom(options.seed ?? 1);
  const agent = new Agent({ keepAlive: true });
  const sockets = new Set<Socket>();
  /** The connections of requests held by a hang fault, until they close. */
  const hung = new Set<Socket>();
  const listeners: ((entry: ProxyLogEntry, request: ProxiedRequest) => void)[] = [];
  let rules: ActiveRule[] = [];
  const log: ProxyLogEntry[] = [];

  const choose = (request: ProxiedRequest): { rule: FaultRule; fault: Fault } | undefined => {
    let chosen: { rule: FaultRule; fault: Fault } | undefined;
    for (const active of rules) {
      const { rule } = active;
      if (rule.method !== undefined && rule.method !== request.method) continue;
      if (rule.path instanceof RegExp && !rule.path.test(request.path)) continue;
      if (typeof rule.path === 'function' && !rule.path(request.path)) continue;
      if (rule.match && !rule.match(request)) continue;
      active.matched++;
      if (chosen) continue;
      if (!nthAllows(rule.nth, active.matched)) continue;
      if (rule.times !== undefined && active.fired >= rule.times) continue;
      if (rule.probability !== undefined && random() >= rule.probability) continue;
      active.fired++;
      chosen = { rule, fault: typeof rule.fault === 'function' ? rule.fault(random, request) : rule.fault };
    }
    return chosen;
  };

  const forward = (request: ProxiedRequest) =>
    new Promise<{ status: number; headers: IncomingHttpHeaders; body: Buffer }>((resolve, reject) => {
      const headers = Object.fromEntries(
        Object.entries(request.headers).filter(([name]) => !NOT_FORWARDED.has(name.toLowerCase())),
      );
      const upstream = httpRequest(
        {
          host: target.hostname,
          port: target.port,
          method: request.method,
          path: request.path,
          headers,
          agent,
        },
        (response) => {
          const chunks: Buffer[] = [];
          response.on('data', (chunk: Buffer) => chunks.push(chunk));
          response.on('end', () =>
            resolve({
              status: response.statusCode ?? 502,
              headers: response.headers,
              body: Buffer.concat(chunks),
            }),
          );
          response.on('error', reject);
        },
      );
      upstream.on('error', reject);
      upstream.end(request.body);
    });

  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const request: ProxiedRequest = {
        method: req.method ?? 'GET',
        path: req.url ?? '/',
        headers: req.headers,
        body: Buffer.concat(chunks),
      };
      const entry: ProxyLogEntry = { method: request.method, path: request.path };
      log.push(entry);
      const chosen = choose(request);
      if (chosen) {
        entry.rule = chosen.rule.name;
        entry.fault = chosen.fault.label;
      }
      const injected = () => listeners.forEach((listener) => listener(entry, request));
      const relay = async () => {
        const fault = chosen?.fault;
        if (fault?.kind === 'respond') {
          injected();
          res.writeHead(fault.status, { ...fault.headers, 'content-length': Buffer.byteLength(fault.body) });
          res.end(fault.body);
          return;
        }
        const hold = () => {
          hung.add(req.socket);
          req.socket.once('close', () => hung.delete(req.socket));
        };
        if (fault?.kind === 'drop-before' || (fault?.kind === 'hang' && !fault.forward)) {
          if (fault.kind === 'hang') hold();
          injected();
          if (fault.kind === 'drop-before') req.socket.destroy();
          return;
        }
        const answer = await forward(request);
        entry.upstreamStatus = answer.status;
        if (fault) {
          if (fault.kind === 'hang') hold();
          injected();
          if (fault.kind === 'drop-after') req.socket.destroy();
          return;
        }
        const headers = { ...answer.headers };
        delete headers['transfer-encoding'];
        delete headers.connection;
        delete headers['keep-alive'];
        res.writeHead(answer.status, { ...headers, 'content-length': answer.body.byteLength });
        res.end(answer.body);
      };
      relay().catch((error: unknown) => {
        if (res.headersSent) return req.socket.destroy();
        res.writeHead(502, { 'content-type': 'text/plain' });
        res.end(`fault proxy: the emulator could not be reached: ${String(error)}`);
      });
    });
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    log,
    add(rule, addOptions = {}) {
      const active = { rule, matched: 0, fired: 0 };
      if (addOptions.first) rules.unshift(active);
      else rules.push(active);
      return () => {
        rules = rules.filter((r) => r !== active);
      };
    },
    clear() {
      rules = [];
    },
    releaseHung() {
      const held = [...hung];
      hung.clear();
      for (const socket of held) socket.destroy();
      return held.length;
    },
    onFault(listener) {
      listeners.push(listener);
    },
    injected: (label) =>
      log.filter((e) => e.fault !== undefined && (label === undefined || e.fault === label)).length,
    async close() {
      rules = [];
      for (const socket of sockets) socket.destroy();
      agent.destroy();
      await new Promise<void>((resolve, reject) =>
        server.close((error) => (error ? reject(error) : resolve())),
      );
    },
  };
}

function nthAllows(nth: FaultRule['nth'], n: number): boolean {
  if (nth === undefined) return true;
  if (typeof nth === 'number') return n === nth;
  if (Array.isArray(nth)) return nth.includes(n);
  return nth(n);
}

/** The first recipient of an SES v2 SendEmail request (undefined for any other request). */
export function sendEmailRecipient(request: ProxiedRequest): string | undefined {
  if (request.method !== 'POST' || !request.path.startsWith('/v2/email/outbound-emails')) return undefined;
  try {
    const body = JSON.parse(request.body.toString('utf8')) as { Destination?: { ToAddresses?: string[] } };
    return body.Destination?.ToAddresses?.[0];
  } catch {
    return undefined;
  }
}

/**
 * The operation (`UpdateItem`, `PutItem`, ...) and parsed JSON input of a DynamoDB request, from its
 * X-Amz-Target header (`DynamoDB_20120810.<Operation>`) and body; undefined for any other request.
 */
export function dynamoDbRequest(
  request: ProxiedRequest,
): { operation: string; input: Record<string, unknown> } | undefined {
  const target = request.headers['x-amz-target'];
  if (request.method !== 'POST' || typeof target !== 'string') return undefined;
  const [service, operation] = target.split('.');
  if (!service?.startsWith('DynamoDB_') || operation === undefined) return undefined;
  try {
    return { operation, input: JSON.parse(request.body.toString('utf8')) as Record<string, unknown> };
  } catch {
    return undefined;
  }
}
