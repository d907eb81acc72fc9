import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';

const { stage, stageProblem, MAX_STAGE_LENGTH } = createRequire(import.meta.url)(
  '../../../serverless-plugins/stage-name.cjs',
) as {
  stage: (input: { options: { stage?: string } }) => string;
  stageProblem: (stage: unknown) => string | undefined;
  MAX_STAGE_LENGTH: number;
};

/** The bucket name serverless.yml derives from the stage (custom.bucketNameText). */
const bucketName = (stageName: string, region: string) =>
  `article-digest-${stageName}-123456789012-${region}`;

describe('the stage name check (provider.stage in serverless.yml)', () => {
  it('takes the --stage option, and dev without one', () => {
    expect(stage({ options: { stage: 'prod' } })).toBe('prod');
    expect(stage({ options: {} })).toBe('dev');
  });

  it.each(['dev', 'prod', 'a', 'eu-2', 'x'.repeat(MAX_STAGE_LENGTH)])('accepts %s', (name) => {
    expect(stageProblem(name)).toBeUndefined();
  });

  it.each([
    ['Bad_Stage', 'bad-stage'],
    ['Prod', 'prod'],
    ['my.stage', 'my-stage'],
    ['-dev', 'dev'],
    ['dev-', 'dev'],
    ['x'.repeat(MAX_STAGE_LENGTH + 1), 'x'.repeat(MAX_STAGE_LENGTH)],
  ])('refuses %s, suggesting %s', (name, suggestion) => {
    expect(stageProblem(name)).toMatch(new RegExp(`^Stage "${name.replace('.', '\\.')}" cannot be used: `));
    expect(stageProblem(name)).toMatch(new RegExp(`Try --stage ${suggestion}$`));
  });

  it('refuses an empty stage without a suggestion', () => {
    expect(stageProblem('')).toMatch(/^Stage "" cannot be used: .*63 characters\.$/);
  });

  it('stops with the message alone (osls prints a thrown error stack)', () => {
    let thrown: unknown;
    try {
      stage({ options: { stage: 'Bad_Stage' } });
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(Error);
    expect((thrown as Error).stack).toBe((thrown as Error).message);
  });

  it('keeps every accepted stage within the 63 characters of a bucket name, in the longest regions', () => {
    const longest = 'x'.repeat(MAX_STAGE_LENGTH);
    for (const region of ['ap-southeast-7', 'eusc-de-east-1', 'us-gov-west-1']) {
      expect(bucketName(longest, region).length).toBeLessThanOrEqual(63);
    }
  });
});
