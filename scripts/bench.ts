/**
 * npm run bench: the numbers behind the memory, timeout and bundle settings in serverless.yml, each next to a
 * baseline measured in the same run (README, "Sizing").
 *
 * 1. Bundles: per handler, the shipped build (minified, source map, AWS SDK bundled) against an unminified
 *    build and a build that leaves `@aws-sdk/*` to the runtime; zip sizes as deflate would store them.
 * 2. The summarize core, `summarizeDocument(extractArticle(bytes, { key }), {})`, in a fresh Node process per
 *    run (so import time and peak RSS are its own): cold import, first call, per-article latency and peak RSS
 *    over the sample articles and worst-case uploads, against a trivial baseline (decode + whitespace split of
 *    the same bytes) in an identical process.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { deflateRawSync } from 'node:zlib';
import { build, type BuildOptions } from 'esbuild';
import { hasEvalFile, missingEvalData, readEvalRows } from './eval-data.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const SAMPLES = join(ROOT, 'samples');
const WORK = mkdtempSync(join(tmpdir(), 'bench-'));
const run = promisify(execFile);
const started = performance.now();

function progress(line: string): void {
  console.log(`[${((performance.now() - started) / 1000).toFixed(1).padStart(5)} s] ${line}`);
}

const MIB = 1024 * 1024;
const kib = (bytes: number) => `${(bytes / 1024).toFixed(1)} KiB`;
const ms = (value: number) => `${value.toFixed(value < 10 ? 2 : 0)} ms`;

function table(headers: string[], rows: string[][]): string {
  const line = (cells: string[]) => `| ${cells.join(' | ')} |`;
  return [line(headers), line(headers.map(() => '---')), ...rows.map(line)].join('\n');
}

// ------------------------------------------------------------------------------------------------ bundles

const HANDLERS = ['summarize', 'digest', 'unsubscribe'] as const;

/** The options serverless.yml gives serverless-esbuild (custom.esbuild). */
const SHIPPED: BuildOptions = {
  bundle: true,
  minify: true,
  sourcemap: true,
  sourcesContent: false,
  target: 'node20',
  platform: 'node',
  format: 'cjs',
};

interface BundleSize {
  js: number;
  map: number;
  zip: number;
  /** Where the bundle was written. */
  file: string;
}

async function bundleSize(entry: string, options: BuildOptions, variant: string): Promise<BundleSize> {
  const file = join(WORK, variant, entry.replace(/\.ts$/, '.js'));
  const result = await build({
    ...options,
    entryPoints: [join(ROOT, entry)],
    outfile: file,
    write: true,
    metafile: true,
    logLevel: 'silent',
  });
  let js = 0;
  let map = 0;
  let zip = 0;
  for (const output of Object.keys(result.metafile.outputs)) {
    const contents = readFileSync(join(ROOT, output));
    if (output.endsWith('.map')) map += contents.length;
    else js += contents.length;
    // A zip entry is the deflated bytes plus ~100 bytes of headers.
    zip += deflateRawSync(contents, { level: 9 }).length + 100;
  }
  return { js, map, zip, file };
}

/** What each handler's module scope needs to load (values only have to pass validation). */
const HANDLER_ENV = {
  AWS_REGION: 'eu-west-1',
  BUCKET: 'article-digest-bench',
  SENDER_EMAIL: 'digest@example.com',
  LINK_SIGNING_SECRET: 'x'.repeat(64),
  UNSUBSCRIBE_URL: 'https://example.lambda-url.eu-west-1.on.aws/',
};

interface BundleRow {
  name: string;
  shipped: BundleSize;
  unminified: BundleSize;
  sdkExternal: BundleSize;
  importMs?: number;
}

/** The three builds of each handler, side by side (esbuild runs them in parallel). */
async function measureBundles(): Promise<BundleRow[]> {
  progress('bundling each handler three ways: shipped, unminified, @aws-sdk external');
  return Promise.all(
    HANDLERS.map(async (name) => {
      const entry = `src/handlers/${name}.ts`;
      const [shipped, unminified, sdkExternal] = await Promise.all([
        bundleSize(entry, SHIPPED, 'shipped'),
        bundleSize(entry, { ...SHIPPED, minify: false }, 'unminified'),
        bundleSize(entry, { ...SHIPPED, external: ['@aws-sdk/*'] }, 'sdk-external'),
      ]);
      return { name, shipped, unminified, sdkExternal };
    }),
  );
}

function bundleTable(rows: BundleRow[]): string {
  let packaged: string;
  try {
    const zips = readdirSync(join(ROOT, '.serverless')).filter((f) => f.endsWith('.zip'));
    if (zips.length === 0) throw new Error('no zips');
    const sizes = zips.map((f) => `${f} ${kib(readFileSync(join(ROOT, '.serverless', f)).length)}`);
    packaged = `\nZips from the last \`npm run package\` (.serverless/): ${sizes.join(', ')}\n`;
  } catch {
    packaged = '\n(no .serverless/ yet: run `npm run package` for the real zip sizes)\n';
  }
  return (
    table(
      [
        'handler',
        'shipped: minified + map, SDK bundled',
        'baseline: unminified',
        'minified, @aws-sdk external',
        'cold import, shipped',
      ],
      rows.map((r) => [
        r.name,
        `${kib(r.shipped.zip)} (js ${kib(r.shipped.js)}, map ${kib(r.shipped.map)})`,
        `${kib(r.unminified.zip)} (js ${kib(r.unminified.js)})`,
        `${kib(r.sdkExternal.zip)} (js ${kib(r.sdkExternal.js)})`,
        r.importMs === undefined ? 'skipped (time budget)' : ms(r.importMs),
      ]),
    ) + packaged
  );
}

// ------------------------------------------------------------------------------------------------ summarize

interface Article {
  label: string;
  key: string;
  path: string;
  bytes: number;
}

interface ChildResult {
  importMs: number;
  latencies: number[];
  maxRssKb: number;
}

/** Runs in a fresh `node` with nothing preloaded: imports the bundle (or nothing), runs every article. */
const CHILD = `
const { readFileSync } = require('node:fs');
const [mode, bundle, listFile] = process.argv.slice(2);
const t0 = performance.now();
const run = mode === 'baseline'
  ? (bytes) => new TextDecoder().decode(bytes).split(/\\s+/).filter(Boolean).length
  : require(bundle).run ?? (() => undefined);
const importMs = performance.now() - t0;
const latencies = [];
for (const article of JSON.parse(readFileSync(listFile, 'utf8'))) {
  const bytes = readFileSync(article.path);
  const t = performance.now();
  try { run(bytes, article.key); } catch (error) { if (error.name !== 'UnreadableArticleError') throw error; }
  latencies.push(performance.now() - t);
}
process.stdout.write(JSON.stringify({ importMs, latencies, maxRssKb: process.resourceUsage().maxRSS }));
`;

async function buildCore(): Promise<string> {
  const outfile = join(WORK, 'summarize-core.cjs');
  await build({
    ...SHIPPED,
    sourcemap: false,
    stdin: {
      contents: [
        "import { extractArticle } from './src/article/extract.ts';",
        "import { summarizeDocument } from './src/summary/summarize.ts';",
        'export const run = (bytes: Uint8Array, key: string) => summarizeDocument(extractArticle(bytes, { key }), {});',
      ].join('\n'),
      resolveDir: ROOT,
      loader: 'ts',
    },
    outfile,
    logLevel: 'silent',
  });
  return outfile;
}

function sampleArticles(): { samples: Article[]; worstCases: Article[] } {
  const write = (label: string, key: string, content: string | Uint8Array): Article => {
    const path = join(WORK, key.replaceAll('/', '_'));
    writeFileSync(path, content);
    return { label, key, path, bytes: Buffer.byteLength(content) };
  };
  const samples: Article[] = [];
  const texts: string[] = [];
  // The samples the repository carries, as uploaded (bytes, so the legacy-encoded one stays legacy)...
  for (const file of readdirSync(SAMPLES).filter((name) => name !== 'README.md')) {
    const bytes = readFileSync(join(SAMPLES, file));
    texts.push(bytes.toString('utf8'));
    samples.push(write(file, `articles/${file}`, bytes));
  }
  // ...and, when the optional evaluation data is there, 40 news articles from each corpus.
  for (const file of ['bbc-dev250.jsonl', 'cnndm-frank250.jsonl']) {
    if (!hasEvalFile(file)) {
      progress(missingEvalData(`${file} articles in the latency sample`));
      continue;
    }
    for (const [i, { article, title }] of readEvalRows(file).slice(0, 40).entries()) {
      const content = title ? `${title}\n\n${article}` : article;
      texts.push(content);
      samples.push(write(`${file} #${i}`, `articles/${file}-${i}.txt`, content));
    }
  }
  const corpus = texts.join('\n\n');
  const fill = (unit: string, size: number) => unit.repeat(Math.ceil(size / unit.length)).slice(0, size);
  const repeat = (target: number) => corpus.repeat(Math.ceil(target / corpus.length)).slice(0, target);
  const paragraphs = (text: string) =>
    text
      .split(/\n\s*\n/)
      .map((p) => `<p>${p.replaceAll('&', '&amp;').replaceAll('<', '&lt;')}</p>`)
      .join('\n');
  // Both are cut to MAX_ANALYSED_CHARS (200,000) before summarizing; extraction sees all of it.
  const worstCases = [
    write('5 MiB text (MAX_ARTICLE_BYTES)', 'articles/max.txt', repeat(5 * 1024 * 1024)),
    write(
      '1 MiB HTML page',
      'articles/page.html',
      `<!doctype html><html><head><title>Long page</title></head><body><nav><a href="/">Home</a></nav><article><h1>Long page</h1>${paragraphs(repeat(1024 * 1024 - 500))}</article><footer>© Example</footer></body></html>`,
    ),
    // Parser bombs: markup far below MAX_ARTICLE_BYTES that once took minutes or gigabytes (issue 12).
    write('Markdown "*a" repeated, 2 MiB', 'articles/emphasis.md', fill('*a', 2 * MIB)),
    write(
      'Markdown table, 20,000 columns, 3 rows',
      'articles/table.md',
      `${'| a '.repeat(20_000)}|\n${'|---'.repeat(20_000)}|\n${'| b '.repeat(20_000)}|\n`,
    ),
    write(
      'HTML <div><p><span><b><i>text never closed, 2 MiB',
      'articles/unclosed.html',
      fill('<div><p><span><b><i>text ', 2 * MIB),
    ),
    write(
      'HTML deep <div> nests repeated, 2 MiB',
      'articles/nests.html',
      fill(`${'<div>'.repeat(100)}text${'</div>'.repeat(100)}`, 2 * MIB),
    ),
    write('HTML flat links, 2 MiB', 'articles/links.html', fill('<a href="/story">a story</a> ', 2 * MIB)),
  ];
  return { samples, worstCases };
}

async function child(
  mode: 'core' | 'baseline',
  bundle: string,
  articles: Article[],
  env: Record<string, string> = {},
): Promise<ChildResult> {
  const listFile = join(WORK, `list-${mode}-${articles.length}-${articles[0]?.bytes ?? 0}.json`);
  writeFileSync(listFile, JSON.stringify(articles));
  const script = join(WORK, 'child.cjs');
  writeFileSync(script, CHILD);
  const { stdout } = await run(process.execPath, [script, mode, bundle, listFile], {
    env: { ...process.env, ...env },
    maxBuffer: 64 * 1024 * 1024,
    timeout: 120_000,
  });
  return JSON.parse(stdout) as ChildResult;
}

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;
}

async function importTime(
  mode: 'core' | 'baseline',
  bundle: string,
  runs: number,
  env: Record<string, string> = {},
): Promise<number[]> {
  const times: number[] = [];
  for (let i = 0; i < runs; i += 1) times.push((await child(mode, bundle, [], env)).importMs);
  return times;
}

/** Seconds after which the remaining (least important) steps are skipped, visibly, to keep the run bounded. */
const BUDGET_SECONDS = Number(process.env.BENCH_BUDGET_SECONDS ?? 50);

function withinBudget(step: string): boolean {
  const elapsed = (performance.now() - started) / 1000;
  if (elapsed <= BUDGET_SECONDS) return true;
  progress(
    `SKIPPED ${step}: ${elapsed.toFixed(0)} s spent of the ${BUDGET_SECONDS} s budget (BENCH_BUDGET_SECONDS)`,
  );
  return false;
}

interface SummarizeResult {
  rows: string[][];
  articles: number;
  medianMs: number;
  p95Ms: number;
  worstMs: number;
  peakMb: number;
}

function rss(result: ChildResult): string {
  return `${(result.maxRssKb / 1024).toFixed(0)} MB`;
}

/** Steps in order of importance: what sizes the timeout first, refinements last. */
async function measureSummarize(bundles: BundleRow[]): Promise<SummarizeResult> {
  progress('bundling the summarize core (extractArticle + summarizeDocument), minified like the handler');
  const core = await buildCore();
  const { samples, worstCases } = sampleArticles();
  const totalKib = samples.reduce((sum, a) => sum + a.bytes, 0) / 1024;
  const rows: string[][] = [];
  const result: SummarizeResult = {
    rows,
    articles: samples.length,
    medianMs: Number.NaN,
    p95Ms: Number.NaN,
    worstMs: 0,
    peakMb: 0,
  };

  progress(
    `${samples.length} sample articles (${totalKib.toFixed(0)} KiB): summarize core vs baseline, fresh process each`,
  );
  const coreRun = await child('core', core, samples);
  const baseRun = await child('baseline', core, samples);
  const warm = (r: ChildResult) => r.latencies.slice(1);
  rows.push(
    [
      'first article (cold JIT)',
      ms(coreRun.latencies[0] ?? Number.NaN),
      ms(baseRun.latencies[0] ?? Number.NaN),
    ],
    ['per article, median', ms(percentile(warm(coreRun), 50)), ms(percentile(warm(baseRun), 50))],
    ['per article, p95', ms(percentile(warm(coreRun), 95)), ms(percentile(warm(baseRun), 95))],
    ['per article, max', ms(Math.max(...coreRun.latencies)), ms(Math.max(...baseRun.latencies))],
    [`peak RSS after ${samples.length} articles`, rss(coreRun), rss(baseRun)],
  );
  result.peakMb = coreRun.maxRssKb / 1024;
  result.medianMs = percentile(warm(coreRun), 50);
  result.p95Ms = percentile(warm(coreRun), 95);

  const [largest, ...otherWorstCases] = worstCases;
  const worstCase = async (article: Article) => {
    progress(`worst case: ${article.label} (${kib(article.bytes)}), fresh process each`);
    const coreWorst = await child('core', core, [article]);
    const baseWorst = await child('baseline', core, [article]);
    const latency = coreWorst.latencies[0] ?? Number.NaN;
    result.worstMs = Math.max(result.worstMs, latency);
    result.peakMb = Math.max(result.peakMb, coreWorst.maxRssKb / 1024);
    rows.push([
      `${article.label}: time, peak RSS`,
      `${ms(latency)}, ${rss(coreWorst)}`,
      `${ms(baseWorst.latencies[0] ?? Number.NaN)}, ${rss(baseWorst)}`,
    ]);
  };
  if (largest) await worstCase(largest);

  if (withinBudget('cold imports of the summarize core')) {
    progress('cold import, 3 fresh processes each: summarize core vs empty baseline');
    const coreImports = await importTime('core', core, 3);
    const baseImports = await importTime('baseline', core, 3);
    rows.unshift([
      'cold import (median of 3)',
      ms(percentile(coreImports, 50)),
      ms(percentile(baseImports, 50)),
    ]);
  }
  for (const bundle of bundles) {
    if (!withinBudget(`cold import of the ${bundle.name} handler bundle`)) break;
    progress(`cold import of the shipped ${bundle.name} bundle (module scope: config, clients), median of 3`);
    bundle.importMs = percentile(await importTime('core', bundle.shipped.file, 3, HANDLER_ENV), 50);
  }
  for (const article of otherWorstCases) {
    if (withinBudget(`worst case ${article.label}`)) await worstCase(article);
  }
  return result;
}

// ------------------------------------------------------------------------------------------------ main

async function main(): Promise<void> {
  const load = loadavg()[0] ?? 0;
  progress(
    `Node ${process.version}, ${process.arch}, ${cpus().length} cores, load ${load.toFixed(1)}; scratch ${WORK}`,
  );
  if (load > cpus().length) progress('NOTE: the machine is busy; latencies below are inflated by other work');
  const bundles = await measureBundles();
  const summarize = await measureSummarize(bundles);
  progress('done');
  console.log('\n## Bundles (zip size as deflated; js = bundle, map = source map)\n');
  console.log(bundleTable(bundles));
  console.log('## Summarize core\n');
  console.log(table(['summarize core', 'extract + summarize', 'baseline: decode + split'], summarize.rows));
  // Lambda gives a full vCPU at 1,769 MB and CPU in proportion below that; this machine's core is at least
  // as fast as a Graviton vCPU, so a latency measured here stretches by about 1769 / memory on Lambda.
  const memory = 1024;
  const lambdaWorst = (summarize.worstMs * 1769) / memory;
  console.log(
    `\nAt ${memory} MB (~${(memory / 1769).toFixed(2)} vCPU) the worst case above takes about ` +
      `${(lambdaWorst / 1000).toFixed(1)} s on Lambda (plus S3 reads and writes); peak RSS ` +
      `${summarize.peakMb.toFixed(0)} MB of ${memory} MB.`,
  );
  const round = (value: number) => Math.round(value * 100) / 100;
  console.log(
    JSON.stringify({
      zipKiB: Object.fromEntries(bundles.map((b) => [b.name, round(b.shipped.zip / 1024)])),
      importMs: Object.fromEntries(bundles.map((b) => [b.name, b.importMs ?? null])),
      summarize: {
        articles: summarize.articles,
        medianMs: round(summarize.medianMs),
        p95Ms: round(summarize.p95Ms),
        worstMs: round(summarize.worstMs),
        peakMb: round(summarize.peakMb),
      },
    }),
  );
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
