/**
 * Rotating one link signing secret in Secrets Manager: the library of scripts/rotate-link-secret.ts (see
 * docs/operations.md, "The signing key"). It reads the secret, refuses to rotate again before the links the
 * previous key signed have all expired, writes `{"current": new, "previous": old current, "legacy": ...}`
 * and reports the key ids (never a secret). The functions pick the new key up by themselves: the digest at
 * its next cold start, the public functions when a token names a key they do not hold yet.
 */
import { randomBytes } from 'node:crypto';
import {
  GetSecretValueCommand,
  ListSecretVersionIdsCommand,
  PutSecretValueCommand,
  type SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import { parseLinkSecrets, rotateLinkSecrets } from '../src/links/link-secrets.js';
import { linkKey, type LinkSecrets, type TokenPurpose } from '../src/links/signed-token.js';

/**
 * The kinds of link, as named on the command line, with their purpose and secret name (serverless.yml).
 * `subscribe` is one secret for three purposes (the forms' `subscribeForm`, the confirmation links'
 * `subscribeConfirm`, the digest's `preferences` links), each with its own key derived from it; its key ids
 * are reported as the confirmation links name them.
 */
export const LINKS = {
  unsubscribe: { purpose: 'unsubscribe', secretName: 'unsubscribe-signing-key' },
  'article-link': { purpose: 'articleLink', secretName: 'article-link-signing-key' },
  subscribe: { purpose: 'subscribeConfirm', secretName: 'subscribe-signing-key' },
} as const satisfies Record<string, { purpose: TokenPurpose; secretName: string }>;

export type LinkName = keyof typeof LINKS;

export const secretIdFor = (stage: string, link: LinkName) =>
  `article-digest/${stage}/${LINKS[link].secretName}`;

/**
 * How long a key stays current before it may become previous and then be dropped: the longest a link to a
 * stored original works (`LINK_EXPIRY_SECONDS`, at most 90 days), plus a day for digest containers that
 * started before a rotation and still sign with the key it made previous. Unsubscribe and preferences links
 * do not expire, so for them this is the least time a link keeps working after its mail; confirmation links
 * and form tokens expire within days.
 */
export const MIN_ROTATION_INTERVAL_DAYS = 91;
const DAY_MS = 86_400_000;

export class RotationRefusedError extends Error {
  override readonly name = 'RotationRefusedError';
}

export interface RotationOptions {
  secretId: string;
  link: LinkName;
  now: Date;
  /** Report what would change, write nothing. */
  dryRun?: boolean;
  /** A secret leaked: keep only the new one (every link signed before stops working). */
  revoke?: boolean;
  /** Rotate although the current key is younger than MIN_ROTATION_INTERVAL_DAYS. */
  force?: boolean;
  /** The new secret; by default 48 random bytes as 64 base64url characters. */
  newSecret?: () => string;
  log?: (line: string) => void;
}

export interface RotationReport {
  written: boolean;
  /** When the current value was written: when its key became current. */
  currentSince: Date | undefined;
  before: KeyIds;
  after: KeyIds;
}

/** What a value's keys are called in tokens (public): enough to see which links verify. */
export interface KeyIds {
  current: string;
  previous?: string;
  legacy: boolean;
}

export async function rotateLinkSecret(
  client: Pick<SecretsManagerClient, 'send'>,
  options: RotationOptions,
): Promise<RotationReport> {
  const { secretId, link, now, dryRun = false, revoke = false, force = false } = options;
  const { purpose } = LINKS[link];
  const log = options.log ?? (() => undefined);
  const stored = await client.send(new GetSecretValueCommand({ SecretId: secretId }));
  if (stored.SecretString === undefined || stored.SecretString === '') {
    throw new RotationRefusedError(`Secret ${secretId} has no string value`);
  }
  const secrets = parseLinkSecrets(stored.SecretString, purpose);
  const currentSince = await currentVersionCreated(client, secretId);
  const ageDays = currentSince === undefined ? Infinity : (now.getTime() - currentSince.getTime()) / DAY_MS;
  if (!revoke && !force && ageDays < MIN_ROTATION_INTERVAL_DAYS) {
    const earliest = new Date((currentSince?.getTime() ?? 0) + MIN_ROTATION_INTERVAL_DAYS * DAY_MS);
    throw new RotationRefusedError(
      `The current ${link} key became current on ${currentSince?.toISOString()}: rotating again before ` +
        `${earliest.toISOString()} would drop the previous key while links it signed may still be in use. ` +
        'Wait until then, or pass --force (--revoke if a secret leaked).',
    );
  }
  const next = rotateLinkSecrets(secrets, (options.newSecret ?? newSecret)(), { revoke });
  const report: RotationReport = {
    written: !dryRun,
    currentSince,
    before: keyIds(secrets, purpose),
    after: keyIds(next, purpose),
  };
  log(`${secretId}: ${describe(report.before)} -> ${describe(report.after)}`);
  if (!dryRun) {
    await client.send(new PutSecretValueCommand({ SecretId: secretId, SecretString: JSON.stringify(next) }));
  }
  return report;
}

function newSecret(): string {
  return randomBytes(48).toString('base64url');
}

/** The creation date of the version labelled AWSCURRENT. */
async function currentVersionCreated(
  client: Pick<SecretsManagerClient, 'send'>,
  secretId: string,
): Promise<Date | undefined> {
  let nextToken: string | undefined;
  do {
    const page = await client.send(
      new ListSecretVersionIdsCommand({ SecretId: secretId, MaxResults: 100, NextToken: nextToken }),
    );
    const current = page.Versions?.find((v) => v.VersionStages?.includes('AWSCURRENT'));
    if (current) return current.CreatedDate;
    nextToken = page.NextToken;
  } while (nextToken);
  return undefined;
}

function keyIds(secrets: LinkSecrets, purpose: TokenPurpose): KeyIds {
  return {
    current: linkKey(secrets.current, purpose).id,
    ...(secrets.previous !== undefined && { previous: linkKey(secrets.previous, purpose).id }),
    legacy: secrets.legacy !== undefined,
  };
}

function describe(ids: KeyIds): string {
  return `current ${ids.current}, previous ${ids.previous ?? 'none'}, legacy ${ids.legacy ? 'kept' : 'none'}`;
}
