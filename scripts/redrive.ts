/**
 * npm run redrive -- [--stage dev | --queue-url URL] [--region eu-west-1] [--dry-run] [--limit 100]
 *
 * Replays the failed asynchronous invocations waiting in the stack's failed-invocations queue (see
 * scripts/redrive-queue.ts). Credentials and region come from the usual AWS environment (AWS_PROFILE,
 * AWS_REGION, ...). The queue URL is taken from --queue-url, else FAILED_INVOCATIONS_QUEUE_URL, else looked up
 * from --stage (or STAGE, default dev).
 */
import { parseArgs } from 'node:util';
import { LambdaClient } from '@aws-sdk/client-lambda';
import { SQSClient } from '@aws-sdk/client-sqs';
import { silenceSdkNodeVersionNotice } from '../src/local/lambda-runtime.js';
import { DEFAULT_STAGE, explainSetupError, queueUrlForStage, redrive } from './redrive-queue.js';

const usage =
  'usage: npm run redrive -- [--stage STAGE | --queue-url URL] [--region REGION] [--dry-run] [--limit N]';
const help = `${usage}

Replays the failed asynchronous invocations waiting in a deployed stage's failed-invocations queue
(article-digest-STAGE-failed-invocations): each is invoked again with its original event, then deleted.
  --stage STAGE     the stage whose queue to read (default: STAGE from the environment, else ${DEFAULT_STAGE})
  --queue-url URL   the queue itself (else FAILED_INVOCATIONS_QUEUE_URL), instead of the stage's
  --region REGION   the stage's region (default: AWS_REGION or AWS_DEFAULT_REGION, else the profile's)
  --dry-run         list what would be redriven; nothing is invoked or deleted
  --limit N         stop after N messages (default 100)
It calls SQS and Lambda in the stage's AWS account, even with --dry-run, so it needs AWS credentials:
AWS_PROFILE (a profile from aws configure or aws sso login) or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY.
Exit status: 0 done; 1 a message could not be read or redriven, or AWS refused; 2 the command line is
wrong, or no region or credentials.`;

async function main(): Promise<number> {
  silenceSdkNodeVersionNotice();
  const { values } = parseArgs({
    options: {
      stage: { type: 'string' },
      'queue-url': { type: 'string' },
      region: { type: 'string' },
      'dry-run': { type: 'boolean', default: false },
      limit: { type: 'string', default: '100' },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) {
    console.log(help);
    return 0;
  }
  const limit = Number(values.limit);
  if (!Number.isInteger(limit) || limit < 1) {
    console.error(`--limit must be a positive whole number\n${usage}`);
    return 2;
  }
  const region = values.region ?? process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION;
  const sqs = new SQSClient(region ? { region } : {});
  const lambda = new LambdaClient(region ? { region } : {});
  const queueUrl =
    values['queue-url'] ??
    process.env.FAILED_INVOCATIONS_QUEUE_URL ??
    (await queueUrlForStage(sqs, values.stage ?? process.env.STAGE ?? DEFAULT_STAGE));

  console.log(`${values['dry-run'] ? 'Dry run: listing' : 'Redriving'} failed invocations from ${queueUrl}`);
  const report = await redrive(
    { sqs, lambda },
    {
      queueUrl,
      dryRun: values['dry-run'],
      limit,
      visibilityTimeoutSeconds: 60,
      log: (line) => console.log(line),
    },
  );
  console.table({
    redriven: report.redriven.length,
    'would redrive (dry run)': report.wouldRedrive.length,
    'failed to redrive': report.failed.length,
    unreadable: report.unreadable.length,
  });
  return report.failed.length + report.unreadable.length > 0 ? 1 : 0;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    const parseError =
      error instanceof Error && String((error as NodeJS.ErrnoException).code).startsWith('ERR_PARSE_ARGS');
    const setup = parseError ? error.message : explainSetupError(error);
    if (setup !== undefined) {
      console.error(`redrive: ${setup}\n(npm run redrive -- --help)`);
      process.exitCode = 2;
      return;
    }
    console.error(error instanceof Error ? `${error.name}: ${error.message}` : error);
    process.exitCode = 1;
  },
);
