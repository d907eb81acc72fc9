/**
 * What the digest planner (digest-handler.ts) and the digest sender (digest-sender-handler.ts) share: the
 * clients, the digest table's store, the delivery wiring and the time either stops starting sends.
 */
import type { Logger } from '@aws-lambda-powertools/logger';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { S3Client } from '@aws-sdk/client-s3';
import type { SESv2Client } from '@aws-sdk/client-sesv2';
import type { SQSClient } from '@aws-sdk/client-sqs';
import type { Context } from 'aws-lambda';
import { STORE_CALL_MAX_MS, SES_ATTEMPT_MAX_MS } from '../aws/clients.js';
import { createDynamoDbSubscriberStore } from '../aws/dynamodb-subscriber-store.js';
import { createS3LinkSigner } from '../aws/s3-presigner.js';
import { createSesMailer } from '../aws/ses-mailer.js';
import { linkSecretsFor, type DigestConfig } from '../config.js';
import { longestSendMs } from '../use-cases/run-digest/deliver.js';
import type { DeliveryDeps } from '../use-cases/run-digest/deps.js';

/**
 * Start no subscriber and no SendEmail attempt this close to the Lambda timeout, so no send is cut off before
 * its ledger write: the longest a delivery goes on from the start of an attempt (with the clients of
 * aws/clients.ts), 10 s for the attempt + 3 ledger writes × 31 s + 0.6 s between them = 103.6 s. A ledger
 * write is the update of the profile's `latest` (DynamoDB, with S3's deadlines): what refuses a second digest.
 * The history item written after it is an audit trail only; a timeout may lose it, never the guarantee.
 */
export const SAFETY_MARGIN_MS = longestSendMs({
  sendAttemptMs: SES_ATTEMPT_MAX_MS,
  ledgerWriteMs: STORE_CALL_MAX_MS,
});

/** Whether the invocation may still start a subscriber or a SendEmail attempt; always, without a deadline. */
export function timeLeftIn(context: Context): () => boolean {
  return () =>
    typeof context.getRemainingTimeInMillis !== 'function' ||
    context.getRemainingTimeInMillis() > SAFETY_MARGIN_MS;
}

/** The clients the digest functions use; `sqs` only where a send queue is configured. */
export interface DigestClients {
  s3: S3Client;
  ses: SESv2Client;
  dynamodb: DynamoDBClient;
  sqs?: SQSClient;
}

/**
 * The digest table's store, one per wiring (it is the planner's store and both functions' ledger). One
 * profile that does not read back (edited by hand) is reported and skipped, never the whole run.
 */
export function subscriberStore(config: DigestConfig, dynamodb: DynamoDBClient, logger: Logger) {
  return createDynamoDbSubscriberStore(dynamodb, config.DIGEST_TABLE, {
    onInvalidItem: (error) =>
      logger.error('Skipping a stored subscriber that is not valid; fix or remove the item', {
        key: error.key,
        error: error.message,
      }),
  });
}

/** What the planner and the sender both deliver with: the ledger, SES, link signing and the settings. */
export function deliveryWiring(
  config: DigestConfig,
  clients: DigestClients,
  ledger: DeliveryDeps['ledger'],
): Omit<DeliveryDeps, 'hasTimeLeft' | 'log'> {
  const { s3, ses } = clients;
  const articleLinkSecrets = linkSecretsFor(config, 'articleLink');
  const unsubscribeSecrets = linkSecretsFor(config, 'unsubscribe');
  const preferencesSecrets = linkSecretsFor(config, 'preferences');
  return {
    ledger,
    mailer: createSesMailer(
      ses,
      config.SES_CONFIGURATION_SET === undefined ? {} : { configurationSet: config.SES_CONFIGURATION_SET },
    ),
    links: createS3LinkSigner(s3),
    sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
    clock: () => new Date(),
    settings: {
      sender: config.SENDER_EMAIL,
      sendEmpty: config.SEND_EMPTY_DIGEST,
      topStories: config.DIGEST_TOP_STORIES,
      linkExpirySeconds: config.LINK_EXPIRY_SECONDS,
      // Each kind of link is signed with its purpose's current secret. loadDigestConfig refuses
      // ARTICLE_LINK_URL, UNSUBSCRIBE_URL and SUBSCRIBE_URL without their keys, so a configured link is never
      // left out here; the secret checks only narrow the types.
      ...(config.ARTICLE_LINK_URL !== undefined &&
        articleLinkSecrets !== undefined && {
          articleLink: { url: config.ARTICLE_LINK_URL, secret: articleLinkSecrets.current },
        }),
      ...(config.UNSUBSCRIBE_URL !== undefined &&
        unsubscribeSecrets !== undefined && {
          unsubscribe: { url: config.UNSUBSCRIBE_URL, secret: unsubscribeSecrets.current },
        }),
      ...(config.SUBSCRIBE_URL !== undefined &&
        preferencesSecrets !== undefined && {
          preferences: { url: config.SUBSCRIBE_URL, secret: preferencesSecrets.current },
        }),
      ...(config.DIGEST_MAX_SEND_RATE !== undefined && { maxSendRate: config.DIGEST_MAX_SEND_RATE }),
      senders: config.DIGEST_SENDERS,
      inlineSeconds: config.DIGEST_INLINE_SECONDS,
      batchSize: config.DIGEST_BATCH_SIZE,
    },
  };
}
