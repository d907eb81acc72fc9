import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { SCHEMA_PATH, summaryJsonSchema } from '../../../scripts/generate-schema.js';

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
});
