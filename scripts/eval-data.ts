/**
 * Where the optional evaluation corpus lives. The news articles and their human summaries belong to their
 * publishers, so the repository never carries them: they are read from `EVAL_DATA_DIR`, or from
 * `../shared/eval` beside the checkout, and everything that needs them says what it skips when they are absent.
 */
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';

const ROOT = resolve(__dirname, '..');

export const EVAL_DATA_DIR = resolve(ROOT, process.env.EVAL_DATA_DIR ?? join('..', 'shared', 'eval'));

export interface EvalRow {
  id: string;
  article: string;
  /** Human reference summary, one sentence per line (absent in the entity files). */
  reference?: string;
  title?: string;
}

/** The `*.jsonl` files of the corpus, sorted (empty when the folder is missing). */
export function evalFiles(): string[] {
  if (!existsSync(EVAL_DATA_DIR)) return [];
  return readdirSync(EVAL_DATA_DIR)
    .filter((name) => name.endsWith('.jsonl'))
    .sort();
}

export const hasEvalFile = (name: string): boolean => existsSync(join(EVAL_DATA_DIR, name));

/** One line telling what is skipped and where to put the data. */
export const missingEvalData = (what: string): string =>
  `${what} skipped: no evaluation data in ${EVAL_DATA_DIR}. ` +
  'Put the evaluation .jsonl files there (cnndm-frank250.jsonl and bbc-dev250.jsonl, one ' +
  '{"id","article","reference"[,"title"]} a line; conll2003-dev-docs.jsonl for entities; see ' +
  'docs/summary-quality.md, "Measured"), or set EVAL_DATA_DIR to their folder.';

export function readEvalRows(name: string): EvalRow[] {
  return readFileSync(join(EVAL_DATA_DIR, name), 'utf8')
    .split('\n')
    .filter((line) => line.trim())
    .map((line) => JSON.parse(line) as EvalRow);
}
