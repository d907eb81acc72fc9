/** Lambda entry (`src/handlers/digest.main`): loads config once per cold start and wires S3 and SES adapters. */
import { createS3Client, createSesClient } from '../aws/clients.js';
import { loadDigestConfig } from '../config.js';
import { createDigestHandler, digestDeps } from './digest-handler.js';

const config = loadDigestConfig();

export const main = createDigestHandler(
  digestDeps(config, { s3: createS3Client(config), ses: createSesClient(config) }),
);
