/**
 * A real implementation of the SQS API in-process (fauxqs), for `npm start`, the bench and the integration
 * tests, always through the production SDK client. fauxqs's own `startFauxqs` listens on every interface;
 * this builds the same app and listens on 127.0.0.1 only, on a random free port.
 *
 * Queues are created with CreateQueue, as CloudFormation would. Use the QueueUrl it answers verbatim:
 * fauxqs finds a queue by its exact URL (`http://sqs.<region>.localhost:<port>/000000000000/<name>`), and
 * the SDK sends to the client's endpoint whatever host that URL names, since an endpoint is configured.
 */
const HOST = '127.0.0.1';

export interface SqsEmulator {
  endpoint: string;
  close(): Promise<void>;
}

export async function startSqsEmulator(): Promise<SqsEmulator> {
  // fauxqs is ESM-only; `npm start` and the scripts run this module as CommonJS under tsx.
  const { buildApp } = await import('fauxqs');
  const app = buildApp({ logger: false });
  await app.listen({ port: 0, host: HOST });
  const address = app.server.address();
  if (address === null || typeof address === 'string') throw new Error('fauxqs is not listening on TCP');
  return {
    endpoint: `http://${HOST}:${address.port}`,
    close: () => app.close(),
  };
}
