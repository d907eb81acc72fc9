/**
 * The corpus tests run over the optional evaluation data (see scripts/eval-data.ts). Without it they are
 * reported as skipped, with one line saying where to put the data.
 */
import { describe } from 'vitest';
import { hasEvalFile, missingEvalData } from '../../scripts/eval-data.js';

/** `describe` when the corpus file is there; otherwise a skipped suite and the one-line notice. */
export function describeWithEvalFile(file: string, title: string, body: () => void): void {
  const present = hasEvalFile(file);
  if (!present) console.warn(missingEvalData(`corpus tests on ${file}`));
  describe.skipIf(!present)(title, body);
}
