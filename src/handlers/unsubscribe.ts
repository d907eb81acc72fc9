/** Lambda entry (`src/handlers/unsubscribe.main`, behind a function URL): config once per cold start. */
import { createS3Client } from '../aws/clients.js';
import { createS3Unsubscribes } from '../aws/s3-unsubscribes.js';
import { loadUnsubscribeConfig } from '../config.js';
import { createUnsubscribeHandler } from './unsubscribe-handler.js';

const config = loadUnsubscribeConfig();

export const main = createUnsubscribeHandler({
  secret: config.UNSUBSCRIBE_SECRET,
  unsubscribes: createS3Unsubscribes(createS3Client(config), config.BUCKET, config.STATE_PREFIX),
  now: () => new Date(),
});
