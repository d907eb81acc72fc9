/** The real-shaped Lambda events under events/, typed, with the parts a test varies replaced. */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { LambdaFunctionURLEvent } from 'aws-lambda';

const load = <T>(name: string): T =>
  JSON.parse(readFileSync(resolve(__dirname, '../../events', name), 'utf-8')) as T;

export function functionUrlEvent(method: 'GET' | 'POST', token: string | undefined): LambdaFunctionURLEvent {
  const event = load<LambdaFunctionURLEvent>(
    method === 'GET' ? 'unsubscribe-get.json' : 'unsubscribe-post.json',
  );
  return {
    ...event,
    rawQueryString: token === undefined ? '' : `token=${encodeURIComponent(token)}`,
    ...(token === undefined ? { queryStringParameters: undefined } : { queryStringParameters: { token } }),
  };
}

export const scheduledEvent = (): { time: string } => load('scheduled.json');
export const eventBridgeScheduledEvent = (): { time: string } => load('scheduled-eventbridge.json');
