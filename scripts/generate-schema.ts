/** npm run schema: writes schema/summary.schema.json from the one zod schema (src/summary/schema.ts). */
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { SUMMARY_SCHEMA_VERSION, summarySchema } from '../src/summary/schema.js';

export const SCHEMA_PATH = fileURLToPath(new URL('../schema/summary.schema.json', import.meta.url));

/** The committed file's exact text, so a test can compare it with what the schema gives today. */
export function summaryJsonSchema(): string {
  const schema = z.toJSONSchema(summarySchema, { target: 'draft-2020-12' });
  const document = {
    $id: `https://article-digest.local/schema/summary.v${SUMMARY_SCHEMA_VERSION}.json`,
    title: 'Article summary',
    ...schema,
  };
  return `${JSON.stringify(document, null, 2)}\n`;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  writeFileSync(SCHEMA_PATH, summaryJsonSchema());
  console.log(`wrote ${SCHEMA_PATH}`);
}
