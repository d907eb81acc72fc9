/**
 * npm run bench: the numbers behind the bundle, memory and timeout settings in serverless.yml, each next to a
 * baseline or a peer measured in the same run (docs/sizing-and-cost.md). Progress goes to stderr; the
 * tables to stdout; the last line is one JSON object of the figures.
 *
 * 1. Size and cold start: `serverless package` (offline, into a scratch folder) gives the real zips; each
 *    shipped bundle is imported in a fresh `node`, alternating with a minimal bundle that creates the same
 *    SDK clients, logger and metrics emitter and does nothing else, built with the same esbuild options.
 * 2. Per article (CNN/DailyMail, from the optional evaluation data): time and ROUGE on the same articles for
 *    the product (extract + summarize, bundled as shipped), Lead-3, and the npm summarizers a user would pick
 *    instead (ts-textrank, lexrank: sentence selection alone), each in its own fresh process.
 * 3. Scaling: one upload of 10 KiB, 100 KiB, 1 MiB and 5 MiB (text and HTML) each in a fresh process, time
 *    and peak RSS, after one small upload of the same format (the reader loaded, the code warm); then the
 *    parser bombs the parse bounds stop (docs/summarizing.md, "Bounds").
 * 4. Digest: selecting and rendering one subscriber's digest out of 10,000 summaries in the window
 *    (`npm run bench -- --only digest` runs this step alone).
 */
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { promisify } from 'node:util';
import { inflateRawSync } from 'node:zlib';
import { build, type BuildOptions } from 'esbuild';
import iconv from 'iconv-lite';
import { hasEvalFile, missingEvalData, readEvalRows, type EvalRow } from './eval-data.js';
import { bundleAliases } from './bundle-aliases.js';
import { rouge } from './rouge.js';
import { checkCommandLine } from '../src/local/command-line.js';

checkCommandLine(
  `usage: npm run bench [-- --only digest]
  Measures bundle sizes and cold starts, per-article time and ROUGE against npm summarizers (with the
  optional evaluation data), upload scaling and the parse bounds, and one subscriber's digest, each next to a
  baseline measured in the same run; the last line is one JSON object of the figures. Takes a few minutes.
  --only digest runs the digest step alone.`,
  { options: { '--only': 'value' } },
);
const ROOT = join(__dirname, '..');
const WORK = mkdtempSync(join(tmpdir(), 'bench-'));
const run = promisify(execFile);
const started = performance.now();
const MIB = 1024 * 1024;
/** Articles timed per method (the first is reported apart: cold JIT). */
const ARTICLES = Number(process.env.BENCH_ARTICLES ?? 250);
const IMPORT_RUNS = Number(process.env.BENCH_IMPORT_RUNS ?? 9);
/** The digest run over 10,000 summaries is stopped after this long (it was quadratic: minutes). */
const DIGEST_LIMIT_MS = Number(process.env.BENCH_DIGEST_LIMIT_SECONDS ?? 60) * 1000;

function progress(line: string): void {
  console.error(`[${((performance.now() - started) / 1000).toFixed(1).padStart(5)} s] ${line}`);
}

const kib = (bytes: number) => `${(bytes / 1024).toFixed(0)} KiB`;
const ms = (value: number) => (Number.isFinite(value) ? `${value.toFixed(value < 10 ? 2 : 0)} ms` : 'n/a');
const mb = (kb: number) => `${(kb / 1024).toFixed(0)} MB`;
const round = (value: number) => Math.round(value * 100) / 100;

function table(headers: string[], rows: string[][]): string {
  const line = (cells: string[]) => `| ${cells.join(' | ')} |`;
  return [line(headers), line(headers.map(() => '---')), ...rows.map(line)].join('\n');
}

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;
}

const median = (values: number[]) => percentile(values, 50);

// ------------------------------------------------------------------------------------------------ builds

/** custom.esbuild in serverless.yml (what serverless-esbuild gives esbuild), for the bundles built here. */
const SHIPPED: BuildOptions = {
  bundle: true,
  minify: true,
  keepNames: true,
  sourcemap: false,
  target: 'node20',
  platform: 'node',
  format: 'cjs',
  alias: bundleAliases(ROOT),
  absWorkingDir: ROOT,
  logLevel: 'silent',
};

async function bundle(name: string, contents: string): Promise<string> {
  const outfile = join(WORK, 'bundles', `${name}.cjs`);
  await build({ ...SHIPPED, stdin: { contents, resolveDir: ROOT, loader: 'ts' }, outfile });
  return outfile;
}

// ------------------------------------------------------------------------------------------------ 1. size, cold start

const FUNCTIONS = {
  summarize: 'summarize',
  digest: 'digest',
  digestSender: 'digest-sender',
  unsubscribe: 'unsubscribe',
  subscribe: 'subscribe',
  articleLink: 'article-link',
} as const;
type FunctionName = keyof typeof FUNCTIONS;

/** The SDK clients each function's module scope creates (src/handlers/<name>.ts, src/aws/clients.ts). */
const CLIENTS: Record<FunctionName, string[]> = {
  summarize: ['s3'],
  digest: ['s3', 'ses', 'secrets', 'dynamodb', 'sqs'],
  digestSender: ['s3', 'ses', 'secrets', 'dynamodb'],
  unsubscribe: ['secrets', 'dynamodb'],
  subscribe: ['ses', 'secrets', 'dynamodb'],
  articleLink: ['s3', 'secrets', 'presigner'],
};

/** A Lambda handler that creates the same clients, logger and metrics emitter, and does nothing else. */
function baselineSource(clients: string[]): string {
  const timeouts =
    '{ connectionTimeout: 1000, requestTimeout: 3000, socketTimeout: 3000, throwOnRequestTimeout: true }';
  return [
    "import { Logger } from '@aws-lambda-powertools/logger';",
    "import { Metrics } from '@aws-lambda-powertools/metrics';",
    clients.includes('s3') ? "import { S3Client } from '@aws-sdk/client-s3';" : '',
    clients.includes('ses') ? "import { SESv2Client } from '@aws-sdk/client-sesv2';" : '',
    clients.includes('dynamodb') ? "import { DynamoDBClient } from '@aws-sdk/client-dynamodb';" : '',
    clients.includes('sqs') ? "import { SQSClient } from '@aws-sdk/client-sqs';" : '',
    clients.includes('secrets')
      ? "import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';"
      : '',
    clients.includes('presigner') ? "import { getSignedUrl } from '@aws-sdk/s3-request-presigner';" : '',
    "const logger = new Logger({ serviceName: 'baseline' });",
    "const metrics = new Metrics({ namespace: 'baseline', serviceName: 'baseline' });",
    'const clients: unknown[] = [];',
    clients.includes('s3')
      ? `clients.push(new S3Client({ requestHandler: ${timeouts}, maxAttempts: 3, retryMode: 'standard' }));`
      : '',
    clients.includes('ses') ? `clients.push(new SESv2Client({ requestHandler: ${timeouts} }));` : '',
    clients.includes('dynamodb')
      ? `clients.push(new DynamoDBClient({ requestHandler: ${timeouts}, maxAttempts: 3, retryMode: 'standard' }));`
      : '',
    clients.includes('sqs')
      ? `clients.push(new SQSClient({ requestHandler: ${timeouts}, maxAttempts: 3, retryMode: 'standard' }));`
      : '',
    clients.includes('secrets')
      ? `clients.push(new SecretsManagerClient({ requestHandler: ${timeouts} }));`
      : '',
    clients.includes('presigner') ? 'clients.push(getSignedUrl);' : '',
    'export const main = async () => { logger.info("baseline", { clients: clients.length }); metrics.publishStoredMetrics(); };',
  ].join('\n');
}

/** The entries of a zip (stored or deflated), without a dependency. */
function unzip(zip: Buffer): Map<string, Buffer> {
  const end = zip.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  const count = zip.readUInt16LE(end + 10);
  let offset = zip.readUInt32LE(end + 16);
  const entries = new Map<string, Buffer>();
  for (let i = 0; i < count; i++) {
    const method = zip.readUInt16LE(offset + 10);
    const compressed = zip.readUInt32LE(offset + 20);
    const nameLength = zip.readUInt16LE(offset + 28);
    const extraLength = zip.readUInt16LE(offset + 30);
    const commentLength = zip.readUInt16LE(offset + 32);
    const local = zip.readUInt32LE(offset + 42);
    const name = zip.toString('utf8', offset + 46, offset + 46 + nameLength);
    const dataStart = local + 30 + zip.readUInt16LE(local + 26) + zip.readUInt16LE(local + 28);
    const data = zip.subarray(dataStart, dataStart + compressed);
    entries.set(name, method === 0 ? Buffer.from(data) : inflateRawSync(data));
    offset += 46 + nameLength + extraLength + commentLength;
  }
  return entries;
}

interface Packaged {
  seconds: number;
  zips: Record<FunctionName, number>;
  maps: Record<FunctionName, number>;
  /** The bundle each zip holds, extracted. */
  bundles: Record<FunctionName, string>;
}

/** `serverless package` as `npm run package` runs it, into a scratch folder (the work tree's .serverless/ is left alone). */
async function packageService(): Promise<Packaged> {
  const out = join(WORK, 'package');
  const home = join(WORK, 'home');
  mkdirSync(home, { recursive: true });
  const env = Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith('AWS_')));
  const t0 = performance.now();
  await run(
    process.execPath,
    [join(ROOT, 'node_modules', 'osls', 'bin', 'serverless.js'), 'package', '--package', out],
    {
      cwd: ROOT,
      env: {
        ...env,
        HOME: home,
        SLS_TELEMETRY_DISABLED: '1',
        SLS_NOTIFICATIONS_MODE: 'off',
        SLS_DEPRECATION_DISABLE: '*',
        SLS_ESBUILD_WORK_FOLDER: `.esbuild-test-bench-${basename(WORK)}`,
      },
      timeout: 180_000,
      maxBuffer: 16 * MIB,
    },
  );
  const seconds = (performance.now() - t0) / 1000;
  const result: Packaged = { seconds, zips: {} as never, maps: {} as never, bundles: {} as never };
  for (const [fn, file] of Object.entries(FUNCTIONS) as Array<[FunctionName, string]>) {
    const zip = readFileSync(join(out, `${fn}.zip`));
    result.zips[fn] = zip.length;
    result.maps[fn] = statSync(join(out, 'sourcemaps', `${fn}.js.map`)).size;
    const code = unzip(zip).get(`src/handlers/${file}.js`);
    if (!code) throw new Error(`${fn}.zip holds no src/handlers/${file}.js`);
    const path = join(WORK, 'shipped', fn, `${file}.js`);
    mkdirSync(join(WORK, 'shipped', fn), { recursive: true });
    writeFileSync(path, code);
    result.bundles[fn] = path;
  }
  return result;
}

/** What each handler's module scope needs to load (values only have to pass validation; nothing is called). */
const HANDLER_ENV = {
  AWS_REGION: 'eu-west-1',
  BUCKET: 'article-digest-bench',
  SENDER_EMAIL: 'digest@example.com',
  LINK_SIGNING_SECRET: 'x'.repeat(64),
  UNSUBSCRIBE_URL: 'https://example.lambda-url.eu-west-1.on.aws/',
  POWERTOOLS_METRICS_NAMESPACE: 'bench',
};

// ------------------------------------------------------------------------------------------------ children

/**
 * Runs in a fresh `node` with nothing preloaded. Modes: `import` (require the bundle, nothing else), `product`
 * (extract + summarize each item, as the Lambda does), `lead3`, `textrank`, `lexrank` (the npm packages, as a
 * user would call them). Items after `measureFrom` are timed; RSS is read before the first timed item.
 */
const CHILD = `
const { readFileSync } = require('node:fs');
const { createRequire } = require('node:module');
const [mode, bundle, listFile, root] = process.argv.slice(2);
const req = createRequire(root + '/package.json');
const t0 = performance.now();
const loaded = bundle === '-' ? {} : require(bundle);
const importMs = performance.now() - t0;
if (mode === 'import') { process.stdout.write(JSON.stringify({ importMs })); process.exit(0); }
const { items, measureFrom = 0 } = JSON.parse(readFileSync(listFile, 'utf8'));
let method;
if (mode === 'product') method = (item, bytes) => loaded.run(bytes, item.key, item.contentType, item.title);
else if (mode === 'lead3') method = (item, bytes) => loaded.lead3(bytes.toString('utf8'));
else if (mode === 'extract') method = (item, bytes) => loaded.extractOnly(bytes, item.key, item.contentType);
else if (mode === 'textrank') {
  const t = req('ts-textrank');
  const summarizer = new t.Summarizer(new t.AbsoluteSummarizerConfig(3, new t.SorensenDiceSimilarity(), new t.DefaultTextParser(), 0.85, t.Summarizer.SORT_OCCURENCE), new t.NullLogger());
  method = (item, bytes) => summarizer.summarize(bytes.toString('utf8'), 'en');
} else if (mode === 'lexrank') {
  const lexrank = req('lexrank');
  method = (item, bytes) => { let out; lexrank.summarize(bytes.toString('utf8'), 3, (error, lines) => { if (error) throw error; out = lines.map((l) => l.text); }); return out; };
} else throw new Error('unknown mode ' + mode);
(async () => {
  const results = [];
  let rssBeforeKb = 0;
  for (const [i, item] of items.entries()) {
    const bytes = item.path ? readFileSync(item.path) : Buffer.from(item.text, 'utf8');
    if (i === measureFrom) rssBeforeKb = process.memoryUsage().rss / 1024;
    const t = performance.now();
    let out, error;
    try { out = await method(item, bytes); } catch (e) { error = e.name === 'UnreadableArticleError' ? e.code : String(e && e.stack || e); }
    results.push({ ms: performance.now() - t, out, error });
  }
  process.stdout.write(JSON.stringify({ importMs, results, rssBeforeKb, maxRssKb: process.resourceUsage().maxRSS }));
})();
`;

interface ChildItem {
  key?: string;
  contentType?: string;
  title?: string;
  text?: string;
  path?: string;
}

interface ChildResult {
  importMs: number;
  results: Array<{ ms: number; out?: unknown; error?: string }>;
  rssBeforeKb: number;
  maxRssKb: number;
}

let childCount = 0;

async function child(
  mode: string,
  bundlePath: string,
  items: ChildItem[] = [],
  measureFrom = 0,
  env: Record<string, string> = {},
): Promise<ChildResult> {
  const listFile = join(WORK, `list-${(childCount += 1)}.json`);
  writeFileSync(listFile, JSON.stringify({ items, measureFrom }));
  const script = join(WORK, 'child.cjs');
  writeFileSync(script, CHILD);
  const { stdout } = await run(process.execPath, [script, mode, bundlePath, listFile, ROOT], {
    env: { ...process.env, ...env, NODE_NO_WARNINGS: '1' },
    maxBuffer: 256 * MIB,
    timeout: 180_000,
  });
  return JSON.parse(stdout) as ChildResult;
}

// ------------------------------------------------------------------------------------------------ 2. per article

const PRODUCT_ENTRY = `
import { extractArticleLazily } from './src/article/extract-lazily.ts';
import { normalizeText } from './src/article/extract-core.ts';
import { summarizeDocument } from './src/summary/summarize.ts';
import { splitSentences } from './src/summary/sentences.ts';
/** What the Lambda does with an upload's bytes (summarize-upload.ts), minus S3 and the schema check. */
export async function run(bytes: Uint8Array, key?: string, contentType?: string, title?: string) {
  const doc = await extractArticleLazily(bytes, { key, contentType });
  return summarizeDocument(title ? { ...doc, title } : doc, {}).summary;
}
export const lead3 = (text: string) => splitSentences(normalizeText(text)).slice(0, 3).map((s) => s.text);
/** The product's first step alone: bytes to clean text. */
export async function extractOnly(bytes: Uint8Array, key?: string, contentType?: string) {
  return (await extractArticleLazily(bytes, { key, contentType })).text.length;
}
`;

interface Peer {
  name: string;
  mode: string;
  what: string;
}

const PEERS: Peer[] = [
  {
    name: 'product',
    mode: 'product',
    what: 'extract + summarize, as shipped (default settings)',
  },
  { name: 'product: extract alone', mode: 'extract', what: 'bytes to clean text (decode, boilerplate)' },
  { name: 'Lead-3', mode: 'lead3', what: "the first 3 sentences (the product's sentence splitter)" },
  { name: 'ts-textrank 1.0.3', mode: 'textrank', what: 'TextRank, 3 sentences (sentence selection alone)' },
  { name: 'lexrank 1.0.5', mode: 'lexrank', what: 'LexRank, 3 sentences (sentence selection alone)' },
];

interface PeerResult {
  peer: Peer;
  firstMs: number;
  p50: number;
  p95: number;
  rouge1: number;
  rouge2: number;
  rougeL: number;
  failed: number;
}

async function perArticle(product: string): Promise<{ rows: PeerResult[]; articles: number } | undefined> {
  const file = 'cnndm-frank250.jsonl';
  if (!hasEvalFile(file)) {
    progress(missingEvalData(`Per-article time and ROUGE on ${file}`));
    return undefined;
  }
  const rows: EvalRow[] = readEvalRows(file)
    .filter((r) => r.reference)
    .slice(0, ARTICLES);
  const items: ChildItem[] = rows.map((r) => ({
    text: r.article,
    contentType: 'text/plain; charset=utf-8',
    ...(r.title ? { title: r.title } : {}),
  }));
  const results: PeerResult[] = [];
  for (const peer of PEERS) {
    progress(`${rows.length} CNN/DailyMail articles: ${peer.name}, fresh process`);
    const result = await child(
      peer.mode,
      ['product', 'extract', 'lead3'].includes(peer.mode) ? product : '-',
      items,
    );
    const warm = result.results.slice(1).map((r) => r.ms);
    const scores = rows.map((row, i) => {
      const out = result.results[i]?.out;
      return rouge(Array.isArray(out) ? (out as string[]).join('\n') : '', row.reference ?? '');
    });
    const mean = (pick: (s: (typeof scores)[number]) => number) =>
      (100 * scores.reduce((sum, s) => sum + pick(s), 0)) / Math.max(1, scores.length);
    results.push({
      peer,
      firstMs: result.results[0]?.ms ?? Number.NaN,
      p50: median(warm),
      p95: percentile(warm, 95),
      rouge1: mean((s) => s.rouge1),
      rouge2: mean((s) => s.rouge2),
      rougeL: mean((s) => s.rougeLsum),
      failed: result.results.filter((r) => r.error).length,
    });
  }
  return { rows: results, articles: rows.length };
}

// ------------------------------------------------------------------------------------------------ 3. scaling

function corpusText(): string {
  const texts: string[] = [];
  for (const file of ['cnndm-frank250.jsonl', 'bbc-dev250.jsonl']) {
    if (hasEvalFile(file)) texts.push(...readEvalRows(file).map((r) => r.article));
  }
  if (texts.length === 0) {
    progress('scaling inputs made from samples/ (no evaluation data)');
    for (const name of readdirSync(join(ROOT, 'samples')).filter((n) => n.endsWith('.txt'))) {
      texts.push(readFileSync(join(ROOT, 'samples', name), 'latin1'));
    }
  }
  return texts.join('\n\n');
}

interface Upload {
  label: string;
  format: 'text' | 'html' | 'bomb';
  bytes: number;
  path: string;
  key: string;
}

function uploads(): { scaling: Upload[]; bombs: Upload[]; warmups: Record<'text' | 'html', ChildItem> } {
  const corpus = corpusText();
  const repeat = (target: number) => corpus.repeat(Math.ceil(target / corpus.length)).slice(0, target);
  const escape = (p: string) => p.replaceAll('&', '&amp;').replaceAll('<', '&lt;');
  const page = (size: number) => {
    const shell = (body: string) =>
      `<!doctype html><html><head><title>Long page</title></head><body><nav><a href="/">Home</a></nav><article><h1>Long page</h1>${body}</article><footer>© Example</footer></body></html>`;
    const body = repeat(size)
      .split(/\n\s*\n/)
      .map((p) => `<p>${escape(p)}</p>`)
      .join('\n');
    return shell(body).slice(0, size - 20) + '</article></body>';
  };
  const write = (label: string, format: Upload['format'], key: string, content: string | Buffer): Upload => {
    const path = join(WORK, 'uploads', key.replaceAll('/', '_'));
    mkdirSync(join(WORK, 'uploads'), { recursive: true });
    writeFileSync(path, content);
    return { label, format, bytes: Buffer.byteLength(content), path, key };
  };
  const fill = (unit: string, size: number) => unit.repeat(Math.ceil(size / unit.length)).slice(0, size);
  const sizes: Array<[string, number]> = [
    ['10 KiB', 10 * 1024],
    ['100 KiB', 100 * 1024],
    ['1 MiB', MIB],
    ['5 MiB', 5 * MIB],
  ];
  const scaling = [
    ...sizes.map(([label, size]) =>
      write(`text, ${label}`, 'text', `articles/text-${size}.txt`, repeat(size)),
    ),
    ...sizes.map(([label, size]) =>
      write(`HTML, ${label}`, 'html', `articles/page-${size}.html`, page(size)),
    ),
  ];
  const bombs = [
    // Not a bomb: the slowest plain text, a legacy charset the detector has to find (it samples large uploads).
    write(
      'text, 5 MiB, windows-1252 with no charset declared',
      'bomb',
      'articles/legacy.txt',
      iconv.encode(repeat(5 * MIB).replace(/[^\u0000-\u00ff‘’“”–—€]/gu, ' '), 'windows-1252'),
    ),
    write('Markdown `*a` repeated, 2 MiB', 'bomb', 'articles/emphasis.md', fill('*a', 2 * MIB)),
    write(
      'Markdown table, 20,000 columns, 3 rows',
      'bomb',
      'articles/table.md',
      `${'| a '.repeat(20_000)}|\n${'|---'.repeat(20_000)}|\n${'| b '.repeat(20_000)}|\n`,
    ),
    write(
      'HTML `<div><p><span><b><i>text` never closed, 2 MiB',
      'bomb',
      'articles/unclosed.html',
      fill('<div><p><span><b><i>text ', 2 * MIB),
    ),
    write(
      'HTML deep `<div>` nests repeated, 2 MiB',
      'bomb',
      'articles/nests.html',
      fill(`${'<div>'.repeat(100)}text${'</div>'.repeat(100)}`, 2 * MIB),
    ),
    write(
      'HTML flat links, 2 MiB',
      'bomb',
      'articles/links.html',
      fill('<a href="/story">a story</a> ', 2 * MIB),
    ),
  ];
  const small = repeat(3000);
  return {
    scaling,
    bombs,
    warmups: {
      text: { key: 'articles/warm.txt', text: small },
      html: { key: 'articles/warm.html', text: page(6000) },
    },
  };
}

interface ScaleRow {
  upload: Upload;
  ms: number;
  rssBeforeKb: number;
  maxRssKb: number;
  outcome: string;
}

async function scale(product: string, upload: Upload, warmup: ChildItem): Promise<ScaleRow> {
  progress(`${upload.label} (${kib(upload.bytes)}): one upload in a fresh process`);
  const result = await child('product', product, [warmup, { key: upload.key, path: upload.path }], 1);
  const timed = result.results[1];
  return {
    upload,
    ms: timed?.ms ?? Number.NaN,
    rssBeforeKb: result.rssBeforeKb,
    maxRssKb: result.maxRssKb,
    outcome: timed?.error ? `failure record (${timed.error.split('\n')[0]})` : 'summary',
  };
}

// ------------------------------------------------------------------------------------------------ 4. digest

/**
 * One subscriber's digest over `count` summaries stored in the window, as deliver.ts makes it (links
 * resolved beforehand): select, drop near-duplicates, group and render. The summaries are distinct stories:
 * each draws its title and sentences at random (seeded) from the corpus sentences.
 */
const DIGEST_ENTRY = `
import { readFileSync } from 'node:fs';
import { buildSummary } from './test/support/summary-fixtures.ts';
import { selectForSubscriber } from './src/digest/select.ts';
import { dropNearDuplicates } from './src/digest/near-duplicates.ts';
import { digestEmail } from './src/digest/email.ts';
export function digestBench(count: number, sentencesFile: string) {
  const sentences: string[] = JSON.parse(readFileSync(sentencesFile, 'utf8'));
  let seed = 42;
  const random = () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  };
  const pick = () => sentences[Math.floor(random() * sentences.length)] ?? 'A story.';
  const windowTo = new Date('2026-11-30T07:00:00Z');
  const stored = Array.from({ length: count }, (_, i) => {
    const title = pick().slice(0, 120).replace(/[.!?]$/, '');
    const summary = buildSummary({
      title: title + ' (' + i + ')',
      key: 'articles/bench-' + i + '.txt',
      summary: [pick(), pick(), pick()],
      keyPoints: [pick(), pick(), pick()],
      keywords: title.toLowerCase().split(/\\W+/).filter((w) => w.length > 5).slice(0, 5),
    });
    return { summary, key: 'summaries/2026/11/29/' + summary.id + '.json', storedAt: new Date(windowTo.getTime() - (i + 1) * 8_000) };
  });
  const window = { from: new Date(windowTo.getTime() - 24 * 3_600_000), to: windowTo };
  const t0 = performance.now();
  const selected = selectForSubscriber(stored, { topics: [], keywords: [] }, window);
  const t1 = performance.now();
  const items = dropNearDuplicates(selected);
  const t2 = performance.now();
  const links = new Map(items.map((item) => [item.key, { url: 'https://example.lambda-url.eu-west-1.on.aws/?a=' + item.summary.id, expires: 'Wed 30 Dec' }]));
  const email = digestEmail({ sender: 'digest@example.com', to: 'reader@example.com', items, links, unsubscribeUrl: 'https://example.lambda-url.eu-west-1.on.aws/u', localDate: '2026-11-30' });
  const t3 = performance.now();
  return { selectMs: t1 - t0, dedupeMs: t2 - t1, renderMs: t3 - t2, ms: t3 - t0, kept: items.length, htmlBytes: Buffer.byteLength(email.html) };
}
`;

interface DigestRun {
  count: number;
  ms: number;
  selectMs?: number;
  dedupeMs?: number;
  renderMs?: number;
  kept?: number;
  htmlBytes?: number;
  /** Set when the run was stopped at the time limit. */
  stoppedAfterMs?: number;
}

/** The digest at growing sizes, each in a fresh process; one past `limitMs` is stopped, and the larger ones skipped. */
async function digestSelectRender(counts: number[], limitMs: number): Promise<DigestRun[]> {
  const bundlePath = await bundle('digest', DIGEST_ENTRY);
  const sentencesFile = join(WORK, 'sentences.json');
  const sentences = corpusText()
    .split(/(?<=[.!?])\s+/)
    .filter((s) => s.length > 40 && s.length < 300);
  writeFileSync(sentencesFile, JSON.stringify(sentences));
  const script = join(WORK, 'digest-child.cjs');
  writeFileSync(
    script,
    `const [bundle, count, file] = process.argv.slice(2); process.stdout.write(JSON.stringify(require(bundle).digestBench(Number(count), file)));`,
  );
  const runs: DigestRun[] = [];
  for (const count of counts) {
    if (runs.some((r) => r.stoppedAfterMs !== undefined)) break;
    progress(
      `digest: one subscriber's select + render over ${count.toLocaleString('en')} summaries in the window (stopped after ${limitMs / 1000} s)`,
    );
    const t = performance.now();
    try {
      const { stdout } = await run(process.execPath, [script, bundlePath, String(count), sentencesFile], {
        timeout: limitMs,
        maxBuffer: MIB,
      });
      runs.push({ count, ...(JSON.parse(stdout) as Omit<DigestRun, 'count'>) });
    } catch (error: unknown) {
      if ((error as { killed?: boolean }).killed !== true) throw error;
      runs.push({ count, ms: Number.NaN, stoppedAfterMs: performance.now() - t });
    }
  }
  return runs;
}

// ------------------------------------------------------------------------------------------------ main

/** The digest table of the report. */
function printDigestTable(digest: DigestRun[]): void {
  console.log('\n## Digest: one subscriber, N summaries stored in the window, fresh process each\n');
  console.log(
    table(
      [
        'summaries',
        'select + near-duplicates + render',
        'select',
        'near-duplicates',
        'group + render',
        'items kept',
        'HTML',
      ],
      digest.map((d) =>
        d.stoppedAfterMs !== undefined
          ? [
              d.count.toLocaleString('en'),
              `stopped after ${(d.stoppedAfterMs / 1000).toFixed(0)} s`,
              '',
              '',
              '',
              '',
              '',
            ]
          : [
              d.count.toLocaleString('en'),
              ms(d.ms),
              ms(d.selectMs ?? Number.NaN),
              ms(d.dedupeMs ?? Number.NaN),
              ms(d.renderMs ?? Number.NaN),
              (d.kept ?? 0).toLocaleString('en'),
              kib(d.htmlBytes ?? 0),
            ],
      ),
    ),
  );
}

/** The digest's figures in the last JSON line: `digest10kMs` is null when the 10,000 run was stopped. */
function digestFigures(digest: DigestRun[]) {
  const digest10k = digest.find((d) => d.count === 10_000);
  return {
    digest10kMs: digest10k && digest10k.stoppedAfterMs === undefined ? round(digest10k.ms) : null,
    ...(digest10k?.stoppedAfterMs !== undefined && {
      digest10kStoppedAfterMs: round(digest10k.stoppedAfterMs),
    }),
    digestMs: Object.fromEntries(
      digest.filter((d) => d.stoppedAfterMs === undefined).map((d) => [d.count, round(d.ms)]),
    ),
  };
}

const DIGEST_COUNTS = [1_000, 2_000, 10_000];

/** `npm run bench -- --only digest`: step 4 alone, with its table and the digest figures as the last line. */
async function digestOnly(): Promise<void> {
  const load = loadavg()[0] ?? 0;
  progress(
    `Node ${process.version}, ${process.arch}, ${cpus().length} cores, load ${load.toFixed(1)}; digest only`,
  );
  const digest = await digestSelectRender(DIGEST_COUNTS, DIGEST_LIMIT_MS);
  progress('done');
  printDigestTable(digest);
  const json = {
    date: new Date().toISOString().slice(0, 10),
    machine: { node: process.version, arch: process.arch, cores: cpus().length, load: round(load) },
    ...digestFigures(digest),
  };
  console.log(`\n${JSON.stringify(json)}`);
}

async function main(): Promise<void> {
  const load = loadavg()[0] ?? 0;
  progress(
    `Node ${process.version}, ${process.arch}, ${cpus().length} cores, load ${load.toFixed(1)}; scratch ${WORK}`,
  );
  if (load > cpus().length) progress('NOTE: the machine is busy; the times below are inflated by other work');

  progress('serverless package (offline, into the scratch folder): the real zips and bundles');
  const packaged = await packageService();
  progress(`packaged in ${packaged.seconds.toFixed(1)} s; building the baselines and the product core`);
  const baselines = Object.fromEntries(
    await Promise.all(
      (Object.keys(FUNCTIONS) as FunctionName[]).map(
        async (fn) => [fn, await bundle(`baseline-${fn}`, baselineSource(CLIENTS[fn]))] as const,
      ),
    ),
  ) as Record<FunctionName, string>;
  const product = await bundle('product', PRODUCT_ENTRY);

  progress(
    `cold import: each shipped bundle and its baseline, alternating, ${IMPORT_RUNS} fresh processes each`,
  );
  const imports: Record<FunctionName, { shipped: number[]; baseline: number[] }> = {} as never;
  for (const fn of Object.keys(FUNCTIONS) as FunctionName[]) imports[fn] = { shipped: [], baseline: [] };
  for (let i = 0; i < IMPORT_RUNS; i++) {
    for (const fn of Object.keys(FUNCTIONS) as FunctionName[]) {
      imports[fn].shipped.push((await child('import', packaged.bundles[fn], [], 0, HANDLER_ENV)).importMs);
      imports[fn].baseline.push((await child('import', baselines[fn], [], 0, HANDLER_ENV)).importMs);
    }
  }

  const peers = await perArticle(product);
  const { scaling, bombs, warmups } = uploads();
  const scaled: ScaleRow[] = [];
  for (const upload of scaling)
    scaled.push(await scale(product, upload, warmups[upload.format === 'html' ? 'html' : 'text']));
  const bombRows: ScaleRow[] = [];
  for (const upload of bombs) bombRows.push(await scale(product, upload, warmups.text));
  const digest = await digestSelectRender(DIGEST_COUNTS, DIGEST_LIMIT_MS);
  progress('done');

  // ---------------------------------------------------------------- report
  const { deflateRawSync } = await import('node:zlib');
  console.log(`\n## Size and cold start (serverless package: ${packaged.seconds.toFixed(1)} s)\n`);
  console.log(
    table(
      [
        'function',
        'zip',
        'source map beside it',
        'baseline bundle (same clients, logger, metrics), deflated',
        `cold import, median of ${IMPORT_RUNS}`,
        'baseline cold import',
        'ratio',
        'fastest: shipped / baseline',
      ],
      (Object.keys(FUNCTIONS) as FunctionName[]).map((fn) => {
        const shipped = median(imports[fn].shipped);
        const base = median(imports[fn].baseline);
        return [
          fn,
          kib(packaged.zips[fn]),
          kib(packaged.maps[fn]),
          kib(deflateRawSync(readFileSync(baselines[fn])).length + 100),
          ms(shipped),
          ms(base),
          `${(shipped / base).toFixed(2)}x`,
          `${ms(Math.min(...imports[fn].shipped))} / ${ms(Math.min(...imports[fn].baseline))}`,
        ];
      }),
    ),
  );

  if (peers) {
    console.log(
      `\n## Per article: ${peers.articles} CNN/DailyMail articles, each method in its own fresh process\n`,
    );
    console.log(
      table(
        [
          'method',
          'what is timed',
          'first article (cold JIT)',
          'median',
          'p95',
          'ROUGE-1',
          'ROUGE-2',
          'ROUGE-Lsum',
        ],
        peers.rows.map((r) =>
          [
            r.peer.name,
            r.peer.what,
            ms(r.firstMs),
            ms(r.p50),
            ms(r.p95),
            ...(r.peer.mode === 'extract'
              ? ['', '', '']
              : [r.rouge1.toFixed(2), r.rouge2.toFixed(2), r.rougeL.toFixed(2)]),
          ].map((cell, i) => (i === 7 && r.failed ? `${cell} (${r.failed} failed)` : cell)),
        ),
      ),
    );
  } else {
    console.log(
      `\n## Per article\n\n${missingEvalData('Per-article time and ROUGE on cnndm-frank250.jsonl')}`,
    );
  }

  console.log('\n## Scaling: one upload in a fresh process, after one small upload of the same format\n');
  console.log(
    table(
      ['upload', 'extract + summarize', 'per MiB', 'RSS before', 'peak RSS', 'outcome'],
      scaled.map((r) => [
        r.upload.label,
        ms(r.ms),
        ms(r.ms / (r.upload.bytes / MIB)),
        mb(r.rssBeforeKb),
        mb(r.maxRssKb),
        r.outcome,
      ]),
    ),
  );
  console.log('\nA legacy-charset upload, and the parser bombs (docs/summarizing.md, "Bounds"):\n');
  console.log(
    table(
      ['upload', 'time', 'peak RSS', 'outcome'],
      bombRows.map((r) => [r.upload.label, ms(r.ms), mb(r.maxRssKb), r.outcome]),
    ),
  );
  printDigestTable(digest);

  const find = (label: string) => scaled.find((r) => r.upload.label === label);
  const worst = Math.max(...scaled.map((r) => r.ms), ...bombRows.map((r) => r.ms));
  const peak = Math.max(...scaled.map((r) => r.maxRssKb), ...bombRows.map((r) => r.maxRssKb)) / 1024;
  const product50 = peers?.rows.find((r) => r.peer.mode === 'product');
  const textrank = peers?.rows.find((r) => r.peer.mode === 'textrank');
  const lead3 = peers?.rows.find((r) => r.peer.mode === 'lead3');
  const lexrank = peers?.rows.find((r) => r.peer.mode === 'lexrank');
  const fns = Object.keys(FUNCTIONS) as FunctionName[];
  const json = {
    date: new Date().toISOString().slice(0, 10),
    machine: { node: process.version, arch: process.arch, cores: cpus().length, load: round(load) },
    zipKiB: Object.fromEntries(fns.map((fn) => [fn, round(packaged.zips[fn] / 1024)])),
    sourceMapKiB: Object.fromEntries(fns.map((fn) => [fn, round(packaged.maps[fn] / 1024)])),
    coldImportMs: {
      summarize: round(median(imports.summarize.shipped)),
      baseline: round(median(imports.summarize.baseline)),
    },
    coldImportAllMs: Object.fromEntries(
      fns.map((fn) => [
        fn,
        {
          shipped: round(median(imports[fn].shipped)),
          baseline: round(median(imports[fn].baseline)),
          fastestShipped: round(Math.min(...imports[fn].shipped)),
          fastestBaseline: round(Math.min(...imports[fn].baseline)),
        },
      ]),
    ),
    articles: peers?.articles ?? 0,
    perArticleMs: { p50: round(product50?.p50 ?? Number.NaN), p95: round(product50?.p95 ?? Number.NaN) },
    tsTextrankP50Ms: round(textrank?.p50 ?? Number.NaN),
    lexrankP50Ms: round(lexrank?.p50 ?? Number.NaN),
    lead3P50Ms: round(lead3?.p50 ?? Number.NaN),
    extractP50Ms: round(peers?.rows.find((r) => r.peer.mode === 'extract')?.p50 ?? Number.NaN),
    rougeL: Object.fromEntries(
      (peers?.rows ?? []).filter((r) => r.peer.mode !== 'extract').map((r) => [r.peer.mode, round(r.rougeL)]),
    ),
    worstCaseMs: {
      text5MiB: round(find('text, 5 MiB')?.ms ?? Number.NaN),
      html1MiB: round(find('HTML, 1 MiB')?.ms ?? Number.NaN),
    },
    slowestUploadMs: round(worst),
    peakRssMb: round(peak),
    ...digestFigures(digest),
  };
  console.log(`\n${JSON.stringify(json)}`);
}

const only = process.argv.includes('--only') ? process.argv[process.argv.indexOf('--only') + 1] : undefined;
const chosen =
  only === undefined
    ? main()
    : only === 'digest'
      ? digestOnly()
      : Promise.reject(new Error(`--only ${only}: only the digest step can run alone`));

chosen
  .catch((error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  })
  .finally(() => {
    rmSync(WORK, { recursive: true, force: true });
    for (const name of readdirSync(ROOT).filter((n) => n === `.esbuild-test-bench-${basename(WORK)}`)) {
      rmSync(join(ROOT, name), { recursive: true, force: true });
    }
  });
