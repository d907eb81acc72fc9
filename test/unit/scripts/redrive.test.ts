import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { explainSetupError } from '../../../scripts/redrive-queue.js';

// An empty HOME (no ~/.aws), no AWS_* variables and no instance metadata lookup: nothing leaves the machine.
const home = mkdtempSync(join(tmpdir(), 'redrive-home-'));
afterAll(() => rmSync(home, { recursive: true, force: true }));

/** `npm run redrive -- ...args` on a machine where AWS is not set up. */
const redrive = (args: string[], env: Record<string, string> = {}) =>
  spawnSync(process.execPath, ['--import', 'tsx', 'scripts/redrive.ts', ...args], {
    encoding: 'utf8',
    env: { PATH: process.env.PATH, HOME: home, AWS_EC2_METADATA_DISABLED: 'true', ...env },
  });

describe('npm run redrive without AWS set up', () => {
  it('says to give a region, and which stage it reads, instead of "Region is missing"', () => {
    const run = redrive(['--dry-run']);

    expect(run.status).toBe(2);
    expect(run.stderr).toContain(
      'redrive: no AWS region: give --region (e.g. --region eu-west-1) or set AWS_REGION',
    );
    expect(run.stderr).toContain('--stage STAGE, else STAGE, else dev');
    expect(run.stderr).not.toContain('NodeVersionSupportWarning');
  });

  it('says to set credentials instead of printing the CredentialsProviderError', () => {
    const run = redrive(['--dry-run'], { AWS_REGION: 'eu-west-1' });

    expect(run.status).toBe(2);
    expect(run.stderr).toMatch(
      /^redrive: no AWS credentials \(.+\): set AWS_PROFILE .* or AWS_ACCESS_KEY_ID/,
    );
  });

  it('explains the stage default and the credentials in --help', () => {
    const run = redrive(['--help']);

    expect(run.status).toBe(0);
    expect(run.stdout).toMatch(
      /--stage STAGE +the stage whose queue to read \(default: STAGE from the environment, else dev\)/,
    );
    expect(run.stdout).toContain('so it needs AWS credentials');
  });

  it('leaves any other error to be reported as it is', () => {
    expect(explainSetupError(new Error('Access Denied'))).toBeUndefined();
    expect(explainSetupError('Region is missing')).toBeUndefined();
  });
});
