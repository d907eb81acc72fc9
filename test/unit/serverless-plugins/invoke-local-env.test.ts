import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';

type Environment = Record<string, unknown>;
interface FakeServerless {
  processedInput: { commands: string[] };
  service: {
    provider: { environment: Environment };
    functions: Record<string, { environment: Environment }>;
  };
  classes: { Error: typeof Error };
}
type Plugin = new (
  serverless: FakeServerless,
  options: { function?: string; env?: string | string[] },
) => { hooks: { initialize: () => void } };

const InvokeLocalEnv = createRequire(import.meta.url)(
  '../../../serverless-plugins/invoke-local-env.cjs',
) as Plugin;

function serverless(commands: string[]): FakeServerless {
  return {
    processedInput: { commands },
    service: {
      provider: {
        environment: { BUCKET: { 'Fn::Sub': 'article-digest-${AWS::AccountId}' }, LOG_LEVEL: 'INFO' },
      },
      functions: { digest: { environment: { ARTICLE_LINK_URL: { 'Fn::GetAtt': ['Url', 'FunctionUrl'] } } } },
    },
    classes: { Error },
  };
}

describe('invoke-local-env plugin', () => {
  it('replaces stack-resolved variables with the values given by --env, for invoke local only', () => {
    const sls = serverless(['invoke', 'local']);

    new InvokeLocalEnv(sls, {
      function: 'digest',
      env: ['BUCKET=local-bucket', 'ARTICLE_LINK_URL=http://127.0.0.1:1/?a=b'],
    }).hooks.initialize();

    expect(sls.service.provider.environment).toEqual({ BUCKET: 'local-bucket', LOG_LEVEL: 'INFO' });
    expect(sls.service.functions.digest?.environment).toEqual({
      ARTICLE_LINK_URL: 'http://127.0.0.1:1/?a=b',
    });
  });

  it('names the variables still missing instead of failing on a CloudFormation lookup', () => {
    const sls = serverless(['invoke', 'local']);
    const plugin = new InvokeLocalEnv(sls, { function: 'digest', env: 'BUCKET=b' });

    expect(() => plugin.hooks.initialize()).toThrow(
      /cannot be resolved offline: ARTICLE_LINK_URL\. Pass them with --env/,
    );
  });

  it('leaves packaging and deploying untouched', () => {
    const sls = serverless(['package']);

    new InvokeLocalEnv(sls, { function: 'digest' }).hooks.initialize();

    expect(sls.service.provider.environment.BUCKET).toEqual({
      'Fn::Sub': 'article-digest-${AWS::AccountId}',
    });
  });

  it("silences the AWS SDK's Node version notice for invoke local only, before any SDK client is made", () => {
    const NOTICE_OFF = 'AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED';
    const before = process.env[NOTICE_OFF];
    delete process.env[NOTICE_OFF];
    try {
      new InvokeLocalEnv(serverless(['package']), { function: 'digest' }).hooks.initialize();
      const packaging = process.env[NOTICE_OFF];
      new InvokeLocalEnv(serverless(['invoke', 'local']), {
        function: 'digest',
        env: ['BUCKET=b', 'ARTICLE_LINK_URL=http://127.0.0.1:1/'],
      }).hooks.initialize();

      expect(packaging).toBeUndefined();
      expect(process.env[NOTICE_OFF]).toBe('true');
    } finally {
      if (before === undefined) delete process.env[NOTICE_OFF];
      else process.env[NOTICE_OFF] = before;
    }
  });
});
