/**
 * The published contract as an independent consumer checks it: ajv (JSON Schema draft 2020-12) with
 * ajv-formats, over the committed files schema/summary.schema.json and schema/failure-record.schema.json
 * (not the zod schema they are generated from). The one helper every test uses to check a stored record.
 */
import { readFileSync } from 'node:fs';
import Ajv2020, { type ValidateFunction } from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import { expect } from 'vitest';
import { FAILURE_RECORD_SCHEMA_PATH, SCHEMA_PATH } from '../../scripts/generate-schema.js';

export type RecordKind = 'summary' | 'failure';

let validators: (Record<RecordKind, ValidateFunction> & { uri: ValidateFunction }) | undefined;

function validatorFor(kind: RecordKind | 'uri'): ValidateFunction {
  if (!validators) {
    // strict: a keyword ajv does not know, or a format it cannot check, is an error rather than ignored.
    const ajv = new Ajv2020({ allErrors: true, strict: true });
    addFormats(ajv); // "full" mode: "uri" is RFC 3986's URI
    const compile = (path: string) => ajv.compile(JSON.parse(readFileSync(path, 'utf8')) as object);
    validators = {
      summary: compile(SCHEMA_PATH),
      failure: compile(FAILURE_RECORD_SCHEMA_PATH),
      uri: ajv.compile({ type: 'string', format: 'uri' }),
    };
  }
  return validators[kind];
}

/** Whether ajv-formats' `format: "uri"` (RFC 3986) accepts `value`: what the published pattern must equal. */
export const isRfc3986Uri = (value: string): boolean => validatorFor('uri')(value);

/** ajv's errors for `record` against the published schema of its kind, one line each; empty when valid. */
export function publishedSchemaErrors(kind: RecordKind, record: unknown): string[] {
  const validate = validatorFor(kind);
  if (validate(record)) return [];
  return (validate.errors ?? []).map(
    (e) => `${e.instancePath || '/'} ${e.message ?? e.keyword} ${JSON.stringify(e.params)}`,
  );
}

/** Fails the test, naming `where` and ajv's errors, unless `record` is valid against its published schema. */
export function expectPublishedValid(kind: RecordKind, record: unknown, where: string): void {
  expect(publishedSchemaErrors(kind, record), `${where} against the published ${kind} schema`).toEqual([]);
}

/** The kind of record stored under `key`: `summaries/…` or `failures/…` (any prefix ending so). */
export function recordKindOf(key: string): RecordKind {
  if (/(^|\/)summaries\//.test(key)) return 'summary';
  if (/(^|\/)failures\//.test(key)) return 'failure';
  throw new Error(`${key} is neither under summaries/ nor under failures/`);
}
