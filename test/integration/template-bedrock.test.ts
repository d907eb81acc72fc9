/**
 * The SUMMARIZER=bedrock deploy, checked without AWS: `serverless package --param=summarizer=bedrock` once,
 * and `serverless print` (no build) for the default and for an inference-profile model. The summarize role
 * may invoke the configured model and nothing else, only when the stage asks for it; the function gets the
 * variables its configuration validates, and the longer timeout the model call needs.
 */
import { rm } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadSummarizeConfig } from '../../src/config.js';
import {
  asArray,
  packageService,
  printService,
  render,
  resource,
  type CfnTemplate,
  type CfnValue,
  type PackagedService,
} from '../support/deploy-template.js';

const NOVA_MICRO = 'amazon.nova-micro-v1:0';
const NOVA_LITE_US_PROFILE = 'us.amazon.nova-lite-v1:0';
const COUNTER_ARN =
  'arn:${AWS::Partition}:s3:::article-digest-dev-${AWS::AccountId}-${AWS::Region}/state/llm-calls/*';
const countModelCalls = {
  Sid: 'CountModelCalls',
  Effect: 'Allow',
  Action: ['s3:GetObject', 's3:PutObject'],
  Resource: [COUNTER_ARN],
};

type Statement = Record<string, CfnValue>;

/** Each statement with its Fn::Sub values rendered as text. */
function rendered(statements: CfnValue | undefined): Statement[] {
  return asArray(statements).map((statement) => {
    const s = statement as Statement;
    return {
      ...s,
      Resource: asArray(s.Resource).map(render),
      ...(s.Condition !== undefined && {
        Condition: JSON.parse(JSON.stringify(s.Condition), (_, v: CfnValue) =>
          typeof v === 'object' && v !== null && !Array.isArray(v) && 'Fn::Sub' in v ? render(v) : v,
        ) as CfnValue,
      }),
    };
  });
}

function bedrockPolicy(template: Pick<CfnTemplate, 'Resources'>) {
  const policy = resource(template as CfnTemplate, 'SummarizeBedrockPolicy', 'AWS::IAM::RolePolicy');
  const document = policy.Properties?.PolicyDocument as Record<string, CfnValue>;
  return { policy, statements: rendered(document.Statement) };
}

/** `serverless print` of the whole service, resolved with `args`. */
async function print(args: string[]): Promise<{
  functions: Record<string, { timeout: number; environment: Record<string, CfnValue> }>;
  resources: CfnTemplate;
}> {
  return (await printService('', args)) as Awaited<ReturnType<typeof print>>;
}

describe('packaged with --param=summarizer=bedrock', () => {
  let service: PackagedService;
  let template: CfnTemplate;

  beforeAll(async () => {
    service = await packageService([
      '--param=summarizer=bedrock',
      '--param=senderEmail=digest@news.example.org',
    ]);
    template = service.template;
  }, 120_000);
  afterAll(async () => {
    await rm(service.outDir, { recursive: true, force: true });
  });

  const summarize = () =>
    resource(template, 'SummarizeLambdaFunction', 'AWS::Lambda::Function').Properties ?? {};
  const environment = () => (summarize().Environment as { Variables: Record<string, CfnValue> }).Variables;

  it('grants bedrock:InvokeModel on the default model only, and the call counter, in a policy of its own', () => {
    const { policy, statements } = bedrockPolicy(template);

    expect(policy.Condition).toBe('SummarizeWithBedrock');
    expect(template.Conditions?.SummarizeWithBedrock).toEqual({ 'Fn::Equals': ['bedrock', 'bedrock'] });
    expect(policy.Properties?.RoleName).toEqual({ Ref: 'SummarizeRole' });
    expect(statements).toEqual([
      countModelCalls,
      {
        Sid: 'InvokeSummaryModel',
        Effect: 'Allow',
        Action: 'bedrock:InvokeModel',
        Resource: [`arn:\${AWS::Partition}:bedrock:\${AWS::Region}::foundation-model/${NOVA_MICRO}`],
      },
    ]);
  });

  it('gives summarize the summarizer, the model and the budget, in a configuration it accepts', () => {
    expect(environment()).toMatchObject({
      SUMMARIZER: 'bedrock',
      BEDROCK_MODEL_ID: NOVA_MICRO,
      LLM_DAILY_BUDGET: '2000',
    });
    const config = loadSummarizeConfig({
      AWS_REGION: 'eu-west-1',
      ...Object.fromEntries(Object.entries(environment()).map(([name, value]) => [name, render(value)])),
      BUCKET: 'article-digest-dev-123456789012-eu-west-1',
    });
    expect(config).toMatchObject({
      SUMMARIZER: 'bedrock',
      BEDROCK_MODEL_ID: NOVA_MICRO,
      LLM_DAILY_BUDGET: 2000,
    });
  });

  it('gives summarize the time a model call and the counter add to its worst case (120 s)', () => {
    expect(summarize().Timeout).toBe(120);
  });

  it('still ships summarize in at most 500 KiB', () => {
    expect(service.zips['summarize.zip']?.bytes).toBeLessThanOrEqual(500 * 1024);
  });
});

describe('printed with other parameters (no build)', () => {
  it('by default: summarizer extractive, no grant in effect (the condition is false), 90 s', async () => {
    const printed = await print([]);

    expect(printed.resources.Conditions?.SummarizeWithBedrock).toEqual({
      'Fn::Equals': ['extractive', 'bedrock'],
    });
    expect(bedrockPolicy(printed.resources).policy.Condition).toBe('SummarizeWithBedrock');
    expect(printed.functions.summarize?.environment).toMatchObject({
      SUMMARIZER: 'extractive',
      BEDROCK_MODEL_ID: NOVA_MICRO,
    });
    expect(printed.functions.summarize?.timeout).toBe(90);
  }, 60_000);

  it('with an inference profile: the profile, and the model in any region only through that profile', async () => {
    const printed = await print([
      '--param=summarizer=bedrock',
      `--param=bedrockModelId=${NOVA_LITE_US_PROFILE}`,
    ]);

    const profileArn = `arn:\${AWS::Partition}:bedrock:\${AWS::Region}:\${AWS::AccountId}:inference-profile/${NOVA_LITE_US_PROFILE}`;
    expect(bedrockPolicy(printed.resources).statements).toEqual([
      countModelCalls,
      {
        Sid: 'InvokeSummaryInferenceProfile',
        Effect: 'Allow',
        Action: 'bedrock:InvokeModel',
        Resource: [profileArn],
      },
      {
        Sid: 'InvokeSummaryModelThroughProfile',
        Effect: 'Allow',
        Action: 'bedrock:InvokeModel',
        Resource: ['arn:${AWS::Partition}:bedrock:*::foundation-model/amazon.nova-lite-v1:0'],
        Condition: { StringEquals: { 'bedrock:InferenceProfileArn': profileArn } },
      },
    ]);
    expect(printed.functions.summarize?.environment.BEDROCK_MODEL_ID).toBe(NOVA_LITE_US_PROFILE);
  }, 60_000);

  it('refuses a summarizer or a model id it cannot grant, before anything is built', async () => {
    await expect(print(['--param=summarizer=openai'])).rejects.toThrow(/functions.summarize.timeout/);
    await expect(print(['--param=summarizer=bedrock', '--param=bedrockModelId=*'])).rejects.toThrow(
      /is not a Bedrock model id/,
    );
  }, 60_000);
});
