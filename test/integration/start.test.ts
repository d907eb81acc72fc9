import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { once } from 'node:events';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sampleArticleNames } from '../support/samples.js';

/** `npm start` as a newcomer runs it: samples summarized, a digest in the local inbox, Ctrl+C to stop. */
describe('npm start', () => {
  let service: ChildProcessWithoutNullStreams;
  let output = '';

  beforeAll(async () => {
    service = spawn(process.execPath, ['--openssl-legacy-provider', '--import', 'tsx', 'src/local/start.ts']);
    service.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    service.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    // Ready when it asks for Enter; fail fast with what it printed if it exits first.
    await new Promise<void>((resolve, reject) => {
      service.stdout.on('data', () => output.includes('Press Enter') && resolve());
      service.once('exit', (code) => reject(new Error(`npm start exited with ${code}:\n${output}`)));
    });
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

  it('stops cleanly on Ctrl+C', async () => {
    service.kill('SIGINT');
    const [code] = (await once(service, 'exit')) as [number | null];
    expect(code).toBe(0);
  });
});
