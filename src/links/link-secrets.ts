/**
 * Where a purpose's signing secrets come from, and how an endpoint keeps them current across a rotation.
 *
 * A purpose's secret is stored (in its environment variable, on AWS in its own Secrets Manager secret) either
 * as JSON `{"current": "...", "previous": "...", "legacy": "..."}` (only `current` required, `legacy` only
 * for unsubscribe) or as one plain string: the form the stack's first secret has, from before key ids, when one
 * key signed every link. For unsubscribe that plain string is therefore also the legacy key, so unsubscribe
 * links in mails sent before key ids keep working. Locally one master secret (`LINK_SIGNING_SECRET`) stands in
 * for both purposes: each purpose's key derives from it (signed-token.ts), and it is unsubscribe's legacy key.
 */
import type { LinkSecretSource } from './ports.js';
import { checkToken, type LinkSecrets, type TokenPurpose } from './signed-token.js';

export const MIN_SECRET_LENGTH = 32;

export class LinkSecretsError extends Error {
  override readonly name = 'LinkSecretsError';
}

const FIELDS: Record<TokenPurpose, readonly (keyof LinkSecrets)[]> = {
  unsubscribe: ['current', 'previous', 'legacy'],
  articleLink: ['current', 'previous'],
  subscribeForm: ['current', 'previous'],
  subscribeConfirm: ['current', 'previous'],
  preferences: ['current', 'previous'],
};

/**
 * A stored secret value as the purpose's secrets. Throws a LinkSecretsError saying what is wrong, never
 * quoting the value.
 */
export function parseLinkSecrets(value: string, purpose: TokenPurpose): LinkSecrets {
  const text = value.trim();
  if (!text.startsWith('{')) {
    checkLength('the secret', text);
    return purpose === 'unsubscribe' ? { current: text, legacy: text } : { current: text };
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new LinkSecretsError('is neither a plain secret nor valid JSON');
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    throw new LinkSecretsError('must be a JSON object {"current": "...", "previous": "..."}');
  }
  const allowed = FIELDS[purpose];
  const unknown = Object.keys(json).filter((k) => !(allowed as readonly string[]).includes(k));
  if (unknown.length > 0) {
    throw new LinkSecretsError(
      `has ${unknown.map((k) => JSON.stringify(k)).join(', ')}: only ${allowed.join(', ')} are read`,
    );
  }
  const fields = json as Record<string, unknown>;
  const secrets: LinkSecrets = { current: '' };
  for (const field of allowed) {
    const secret = fields[field];
    if (secret === undefined && field !== 'current') continue;
    if (typeof secret !== 'string') throw new LinkSecretsError(`needs "${field}" as a string`);
    checkLength(`"${field}"`, secret);
    secrets[field] = secret;
  }
  return secrets;
}

/** The secrets of `purpose` when one master secret serves every purpose (local runs). */
export function secretsFromMaster(master: string, purpose: TokenPurpose): LinkSecrets {
  return purpose === 'unsubscribe' ? { current: master, legacy: master } : { current: master };
}

function checkLength(what: string, secret: string): void {
  if (secret.length < MIN_SECRET_LENGTH) {
    throw new LinkSecretsError(
      `${what} must be at least ${MIN_SECRET_LENGTH} characters of random secret (got ${secret.length})`,
    );
  }
}

/**
 * A purpose's secrets after a rotation: `fresh` becomes current and the current one previous, so every link
 * signed so far keeps working until the next rotation; the legacy key is kept. `revoke` (a secret leaked)
 * keeps nothing but `fresh`: every link signed before stops working.
 */
export function rotateLinkSecrets(
  secrets: LinkSecrets,
  fresh: string,
  { revoke = false }: { revoke?: boolean } = {},
): LinkSecrets {
  checkLength('the new secret', fresh);
  if ([secrets.current, secrets.previous, secrets.legacy].includes(fresh)) {
    throw new LinkSecretsError('the new secret must differ from every secret held');
  }
  if (revoke) return { current: fresh };
  return {
    current: fresh,
    previous: secrets.current,
    ...(secrets.legacy !== undefined && { legacy: secrets.legacy }),
  };
}

/** Secrets that never change (tests, local runs where the environment is the source). */
export function fixedSecrets(secrets: LinkSecrets | string): LinkSecretSource {
  const held = typeof secrets === 'string' ? { current: secrets } : secrets;
  return { held: () => held, reread: async () => held };
}

export interface RereadOptions {
  /** At most one read per this many ms, so forged key ids cannot turn requests into reads. */
  minIntervalMs?: number;
  now?: () => number;
}

/**
 * Secrets read once (`initial`) and read again (`read`) when a token names a key they do not make: a rotation
 * since the last read. The first reread may come at once (the digest may have signed with a key rotated in
 * just after this cold start), later ones at most once per interval. Concurrent rereads share one read; a
 * failed read fails the request that asked (and counts against the interval), it does not replace what is held.
 */
export function rereadingSecrets(
  initial: LinkSecrets,
  read: () => Promise<LinkSecrets>,
  { minIntervalMs = 60_000, now = Date.now }: RereadOptions = {},
): LinkSecretSource {
  let held = initial;
  let lastRead = Number.NEGATIVE_INFINITY;
  let pending: Promise<LinkSecrets> | undefined;
  return {
    held: () => held,
    reread() {
      if (pending) return pending;
      if (now() - lastRead < minIntervalMs) return Promise.resolve(held);
      lastRead = now();
      pending = read()
        .then((secrets) => (held = secrets))
        .finally(() => (pending = undefined));
      return pending;
    },
  };
}

/** The payload when the token is genuine for `purpose`, re-reading the secrets once if it names an unknown key. */
export async function verifyWith(
  source: LinkSecretSource,
  purpose: TokenPurpose,
  token: string | undefined,
): Promise<string | undefined> {
  const first = checkToken(source.held(), purpose, token);
  if (first.valid) return first.payload;
  if (!first.unknownKey) return undefined;
  const again = checkToken(await source.reread(), purpose, token);
  return again.valid ? again.payload : undefined;
}
