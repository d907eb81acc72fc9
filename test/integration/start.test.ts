import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { once } from 'node:events';
import { existsSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { STACK_FILE } from '../../src/local/stack-file.js';
import { sampleArticleNames } from '../support/samples.js';

/** Resolves once `npm start` asks for Enter; rejects with what it printed if it exits first. */
function untilReady(service: ChildProcessWithoutNullStreams, output: () => string): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    service.stdout.on('data', () => output().includes('Press Enter') && resolve());
    service.once('exit', (code) => reject(new Error(`npm start exited with ${code}:\n${output()}`)));
  });
}

/** `npm start` as a newcomer runs it: samples summarized, a digest in the local inbox, Ctrl+C to stop. */
describe('npm start', () => {
  let service: ChildProcessWithoutNullStreams;
  let output = '';

  beforeAll(async () => {
    service = spawn(process.execPath, ['--openssl-legacy-provider', '--import', 'tsx', 'src/local/start.ts']);
    service.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    service.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    await untilReady(service, () => output);
  }, 60_000);
  afterAll(async () => {
    if (service.exitCode === null) {
      service.kill('SIGTERM');
      await once(service, 'exit');
    }
  });

  it('summarizes every sample article it carries', () => {
    const summarized = output.split('\n').filter((line) => line.startsWith('summarized  articles/'));
    expect(summarized).toHaveLength(sampleArticleNames().length);
    expect(output).not.toContain('FAILED');
  });

  it('sends the first digest to the local inbox, where its emails can be read', async () => {
    expect(output).toMatch(/digest for day \+0: 2 email\(s\) sent/);
    const inbox = /SES inbox +(http:\/\/127\.0\.0\.1:\d+\/)/.exec(output)?.[1] ?? '';
    const store = (await (await fetch(`${inbox}store`)).json()) as { emails: { subject: string }[] };
    expect(store.emails).toHaveLength(2);
  });

  it('says that nothing new arrived, and how to send something, when the next day has nothing to send', async () => {
    service.stdin.write('\n');

    await vi.waitFor(() => expect(output).toMatch(/digest for day \+1: .*\n/), { timeout: 20_000 });
    expect(output).toMatch(
      /digest for day \+1: 0 email\(s\) sent; nothing new arrived since the last digest: upload an article to http:\/\/127\.0\.0\.1:\d+ first, or start with SEND_EMPTY_DIGEST=true/,
    );
  });

  it('stops cleanly on Ctrl+C, removing the stack file', async () => {
    expect(existsSync(STACK_FILE)).toBe(true);
    // A terminal's Ctrl+C reaches npm and node both, and npm passes its own on: node gets two.
    service.kill('SIGINT');
    service.kill('SIGINT');
    const [code] = (await once(service, 'exit')) as [number | null];
    expect(code).toBe(0);
    expect(existsSync(STACK_FILE)).toBe(false);
  });
});

/** Stopped the other way: `kill` of npm's process (or a process manager's SIGTERM), not Ctrl+C in its terminal. */
describe('npm start stopped with SIGTERM', () => {
  it('stops the stack and removes the stack file, so `--local` tools do not find a stack that is gone', async () => {
    const npm = spawn('npm', ['start'], { env: { ...process.env, npm_config_update_notifier: 'false' } });
    let output = '';
    npm.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    npm.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    await untilReady(npm, () => output);
    expect(existsSync(STACK_FILE)).toBe(true);

    npm.kill('SIGTERM');
    await once(npm, 'exit');

    // npm's signal reached node itself: the emulators are closed, not orphaned with the file left behind.
    await vi.waitFor(() => expect(existsSync(STACK_FILE)).toBe(false), { timeout: 10_000 });
    const s3 = /S3 endpoint +(http:\/\/127\.0\.0\.1:\d+)/.exec(output)?.[1] ?? '';
    await vi.waitFor(() => expect(fetch(s3)).rejects.toThrow(), { timeout: 10_000 });
  }, 60_000);
});
