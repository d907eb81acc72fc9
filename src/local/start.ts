/**
 * `npm start`: the service running on this machine with no AWS account and no Docker. Seeds the bucket
 * with the repository's samples/*, summarizes each upload as S3 would trigger it, sends a digest, then keeps
 * running so you can upload more with any S3 client and send the next digest from the keyboard.
 */
import { createInterface, type Interface } from 'node:readline';
import { errorMessage } from '../errors.js';
import { checkCommandLine } from './command-line.js';
import type { UploadOutcome } from '../use-cases/summarize-upload/summarize-upload.js';
import { LOCAL_CREDENTIALS, LOCAL_REGION } from './emulators.js';
import { startLocalStack } from './local-stack.js';
import { readStackFile, removeStackFile, writeStackFile } from './stack-file.js';
import { sampleArticlePaths } from './samples.js';
const DAY_MS = 24 * 60 * 60 * 1000;

const USAGE = `usage: npm start
  Runs the service on this machine (S3, SES, DynamoDB and SQS emulators on 127.0.0.1, no AWS account):
  summarizes the samples in samples/, sends a digest, then keeps running. Prints the local URLs; Enter sends
  the next day's digest, Ctrl+C stops. No options.`;

async function main(): Promise<void> {
  checkCommandLine(USAGE);
  const stack = await startLocalStack({
    quietLogs: true,
    onSummarized: (r) => r.outcomes.forEach(printOutcome),
  });
  // Lets `npm run subscribers -- --local ...` reach this stack's table while it runs.
  const stackFile = {
    DIGEST_TABLE: stack.table,
    DYNAMODB_ENDPOINT: stack.dynamoDb.endpoint,
    AWS_REGION: LOCAL_REGION,
  };
  await warnIfAnotherStackRuns();
  await writeStackFile(stackFile);
  // Ctrl+C (SIGINT) or kill (SIGTERM), from now on: the file goes with the stack, so --local never finds a
  // stack that is gone. (`npm start` execs node, so npm's SIGTERM reaches this process, not only its shell.)
  // A terminal's Ctrl+C reaches npm and node both, and npm passes its own on: the stop runs once, and the
  // second signal does not cut its cleanup short.
  const keyboard: { input?: Interface } = {};
  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    keyboard.input?.close();
    await removeStackFile(stackFile);
    await stack.close();
    process.exit(0);
  };
  process.on('SIGINT', () => void stop());
  process.on('SIGTERM', () => void stop());
  for (const path of sampleArticlePaths()) await stack.upload(path);
  await stack.settled();

  // Each press of Enter is the next day's scheduled run: a subscriber gets at most one digest a day.
  let day = 0;
  const sendDigest = async () => {
    const before = (await stack.ses.emails()).length;
    await stack.runDigest(new Date(Date.now() + day * DAY_MS));
    const sent = (await stack.ses.emails()).length - before;
    console.log(
      `digest for day +${day}: ${sent} email(s) sent; ` +
        (sent > 0
          ? `open ${stack.ses.inboxUrl} to read them`
          : `nothing new arrived since the last digest: upload an article to ${stack.s3.endpoint} first, ` +
            'or start with SEND_EMPTY_DIGEST=true to send a short "nothing new" note'),
    );
    day += 1;
  };
  await sendDigest();

  const env = `AWS_ACCESS_KEY_ID=${LOCAL_CREDENTIALS.AWS_ACCESS_KEY_ID} AWS_SECRET_ACCESS_KEY=${LOCAL_CREDENTIALS.AWS_SECRET_ACCESS_KEY} AWS_DEFAULT_REGION=${LOCAL_REGION}`;
  console.log(`
Local service is running.
  Sign up       ${stack.subscribe.url}   (the signup page; confirmation mails land in the SES inbox)
  S3 endpoint   ${stack.s3.endpoint}   (bucket "${stack.bucket}", files in ${stack.s3.directory})
  SES inbox     ${stack.ses.inboxUrl}
  Unsubscribe   ${stack.unsubscribe.url}   (the function URL the digest's List-Unsubscribe links point to)
  Article link  ${stack.articleLink.url}   (the function URL the digest's links to stored originals point to)
  Subscribers   DynamoDB table "${stack.table}" at ${stack.dynamoDb.endpoint}
Add a subscriber (due at the next run when their local send hour has come):
  npm run subscribers -- --local add you@example.com --time-zone Europe/Berlin --send-at 07:00
Upload an article (summarized as soon as it lands under articles/):
  ${env} aws --endpoint-url ${stack.s3.endpoint} s3 cp my-article.txt s3://${stack.bucket}/articles/my-article.txt
Press Enter to run the next day's digest, Ctrl+C to stop.`);

  const input = createInterface({ input: process.stdin });
  keyboard.input = input;
  input.on(
    'line',
    () => void sendDigest().catch((e: unknown) => console.error(`digest failed: ${String(e)}`)),
  );
}

/** A stack file whose DynamoDB still answers is another `npm start`'s: say that --local now means this one. */
async function warnIfAnotherStackRuns(): Promise<void> {
  const other = await readStackFile().catch(() => undefined);
  if (other === undefined) return;
  const answers = await fetch(other.DYNAMODB_ENDPOINT, { signal: AbortSignal.timeout(1_000) }).then(
    () => true,
    () => false,
  );
  if (answers) {
    console.warn(
      `Another npm start is running (its DynamoDB answers at ${other.DYNAMODB_ENDPOINT}); ` +
        '`npm run subscribers -- --local` now reaches this one.',
    );
  }
}

function printOutcome(outcome: UploadOutcome): void {
  const line: Record<UploadOutcome['status'], string> = {
    summarized: `summarized  ${outcome.key}`,
    'already-summarized': `unchanged   ${outcome.key}`,
    failed: `FAILED      ${outcome.key}`,
    ignored: `ignored     ${outcome.key}`,
    superseded: `superseded  ${outcome.key}`,
  };
  const detail =
    outcome.status === 'summarized'
      ? ` -> ${outcome.summaryKey} ("${outcome.title}")`
      : outcome.status === 'failed'
        ? ` -> ${outcome.failureKey}: ${outcome.reason}`
        : '';
  console.log(line[outcome.status] + detail);
}

main().catch((error: unknown) => {
  console.error(`start failed: ${errorMessage(error)}`);
  process.exit(1);
});
