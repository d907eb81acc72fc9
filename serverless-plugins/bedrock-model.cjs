'use strict';
/**
 * The summarize role's grant for the configured Bedrock model (`--param="bedrockModelId=..."`), resolved
 * while packaging: `${file(./serverless-plugins/bedrock-model.cjs):summarizeBedrockStatements}` in serverless.yml.
 *
 * - A model id (`amazon.nova-micro-v1:0`): bedrock:InvokeModel on that foundation model in the stack's region.
 * - A cross-Region inference profile id (`us.amazon.nova-lite-v1:0`: a geography prefix, then the model id):
 *   bedrock:InvokeModel on that profile in the stack's region, and on the foundation model in any region the
 *   profile routes to, but only through that profile (the `bedrock:InferenceProfileArn` condition). The
 *   profile's destination regions change as AWS adds them; the condition keeps the grant as narrow as a
 *   list of them would, without going stale.
 *
 * Converse is authorized as bedrock:InvokeModel.
 */
const PROFILE_PREFIXES = ['us', 'us-gov', 'eu', 'apac', 'jp', 'au', 'ca', 'global'];
const MODEL_ID = /^[a-z0-9-]+\.[A-Za-z0-9._:-]+$/;

/** The statements for `modelId`; throws with a message when it is not a Bedrock model or profile id. */
function statementsFor(modelId) {
  if (typeof modelId !== 'string' || !MODEL_ID.test(modelId)) {
    const error = new Error(
      `bedrockModelId "${modelId}" is not a Bedrock model id (e.g. amazon.nova-micro-v1:0) or a cross-Region ` +
        'inference profile id (e.g. us.amazon.nova-lite-v1:0).',
    );
    error.stack = error.message;
    throw error;
  }
  const [prefix, ...rest] = modelId.split('.');
  if (!PROFILE_PREFIXES.includes(prefix)) {
    return [
      {
        Sid: 'InvokeSummaryModel',
        Effect: 'Allow',
        Action: 'bedrock:InvokeModel',
        Resource: [
          { 'Fn::Sub': `arn:\${AWS::Partition}:bedrock:\${AWS::Region}::foundation-model/${modelId}` },
        ],
      },
    ];
  }
  const profileArn = {
    'Fn::Sub': `arn:\${AWS::Partition}:bedrock:\${AWS::Region}:\${AWS::AccountId}:inference-profile/${modelId}`,
  };
  return [
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
      Resource: [{ 'Fn::Sub': `arn:\${AWS::Partition}:bedrock:*::foundation-model/${rest.join('.')}` }],
      Condition: { StringEquals: { 'bedrock:InferenceProfileArn': profileArn } },
    },
  ];
}

/**
 * The variable source: SummarizeBedrockPolicy's statements, `custom.iamStatements.countModelCalls` and then
 * those for the `bedrockModelId` stage parameter (a YAML list cannot splice in a list a variable returns).
 */
async function summarizeBedrockStatements({ resolveVariable }) {
  const countModelCalls = await resolveVariable('self:custom.iamStatements.countModelCalls');
  return [countModelCalls, ...statementsFor(await resolveVariable('param:bedrockModelId'))];
}

module.exports = { summarizeBedrockStatements, statementsFor };
