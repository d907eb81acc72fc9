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

/** Anything that looks like an email address, as SES names a recipient it refused ("...failed the check: a@b.c"). */
const ADDRESS = /[^\s@"'<>(),;:]+@[^\s@"'<>(),;:]+/g;

/** `text` with every email address masked: what logs and stored failure records may keep of a message. */
export function withoutAddresses(text: string): string {
  return text.replace(ADDRESS, '[address]');
}
