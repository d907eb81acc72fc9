/**
 * The fakes of aws-http-fake.ts over real HTTP, for code that builds its own SDK clients from the
 * environment (a Lambda entry) and so cannot be handed a request handler: a server on 127.0.0.1 (an
 * ephemeral port) answers each request with the same `Responder`s and answers (`secretValue`, `holding`,
 * `inTurn`, `s3Head`...), and the code is pointed at its `url` through a variable the SDK or the config
 * really reads (`AWS_ENDPOINT_URL_SECRETS_MANAGER`, ...). An Error answer drops the connection. Integration
 * tests only: unit tests open no sockets.
 */
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { jsonCall, type JsonResponder } from './aws-http-fake-secrets.js';
import type { Responder, SeenRequest } from './aws-http-fake.js';

export interface HttpFakeServer {
  /** `http://127.0.0.1:<port>`, for an endpoint variable. */
  url: string;
  /** Every request that reached the server, in order, as in aws-http-fake.ts. */
  requests: SeenRequest[];
  /** Stops the server; open (kept-alive) connections are closed. */
  close(): Promise<void>;
}

/** The query as the SDK's request holds it: a key without `=` is null, a repeated key an array. */
function queryOf(search: string): SeenRequest['query'] {
  const query: SeenRequest['query'] = {};
  for (const pair of search.replace(/^\?/, '').split('&')) {
    if (pair === '') continue;
    const equals = pair.indexOf('=');
    const key = decodeURIComponent(equals < 0 ? pair : pair.slice(0, equals));
    const value = equals < 0 ? null : decodeURIComponent(pair.slice(equals + 1).replaceAll('+', ' '));
    const held = query[key];
    query[key] = held === undefined ? value : [...(Array.isArray(held) ? held : [held ?? '']), value ?? ''];
  }
  return query;
}

const headersOf = (headers: IncomingHttpHeaders): Record<string, string> =>
  Object.fromEntries(
    Object.entries(headers).map(([name, value]) => [
      name,
      Array.isArray(value) ? value.join(', ') : (value ?? ''),
    ]),
  );

/** A server on 127.0.0.1 answering the `index`-th request (0-based) with `respond`. */
export async function startHttpFake(respond: Responder): Promise<HttpFakeServer> {
  const requests: SeenRequest[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const target = req.url ?? '/';
      const queryAt = target.indexOf('?');
      const seen: SeenRequest = {
        method: req.method ?? 'GET',
        hostname: (req.headers.host ?? '').replace(/:\d+$/, ''),
        path: queryAt < 0 ? target : target.slice(0, queryAt),
        query: queryAt < 0 ? {} : queryOf(target.slice(queryAt)),
        headers: headersOf(req.headers),
        body: Buffer.concat(chunks).toString('utf-8'),
      };
      requests.push(seen);
      Promise.resolve()
        .then(() => respond(seen, requests.length - 1))
        .then(
          (answer) => {
            if (answer instanceof Error) return req.socket.destroy();
            const body = answer.body ?? '';
            // A HEAD answer's content-length is the object's (s3Head), not that of the empty body.
            res.writeHead(answer.status, {
              'content-length': String(Buffer.byteLength(body)),
              ...answer.headers,
            });
            res.end(seen.method === 'HEAD' ? undefined : body);
          },
          (error: unknown) => {
            res.writeHead(500, { 'content-type': 'text/plain' });
            res.end(`the fake's responder failed: ${String(error)}`);
          },
        );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}

/**
 * Secrets Manager (AWS JSON 1.1) on 127.0.0.1, answering with `respond` (e.g. `holding(...)` of
 * aws-http-fake-secrets.ts); `calls` are the requests it was sent (of one operation, if named).
 */
export async function startSecretsManagerServer(respond: JsonResponder) {
  const server = await startHttpFake((request, index) => respond(jsonCall(request), index));
  return {
    ...server,
    calls: (operation?: string) =>
      server.requests.map(jsonCall).filter((call) => operation === undefined || call.operation === operation),
  };
}

export type SecretsManagerServer = Awaited<ReturnType<typeof startSecretsManagerServer>>;
