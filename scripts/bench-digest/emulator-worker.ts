/**
 * One emulator in its own thread of the bench's process (worker_threads), so dynalite and the SES emulator
 * each get a core of their own instead of sharing the product code's event loop: on a 2-core machine the
 * SDK clients, dynalite's expression parser and the SES emulator each cost about a millisecond a request.
 * `workerData.kind` says which; the thread posts back `{ endpoint }` and runs until terminated.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { startSesEmulator } from '../../src/local/emulators.js';
import { startDynamoDbEmulator } from '../../src/local/dynamodb-emulator.js';
import { startSesRateLimitProxy } from './ses-rate-limit-proxy.js';

export type EmulatorKind = 'dynamodb' | 'ses';

async function start(kind: EmulatorKind): Promise<string> {
  if (kind === 'dynamodb') return (await startDynamoDbEmulator()).endpoint;
  const ses = await startSesEmulator();
  return (await startSesRateLimitProxy(ses.endpoint)).url;
}

start((workerData as { kind: EmulatorKind }).kind).then(
  (endpoint) => parentPort?.postMessage({ endpoint }),
  (error: unknown) => {
    throw error;
  },
);
