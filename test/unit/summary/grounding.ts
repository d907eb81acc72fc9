/** Shared by the grounding tests: every extracted span must be found in the source text. */
import { readFileSync } from 'node:fs';
import { expect } from 'vitest';
import type { SummaryContent } from '../../../src/summary/schema.js';
import { summarizePlainText } from '../../../src/summary/plain-text.js';

export const SHARED = new URL('../../../../shared/', import.meta.url);

export interface EvalRow {
  id: string;
  article: string;
  title?: string;
}

export function readEvalFile(name: string): EvalRow[] {
  return readFileSync(new URL(`eval/${name}`, SHARED), 'utf8')
    .split('\n')
    .filter((line) => line.trim())
    .map((line) => JSON.parse(line) as EvalRow);
}

/** Whitespace collapsed and curly quotes made straight, as the grounding contract allows. */
export function normalizeForGrounding(text: string): string {
  return text
    .normalize('NFC')
    .replace(/[‘’‚′]/g, "'")
    .replace(/[“”„″]/g, '"')
    .replace(/\s+/g, ' ')
    .trim();
}

/** The spans a summary claims from its source that are not there (empty when all are grounded). */
export function ungroundedSpans(content: SummaryContent, source: string): string[] {
  const haystack = normalizeForGrounding(source);
  const spans = [
    ...content.summary,
    ...content.keyPoints,
    ...content.quotes.map((q) => q.text),
    ...content.numbers.map((n) => n.text),
  ];
  return spans.filter((span) => !haystack.includes(normalizeForGrounding(span)));
}

export function expectGrounded(id: string, content: SummaryContent, source: string): void {
  expect({ id, missing: ungroundedSpans(content, source) }).toEqual({ id, missing: [] });
}

/** Summarizes every article of an eval file with the default settings and checks each is grounded. */
export function expectEvalFileGrounded(name: string): void {
  for (const row of readEvalFile(name)) {
    expectGrounded(row.id, summarizePlainText(row.article, row.title), row.article);
  }
}
