/**
 * How substantive a summary is, for ranking stories and choosing each story's lead: well-sourced,
 * substantive stories first (cited sources, named people/places/organisations, key points, length).
 */
import type { StoredSummary } from './stored-summary.js';

export function importance(item: StoredSummary): number {
  const { summary } = item;
  const named =
    summary.entities.people.length + summary.entities.places.length + summary.entities.organizations.length;
  return (
    3 * summary.sources.length +
    Math.min(named, 6) +
    summary.keyPoints.length +
    Math.log2(summary.wordCount + 1) / 2
  );
}
