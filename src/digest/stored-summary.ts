/** A summary as the digest reads it back from the store: validated, with its key and when it was stored. */
import type { Summary } from '../summary/schema.js';

export interface StoredSummary {
  summary: Summary;
  key: string;
  storedAt: Date;
}
