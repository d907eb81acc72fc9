import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { summarizeFile, summarizeJsonlLine } from '../../../src/local/summarize-cli.js';
import { summarySchema } from '../../../src/summary/schema.js';
import { SEED_ARTICLE_PATH } from '../../support/samples.js';

const STORY =
  'The city council approved a new budget on Monday. It raises spending on schools by 4% and cuts road repairs. ' +
  'The mayor said the plan protects classrooms. Opponents said roads would suffer. The vote was 7 to 2.';

describe('the summarize CLI', () => {
  it('summarizes a local file into content that the stored-summary schema accepts once completed', () => {
    // Act
    const content = summarizeFile(SEED_ARTICLE_PATH);

    // Assess
    const stored = summarySchema.safeParse({
      schemaVersion: 1,
      id: 'abcdef0123456789',
      source: { bucket: 'local', key: 'seed.txt', size: 4471, format: 'text', charset: 'utf-8' },
      createdAt: '2026-01-01T00:00:00.000Z',
      ...content,
    });
    expect(stored.success).toBe(true);
  });

  it('turns one JSONL line into one line with the id first and the summary as an array of sentences', () => {
    // Prepare
    const line = JSON.stringify({ id: 'council-1', article: STORY, title: 'Budget approved' });

    // Act
    const output = JSON.parse(summarizeJsonlLine(line, 1)) as {
      id: string;
      summary: string[];
      title: { text: string };
    };

    // Assess
    expect(Object.keys(output)[0]).toBe('id');
    expect(output.id).toBe('council-1');
    expect(output.summary.length).toBeGreaterThan(0);
    for (const sentence of output.summary) expect(STORY).toContain(sentence);
    expect(output.title).toEqual({ text: 'Budget approved', origin: 'document' });
  });

  it('rejects a JSONL line without an article, naming the line', () => {
    // Act
    const act = () => summarizeJsonlLine('{"id": "x"}', 3);

    // Assess
    expect(act).toThrow(/line 3: needs string fields "id" and "article"/);
  });

  it('exits non-zero with a clear message on stderr for an unreadable file', () => {
    // Prepare
    const dir = mkdtempSync(join(tmpdir(), 'summarize-cli-'));
    const empty = join(dir, 'empty.txt');
    writeFileSync(empty, '');

    // Act
    const run = spawnSync(process.execPath, ['--import', 'tsx', 'src/local/summarize-cli.ts', empty], {
      encoding: 'utf8',
    });

    // Assess
    expect(run.status).toBe(1);
    expect(run.stderr).toContain('UnreadableArticleError: The upload is empty (0 bytes).');
    expect(run.stdout).toBe('');
  });
});

describe('the summarize CLI on a mistyped command line', () => {
  const cli = (...args: string[]) =>
    spawnSync(process.execPath, ['--import', 'tsx', 'src/local/summarize-cli.ts', ...args], {
      encoding: 'utf8',
    });

  it('refuses an option it does not know, rather than reading it as a file', () => {
    const run = cli('--jsonn', 'in.jsonl');

    expect(run.status).toBe(2);
    expect(run.stderr).toMatch(/^unknown option --jsonn\nusage: npm run -s summarize/);
  });

  it('says a path does not exist or is a folder, without a stack trace', () => {
    const missing = cli('--jsonl', 'no-such-file.jsonl');
    const folder = cli('samples');

    expect([missing.status, folder.status]).toEqual([1, 1]);
    expect(missing.stderr.trim()).toBe('no-such-file.jsonl: no such file: check the path');
    expect(folder.stderr.trim()).toBe('samples: is a directory: name the files in it');
  });
});
