import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  FAILURE_RECORD_SCHEMA_PATH,
  SCHEMA_PATH,
  failureRecordJsonSchema,
  summaryJsonSchema,
} from '../../../scripts/generate-schema.js';

describe('schema/summary.schema.json', () => {
  it('is what `npm run schema` generates from the zod schema today (run it when this fails)', () => {
    // Prepare
    const committed = readFileSync(SCHEMA_PATH, 'utf8');

    // Act
    const generated = summaryJsonSchema();

    // Assess
    expect(committed).toBe(generated);
  });

  it('carries the schema version as a constant', () => {
    // Act
    const schema = JSON.parse(summaryJsonSchema()) as { properties: { schemaVersion: { const: number } } };

    // Assess
    expect(schema.properties.schemaVersion.const).toBe(1);
  });

  it('publishes source.url as the pattern zod checks, not as a format a validator may read differently', () => {
    // Act
    const schema = JSON.parse(summaryJsonSchema()) as {
      properties: { source: { properties: { url: Record<string, unknown> } } };
    };

    // Assess
    const url = schema.properties.source.properties.url;
    expect(url).toMatchObject({ type: 'string', pattern: expect.stringMatching(/^\^\[A-Za-z\]/) as unknown });
    expect(url).not.toHaveProperty('format');
  });
});

describe('schema/failure-record.schema.json', () => {
  it('is what `npm run schema` generates from the zod schema today (run it when this fails)', () => {
    // Prepare
    const committed = readFileSync(FAILURE_RECORD_SCHEMA_PATH, 'utf8');

    // Act
    const generated = failureRecordJsonSchema();

    // Assess
    expect(committed).toBe(generated);
  });

  it('describes a failure record: its own id, title and required fields, the same schema version', () => {
    // Act
    const schema = JSON.parse(failureRecordJsonSchema()) as {
      $id: string;
      title: string;
      required: string[];
      properties: { schemaVersion: { const: number } };
    };

    // Assess
    expect(schema.$id).toBe('https://article-digest.local/schema/failure-record.v1.json');
    expect(schema.title).toBe('Failure record');
    expect(schema.required).toEqual(['schemaVersion', 'id', 'source', 'reason', 'code', 'failedAt']);
    expect(schema.properties.schemaVersion.const).toBe(1);
  });
});
