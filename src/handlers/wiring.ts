/**
 * A handler's dependencies, or a once-per-cold-start loader of them: on AWS the link signing secrets are
 * fetched from Secrets Manager at cold start, so an entry passes a loader rather than a ready object.
 */
export async function resolveWiring<T extends object>(wiring: T | (() => Promise<T>)): Promise<T> {
  return typeof wiring === 'function' ? (wiring as () => Promise<T>)() : wiring;
}
