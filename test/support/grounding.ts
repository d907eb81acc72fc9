/** Shared by the grounding tests: every extracted span must be found in the source text. */
import { expect } from 'vitest';
import type { SummaryContent } from '../../src/summary/schema.js';

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
