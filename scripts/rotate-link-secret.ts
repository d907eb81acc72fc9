/**
 * npm run rotate-link-secret -- --stage prod --link unsubscribe|article-link|subscribe [--region eu-west-1]
 *   [--dry-run] [--force] [--revoke]
 *
 * Rotates one kind of link's signing secret (scripts/link-secret-rotation.ts; docs/operations.md, "The
 * signing key"). Credentials and region come from the usual AWS environment (AWS_PROFILE, AWS_REGION, ...).
 */
import { parseArgs } from 'node:util';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { silenceSdkNodeVersionNotice } from '../src/local/lambda-runtime.js';
import { LINKS, rotateLinkSecret, secretIdFor, type LinkName } from './link-secret-rotation.js';

const usage =
  `usage: npm run rotate-link-secret -- --stage STAGE --link ${Object.keys(LINKS).join('|')} ` +
  '[--region REGION] [--dry-run] [--force] [--revoke]';

async function main(): Promise<number> {
  silenceSdkNodeVersionNotice();
  const { values } = parseArgs({
    options: {
      stage: { type: 'string' },
      link: { type: 'string' },
      region: { type: 'string' },
      'dry-run': { type: 'boolean', default: false },
      force: { type: 'boolean', default: false },
      revoke: { type: 'boolean', default: false },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) {
    console.log(usage);
    return 0;
  }
  const link = values.link;
  if (values.stage === undefined || link === undefined || !Object.hasOwn(LINKS, link)) {
    console.error(usage);
    return 2;
  }
  const region = values.region ?? process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION;
  const report = await rotateLinkSecret(new SecretsManagerClient(region ? { region } : {}), {
    secretId: secretIdFor(values.stage, link as LinkName),
    link: link as LinkName,
    now: new Date(),
    dryRun: values['dry-run'],
    force: values.force,
    revoke: values.revoke,
    log: (line) => console.log(line),
  });
  console.log(report.written ? 'Written.' : 'Dry run: nothing written.');
  return 0;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error instanceof Error ? `${error.name}: ${error.message}` : String(error));
    process.exit(1);
  },
);
