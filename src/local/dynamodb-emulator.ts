/**
 * A real local DynamoDB API: dynalite (LevelDB in memory) in-process on 127.0.0.1 with a random free port.
 * Used by the local stack, the integration tests and the bench, always through the production SDK client.
 */
import type { AddressInfo } from 'node:net';
import dynalite from 'dynalite';

const HOST = '127.0.0.1';

export interface DynamoDbEmulator {
  endpoint: string;
  close(): Promise<void>;
}

export async function startDynamoDbEmulator(): Promise<DynamoDbEmulator> {
  // A new table is ACTIVE at once: nothing local has to wait for it.
  const server = dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, HOST, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://${HOST}:${port}`,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}
