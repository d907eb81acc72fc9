/**
 * The only reader of `process.env`. Each function loads the part it needs once, at cold start, and a
 * missing or malformed variable fails the start with a message that names the variable and what to set.
 */
import * as z from './zod.js';
import { timeZone } from './digest/time-zone.js';
import {
  LinkSecretsError,
  MIN_SECRET_LENGTH,
  parseLinkSecrets,
  secretsFromMaster,
} from './links/link-secrets.js';
import type { LinkSecrets, TokenPurpose } from './links/signed-token.js';
import { DEFAULT_SUMMARIZE_OPTIONS } from './summary/options.js';

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

type Env = Record<string, string | undefined>;

const prefix = z
  .string()
  .check(
    z.regex(/^[^/].*\/$/, 'must be a key prefix ending in "/" and not starting with "/", e.g. "articles/"'),
  );

const positiveInt = z.coerce.number().check(z.int(), z.positive());
const DAY_SECONDS = 86_400;
const MAX_LINK_EXPIRY_SECONDS = 90 * DAY_SECONDS;
/**
 * The link signing secrets (src/links/link-secrets.ts). `LINK_SIGNING_SECRET` is one master secret from which
 * each purpose's key derives (and unsubscribe's legacy key): one variable for local runs. A purpose's own
 * variable, `UNSUBSCRIBE_SIGNING_SECRET` or `ARTICLE_LINK_SIGNING_SECRET` (a plain secret, or JSON with
 * `current`, `previous` and for unsubscribe `legacy`), wins over it; on AWS each is read from the Secrets
 * Manager secret its `_ID` variable names (aws/secret.ts), and each public function gets only its own.
 */
const linkSigningSecret = z
  .string()
  .check(z.minLength(MIN_SECRET_LENGTH, `must be at least ${MIN_SECRET_LENGTH} characters of random secret`));
const purposeSecrets = (purpose: TokenPurpose) =>
  z.pipe(
    z.string(),
    z.transform((value, context): LinkSecrets => {
      try {
        return parseLinkSecrets(value, purpose);
      } catch (error: unknown) {
        if (!(error instanceof LinkSecretsError)) throw error;
        // zod/mini's transform context has no addIssue; this is the issue classic zod's addIssue added.
        context.issues.push({ code: 'custom', message: error.message, input: value });
        return z.NEVER;
      }
    }),
  );
const PURPOSE_VARIABLES = {
  unsubscribe: 'UNSUBSCRIBE_SIGNING_SECRET',
  articleLink: 'ARTICLE_LINK_SIGNING_SECRET',
  // The subscribe function's three purposes share one secret (each still has its own derived key); the
  // digest reads it too, to sign the "manage preferences" link of every digest.
  subscribeForm: 'SUBSCRIBE_SIGNING_SECRET',
  subscribeConfirm: 'SUBSCRIBE_SIGNING_SECRET',
  preferences: 'SUBSCRIBE_SIGNING_SECRET',
} as const satisfies Record<TokenPurpose, string>;
export type SigningSecretVariable = 'LINK_SIGNING_SECRET' | (typeof PURPOSE_VARIABLES)[TokenPurpose];
/**
 * Every variable a link signing secret goes into: the master and each purpose's own, once each. On AWS the
 * Secrets Manager adapter (aws/secret.ts) fills each from the secret its `_ID` variable names, so a purpose
 * added above is fetched there too.
 */
export const SIGNING_SECRET_VARIABLES: readonly SigningSecretVariable[] = [
  ...new Set<SigningSecretVariable>(['LINK_SIGNING_SECRET', ...Object.values(PURPOSE_VARIABLES)]),
];
/**
 * Amazon Nova Micro: text-only, among the cheapest on Bedrock's price list, served in-region in us-east-1 (no
 * inference profile), and it supports a forced tool choice (docs/llm-summaries.md, "Default model").
 */
export const DEFAULT_BEDROCK_MODEL_ID = 'amazon.nova-micro-v1:0';
const booleanFlag = z.pipe(
  z.enum(['true', 'false', '1', '0']),
  z.transform((v) => v === 'true' || v === '1'),
);

const awsShape = {
  AWS_REGION: z._default(z.string().check(z.minLength(1)), 'us-east-1'),
  /** Only for local emulators: an S3-compatible endpoint such as http://127.0.0.1:4569. */
  S3_ENDPOINT: z.optional(z.url()),
  /** Only for local emulators: an SES v2 compatible endpoint. */
  SES_ENDPOINT: z.optional(z.url()),
  /** Only for local emulators: a DynamoDB-compatible endpoint (dynalite). */
  DYNAMODB_ENDPOINT: z.optional(z.url()),
  /** Only for local emulators: an SQS-compatible endpoint (fauxqs). */
  SQS_ENDPOINT: z.optional(z.url()),
};

/** The subscribers, their ledger and send claims (src/aws/dynamodb-subscriber-store.ts). */
const digestTableShape = {
  DIGEST_TABLE: z
    .string()
    .check(z.regex(/^[a-zA-Z0-9_.-]{3,255}$/, 'must be a DynamoDB table name (3-255 of a-z A-Z 0-9 _ . -)')),
};

const storageShape = {
  BUCKET: z
    .string()
    .check(z.regex(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, 'must be an S3 bucket name (3-63 lowercase)')),
  ARTICLES_PREFIX: z._default(prefix, 'articles/'),
  SUMMARIES_PREFIX: z._default(prefix, 'summaries/'),
  FAILURES_PREFIX: z._default(prefix, 'failures/'),
  STATE_PREFIX: z._default(prefix, 'state/'),
};

const summarizeShape = {
  ...awsShape,
  ...storageShape,
  /** Uploads larger than this are rejected with a failure record instead of being read. */
  MAX_ARTICLE_BYTES: z._default(positiveInt, 5 * 1024 * 1024),
  /** Only the first N characters of the extracted text are analysed; the summary says it was truncated. */
  MAX_ANALYSED_CHARS: z._default(positiveInt, DEFAULT_SUMMARIZE_OPTIONS.maxAnalysedChars),
  SUMMARY_MAX_SENTENCES: z._default(positiveInt.check(z.maximum(3)), DEFAULT_SUMMARIZE_OPTIONS.maxSentences),
  SUMMARY_MAX_WORDS: z._default(positiveInt, DEFAULT_SUMMARIZE_OPTIONS.maxWords),
  /** `bedrock`: an LLM writes title, summary and key points, kept only when verified (docs/llm-summaries.md). */
  SUMMARIZER: z._default(z.enum(['extractive', 'bedrock']), 'extractive'),
  /** A Bedrock model id or inference profile id that supports Converse with a forced tool. */
  BEDROCK_MODEL_ID: z._default(z.string().check(z.minLength(1)), DEFAULT_BEDROCK_MODEL_ID),
  /** Model calls per UTC day, all invocations together; past it, summaries are extractive. 0: never call. */
  LLM_DAILY_BUDGET: z._default(z.coerce.number().check(z.int(), z.nonnegative()), 2_000),
  /** The model reads at most this many tokens of the article (estimated as characters / 4). */
  LLM_MAX_INPUT_TOKENS: z._default(positiveInt, 3_000),
  /** The most the model may write (title, summary, key points, as tool input). */
  LLM_MAX_OUTPUT_TOKENS: z._default(positiveInt.check(z.maximum(4_096)), 600),
  /** One model call, SDK retries included; after it the summary is extractive. */
  LLM_TIMEOUT_MS: z._default(positiveInt.check(z.maximum(60_000)), 20_000),
};

/**
 * The schedule of a subscriber added without a time zone or send hour: what the subscribe function's signup
 * form offers first, and what `npm run subscribers` gives new subscribers (`loadSubscriberDefaults`).
 */
const subscriberDefaultsShape = {
  DIGEST_TIME_ZONE: z._default(timeZone, 'UTC'),
  DIGEST_SEND_HOUR: z._default(z.coerce.number().check(z.int(), z.minimum(0), z.maximum(23)), 7),
};

const digestShape = {
  ...awsShape,
  ...storageShape,
  SENDER_EMAIL: z.email('must be the verified SES sender address, e.g. "digest@example.com"'),
  ...digestTableShape,
  /**
   * The queue of subscriber batches the sender function consumes. Without it every due subscriber is sent
   * by the hourly run itself (fine while they fit in one invocation at the account's rate).
   */
  DIGEST_SEND_QUEUE_URL: z.optional(z.url()),
  /** SendEmail calls per second, all senders together; default: SES GetAccount's MaxSendRate. */
  DIGEST_MAX_SEND_RATE: z.optional(z.coerce.number().check(z.positive())),
  /** How many sender invocations run at once (the queue's maximum concurrency in serverless.yml). */
  DIGEST_SENDERS: z._default(positiveInt.check(z.maximum(1000)), 2),
  /** The hourly run sends itself when the due subscribers take at most this long at the send rate. */
  DIGEST_INLINE_SECONDS: z._default(z.coerce.number().check(z.int(), z.nonnegative()), 120),
  /** Subscribers per queue message (one sender invocation's work). */
  DIGEST_BATCH_SIZE: z._default(positiveInt.check(z.maximum(200)), 50),
  SEND_EMPTY_DIGEST: z._default(booleanFlag, false),
  /** Stories shown in full at the top of a digest; the others are listed by linked title. */
  DIGEST_TOP_STORIES: z._default(positiveInt.check(z.maximum(50)), 10),
  SES_CONFIGURATION_SET: z.optional(z.string().check(z.minLength(1))),
  /**
   * How long a digest's link to a stored original works. Through ARTICLE_LINK_URL it is exactly this long
   * (at most 90 days); without it the link is presigned at send time, for at most 7 days (SigV4) and never
   * beyond the signing credentials (src/aws/s3-presigner.ts).
   */
  LINK_EXPIRY_SECONDS: z._default(
    positiveInt.check(z.maximum(MAX_LINK_EXPIRY_SECONDS, 'must be at most 7776000 (90 days)')),
    30 * DAY_SECONDS,
  ),
  /**
   * Public URL of the article-link function: links to stored originals go through it and are presigned at
   * click time. Without it they are presigned at send time and die with the digest's credentials.
   */
  ARTICLE_LINK_URL: z.optional(
    z.url('must be the article-link function URL, e.g. "https://abc.lambda-url.eu-west-1.on.aws/"'),
  ),
  /**
   * Public URL of the unsubscribe function; without it no List-Unsubscribe header is sent. Set, it needs its
   * signing key: bulk mail must carry the header, so the digest refuses to start rather than leave it out.
   */
  UNSUBSCRIBE_URL: z.optional(z.url()),
  /** The digest signs three kinds of link: it reads each purpose's secrets (their `current` signs). */
  LINK_SIGNING_SECRET: z.optional(linkSigningSecret),
  UNSUBSCRIBE_SIGNING_SECRET: z.optional(purposeSecrets('unsubscribe')),
  ARTICLE_LINK_SIGNING_SECRET: z.optional(purposeSecrets('articleLink')),
  /** Public URL of the subscribe function: every digest links to its preferences page (signed: needs its key). */
  SUBSCRIBE_URL: z.optional(z.url()),
  SUBSCRIBE_SIGNING_SECRET: z.optional(purposeSecrets('preferences')),
};

/** Each public link endpoint reads only its own purpose's secrets (or the local master). */
const unsubscribeEndpointShape = {
  ...awsShape,
  ...storageShape,
  ...digestTableShape,
  LINK_SIGNING_SECRET: z.optional(linkSigningSecret),
  UNSUBSCRIBE_SIGNING_SECRET: z.optional(purposeSecrets('unsubscribe')),
};
const articleLinkEndpointShape = {
  ...awsShape,
  ...storageShape,
  LINK_SIGNING_SECRET: z.optional(linkSigningSecret),
  ARTICLE_LINK_SIGNING_SECRET: z.optional(purposeSecrets('articleLink')),
};

/** The signup and preferences pages (src/links/subscribe.ts). */
const subscribeShape = {
  ...awsShape,
  ...digestTableShape,
  SENDER_EMAIL: z.email('must be the verified SES sender address, e.g. "digest@example.com"'),
  SES_CONFIGURATION_SET: z.optional(z.string().check(z.minLength(1))),
  /**
   * The function's public URL, which confirmation mails link to (a custom domain in front of it, or locally
   * the emulated function URL). Default: https:// and the domain of the function URL the request came in on.
   */
  SUBSCRIBE_URL: z.optional(z.url()),
  /** What the signup form offers first when the browser does not say (JavaScript off). */
  ...subscriberDefaultsShape,
  /** How long a confirmation link works. */
  SUBSCRIBE_CONFIRM_HOURS: z._default(positiveInt.check(z.maximum(7 * 24)), 48),
  /** Signups one source address (an IPv4 address, an IPv6 /64) may make in an hour. */
  SUBSCRIBE_MAX_PER_SOURCE_HOUR: z._default(positiveInt, 10),
  /** Signups all sources together may make in an hour: a cap on confirmation mails, for SES's reputation. */
  SUBSCRIBE_MAX_PER_HOUR: z._default(positiveInt, 1_000),
  LINK_SIGNING_SECRET: z.optional(linkSigningSecret),
  SUBSCRIBE_SIGNING_SECRET: z.optional(purposeSecrets('subscribeConfirm')),
};

/** How every configuration error ends: where the variables are described. */
const SET_THEM = 'Set these environment variables (see docs/configuration.md).';

/** `subject`: what the message says the configuration is for, e.g. "the digest function". */
function load<S extends z.core.$ZodShape>(shape: S, env: Env, subject: string): z.infer<z.ZodMiniObject<S>> {
  const values = Object.fromEntries(Object.keys(shape).map((name) => [name, emptyToUndefined(env[name])]));
  const parsed = z.object(shape).safeParse(values);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => {
      const name = String(issue.path[0] ?? '?');
      const got =
        values[name] === undefined
          ? 'it is not set'
          : name.endsWith('_SECRET')
            ? 'its value is not shown'
            : `got ${JSON.stringify(values[name])}`;
      // zod's own text for a wrong type ("expected number, received NaN") says less than these.
      const problem =
        issue.code !== 'invalid_type'
          ? issue.message
          : values[name] === undefined
            ? 'is required'
            : issue.expected === 'number'
              ? 'must be a number'
              : issue.message;
      return `${name} ${problem} (${got})`;
    });
    throw new ConfigError(`Invalid configuration for ${subject}: ${problems.join('; ')}. ` + SET_THEM);
  }
  return parsed.data;
}

function emptyToUndefined(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === '' ? undefined : value.trim();
}

export type SummarizeConfig = ReturnType<typeof loadSummarizeConfig>;
export type DigestConfig = ReturnType<typeof loadDigestConfig>;
export type LinkEndpointConfig = WithLinkSecrets<typeof articleLinkEndpointShape>;
export type AwsConfig = Pick<
  SummarizeConfig,
  'AWS_REGION' | 'S3_ENDPOINT' | 'SES_ENDPOINT' | 'DYNAMODB_ENDPOINT' | 'SQS_ENDPOINT'
>;

export type SubscribeConfig = ReturnType<typeof loadSubscribeConfig>;

/** The subscribe function's configuration, with the secrets of its three purposes resolved. */
export function loadSubscribeConfig(env: Env = process.env) {
  const config = load(subscribeShape, env, 'the subscribe function');
  const secrets = linkSecretsFor(config, 'subscribeConfirm');
  if (secrets === undefined) {
    throw new ConfigError(
      'Invalid configuration for the subscribe function: SUBSCRIBE_SIGNING_SECRET (on AWS, ' +
        'SUBSCRIBE_SIGNING_SECRET_ID naming its secret) or LINK_SIGNING_SECRET must be set (it is not): the ' +
        'key its forms, confirmation and preferences links are signed with. ' +
        SET_THEM,
    );
  }
  return { ...config, subscribeSecrets: secrets };
}

export const loadSummarizeConfig = (env: Env = process.env) =>
  load(summarizeShape, env, 'the summarize function');

/**
 * The defaults for a subscriber added without a time zone or send hour, for `npm run subscribers` (the
 * subscribe function reads the same variables in `loadSubscribeConfig`).
 */
export const loadSubscriberDefaults = (env: Env = process.env) =>
  load(subscriberDefaultsShape, env, 'the defaults for new subscribers');

/** Each link a digest signs: the variable of its URL, the purpose whose key signs it, and what it is. */
const DIGEST_LINKS = [
  { url: 'ARTICLE_LINK_URL', purpose: 'articleLink', what: 'article links are' },
  { url: 'UNSUBSCRIBE_URL', purpose: 'unsubscribe', what: 'the List-Unsubscribe header and link are' },
  { url: 'SUBSCRIBE_URL', purpose: 'preferences', what: 'the preferences link is' },
] as const satisfies readonly { url: keyof typeof digestShape; purpose: TokenPurpose; what: string }[];

/**
 * The digest and digestSender functions' configuration. A link URL set without its signing key fails the
 * start: the digest would otherwise go out without that link (bulk mail without List-Unsubscribe).
 */
export function loadDigestConfig(env: Env = process.env) {
  const config = load(digestShape, env, 'the digest function');
  const unsigned = DIGEST_LINKS.filter(
    ({ url, purpose }) => config[url] !== undefined && linkSecretsFor(config, purpose) === undefined,
  );
  if (unsigned.length > 0) {
    const problems = unsigned.map(({ url, purpose, what }) => {
      const own = PURPOSE_VARIABLES[purpose];
      return (
        `${url} is set but neither ${own} nor LINK_SIGNING_SECRET is (nor their _ID variables): ${what} ` +
        `signed with that key. Set one, or unset ${url}`
      );
    });
    throw new ConfigError(`Invalid configuration for the digest function: ${problems.join('; ')}.`);
  }
  return config;
}

type WithLinkSecrets<S extends z.core.$ZodShape> = z.infer<z.ZodMiniObject<S>> & { linkSecrets: LinkSecrets };

export function loadLinkEndpointConfig(
  endpoint: 'unsubscribe',
  env?: Env,
): WithLinkSecrets<typeof unsubscribeEndpointShape>;
export function loadLinkEndpointConfig(
  endpoint: 'article-link',
  env?: Env,
): WithLinkSecrets<typeof articleLinkEndpointShape>;
export function loadLinkEndpointConfig(endpoint: 'unsubscribe' | 'article-link', env: Env = process.env) {
  const purpose: TokenPurpose = endpoint === 'unsubscribe' ? 'unsubscribe' : 'articleLink';
  const config =
    endpoint === 'unsubscribe'
      ? load(unsubscribeEndpointShape, env, `the ${endpoint} function`)
      : load(articleLinkEndpointShape, env, `the ${endpoint} function`);
  const linkSecrets = linkSecretsFor(config, purpose);
  if (linkSecrets === undefined) {
    const own = PURPOSE_VARIABLES[purpose];
    throw new ConfigError(
      `Invalid configuration for the ${endpoint} function: ${own} (on AWS, ${own}_ID naming its secret) or ` +
        'LINK_SIGNING_SECRET must be set (it is not): the key its links are verified with. ' +
        SET_THEM,
    );
  }
  return { ...config, linkSecrets };
}

/**
 * The secrets of `purpose`'s links: its own variable when set, else derived from the master
 * `LINK_SIGNING_SECRET`; undefined with neither.
 */
export function linkSecretsFor(
  config: {
    LINK_SIGNING_SECRET?: string | undefined;
    UNSUBSCRIBE_SIGNING_SECRET?: LinkSecrets | undefined;
    ARTICLE_LINK_SIGNING_SECRET?: LinkSecrets | undefined;
    SUBSCRIBE_SIGNING_SECRET?: LinkSecrets | undefined;
  },
  purpose: TokenPurpose,
): LinkSecrets | undefined {
  const own = config[PURPOSE_VARIABLES[purpose]];
  if (own !== undefined) return own;
  return config.LINK_SIGNING_SECRET === undefined
    ? undefined
    : secretsFromMaster(config.LINK_SIGNING_SECRET, purpose);
}

/**
 * Resolves secrets that the environment only names (e.g. `UNSUBSCRIBE_SIGNING_SECRET_ID`) into the variables
 * the loaders validate; the Secrets Manager adapter in `aws/secret.ts` is one.
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

/**
 * What the logger and metrics emitter need, read before any function loads the rest of its configuration:
 * the metrics namespace and the `stage` dimension (serverless.yml sets both per stage; `local` otherwise).
 */
export function loadObservabilityConfig(env: Env = process.env): { namespace?: string; stage: string } {
  const namespace = emptyToUndefined(env.POWERTOOLS_METRICS_NAMESPACE);
  return { ...(namespace !== undefined && { namespace }), stage: emptyToUndefined(env.STAGE) ?? 'local' };
}
