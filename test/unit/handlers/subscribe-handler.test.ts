import { Logger } from '@aws-lambda-powertools/logger';
import type { Context, LambdaFunctionURLEvent } from 'aws-lambda';
import { describe, expect, it, vi } from 'vitest';
import { createSubscribeHandler, SUBSCRIBE_PAGE_HEADERS } from '../../../src/handlers/subscribe-handler.js';
import { PAGE_HEADERS } from '../../../src/handlers/page-headers.js';
import { memorySubscribe } from '../../support/subscribe-memory.js';

const context = { functionName: 'subscribe', awsRequestId: 'r-1' } as Context;

function event(method: string, body?: string, headers: Record<string, string> = {}): LambdaFunctionURLEvent {
  return {
    version: '2.0',
    routeKey: '$default',
    rawPath: '/',
    rawQueryString: '',
    headers: { host: 'abc.lambda-url.eu-west-1.on.aws', ...headers },
    requestContext: {
      accountId: 'anonymous',
      apiId: 'abc',
      domainName: 'abc.lambda-url.eu-west-1.on.aws',
      domainPrefix: 'abc',
      http: { method, path: '/', protocol: 'HTTP/1.1', sourceIp: '203.0.113.7', userAgent: 'test' },
      requestId: 'r-1',
      routeKey: '$default',
      stage: '$default',
      time: '30/Nov/2026:10:00:00 +0000',
      timeEpoch: 0,
    },
    ...(body !== undefined && { body: Buffer.from(body).toString('base64'), isBase64Encoded: true }),
  } as LambdaFunctionURLEvent;
}

describe('the subscribe handler', () => {
  it('logs what happened by subscriber id and source hash, never the address, and links to its own domain', async () => {
    const memory = memorySubscribe();
    const logger = new Logger({ serviceName: 'test' });
    const info = vi.spyOn(logger, 'info');
    const handler = createSubscribeHandler({ deps: memory.deps }, logger);
    const form = await handler(event('GET'), context);
    expect(form.headers).toEqual(SUBSCRIBE_PAGE_HEADERS);
    expect(SUBSCRIBE_PAGE_HEADERS['Content-Security-Policy']).toContain(
      PAGE_HEADERS['Content-Security-Policy'],
    );
    const token = /name="formToken" value="([^"]+)"/.exec(String(form.body))?.[1] ?? '';

    const body = new URLSearchParams({
      formToken: token,
      email: 'ana@example.org',
      timeZone: 'UTC',
      hour: '7',
    });
    const answer = await handler(
      event('POST', body.toString(), { 'sec-fetch-site': 'same-origin' }),
      context,
    );

    expect(answer.statusCode).toBe(200);
    expect(memory.sent[0]?.text).toContain('https://abc.lambda-url.eu-west-1.on.aws/confirm?token=');
    const logged = JSON.stringify(info.mock.calls);
    expect(logged).toContain('confirmation-sent');
    expect(logged).not.toMatch(/ana@example\.org|203\.0\.113\.7|formToken/);
  });

  it('refuses a body far over the bound without decoding it', async () => {
    const handler = createSubscribeHandler({ deps: memorySubscribe().deps });
    const answer = await handler(event('POST', 'a'.repeat(100_000)), context);
    expect(answer.statusCode).toBe(413);
  });
});
