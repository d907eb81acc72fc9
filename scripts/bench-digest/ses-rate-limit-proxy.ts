/**
 * SES's per-second sending limit in front of aws-ses-v2-local (which has none): SendEmail beyond `rate` a
 * second (token bucket, burst = one second's worth) is answered 429 TooManyRequestsException, as SES v2
 * does; everything else is forwarded unchanged. It counts accepted sends per recipient (a recipient with
 * more than one is a duplicate) and when they were accepted, and empties the emulator's in-memory store
 * every few seconds so 100,000 mails do not exhaust memory.
 *
 * Control, for the bench only: `POST /__bench/configure` `{ rate, burst, account }` resets the counters and
 * sets what GetAccount answers (aws-ses-v2-local reads env `AWS_SES_ACCOUNT` per request; this runs in the
 * emulator's thread); `GET /__bench/stats` the counters, `?recipients=1` with every recipient's count.
 */
import {
  Agent,
  createServer,
  request as httpRequest,
  type IncomingMessage,
  type ServerResponse,
} from 'node:http';
import type { AddressInfo } from 'node:net';
import { createTokenBucket, type TokenBucket } from './token-bucket.js';

const HOST = '127.0.0.1';
const CLEAR_EVERY_MS = 3_000;
const SEND_EMAIL = /^\/v2\/email\/outbound-emails\/?(\?|$)/;

export interface SesProxyStats {
  accepted: number;
  throttled: number;
  /** Recipients accepted more than once. */
  duplicates: number;
  /** Date.now() of the first and last accepted SendEmail (0 before any). */
  firstAcceptedAt: number;
  lastAcceptedAt: number;
  recipients?: Record<string, number>;
}

export interface SesRateLimitProxy {
  url: string;
  close(): Promise<void>;
}

export async function startSesRateLimitProxy(upstream: string): Promise<SesRateLimitProxy> {
  const target = new URL(upstream);
  const agent = new Agent({ keepAlive: true, maxSockets: 256 });
  let bucket: TokenBucket | undefined;
  let stats = fresh();
  let recipients = new Map<string, number>();

  const clear = setInterval(() => {
    const req = httpRequest({
      host: target.hostname,
      port: target.port,
      path: '/clear-store',
      method: 'POST',
      agent,
    });
    req.on('response', (res) => res.resume());
    req.on('error', () => undefined);
    req.end();
  }, CLEAR_EVERY_MS);

  const reply = (
    res: ServerResponse,
    status: number,
    body: unknown,
    headers: Record<string, string> = {},
  ) => {
    res.writeHead(status, {
      'content-type': 'application/json',
      'x-amzn-requestid': 'bench-proxy',
      ...headers,
    });
    res.end(JSON.stringify(body));
  };

  const control = (req: IncomingMessage, res: ServerResponse, body: Buffer): void => {
    const url = new URL(req.url ?? '/', 'http://proxy');
    if (req.method === 'POST' && url.pathname === '/__bench/configure') {
      const { rate, burst, account } = JSON.parse(body.toString('utf8')) as {
        rate: number;
        burst: number;
        account: string;
      };
      process.env.AWS_SES_ACCOUNT = account;
      bucket = createTokenBucket({ rate, burst, now: () => performance.now() });
      stats = fresh();
      recipients = new Map();
      reply(res, 200, { ok: true });
      return;
    }
    const withRecipients = url.searchParams.get('recipients') === '1';
    reply(res, 200, { ...stats, ...(withRecipients && { recipients: Object.fromEntries(recipients) }) });
  };

  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      if ((req.url ?? '').startsWith('/__bench/')) return control(req, res, body);
      const sendEmail = req.method === 'POST' && SEND_EMAIL.test(req.url ?? '');
      if (sendEmail && bucket !== undefined && !bucket.tryTake()) {
        stats.throttled++;
        reply(
          res,
          429,
          { __type: 'TooManyRequestsException', message: 'Maximum sending rate exceeded.' },
          { 'x-amzn-errortype': 'TooManyRequestsException' },
        );
        return;
      }
      const forwarded = httpRequest(
        {
          host: target.hostname,
          port: target.port,
          path: req.url,
          method: req.method,
          headers: { ...req.headers, host: target.host },
          agent,
        },
        (upstreamRes) => {
          if (sendEmail && upstreamRes.statusCode === 200) accept(body);
          res.writeHead(upstreamRes.statusCode ?? 502, upstreamRes.headers);
          upstreamRes.pipe(res);
        },
      );
      forwarded.on('error', (error) => reply(res, 502, { message: `bench proxy: ${error.message}` }));
      forwarded.end(body);
    });
  });

  const accept = (body: Buffer): void => {
    const now = Date.now();
    stats.accepted++;
    if (stats.firstAcceptedAt === 0) stats.firstAcceptedAt = now;
    stats.lastAcceptedAt = now;
    const request = JSON.parse(body.toString('utf8')) as { Destination?: { ToAddresses?: string[] } };
    for (const to of request.Destination?.ToAddresses ?? []) {
      const count = (recipients.get(to) ?? 0) + 1;
      recipients.set(to, count);
      if (count === 2) stats.duplicates++;
    }
  };

  await new Promise<void>((resolve) => server.listen(0, HOST, resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://${HOST}:${port}`,
    close: () =>
      new Promise<void>((resolve, reject) => {
        clearInterval(clear);
        agent.destroy();
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}

function fresh(): SesProxyStats {
  return { accepted: 0, throttled: 0, duplicates: 0, firstAcceptedAt: 0, lastAcceptedAt: 0 };
}
