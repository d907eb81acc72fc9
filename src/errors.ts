/** How errors and failed schema checks read in messages and logs. Dependency-free: the core may use it. */

export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * A failed zod check as one line, `path: message; ...`: `root` names the value itself when an issue is about
 * the whole of it, and `max` keeps only the first issues.
 */
export function describeIssues(
  issues: readonly { path: readonly PropertyKey[]; message: string }[],
  root: string,
  max?: number,
): string {
  return issues
    .slice(0, max)
    .map((i) => `${i.path.join('.') || root}: ${i.message}`)
    .join('; ');
}
