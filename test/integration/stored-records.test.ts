/**
 * Issue 17: every record the service stores validates against the PUBLISHED JSON Schemas with an independent
 * validator (ajv, draft 2020-12, ajv-formats), as a consumer reading summaries/ and failures/ would check it.
 * `npm run demo` stores records for samples/ plus the hostile and mis-encoded uploads in
 * test/fixtures/hostile/, and each file it saves under out/summaries and out/failures is checked.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sampleArticlePaths } from '../../src/local/samples.js';
import { expectPublishedValid, type RecordKind } from '../support/published-schema.js';

const run = promisify(execFile);
const HOSTILE_DIR = resolve(__dirname, '../fixtures/hostile');

interface StoredFile {
  kind: RecordKind;
  name: string;
  body: { source: { key: string; url?: string }; code?: string };
}

async function readStored(out: string, kind: RecordKind): Promise<StoredFile[]> {
  const dir = join(out, kind === 'summary' ? 'summaries' : 'failures');
  const names = (await readdir(dir).catch(() => [])).sort();
  return Promise.all(
    names.map(async (name) => ({
      kind,
      name,
      body: JSON.parse(await readFile(join(dir, name), 'utf8')) as StoredFile['body'],
    })),
  );
}

describe('npm run demo over samples/ and test/fixtures/hostile/', () => {
  let dir: string;
  let uploads: string[];
  let report: { uploaded: number; summarized: number; failed: number };
  let stored: StoredFile[];
  const byUpload = (file: string) => stored.filter((s) => s.body.source.key === `articles/${file}`);

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'stored-records-'));
    const hostile = (await readdir(HOSTILE_DIR))
      .filter((n) => n !== 'README.md')
      .map((n) => join(HOSTILE_DIR, n));
    uploads = [...sampleArticlePaths(), ...hostile];
    const out = join(dir, 'out');
    const { stdout } = await run('npm', ['run', '-s', 'demo', '--', '--out', out, ...uploads], {
      timeout: 150_000,
    });
    report = JSON.parse(stdout.trim().split('\n').at(-1) ?? '{}') as typeof report;
    stored = [...(await readStored(out, 'summary')), ...(await readStored(out, 'failure'))];
  }, 180_000);
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('stores exactly one summary or failure record per upload (the object keys are the file names)', () => {
    expect(new Set(uploads.map((u) => basename(u))).size).toBe(uploads.length);
    expect(report.uploaded).toBe(uploads.length);
    expect(report.summarized + report.failed).toBe(uploads.length);
    expect(stored.map((s) => s.body.source.key).sort()).toEqual(
      uploads.map((u) => `articles/${basename(u)}`).sort(),
    );
  });

  it('stores only records that validate against schema/summary.schema.json and schema/failure-record.schema.json', () => {
    expect(stored.length).toBeGreaterThanOrEqual(20);
    for (const record of stored)
      expectPublishedValid(record.kind, record.body, `${record.kind} ${record.name}`);
  });

  it('stores each http(s) URL canonical and RFC 3986-valid, and leaves out one that cannot be', () => {
    const urlOf = (file: string) => {
      const [record] = byUpload(file);
      expect(record?.kind, file).toBe('summary');
      return record?.body.source.url;
    };
    expect(urlOf('porto-ferry-angle-brackets.json')).toBe(
      'https://news.example.org/porto-ferry?a=1&b=%3C2%3E',
    );
    expect(urlOf('spaces-and-accents-url.json')).toBe(
      'https://news.example.org/Valbr%C3%A8ne%20tram/extens%C3%A3o%20nova?linha=C%C3%B4te%20d%27Or&zone=2%203#se%C3%A7%C3%A3o%20final',
    );
    expect(urlOf('whatwg-only-url.json')).toBe(
      'https://news.example.org/museum%7Creopens%5E?q=%5B1%5D%7B2%7D%60x%60&p=%25zz#part%23two',
    );
    expect(urlOf('javascript-url.json')).toBeUndefined();
    expect(urlOf('bad-host-url.json')).toBeUndefined();
    expect(urlOf('quay-cafes-canonical-link.html')).toBeUndefined();
    expect(urlOf('rail-timetable.json')).toMatch(/^https:\/\//);
  });

  it('records what cannot be read as failures with the reason code, not as summaries', () => {
    const codeOf = (file: string) => byUpload(file).map((r) => `${r.kind} ${r.body.code ?? ''}`.trim());
    expect(codeOf('empty.txt')).toEqual(['failure empty']);
    expect(codeOf('photo.png')).toEqual(['failure binary']);
    expect(codeOf('bad-json.json')).toEqual(['failure invalid-json']);
    expect(codeOf('url-not-a-string.json')).toEqual(['failure invalid-json']);
    expect(codeOf('nalchik-ferry-windows-1251.txt')).toEqual(['summary']);
  });
});
