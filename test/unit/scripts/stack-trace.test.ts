import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const directory = mkdtempSync(join(tmpdir(), 'stack-trace-'));
afterAll(() => rmSync(directory, { recursive: true, force: true }));

/** `npm run stack-trace -- ...args` as an operator runs it. */
const stackTrace = (args: string[], input = '') =>
  spawnSync(process.execPath, ['--import', 'tsx', 'scripts/stack-trace.ts', ...args], {
    encoding: 'utf8',
    input,
  });

describe('npm run stack-trace', () => {
  it('prints its usage for --help and exits 0 instead of reading a file named --help', () => {
    const run = stackTrace(['--help']);

    expect(run.status).toBe(0);
    expect(run.stdout).toMatch(/^usage: npm run stack-trace -- /);
    expect(run.stderr).not.toContain('ENOENT');
  });

  it('says to package first when the source map is missing, without a stack trace', () => {
    const missing = join(directory, 'sourcemaps', 'summarize.js.map');

    const run = stackTrace([missing]);

    expect(run.status).toBe(2);
    expect(run.stderr.trim()).toBe(`no source map at ${missing}: run \`npm run package\` first`);
  });

  it('follows each bundle position with its place in src/', () => {
    // One mapping: line 1, column 1 of the bundle is line 1, column 1 of the handler's source.
    const map = join(directory, 'summarize.js.map');
    writeFileSync(
      map,
      JSON.stringify({
        version: 3,
        sources: ['../../../../src/handlers/summarize.ts'],
        names: [],
        mappings: 'AAAA',
      }),
    );

    const run = stackTrace([map], 'Error: boom\n    at main (/var/task/src/handlers/summarize.js:1:1)\n');

    expect(run.status).toBe(0);
    expect(run.stdout).toContain('summarize.js:1:1 [src/handlers/summarize.ts:1:1])');
  });
});
