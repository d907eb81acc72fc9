/**
 * npm run schema: writes the published JSON Schemas from the one zod schema (src/summary/schema.ts):
 * schema/summary.schema.json (what is stored under summaries/) and schema/failure-record.schema.json (what is
 * stored under failures/). A test fails when either committed file is stale.
 */
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import * as z from '../src/zod.js';
import { checkCommandLine } from '../src/local/command-line.js';
import { SUMMARY_SCHEMA_VERSION, failureRecordSchema, summarySchema } from '../src/summary/schema.js';

export const SCHEMA_PATH = fileURLToPath(new URL('../schema/summary.schema.json', import.meta.url));
export const FAILURE_RECORD_SCHEMA_PATH = fileURLToPath(
  new URL('../schema/failure-record.schema.json', import.meta.url),
);

function jsonSchemaText(schema: z.ZodMiniType, name: string, title: string): string {
  const document = {
    $id: `https://article-digest.local/schema/${name}.v${SUMMARY_SCHEMA_VERSION}.json`,
    title,
    ...z.toJSONSchema(schema, { target: 'draft-2020-12' }),
  };
  return `${JSON.stringify(document, null, 2)}\n`;
}

/** The committed file's exact text, so a test can compare it with what the schema gives today. */
export function summaryJsonSchema(): string {
  return jsonSchemaText(summarySchema, 'summary', 'Article summary');
}

/** The committed failure-record schema's exact text, likewise. */
export function failureRecordJsonSchema(): string {
  return jsonSchemaText(failureRecordSchema, 'failure-record', 'Failure record');
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  checkCommandLine(`usage: npm run schema
  Regenerates schema/summary.schema.json and schema/failure-record.schema.json from src/summary/schema.ts
  (a test fails while either is stale). No options.`);
  for (const [path, text] of [
    [SCHEMA_PATH, summaryJsonSchema()],
    [FAILURE_RECORD_SCHEMA_PATH, failureRecordJsonSchema()],
  ] as const) {
    writeFileSync(path, text);
    console.log(`wrote ${path}`);
  }
}
