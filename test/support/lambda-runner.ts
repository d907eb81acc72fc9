/**
 * A stand-in Lambda runtime in its own process, so a test can kill it with SIGKILL at any point, as Lambda
 * kills a sandbox on a timeout or a crash. It imports the real entry points (`src/handlers/*.ts` `main`,
 * configured by the environment the parent passes: the emulators' endpoints, the bucket, the prefixes) and
 * invokes them in the order a plan file gives:
 *
 *   node --import tsx test/support/lambda-runner.ts PLAN.json
 *   PLAN = { "steps": [ { "handler": "summarize", "events": [<S3 event>, ...] }, { "handler": "digest", "time": "<ISO>" } ] }
 *
 * It prints one line per event: `ready` once the handlers are loaded, `summarized <i>` or `failed <i> <why>`
 * per S3 event, `digest <report JSON>` per digest run, and `done` at the end.
 */
import { readFile } from 'node:fs/promises';
import type { Context, S3Event } from 'aws-lambda';
import { lambdaContext } from '../../src/local/lambda-runtime.js';

type Step = { handler: 'summarize'; events: S3Event[] } | { handler: 'digest'; time: string };
type Entry = (event: unknown, context: Context) => Promise<unknown>;

const say = (line: string) => process.stdout.write(`${line}\n`);

async function main(): Promise<void> {
  const planPath = process.argv[2];
  if (!planPath) throw new Error('usage: node --import tsx test/support/lambda-runner.ts PLAN.json');
  const { steps } = JSON.parse(await readFile(planPath, 'utf8')) as { steps: Step[] };
  const uses = (name: Step['handler']) => steps.some((step) => step.handler === name);
  const summarize = uses('summarize')
    ? ((await import('../../src/handlers/summarize.js')).main as unknown as Entry)
    : undefined;
  const digest = uses('digest')
    ? ((await import('../../src/handlers/digest.js')).main as unknown as Entry)
    : undefined;
  say('ready');
  for (const step of steps) {
    if (step.handler === 'summarize' && summarize) {
      for (const [index, event] of step.events.entries()) {
        try {
          await summarize(event, lambdaContext('summarize', 60_000));
          say(`summarized ${index}`);
        } catch (error: unknown) {
          say(`failed ${index} ${error instanceof Error ? error.message : String(error)}`);
        }
      }
    } else if (step.handler === 'digest' && digest) {
      say(`digest ${JSON.stringify(await digest({ time: step.time }, lambdaContext('digest', 300_000)))}`);
    }
  }
  say('done');
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
