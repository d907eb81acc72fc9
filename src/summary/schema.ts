/**
 * The one schema of a stored summary and of a failure record. The writer validates against it before
 * storing, the digest validates what it reads, tests use it, and the published contract is generated from it
 * (`npm run schema`: schema/summary.schema.json and schema/failure-record.schema.json).
 */
import * as z from '../zod.js';
import { ARTICLE_FORMATS } from '../article/document.js';

export const SUMMARY_SCHEMA_VERSION = 1;

const mentionedName = z.object({
  name: z.string().check(z.minLength(1)),
  mentions: z.number().check(z.int(), z.positive()),
});

export const articleFormatSchema = z.enum(ARTICLE_FORMATS);

/*
 * `source.url`: one regular expression is both the runtime check and the published contract, so zod and a
 * JSON Schema validator cannot disagree about it (issue 17).
 *
 * Why not zod's `.url()` published as `"format": "uri"`: `.url()` accepts whatever the WHATWG URL parser
 * accepts (`<`, `>`, spaces, non-ASCII, `|`, `{`), while `format: "uri"` means RFC 3986, so a stored
 * `https://news.example.org/porto-ferry?a=1&b=<2>` passed one and failed the other. And `format` cannot be a
 * contract both sides check alike: in draft 2020-12 it only annotates unless a validator opts in, and
 * validators implement "uri" differently (ajv-formats alone has a "full" and a "fast" one). `pattern` is
 * asserted by every draft 2020-12 validator, with ECMA-262 regular expressions, which is what zod runs: zod
 * checks `SOURCE_URL_PATTERN` and the published schema carries its source as `"pattern"` (ajv compiles it
 * with the `u` flag; so does zod, below).
 *
 * The pattern is RFC 3986's `URI` (scheme ":" hier-part ["?" query] ["#" fragment]) as ajv-formats' full
 * "uri" format writes it, with its case-insensitivity spelled out (a pattern carries no flags), so a consumer
 * who also checks `format: "uri"` gets the same answer; test/unit/summary/published-schema-agreement.test.ts
 * checks both equivalences on hostile and fuzzed URLs. It allows any scheme: the writer stores only http(s)
 * URLs (`canonicalSourceUrl`), but summaries stored before may hold another scheme and readers already refuse
 * to link one (the digest's `safeHttpUrl`), so rejecting those would drop whole summaries from a digest. (One
 * stored before with a character RFC 3986 forbids, like `<`, fails it now, as it always failed the published
 * schema.)
 */
const HEX = '[0-9A-Fa-f]';
const PCT = `%${HEX}{2}`;
const SUB_DELIMS = "!$&'()*+,;=";
/** unreserved and sub-delims plus `extra`, as one character class (`-` last, so it needs no escape). */
const chars = (extra = '') => `[A-Za-z0-9._~${SUB_DELIMS}${extra}-]`;
const PCHAR = `(?:${chars(':@')}|${PCT})`;
const QUERY_OR_FRAGMENT = `(?:${chars(':@/?')}|${PCT})*`;
const DEC_OCTET = '(?:25[0-5]|2[0-4][0-9]|[01]?[0-9][0-9]?)';
const IPV4 = `(?:${DEC_OCTET}\\.){3}${DEC_OCTET}`;
const H16 = `${HEX}{1,4}`;
const LS32 = `(?:${H16}:${H16}|${IPV4})`;
const IPV6 =
  `(?:(?:(?:${H16}:){6}|::(?:${H16}:){5}|(?:${H16})?::(?:${H16}:){4}|(?:(?:${H16}:){0,1}${H16})?::(?:${H16}:){3}` +
  `|(?:(?:${H16}:){0,2}${H16})?::(?:${H16}:){2}|(?:(?:${H16}:){0,3}${H16})?::${H16}:|(?:(?:${H16}:){0,4}${H16})?::)${LS32}` +
  `|(?:(?:${H16}:){0,5}${H16})?::${H16}|(?:(?:${H16}:){0,6}${H16})?::)`;
const IP_FUTURE = `[Vv]${HEX}+\\.${chars(':')}+`;
const HOST = `(?:\\[(?:${IPV6}|${IP_FUTURE})\\]|${IPV4}|(?:${chars()}|${PCT})*)`;
const HIER_PART =
  `(?:/?/(?:(?:${chars(':')}|${PCT})*@)?${HOST}(?::[0-9]*)?(?:/${PCHAR}*)*` +
  `|/(?:${PCHAR}+(?:/${PCHAR}*)*)?|${PCHAR}+(?:/${PCHAR}*)*)`;
/** An absolute URI as RFC 3986 defines it: the runtime check of `source.url` and its published `pattern`. */
export const SOURCE_URL_PATTERN = new RegExp(
  `^[A-Za-z][A-Za-z0-9+.-]*:${HIER_PART}(?:\\?${QUERY_OR_FRAGMENT})?(?:#${QUERY_OR_FRAGMENT})?$`,
  'u',
);

/** What RFC 3986 allows in a path, query or fragment, besides `%XX`; the WHATWG parser leaves more. */
const NOT_URI_CHAR = new RegExp(`%(?!${HEX}{2})|[^A-Za-z0-9._~${SUB_DELIMS}:@/?%-]`, 'gu');
const utf8Escapes = (c: string) =>
  Array.from(new TextEncoder().encode(c), (b) => `%${b.toString(16).toUpperCase().padStart(2, '0')}`).join(
    '',
  );
const percentEncode = (part: string) => part.replace(NOT_URI_CHAR, utf8Escapes);

/**
 * The form in which an article's URL is stored as `source.url`, or undefined to leave it out (the summary is
 * kept): an http(s) URL the WHATWG parser accepts, as it serializes it (`new URL(raw).href`: scheme and host
 * lowercased, IDN hosts in punycode, default port dropped, spaces, `<`, `>`, `"` and non-ASCII percent-encoded),
 * then with what that still leaves outside RFC 3986 percent-encoded too (`|`, `^`, `[`, `]`, `{`, `}`, a
 * backquote, a `%` not starting an escape, a second `#`), so that it matches `SOURCE_URL_PATTERN`; a URL
 * whose host RFC 3986 cannot hold (an unusual character there) is left out. Parsing the result again gives it
 * back unchanged.
 */
export function canonicalSourceUrl(raw: string | undefined): string | undefined {
  if (raw === undefined) return undefined;
  // Not URL.canParse: on Node 20 and 22, once optimized (after a few thousand calls), it answers false for
  // valid URLs with non-ASCII characters, and the URL would silently be left out.
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return undefined;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return undefined;
  const href = url.href;
  // An http(s) href is scheme "//" authority path ["?" query] ["#" fragment], and its path starts with "/".
  const pathAt = href.indexOf('/', url.protocol.length + 2);
  const hashAt = href.indexOf('#', pathAt);
  const end = hashAt === -1 ? href.length : hashAt;
  const queryAt = href.slice(0, end).indexOf('?', pathAt);
  const pathEnd = queryAt === -1 ? end : queryAt;
  const canonical =
    href.slice(0, pathAt) +
    percentEncode(href.slice(pathAt, pathEnd)) +
    (queryAt === -1 ? '' : `?${percentEncode(href.slice(queryAt + 1, end))}`) +
    (hashAt === -1 ? '' : `#${percentEncode(href.slice(hashAt + 1))}`);
  return SOURCE_URL_PATTERN.test(canonical) ? canonical : undefined;
}

export const summarySchema = z.object({
  schemaVersion: z.literal(SUMMARY_SCHEMA_VERSION),
  id: z.string().check(z.regex(/^[a-f0-9]{16,64}$/, 'hex id derived from bucket, key and version')),
  source: z.object({
    bucket: z.string().check(z.minLength(1)),
    key: z.string().check(z.minLength(1)),
    size: z.number().check(z.int(), z.nonnegative()),
    etag: z.optional(z.string()),
    versionId: z.optional(z.string()),
    contentType: z.optional(z.string()),
    format: articleFormatSchema,
    charset: z.string().check(z.minLength(1)),
    url: z.optional(
      z
        .string()
        .check(
          z.regex(SOURCE_URL_PATTERN),
          z.describe(
            'Where the article was published: an absolute URI (RFC 3986). The summarizer stores http(s) URLs only, in canonical form.',
          ),
        ),
    ),
    publishedAt: z.optional(z.string()),
  }),
  title: z.object({
    text: z.string().check(z.minLength(1)),
    /** `abstractive`: written by the LLM (SUMMARIZER=bedrock) and verified against the article. */
    origin: z.enum(['document', 'first-line', 'first-sentence', 'key', 'abstractive']),
  }),
  language: z.string().check(z.minLength(2)),
  /** What is new: 1-3 sentences, each a span of the source text. */
  summary: z.array(z.string().check(z.minLength(1))).check(z.minLength(1), z.maxLength(3)),
  /** What a reader would underline across the whole article, each a span of the source text. */
  keyPoints: z.array(z.string().check(z.minLength(1))).check(z.maxLength(5)),
  entities: z.object({
    people: z.array(mentionedName),
    organizations: z.array(mentionedName),
    places: z.array(mentionedName),
  }),
  dates: z.array(z.object({ text: z.string().check(z.minLength(1)), iso: z.optional(z.string()) })),
  numbers: z.array(
    z.object({
      value: z.number(),
      unit: z.optional(z.string()),
      text: z.string().check(z.minLength(1)),
      context: z.string(),
    }),
  ),
  quotes: z.array(z.object({ text: z.string().check(z.minLength(1)), speaker: z.optional(z.string()) })),
  sources: z.array(mentionedName),
  keywords: z.array(z.string().check(z.minLength(1))).check(z.maxLength(10)),
  wordCount: z.number().check(z.int(), z.nonnegative()),
  readingTimeMinutes: z.number().check(z.int(), z.positive()),
  /** True when only the first part of a very long article was analysed. */
  truncated: z.boolean(),
  /**
   * What wrote title, summary and keyPoints. `llm` is there when an LLM was configured (SUMMARIZER=bedrock):
   * which one, and when its answer was not stored (the extractive summary was), why (`fallback`).
   */
  summarizer: z.object({
    name: z.string(),
    version: z.string(),
    llm: z.optional(
      z.object({
        provider: z.string().check(z.minLength(1)),
        modelId: z.string().check(z.minLength(1)),
        fallback: z.optional(
          z.object({ code: z.string().check(z.minLength(1)), reason: z.string().check(z.minLength(1)) }),
        ),
      }),
    ),
  }),
  createdAt: z.iso.datetime(),
});

export type Summary = z.infer<typeof summarySchema>;
export type SummarySource = Summary['source'];

/** A summary as the pure summarizer returns it: everything but what only the pipeline knows. */
export type SummaryContent = Omit<Summary, 'schemaVersion' | 'id' | 'source' | 'createdAt'>;

/** Why an upload could not become a summary; stored under the failure prefix for an operator. */
export const failureRecordSchema = z.object({
  schemaVersion: z.literal(SUMMARY_SCHEMA_VERSION),
  id: z.string().check(z.minLength(1)),
  source: z.object({
    bucket: z.string().check(z.minLength(1)),
    key: z.string().check(z.minLength(1)),
    size: z.optional(z.number().check(z.int(), z.nonnegative())),
    etag: z.optional(z.string()),
    versionId: z.optional(z.string()),
  }),
  reason: z.string().check(z.minLength(1)),
  code: z.string().check(z.minLength(1)),
  failedAt: z.iso.datetime(),
});
export type FailureRecord = z.infer<typeof failureRecordSchema>;
