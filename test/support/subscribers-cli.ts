/** Runs `npm run subscribers` as an operator would (a child process), against emulators named in `env`. */
import { execFile } from 'node:child_process';
import { LOCAL_CREDENTIALS, LOCAL_REGION } from '../../src/local/emulators.js';

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
  /** The last line of stdout, parsed. */
  summary: unknown;
}

/** `env` names the table and endpoints; the local fake credentials (s3rver checks the key id) and region are added. */
export function runSubscribersCli(args: string[], env: Record<string, string>): Promise<CliRun> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['--import', 'tsx', 'scripts/subscribers.ts', ...args],
      {
        env: {
          PATH: process.env.PATH,
          AWS_REGION: LOCAL_REGION,
          ...LOCAL_CREDENTIALS,
          AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
          ...env,
        },
      },
      (error, stdout, stderr) => {
        const last = stdout.trim().split('\n').at(-1) ?? '';
        let summary: unknown;
        try {
          summary = JSON.parse(last);
        } catch {
          summary = undefined;
        }
        resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr, summary });
      },
    );
  });
}
