/**
 * zod for all of src/: `zod/mini`, with English issue messages. Classic zod sets them itself on its first
 * schema; mini leaves them to the caller, and without them every message reads "Invalid input". Mini is
 * used because classic zod cost about 8 ms of each function's cold start (docs/sizing-and-cost.md).
 */
import { config } from 'zod/mini';
import en from 'zod/v4/locales/en.js';

config(en());

export * from 'zod/mini';
