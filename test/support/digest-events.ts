/** The real-shaped Lambda events under events/, typed, with the parts a test varies replaced. */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { LambdaFunctionURLEvent } from 'aws-lambda';

const load = <T>(name: string): T =>
  JSON.parse(readFileSync(resolve(__dirname, '../../events', name), 'utf-8')) as T;

/** A function URL request (the unsubscribe fixtures; any method but POST is the GET one with its method). */
export function functionUrlEvent(method: string, token: string | undefined): LambdaFunctionURLEvent {
  const event = load<LambdaFunctionURLEvent>(
    method === 'POST' ? 'unsubscribe-post.json' : 'unsubscribe-get.json',
  );
  return {
    ...event,
    requestContext: { ...event.requestContext, http: { ...event.requestContext.http, method } },
    rawQueryString: token === undefined ? '' : `token=${encodeURIComponent(token)}`,
    ...(token === undefined ? { queryStringParameters: undefined } : { queryStringParameters: { token } }),
  };
}

export const scheduledEvent = (): { time: string } => load('scheduled.json');
export const eventBridgeScheduledEvent = (): { time: string } => load('scheduled-eventbridge.json');
