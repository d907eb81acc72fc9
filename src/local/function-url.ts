/**
 * A Lambda function URL on 127.0.0.1: turns each HTTP request into the event a function URL delivers
 * (payload format 2.0) and the function's result back into the HTTP response, so links in local digest
 * emails (one-click unsubscribe, links to stored originals) reach the real handler.
 */
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { APIGatewayProxyStructuredResultV2, Context, LambdaFunctionURLEvent } from 'aws-lambda';

export type FunctionUrlHandler = (event: LambdaFunctionURLEvent, context: Context) => Promise<unknown>;

export interface LocalFunctionUrl {
  url: string;
  close(): Promise<void>;
}

export async function startFunctionUrl(
  handler: () => FunctionUrlHandler,
  context: () => Context,
): Promise<LocalFunctionUrl> {
  const server = createServer((request, response) => {
    void (async () => {
      try {
        const event = await toFunctionUrlEvent(request);
        const result = (await handler()(event, context())) as APIGatewayProxyStructuredResultV2;
        response.writeHead(result.statusCode ?? 200, result.headers as Record<string, string>);
        response.end(result.body ?? '');
      } catch (error: unknown) {
        response.writeHead(500, { 'Content-Type': 'text/plain' });
        response.end(`The function failed: ${String(error)}`);
      }
    })();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/`,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}

async function toFunctionUrlEvent(request: IncomingMessage): Promise<LambdaFunctionURLEvent> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  const body = Buffer.concat(chunks);
  const url = new URL(request.url ?? '/', 'http://127.0.0.1');
  const method = request.method ?? 'GET';
  const headers = Object.fromEntries(
    Object.entries(request.headers).map(([name, value]) => [
      name,
      Array.isArray(value) ? value.join(',') : value,
    ]),
  );
  return {
    version: '2.0',
    routeKey: '$default',
    rawPath: url.pathname,
    rawQueryString: url.search.slice(1),
    headers,
    queryStringParameters: url.search ? Object.fromEntries(url.searchParams) : undefined,
    requestContext: {
      accountId: 'anonymous',
      apiId: 'local',
      domainName: url.host,
      domainPrefix: 'local',
      http: {
        method,
        path: url.pathname,
        protocol: `HTTP/${request.httpVersion}`,
        sourceIp: request.socket.remoteAddress ?? '127.0.0.1',
        userAgent: request.headers['user-agent'] ?? '',
      },
      requestId: crypto.randomUUID(),
      routeKey: '$default',
      stage: '$default',
      time: new Date().toUTCString(),
      timeEpoch: Date.now(),
    },
    body: body.length > 0 ? body.toString('base64') : undefined,
    isBase64Encoded: body.length > 0,
  };
}
