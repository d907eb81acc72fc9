import { describe, expect, it } from 'vitest';
import { commandLineOutcome } from '../../../src/local/command-line.js';

const USAGE = 'usage: tool [--out DIR] [--quick] [FILE...]';
const TOOL = { options: { '--out': 'value', '--quick': 'flag' }, takesWords: true } as const;

describe('commandLineOutcome', () => {
  it('runs on the options and words it takes', () => {
    expect(commandLineOutcome(USAGE, TOOL, ['--out', 'dir', '--quick', 'a.txt', 'b.md'])).toBeUndefined();
    expect(commandLineOutcome(USAGE, {}, [])).toBeUndefined();
  });

  it('answers --help and -h with the usage and exit 0, whatever else is there', () => {
    expect(commandLineOutcome(USAGE, TOOL, ['a.txt', '--help'])).toEqual({ exitCode: 0, message: USAGE });
    expect(commandLineOutcome(USAGE, {}, ['-h'])).toEqual({ exitCode: 0, message: USAGE });
  });

  it('refuses, with exit 2 and the usage, an unknown option, a missing value and a word it does not take', () => {
    const refusal = (spec: Parameters<typeof commandLineOutcome>[1], args: string[]) =>
      commandLineOutcome(USAGE, spec, args);
    expect(refusal(TOOL, ['--bogus'])).toEqual({ exitCode: 2, message: `unknown option --bogus\n${USAGE}` });
    expect(refusal(TOOL, ['--out'])?.message).toMatch(/^--out needs a value\n/);
    expect(refusal(TOOL, ['--out', '--quick'])?.message).toMatch(/^--out needs a value\n/);
    expect(refusal({}, ['article.txt'])).toEqual({
      exitCode: 2,
      message: `unexpected argument "article.txt"\n${USAGE}`,
    });
  });
});
