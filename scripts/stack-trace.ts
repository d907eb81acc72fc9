/**
 * npm run stack-trace -- MAP [TRACE_FILE]: a stack trace from CloudWatch (the file, or standard input) with
 * each position in the deployed bundle (`/var/task/src/handlers/summarize.js:2:41234`) followed by the place
 * in src/ it came from, through the function's source map: `.serverless/sourcemaps/<function>.js.map` after
 * `npm run package` or a deploy, or the copy the deploy uploaded beside the zips in the deployment bucket
 * (docs/sizing-and-cost.md, "Bundles and source maps"). The map must come from the same build as the code that ran.
 */
import { existsSync, readFileSync } from 'node:fs';
import { SourceMap, type SourceMapPayload } from 'node:module';
import { relative, resolve } from 'node:path';

const usage =
  'usage: npm run stack-trace -- .serverless/sourcemaps/<function>.js.map [trace.txt]  (else stdin)';
const args = process.argv.slice(2);
if (args.includes('--help') || args.includes('-h')) {
  console.log(usage);
  process.exit(0);
}
const [mapFile, traceFile] = args;
if (!mapFile) {
  console.error(usage);
  process.exit(2);
}
if (!existsSync(mapFile)) {
  console.error(`no source map at ${mapFile}: run \`npm run package\` first`);
  process.exit(2);
}
if (traceFile !== undefined && !existsSync(traceFile)) {
  console.error(`no stack trace at ${traceFile}: save the trace to that file, or pipe it in instead`);
  process.exit(2);
}

const ROOT = resolve(__dirname, '..');
const map = new SourceMap(JSON.parse(readFileSync(mapFile, 'utf8')) as SourceMapPayload);
/** The maps name sources relative to the bundle's build folder (.esbuild/.build/src/handlers/). */
const buildDir = resolve(ROOT, '.esbuild', '.build', 'src', 'handlers');

/** `file.js:LINE:COLUMN` (1-based, as V8 prints them) -> `src/....ts:LINE:COLUMN`, or undefined. */
export function original(line: number, column: number): string | undefined {
  const entry = map.findEntry(line - 1, column - 1) as Partial<{
    originalSource: string;
    originalLine: number;
    originalColumn: number;
  }>;
  if (entry.originalSource === undefined || entry.originalLine === undefined) return undefined;
  const source = entry.originalSource.replace(/^file:\/\//, '');
  const path = relative(ROOT, resolve(buildDir, source));
  return `${path}:${entry.originalLine + 1}:${(entry.originalColumn ?? 0) + 1}`;
}

const trace = readFileSync(traceFile ?? 0, 'utf8');
const mapped = trace.replace(
  /([\w./-]+\.js):(\d+):(\d+)/g,
  (whole, _file: string, line: string, column: string) => {
    const place = original(Number(line), Number(column));
    return place ? `${whole} [${place}]` : whole;
  },
);
process.stdout.write(mapped);
