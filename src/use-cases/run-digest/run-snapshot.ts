/**
 * The summaries a planning run read, as it saves them for the sender invocations (RunSnapshots): one object
 * per run, read back by every batch of that run. Checked again on reading, as anything read from storage.
 */
import * as z from '../../zod.js';
import type { StoredSummary } from '../../digest/stored-summary.js';
import { summarySchema } from '../../summary/schema.js';

export const runSnapshotSchema = z.object({
  summaries: z.array(
    z.object({ key: z.string().check(z.minLength(1)), storedAt: z.iso.datetime(), summary: summarySchema }),
  ),
});
export type RunSnapshot = z.infer<typeof runSnapshotSchema>;

export function toRunSnapshot(summaries: StoredSummary[]): RunSnapshot {
  return {
    summaries: summaries.map((s) => ({ key: s.key, storedAt: s.storedAt.toISOString(), summary: s.summary })),
  };
}

export function fromRunSnapshot(snapshot: RunSnapshot): StoredSummary[] {
  return snapshot.summaries.map((s) => ({ key: s.key, storedAt: new Date(s.storedAt), summary: s.summary }));
}
