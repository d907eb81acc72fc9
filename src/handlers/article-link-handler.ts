/**
 * The article-link Lambda (function URL) as a function of its dependencies: adapts the HTTP event to the
 * article-link logic and its result to a redirect or a page. Import this (not `article-link.ts`) in tests;
 * `articleLinkDeps` wires the S3 adapter from a config and a client.
 */
import type { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import type { S3Client } from '@aws-sdk/client-s3';
import middy from '@middy/core';
import type { APIGatewayProxyStructuredResultV2, LambdaFunctionURLEvent } from 'aws-lambda';
import { createS3OriginalLinks } from '../aws/s3-presigner.js';
import type { LinkEndpointConfig } from '../config.js';
import { errorMessage } from '../errors.js';
import { handleArticleLink, type ArticleLinkDeps, type ArticleLinkResponse } from '../links/article-link.js';
import { fixedSecrets } from '../links/link-secrets.js';
import type { LinkSecretSource } from '../links/ports.js';
import { logger as defaultLogger } from '../observability.js';
import { PAGE_HEADERS } from './page-headers.js';
import { resolveWiring } from './wiring.js';

/**
 * `secrets`: where the entry re-reads the article-link secrets after a rotation; by default the ones in
 * `config`, as they are (tests, local runs).
 */
export function articleLinkDeps(
  config: LinkEndpointConfig,
  s3: S3Client,
  secrets: LinkSecretSource = fixedSecrets(config.linkSecrets),
): ArticleLinkDeps {
  return {
    secrets,
    bucket: config.BUCKET,
    articlesPrefix: config.ARTICLES_PREFIX,
    links: createS3OriginalLinks(s3),
    now: () => new Date(),
  };
}

/** `deps` may be a once-per-cold-start loader (the signing secrets come from Secrets Manager on AWS). */
export function createArticleLinkHandler(
  deps: ArticleLinkDeps | (() => Promise<ArticleLinkDeps>),
  logger: Logger = defaultLogger,
) {
  const articleLink = async (event: LambdaFunctionURLEvent): Promise<APIGatewayProxyStructuredResultV2> => {
    const method = event.requestContext.http.method;
    const wired = await resolveWiring(deps);
    let result: ArticleLinkResponse;
    try {
      result = await handleArticleLink({ method, token: event.queryStringParameters?.token }, wired);
    } catch (error: unknown) {
      // Not turned into a page: the invocation fails (the reader gets a 5xx) and counts in the function's
      // Errors metric, which the stack alarms on. Logged here with what went wrong, never the token.
      logger.error('Article link request failed', {
        method,
        error: errorMessage(error),
        errorName: error instanceof Error ? error.name : undefined,
      });
      throw error;
    }
    // Never the token: it is the link itself.
    logger.info('Article link request', {
      method,
      status: result.status,
      outcome: result.outcome,
      key: result.key,
      versionId: result.versionId,
    });
    return {
      statusCode: result.status,
      headers: result.location === undefined ? PAGE_HEADERS : { ...PAGE_HEADERS, Location: result.location },
      body: method === 'HEAD' ? '' : result.html,
    };
  };
  return middy(articleLink).use(injectLambdaContext(logger, { clearState: true }));
}
