import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { extractArticle } from '../../../src/article/extract.js';
import type { ArticleDocument } from '../../../src/article/document.js';
import { bundleAliases } from '../../../scripts/bundle-aliases.js';

const ROOT = join(__dirname, '..', '..', '..');
const work = mkdtempSync(join(tmpdir(), 'bundled-html-'));

type Extract = (bytes: Uint8Array, hints: { key?: string; contentType?: string }) => ArticleDocument;
let bundled: Extract;

beforeAll(async () => {
  const outfile = join(work, 'extract.cjs');
  await build({
    entryPoints: [join(ROOT, 'src', 'article', 'extract.ts')],
    outfile,
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    alias: bundleAliases(ROOT),
    absWorkingDir: ROOT,
    logLevel: 'silent',
  });
  bundled = (createRequire(__filename)(outfile) as { extractArticle: Extract }).extractArticle;
}, 60_000);

afterAll(() => rmSync(work, { recursive: true, force: true }));

const STYLED = `<!doctype html><html><head><title>Ferry</title><style>p { color: red } .x::before { content: "<p>" }</style></head>
<body><style>@media (max-width: 1px) { article { display: none } }</style><article><h1>Harbour ferry goes electric</h1>
<p style="color: blue">The harbour ferry will run on electric power from June, the council said on Tuesday after a vote.</p>
<p>Councillors approved the plan by nine votes to two, and the operator will retrain its crews over the spring.</p>
<p>Residents had asked for quieter boats for years, and the new ferries cut noise at the quay by half, the council said.</p></article></body></html>`;

describe("the HTML reader as bundled for Lambda, with serverless.yml's aliases", () => {
  it('is built with every alias serverless.yml gives the bundles: no CSS parser, htmlparser2 reduced to its Parser', () => {
    expect(bundleAliases(ROOT)).toEqual({
      'cssomnom/parse': './src/article/no-css-parser.ts',
      '@aws-sdk/client-bedrock-runtime': './node_modules/@aws-sdk/client-bedrock-runtime/dist-es/index.js',
      '@aws-sdk/client-s3': './node_modules/@aws-sdk/client-s3/dist-es/index.js',
      htmlparser2: './node_modules/htmlparser2/dist/esm/Parser.js',
    });
  });

  const pages: Array<[string, Uint8Array]> = [
    ['a page with <style> elements and style attributes', new TextEncoder().encode(STYLED)],
    ...[
      'samples/solar-cooperative.html',
      'test/fixtures/hostile/quay-cafes-canonical-link.html',
      'test/fixtures/hostile/declared-utf8-latin1-bytes.html',
    ].map((path): [string, Uint8Array] => [path, new Uint8Array(readFileSync(join(ROOT, path)))]),
  ];

  it.each(pages)('reads %s exactly as the unbundled reader does', (_, bytes) => {
    // Act
    const fromBundle = bundled(bytes, { key: 'articles/page.html' });
    const fromSource = extractArticle(bytes, { key: 'articles/page.html' });

    // Assess
    expect(fromBundle).toEqual(fromSource);
    expect(fromBundle.text.length).toBeGreaterThan(100);
  });
});
