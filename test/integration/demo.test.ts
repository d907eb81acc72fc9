import { execFile } from 'node:child_process';
import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { failureRecordSchema, summarySchema } from '../../src/summary/schema.js';
import { SEED_ARTICLE_PATH, sampleArticleNames } from '../support/samples.js';

const run = promisify(execFile);

/** Runs `npm run demo` with `args`, its output under a fresh folder; returns the folder and the JSON report. */
async function demo(dir: string, args: string[]): Promise<Record<string, number>> {
  const { stdout } = await run('npm', ['run', '-s', 'demo', '--', '--out', join(dir, 'out'), ...args], {
    timeout: 90_000,
  });
  return JSON.parse(stdout.trim().split('\n').at(-1) ?? '{}') as Record<string, number>;
}

async function readJsonFiles(dir: string): Promise<unknown[]> {
  const names = (await readdir(dir)).sort();
  return Promise.all(names.map(async (n) => JSON.parse(await readFile(join(dir, n), 'utf-8')) as unknown));
}

describe('npm run demo with no arguments', () => {
  let dir: string;
  let report: Record<string, number>;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'demo-samples-'));
    report = await demo(dir, []);
  }, 120_000);
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('uploads every sample the repository carries and summarizes each one', () => {
    const samples = sampleArticleNames().length;
    expect(samples).toBeGreaterThanOrEqual(6);
    expect(report).toEqual({ uploaded: samples, summarized: samples, failed: 0, emails: 2 });
  });

  it('reads each input kind: text, Markdown, HTML, JSON with an HTML body, and Windows-1252 text', async () => {
    const summaries = (await readJsonFiles(join(dir, 'out', 'summaries'))).map((s) => summarySchema.parse(s));
    const byKey = new Map(summaries.map((s) => [s.source.key, s]));
    expect(byKey.get('articles/library-reopening.md')?.source.format).toBe('markdown');
    expect(byKey.get('articles/solar-cooperative.html')?.source.format).toBe('html');
    expect(byKey.get('articles/rail-timetable.json')?.source.format).toBe('json');
    const legacy = byKey.get('articles/vineyard-harvest-windows-1252.txt');
    expect(legacy?.source.charset).toBe('windows-1252');
    expect(legacy?.title.text).toContain('Côtes de Valbrène');
    expect(JSON.stringify(summaries)).not.toContain('\uFFFD');
  });

  it('mails a digest that names every summarized sample', async () => {
    const emails = (await readJsonFiles(join(dir, 'out', 'emails'))) as EmailFile[];
    const summaries = (await readJsonFiles(join(dir, 'out', 'summaries'))).map((s) => summarySchema.parse(s));
    expect(emails).toHaveLength(2);
    for (const summary of summaries) expect(emails[0]?.body.text).toContain(summary.title.text);
  });
});

/** `npm run demo` end to end, as a user runs it: real emulators, real handlers, files under --out. */
describe('npm run demo with files named', () => {
  let dir: string;
  let out: string;
  let report: Record<string, number>;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'demo-'));
    out = join(dir, 'out');
    const empty = join(dir, 'empty note.txt');
    const binary = join(dir, 'photo.txt');
    await writeFile(empty, '');
    await writeFile(
      binary,
      Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 0, 0, 0x0d, 0x49, 0x48, 0x44, 0x52, 0, 0, 1, 0, 0xff, 0xfe, 0]),
    );
    report = await demo(dir, [SEED_ARTICLE_PATH, empty, binary]);
  }, 120_000);
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('prints a one-line JSON report last', () => {
    expect(report).toEqual({ uploaded: 3, summarized: 1, failed: 2, emails: 2 });
  });

  it('saves the stored summary, with the seed article title and no boilerplate in its summary', async () => {
    const [name] = await readdir(join(out, 'summaries'));
    const summary = summarySchema.parse(
      JSON.parse(await readFile(join(out, 'summaries', name ?? ''), 'utf-8')),
    );
    expect(summary.title.text).toMatch(/Halden Fell|spillway|Marrowby/);
    expect(summary.summary.length).toBeGreaterThanOrEqual(1);
    expect(summary.summary.join(' ')).not.toMatch(/RELATED STORIES|Featured Photo|courtesy of RT/);
  });

  it('saves one failure record with a reason per rejected upload', async () => {
    const names = await readdir(join(out, 'failures'));
    const records = await Promise.all(
      names.map(async (n) =>
        failureRecordSchema.parse(JSON.parse(await readFile(join(out, 'failures', n), 'utf-8'))),
      ),
    );
    expect(records.map((r) => r.source.key).sort()).toEqual([
      'articles/empty note.txt',
      'articles/photo.txt',
    ]);
    expect(records.every((r) => r.reason.length > 10)).toBe(true);
  });

  it('saves each digest email as the SES emulator received it, one per recipient, containing the summary', async () => {
    const names = await readdir(join(out, 'emails'));
    const emails = await Promise.all(
      names.map(async (n) => JSON.parse(await readFile(join(out, 'emails', n), 'utf-8')) as EmailFile),
    );
    const [summaryName] = await readdir(join(out, 'summaries'));
    const summary = summarySchema.parse(
      JSON.parse(await readFile(join(out, 'summaries', summaryName ?? ''), 'utf-8')),
    );
    // One per recipient, in the order SES received them: the two sends run side by side, so either may be first.
    expect(emails.map((e) => e.destination.to).sort()).toEqual([
      ['reader.one@example.com'],
      ['reader.two@example.com'],
    ]);
    for (const email of emails) {
      expect(email.body.text).toContain(summary.title.text);
      expect(email.body.text).toContain(summary.summary[0]);
      expect(email.body.html).toContain('<html');
    }
  });
});

interface EmailFile {
  destination: { to: string[] };
  body: { html: string; text: string };
}

describe('npm run demo on its command line', () => {
  it('prints its usage for --help and refuses an option it does not know, uploading nothing', async () => {
    const help = await run('npm', ['run', '-s', 'demo', '--', '--help'], { timeout: 30_000 });
    expect(help.stdout).toMatch(/^usage: npm run demo -- \[--out DIR\] \[FILE\.\.\.\]/);

    const refused = await run('npm', ['run', '-s', 'demo', '--', '--bogus', 'samples/harbour-ferry.txt'], {
      timeout: 30_000,
    }).then(
      () => undefined,
      (error: { code?: number; stderr?: string; stdout?: string }) => error,
    );
    expect(refused?.code).toBe(2);
    expect(refused?.stderr).toContain('unknown option --bogus');
    expect(refused?.stdout).not.toContain('uploaded');
    expect(refused?.stderr).not.toMatch(/^uploaded /m);
  });
});
