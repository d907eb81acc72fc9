import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * The `alias` entries of custom.esbuild in serverless.yml, so that bundles built outside `serverless package`
 * (the bench's, the bundled HTML reader's test) are built as the Lambda zips are. Read with a pattern, not a
 * YAML parser: the block is a flat list of `key: path` lines and the comments that explain them.
 */
export function bundleAliases(root: string): Record<string, string> {
  const yml = readFileSync(join(root, 'serverless.yml'), 'utf8');
  const block = /\n {4}alias:\n((?: {6}(?:#.*|\S+: \S+)\n)+)/.exec(yml)?.[1] ?? '';
  // A key may be quoted ('@aws-sdk/client-s3').
  return Object.fromEntries([...block.matchAll(/^ {6}'?([^\s#']+)'?: (\S+)$/gm)].map((m) => [m[1], m[2]]));
}
