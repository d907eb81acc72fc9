/**
 * The unsubscribe Lambda (function URL) as a function of its dependencies: adapts the HTTP event to the
 * unsubscribe logic and its result to an HTTP response. Import this (not `unsubscribe.ts`) in tests.
 */
import type { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import type { APIGatewayProxyStructuredResultV2, LambdaFunctionURLEvent } from 'aws-lambda';
import { handleUnsubscribe, type UnsubscribeDeps } from '../links/unsubscribe.js';
import { logger as defaultLogger } from '../observability.js';
import { PAGE_HEADERS } from './page-headers.js';
import { resolveWiring } from './wiring.js';

/** `deps` may be a once-per-cold-start loader (the signing secrets come from Secrets Manager on AWS). */
export function createUnsubscribeHandler(
  deps: UnsubscribeDeps | (() => Promise<UnsubscribeDeps>),
  logger: Logger = defaultLogger,
) {
  const unsubscribe = async (event: LambdaFunctionURLEvent): Promise<APIGatewayProxyStructuredResultV2> => {
    const method = event.requestContext.http.method;
    const wired = await resolveWiring(deps);
    const result = await handleUnsubscribe(
      {
        method,
        token: event.queryStringParameters?.token,
        contentType: event.headers?.['content-type'],
        ...(event.body !== undefined && {
          body: Buffer.from(event.body, event.isBase64Encoded ? 'base64' : 'utf8'),
        }),
      },
      wired,
    );
    // Never the token: it is the link itself.
    logger.info('Unsubscribe request', {
      method,
      status: result.status,
      outcome: result.outcome,
      subscriberId: result.subscriberId,
      unsubscribed: result.unsubscribed,
    });
    return { statusCode: result.status, headers: PAGE_HEADERS, body: method === 'HEAD' ? '' : result.html };
  };
  return middy(unsubscribe).use(injectLambdaContext(logger, { clearState: true }));
}
