/**
 * Issue 17: the runtime validator (zod, src/summary/schema.ts) and the published contract
 * (schema/*.schema.json, checked with ajv, draft 2020-12, ajv-formats) give the same verdict on every record,
 * hostile URLs and date-times included; and what the writer stores as `source.url` passes both.
 */
import { describe, expect, it } from 'vitest';
import {
  SOURCE_URL_PATTERN,
  canonicalSourceUrl,
  failureRecordSchema,
  summarySchema,
} from '../../../src/summary/schema.js';
import { isRfc3986Uri, publishedSchemaErrors } from '../../support/published-schema.js';
import { buildSummary } from '../../support/summary-fixtures.js';

const HOSTILE_URLS = [
  // the issue's record, and what the WHATWG parser accepts but RFC 3986 does not
  'https://news.example.org/porto-ferry?a=1&b=<2>',
  'https://news.example.org/Valbrène tram/extensão?linha=Côte d’Or#seção 2',
  'https://news.example.org/a|b^c?q=[1]{2}`x`&p=%zz#part#two',
  'https://news.example.org/"quoted"',
  'https://news.example.org/back\\slash',
  'https://münchen.example/straße',
  'http://news{example}.org/pay-deal',
  'http://a"b.example/',
  'https://news.example.org/\u0000nul',
  'https://news.example.org/tab\there',
  ' https://news.example.org/padded ',
  'https://news.example.org/😀',
  'https://news.example.org/\ud800lone',
  'https://news.example.org/%',
  'https://news.example.org/%4',
  'https://news.example.org/%7c%7C',
  // letters that match [a-z] only under Unicode case folding: the Kelvin sign, long s, dotless i
  'https://news.example.org/\u212A',
  'ſ://example.org/',
  'https://ınfo.example/',
  // schemes and shapes
  'javascript:alert(document.cookie)',
  'JAVASCRIPT:alert(1)',
  'data:text/html,<script>alert(1)</script>',
  'data:text/plain,hello',
  'mailto:desk@news.example.org',
  'urn:isbn:0451450523',
  'ftp://files.example.org/a.txt',
  'file:///etc/passwd',
  'HTTPS://News.Example.ORG:443/Path',
  'http://news.example.org:80x/',
  'http://news.example.org:/',
  'https://user:pa%20ss@news.example.org/',
  'https://user:p@ss@news.example.org/',
  'http://[::1]:8080/x',
  'http://[2001:db8::7]/c=GB?objectClass?one',
  'http://[::ffff:192.0.2.128]/',
  'http://[:::::]/',
  'http://[v1.fe80::a+en1]/',
  'http://[fe80::1%25en0]/',
  'http://256.256.256.256/',
  'http://1.2.3/',
  'http:',
  'http:/',
  'http://',
  'http:///path',
  'https:news.example.org',
  '//news.example.org/relative',
  '/relative/path',
  'relative',
  '1http://news.example.org/',
  '+:x',
  'a:',
  '',
  ' ',
  'https://news.example.org/?',
  'https://news.example.org/#',
  'https://news.example.org/?q=a/b?c#f/g?h',
  "https://news.example.org/!$&'()*+,;=:@-._~",
];

/** The same seeded strings on every run: prefixes that reach each branch of the grammar, then noise. */
function fuzzUrls(count: number): string[] {
  let seed = 17;
  const next = () => {
    seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
    return seed / 2 ** 31;
  };
  const pick = <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)] as T;
  const prefixes = [
    ...['http://', 'https://', 'HTTP://', 'http://[', 'a:', 'x+y.z:/', 'mailto:', 'javascript:', '//', ''],
    ...['https://news.example.org/', 'http://news.example.org?', 'https://news.example.org#'],
  ];
  const pieces = [
    ...'abcXYZ019-._~!$&\'()*+,;=:@/?#[]%<>"{}|\\^` \t\n'.split(''),
    '%4',
    '%zz',
    '%7C',
    '::',
    '::1]',
    'ffff:',
    '127.0.0.1',
    'v1.x',
    'é',
    '😀',
    '\u212A',
    'ſ',
    'ı',
    '\ud800',
    '\u0000',
    'example.org',
  ];
  return Array.from({ length: count }, () => {
    let url = pick(prefixes);
    const length = Math.floor(next() * 12);
    for (let i = 0; i < length; i += 1) url += pick(pieces);
    return url;
  });
}

const base = buildSummary({
  title: 'Port Calder ferry adds a late sailing',
  url: 'https://news.example.org/ferry',
});
const withUrl = (url: unknown) => ({ ...base, source: { ...base.source, url } });
const verdicts = (record: unknown) => ({
  zod: summarySchema.safeParse(record).success,
  ajv: publishedSchemaErrors('summary', record).length === 0,
});

describe('source.url: zod and the published schema (ajv) agree', () => {
  const urls = [...HOSTILE_URLS, ...fuzzUrls(3_000)];
  const all = [...urls, ...urls.map((u) => canonicalSourceUrl(u)).filter((u) => u !== undefined)];

  it('gives the same verdict on a summary for every hostile URL, raw and canonical', () => {
    const disagreements = all.filter((url) => {
      const { zod, ajv } = verdicts(withUrl(url));
      return zod !== ajv;
    });
    expect(disagreements).toEqual([]);
    // Both verdicts occur, so the agreement is not vacuous.
    const accepted = all.filter((url) => verdicts(withUrl(url)).zod);
    expect(accepted.length).toBeGreaterThan(100);
    expect(all.length - accepted.length).toBeGreaterThan(100);
  });

  it('is exactly RFC 3986\'s URI as ajv-formats checks `format: "uri"`, for a consumer who checks that too', () => {
    const differ = all.filter((url) => SOURCE_URL_PATTERN.test(url) !== isRfc3986Uri(url));
    expect(differ).toEqual([]);
  });

  it('rejects the URL of the issue as stored before, and accepts it canonical', () => {
    const raw = 'https://news.example.org/porto-ferry?a=1&b=<2>';
    expect(verdicts(withUrl(raw))).toEqual({ zod: false, ajv: false });
    expect(verdicts(withUrl(canonicalSourceUrl(raw)))).toEqual({ zod: true, ajv: true });
  });

  it('agrees on a summary without a url, and on a url that is not a string', () => {
    const source: Record<string, unknown> = { ...base.source };
    delete source.url;
    expect(verdicts({ ...base, source })).toEqual({ zod: true, ajv: true });
    for (const url of [42, null, ['https://news.example.org/'], { href: 'https://news.example.org/' }]) {
      expect(verdicts(withUrl(url)), JSON.stringify(url)).toEqual({ zod: false, ajv: false });
    }
  });
});

describe('canonicalSourceUrl: what the writer stores as source.url', () => {
  it.each([
    ['https://news.example.org/porto-ferry?a=1&b=<2>', 'https://news.example.org/porto-ferry?a=1&b=%3C2%3E'],
    [
      'https://news.example.org/Valbrène tram?linha=Côte d’Or#seção 2',
      'https://news.example.org/Valbr%C3%A8ne%20tram?linha=C%C3%B4te%20d%E2%80%99Or#se%C3%A7%C3%A3o%202',
    ],
    [
      'https://news.example.org/a|b^c?q=[1]{2}`x`&p=%zz#part#two',
      'https://news.example.org/a%7Cb%5Ec?q=%5B1%5D%7B2%7D%60x%60&p=%25zz#part%23two',
    ],
    ['https://münchen.example/straße', 'https://xn--mnchen-3ya.example/stra%C3%9Fe'],
    ['HTTPS://News.Example.ORG:443/Path', 'https://news.example.org/Path'],
    ['  https://news.example.org/padded\n', 'https://news.example.org/padded'],
    ['http://[::1]:8080/x', 'http://[::1]:8080/x'],
    ['https://news.example.org/%7c%7C', 'https://news.example.org/%7c%7C'],
  ])('stores %j as %j', (raw, stored) => {
    expect(canonicalSourceUrl(raw)).toBe(stored);
  });

  it.each([
    ['not http(s)', 'javascript:alert(document.cookie)'],
    ['not http(s)', 'data:text/plain,hello'],
    ['not http(s)', 'ftp://files.example.org/a.txt'],
    ['not http(s)', 'mailto:desk@news.example.org'],
    ['unparseable', 'news.example.org/no-scheme'],
    ['unparseable', 'http://'],
    ['unparseable', ''],
    ['a host RFC 3986 cannot hold', 'http://news{example}.org/pay-deal'],
    ['a host RFC 3986 cannot hold', 'http://a"b.example/'],
  ])('leaves out a URL that is %s: %j', (_why, raw) => {
    expect(canonicalSourceUrl(raw)).toBeUndefined();
  });

  it('still stores a non-ASCII URL after thousands of uploads (URL.canParse, optimized, refuses it on Node 20/22)', () => {
    const raw = 'https://münchen.example/straße';
    const stored = new Set(Array.from({ length: 10_000 }, () => canonicalSourceUrl(raw)));
    expect([...stored]).toEqual(['https://xn--mnchen-3ya.example/stra%C3%9Fe']);
  });

  it('gives, for any input, either nothing or an http(s) URL that both validators accept and that parses back unchanged', () => {
    const stored = [...HOSTILE_URLS, ...fuzzUrls(3_000)].flatMap((u) => canonicalSourceUrl(u) ?? []);
    expect(stored.length).toBeGreaterThan(500);
    const broken = stored.filter(
      (url) =>
        !/^https?:\/\//.test(url) ||
        new URL(url).href !== url ||
        canonicalSourceUrl(url) !== url ||
        !SOURCE_URL_PATTERN.test(url) ||
        publishedSchemaErrors('summary', withUrl(url)).length > 0,
    );
    expect(broken).toEqual([]);
  });
});

describe('whole records: zod and the published schemas (ajv) agree', () => {
  const failure = {
    schemaVersion: 1,
    id: 'f51742643f57e6a217aa751ade6b6144',
    source: { bucket: 'article-digest-local', key: 'articles/empty note.txt', size: 0, etag: 'd41d8cd9' },
    code: 'empty',
    reason: 'The upload is empty (0 bytes).',
    failedAt: '2026-11-25T00:16:30.891Z',
  };
  const DATE_TIMES = [
    '2026-11-25T00:16:30.891Z',
    '2026-11-25T00:16:30Z',
    '2026-11-25T00:16:30.123456789Z',
    '2024-02-29T12:00:00Z',
    '2026-02-29T12:00:00Z',
    '2026-04-31T12:00:00Z',
    '2026-11-25T24:00:00Z',
    '2026-12-31T23:59:60Z',
    '2026-11-25T00:16:30+01:00',
    '2026-11-25T00:16:30',
    '2026-11-25 00:16:30Z',
    '2026-11-25t00:16:30z',
    '2026-11-25',
    '',
    '２０２６-11-25T00:16:30Z',
  ];

  it.each(DATE_TIMES)('agrees on a failure record failed at %j', (failedAt) => {
    const record = { ...failure, failedAt };
    expect(publishedSchemaErrors('failure', record).length === 0).toBe(
      failureRecordSchema.safeParse(record).success,
    );
  });

  it.each(DATE_TIMES)('agrees on a summary created at %j', (createdAt) => {
    const { zod, ajv } = verdicts({ ...base, createdAt });
    expect(ajv).toBe(zod);
  });

  it.each([
    ['a valid record', {}],
    [
      'no source.size (a record written before the upload was read)',
      { source: { bucket: 'b', key: 'articles/x' } },
    ],
    ['an empty id', { id: '' }],
    ['an empty code', { code: '' }],
    ['no reason', { reason: undefined }],
    ['a negative size', { source: { ...failure.source, size: -1 } }],
    ['a fractional size', { source: { ...failure.source, size: 1.5 } }],
    ['schemaVersion 2', { schemaVersion: 2 }],
    ['schemaVersion "1"', { schemaVersion: '1' }],
  ])('agrees on a failure record with %s', (_name, change) => {
    const record = JSON.parse(JSON.stringify({ ...failure, ...change })) as unknown;
    expect(publishedSchemaErrors('failure', record).length === 0).toBe(
      failureRecordSchema.safeParse(record).success,
    );
  });
});
