/**
 * The subscribe Lambda (function URL) as a function of its dependencies: adapts the HTTP event to the
 * signup, confirmation and preferences logic (src/links/subscribe.ts) and its result to an HTTP response,
 * logs each request and counts confirmation mails SES did not take (`SignupsFailed`: the request itself
 * succeeds with a page of ours, so the Errors alarm does not see them). `subscribeDeps` wires the AWS
 * adapters from a config and clients. Import this (not `subscribe.ts`) in tests.
 */
import type { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { MetricUnit, type Metrics } from '@aws-lambda-powertools/metrics';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { SESv2Client } from '@aws-sdk/client-sesv2';
import middy from '@middy/core';
import type { APIGatewayProxyStructuredResultV2, LambdaFunctionURLEvent } from 'aws-lambda';
import { createDynamoDbSignupState } from '../aws/dynamodb-signup-state.js';
import { createDynamoDbSubscriberStore } from '../aws/dynamodb-subscriber-store.js';
import { createSesMailer } from '../aws/ses-mailer.js';
import type { SubscribeConfig } from '../config.js';
import { withoutAddresses } from '../errors.js';
import { fixedSecrets } from '../links/link-secrets.js';
import type { LinkSecretSource } from '../links/ports.js';
import { SCRIPT_HASH } from '../links/subscribe-pages.js';
import { handleSubscribe, MAX_BODY_BYTES, type SubscribeDeps } from '../links/subscribe.js';
import { logger as defaultLogger, metrics as defaultMetrics } from '../observability.js';
import { PAGE_HEADERS } from './page-headers.js';
import { resolveWiring } from './wiring.js';

/**
 * The other function URLs' headers; the policy adds the one inline script these pages run (by its hash) and
 * keeps everything else: no other script, no framing, forms post only to this origin.
 */
export const SUBSCRIBE_PAGE_HEADERS = {
  ...PAGE_HEADERS,
  'Content-Security-Policy': `${PAGE_HEADERS['Content-Security-Policy']}; script-src ${SCRIPT_HASH}`,
};

/**
 * The logic's dependencies on AWS, as the entry wires them: the digest table for subscribers, limits and used
 * links, SES for the confirmation mail. `secrets`: by default the config's, never re-read.
 */
export function subscribeDeps(
  config: SubscribeConfig,
  clients: { dynamodb: DynamoDBClient; ses: SESv2Client },
  secrets: LinkSecretSource = fixedSecrets(config.subscribeSecrets),
): SubscribeDeps {
  const state = createDynamoDbSignupState(clients.dynamodb, config.DIGEST_TABLE);
  return {
    secrets,
    subscribers: createDynamoDbSubscriberStore(clients.dynamodb, config.DIGEST_TABLE),
    limits: state,
    confirmations: state,
    mailer: createSesMailer(
      clients.ses,
      config.SES_CONFIGURATION_SET === undefined ? {} : { configurationSet: config.SES_CONFIGURATION_SET },
    ),
    now: () => new Date(),
    settings: {
      sender: config.SENDER_EMAIL,
      confirmHours: config.SUBSCRIBE_CONFIRM_HOURS,
      maxPerSourceHour: config.SUBSCRIBE_MAX_PER_SOURCE_HOUR,
      maxPerHour: config.SUBSCRIBE_MAX_PER_HOUR,
      defaults: { timeZone: config.DIGEST_TIME_ZONE, hour: config.DIGEST_SEND_HOUR },
    },
  };
}

export interface SubscribeWiring {
  deps: SubscribeDeps;
  /** The function's public URL; default https:// and the domain the request came in on. */
  publicUrl?: string;
}

/** `wiring` may be a once-per-cold-start loader (the signing secret comes from Secrets Manager on AWS). */
export function createSubscribeHandler(
  wiring: SubscribeWiring | (() => Promise<SubscribeWiring>),
  logger: Logger = defaultLogger,
  metrics: Metrics = defaultMetrics,
) {
  const subscribe = async (event: LambdaFunctionURLEvent): Promise<APIGatewayProxyStructuredResultV2> => {
    const { http, domainName } = event.requestContext;
    const { deps, publicUrl } = await resolveWiring(wiring);
    const header = (name: string) => event.headers?.[name];
    // Decoding a body over the bound is wasted work: the logic refuses it by its length alone.
    const raw = event.body ?? '';
    const body =
      raw.length > MAX_BODY_BYTES * 2
        ? new Uint8Array(MAX_BODY_BYTES + 1)
        : Buffer.from(raw, event.isBase64Encoded ? 'base64' : 'utf8');
    const result = await handleSubscribe(
      {
        method: http.method,
        path: http.path || '/',
        token: event.queryStringParameters?.token,
        ...(header('content-type') !== undefined && { contentType: header('content-type') }),
        ...(event.body !== undefined && { body }),
        sourceIp: http.sourceIp,
        ...(header('sec-fetch-site') !== undefined && { fetchSite: header('sec-fetch-site') }),
        ...(header('origin') !== undefined && { origin: header('origin') }),
        ...(header('host') !== undefined && { host: header('host') }),
        baseUrl: publicUrl ?? `https://${domainName}/`,
      },
      deps,
    );
    // Never the address, the token or the source address: the subscriber id and the source are keyed hashes.
    const fields = {
      method: http.method,
      path: http.path,
      status: result.status,
      outcome: result.outcome,
      subscriberId: result.subscriberId,
      source: result.source,
    };
    if (result.outcome === 'confirmation-failed') {
      logger.error('Could not send the confirmation mail; the reader was asked to try again', {
        ...fields,
        error: errorForLog(result.error),
      });
      // Published at once: most requests have no metric, and an empty flush would warn on every one.
      metrics.addMetric('SignupsFailed', MetricUnit.Count, 1);
      metrics.publishStoredMetrics();
    } else {
      logger.info('Subscribe request', fields);
    }
    return {
      statusCode: result.status,
      headers:
        result.retryAfterSeconds === undefined
          ? SUBSCRIBE_PAGE_HEADERS
          : { ...SUBSCRIBE_PAGE_HEADERS, 'Retry-After': String(result.retryAfterSeconds) },
      body: http.method.toUpperCase() === 'HEAD' ? '' : result.html,
    };
  };
  return middy(subscribe).use(injectLambdaContext(logger, { clearState: true }));
}

/**
 * What the log keeps of a failed send: the error's name, code and flags, and its message with every address
 * masked. No stack: the error comes from the SDK, and its place in our code is this function's one call.
 */
export function errorForLog(error: unknown): Record<string, unknown> {
  if (!(error instanceof Error)) return { message: withoutAddresses(String(error)) };
  const { code, retryable, ambiguous } = error as {
    code?: unknown;
    retryable?: unknown;
    ambiguous?: unknown;
  };
  return {
    name: error.name,
    message: withoutAddresses(error.message),
    ...(code !== undefined && { code }),
    ...(retryable !== undefined && { retryable }),
    ...(ambiguous !== undefined && { ambiguous }),
  };
}
