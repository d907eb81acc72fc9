/**
 * What a local stand-in for the Lambda runtime gives a handler: an invocation context with a deadline, and
 * environment variables set for the handlers' config and restored afterwards. Used by the local stack and by
 * the tests that run the real entry points.
 */
import type { Context } from 'aws-lambda';

/** A Lambda context whose remaining time counts down from `timeoutMs` (the function's configured timeout). */
export function lambdaContext(functionName: string, timeoutMs = 60_000): Context {
  const deadline = Date.now() + timeoutMs;
  return {
    callbackWaitsForEmptyEventLoop: false,
    functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:us-east-1:000000000000:function:${functionName}`,
    memoryLimitInMB: '1024',
    awsRequestId: crypto.randomUUID(),
    logGroupName: `/aws/lambda/${functionName}`,
    logStreamName: 'local',
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}

/** Sets environment variables and returns how to put back what was there before. */
export function setEnv(values: Record<string, string>): () => void {
  const before = Object.keys(values).map((name) => [name, process.env[name]] as const);
  Object.assign(process.env, values);
  return () => {
    for (const [name, value] of before) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  };
}

/**
 * Silences the AWS SDK's notice that its releases after January 2027 need Node 22: Lambda runs Node.js 24
 * (serverless.yml), and Node 20 is supported locally until then. Call it before the first SDK client is made,
 * which is when the SDK warns. Returns how to put back what was there before.
 */
export function silenceSdkNodeVersionNotice(): () => void {
  return setEnv({ AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' });
}
