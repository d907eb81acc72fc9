/**
 * The only reader of `process.env`. Each function loads the part it needs once, at cold start, and a
 * missing or malformed variable fails the start with a message that names the variable and what to set.
 */
import { z } from 'zod';
import { timeZone } from './digest/time-zone.js';
import { DEFAULT_SUMMARIZE_OPTIONS } from './summary/options.js';

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

type Env = Record<string, string | undefined>;

const prefix = z
  .string()
  .regex(/^[^/].*\/$/, 'must be a key prefix ending in "/" and not starting with "/", e.g. "articles/"');

const positiveInt = z.coerce.number().int().positive();
const DAY_SECONDS = 86_400;
const MAX_LINK_EXPIRY_SECONDS = 90 * DAY_SECONDS;
/** Signs unsubscribe and article links (each token names its purpose, so one kind cannot pass as the other). */
const linkSigningSecret = z.string().min(32, 'must be at least 32 characters of random secret');
const booleanFlag = z.enum(['true', 'false', '1', '0']).transform((v) => v === 'true' || v === '1');

const awsShape = {
  AWS_REGION: z.string().min(1).default('us-east-1'),
  /** Only for local emulators: an S3-compatible endpoint such as http://127.0.0.1:4569. */
  S3_ENDPOINT: z.string().url().optional(),
  /** Only for local emulators: an SES v2 compatible endpoint. */
  SES_ENDPOINT: z.string().url().optional(),
};

const storageShape = {
  BUCKET: z
    .string()
    .regex(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, 'must be an S3 bucket name (3-63 lowercase)'),
  ARTICLES_PREFIX: prefix.default('articles/'),
  SUMMARIES_PREFIX: prefix.default('summaries/'),
  FAILURES_PREFIX: prefix.default('failures/'),
  STATE_PREFIX: prefix.default('state/'),
};

const summarizeShape = {
  ...awsShape,
  ...storageShape,
  /** Uploads larger than this are rejected with a failure record instead of being read. */
  MAX_ARTICLE_BYTES: positiveInt.default(5 * 1024 * 1024),
  /** Only the first N characters of the extracted text are analysed; the summary says it was truncated. */
  MAX_ANALYSED_CHARS: positiveInt.default(DEFAULT_SUMMARIZE_OPTIONS.maxAnalysedChars),
  SUMMARY_MAX_SENTENCES: positiveInt.max(3).default(DEFAULT_SUMMARIZE_OPTIONS.maxSentences),
  SUMMARY_MAX_WORDS: positiveInt.default(DEFAULT_SUMMARIZE_OPTIONS.maxWords),
};

const digestShape = {
  ...awsShape,
  ...storageShape,
  SENDER_EMAIL: z.string().email('must be the verified SES sender address, e.g. "digest@example.com"'),
  /** Where the subscriber list lives in the bucket (a JSON document). */
  SUBSCRIBERS_KEY: z.string().min(1).default('config/subscribers.json'),
  /** Fallback subscribers when the bucket has no list: comma-separated addresses. */
  RECIPIENTS: z
    .string()
    .default('')
    .transform((s) =>
      s
        .split(',')
        .map((r) => r.trim())
        .filter(Boolean),
    )
    .pipe(z.array(z.string().email('each recipient must be an email address'))),
  DIGEST_TIME_ZONE: timeZone.default('UTC'),
  DIGEST_SEND_HOUR: z.coerce.number().int().min(0).max(23).default(7),
  SEND_EMPTY_DIGEST: booleanFlag.default(false),
  SES_CONFIGURATION_SET: z.string().min(1).optional(),
  /**
   * How long a digest's link to a stored original works. Through ARTICLE_LINK_URL it is exactly this long
   * (at most 90 days); without it the link is presigned at send time, for at most 7 days (SigV4) and never
   * beyond the signing credentials (src/aws/s3-presigner.ts).
   */
  LINK_EXPIRY_SECONDS: positiveInt
    .max(MAX_LINK_EXPIRY_SECONDS, 'must be at most 7776000 (90 days)')
    .default(30 * DAY_SECONDS),
  /**
   * Public URL of the article-link function: links to stored originals go through it and are presigned at
   * click time. Without it they are presigned at send time and die with the digest's credentials.
   */
  ARTICLE_LINK_URL: z
    .string()
    .url('must be the article-link function URL, e.g. "https://abc.lambda-url.eu-west-1.on.aws/"')
    .optional(),
  /** Public URL of the unsubscribe function; without it no List-Unsubscribe header is sent. */
  UNSUBSCRIBE_URL: z.string().url().optional(),
  LINK_SIGNING_SECRET: linkSigningSecret.optional(),
};

/** The two public link endpoints (unsubscribe, article-link) verify tokens signed with the same key. */
const linkEndpointShape = {
  ...awsShape,
  ...storageShape,
  LINK_SIGNING_SECRET: linkSigningSecret,
};

function load<S extends z.ZodRawShape>(shape: S, env: Env, purpose: string): z.infer<z.ZodObject<S>> {
  const values = Object.fromEntries(Object.keys(shape).map((name) => [name, emptyToUndefined(env[name])]));
  const parsed = z.object(shape).safeParse(values);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => {
      const name = String(issue.path[0] ?? '?');
      const got = values[name] === undefined ? 'it is not set' : `got ${JSON.stringify(values[name])}`;
      return `${name} ${issue.message} (${got})`;
    });
    throw new ConfigError(
      `Invalid configuration for the ${purpose} function: ${problems.join('; ')}. ` +
        'Set these environment variables (see README, "Configuration").',
    );
  }
  return parsed.data;
}

function emptyToUndefined(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === '' ? undefined : value.trim();
}

export type SummarizeConfig = ReturnType<typeof loadSummarizeConfig>;
export type DigestConfig = ReturnType<typeof loadDigestConfig>;
export type LinkEndpointConfig = ReturnType<typeof loadLinkEndpointConfig>;
export type AwsConfig = Pick<SummarizeConfig, 'AWS_REGION' | 'S3_ENDPOINT' | 'SES_ENDPOINT'>;

export const loadSummarizeConfig = (env: Env = process.env) => load(summarizeShape, env, 'summarize');

export function loadDigestConfig(env: Env = process.env) {
  const config = load(digestShape, env, 'digest');
  if (config.ARTICLE_LINK_URL !== undefined && config.LINK_SIGNING_SECRET === undefined) {
    throw new ConfigError(
      'Invalid configuration for the digest function: ARTICLE_LINK_URL is set but LINK_SIGNING_SECRET is not ' +
        '(nor LINK_SIGNING_SECRET_ID): article links are signed with that key. Set it, or unset ARTICLE_LINK_URL.',
    );
  }
  return config;
}
export const loadLinkEndpointConfig = (endpoint: 'unsubscribe' | 'article-link', env: Env = process.env) =>
  load(linkEndpointShape, env, endpoint);

/**
 * Resolves secrets that the environment only names (e.g. `LINK_SIGNING_SECRET_ID`) into the variables the
 * loaders validate; the Secrets Manager adapter in `aws/secret.ts` is one.
 */
export type SecretResolver = (env: Env) => Promise<Env>;

/** `load` over the environment with its named secrets resolved first (once per cold start, by the caller). */
export async function loadWithSecrets<C>(
  load: (env: Env) => C,
  resolve: SecretResolver,
  env: Env = process.env,
): Promise<C> {
  return load(await resolve(env));
}
