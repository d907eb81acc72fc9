/**
 * Local, AWS-free summarizer:
 *   npm run -s summarize -- FILE...            one JSON object per file (an array for several)
 *   npm run -s summarize -- --jsonl IN.jsonl   one JSON line per input line {"id","article"[,"title"]}
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { extractArticle } from '../article/extract.js';
import { summarizeDocument } from '../summary/summarize.js';
import type { SummaryContent } from '../summary/schema.js';
import { commandLineOutcome } from './command-line.js';

const USAGE = `usage: npm run -s summarize -- FILE... | --jsonl IN.jsonl
  FILE...: the structured summary of each file (text, Markdown, HTML or JSON, as an upload would be read),
  one JSON object for one file, an array for several; nothing is printed if a file cannot be summarized.
  --jsonl: one line {"id","article"[,"title"]} in, one line {"id", ...summary} out; a bad line is reported
  on stderr and the others go on. (-s keeps npm's banner out of the JSON.)`;

export function summarizeFile(path: string): SummaryContent {
  return summarizeDocument(extractArticle(new Uint8Array(readFileSync(path)), { key: path }));
}

/** One eval-style line in, one summary line out; the article is plain text, as in the eval files. */
export function summarizeJsonlLine(line: string, lineNumber: number): string {
  const row = JSON.parse(line) as { id?: unknown; article?: unknown; title?: unknown };
  if (typeof row.id !== 'string' || typeof row.article !== 'string') {
    throw new Error(`line ${lineNumber}: needs string fields "id" and "article"`);
  }
  const bytes = new TextEncoder().encode(row.article);
  const doc = extractArticle(bytes, { key: `${row.id}.txt`, contentType: 'text/plain; charset=utf-8' });
  const content = summarizeDocument(
    typeof row.title === 'string' && row.title ? { ...doc, title: row.title } : doc,
  );
  return JSON.stringify({ id: row.id, ...content });
}

export function main(args: string[]): number {
  const outcome =
    args.length === 0
      ? { exitCode: 2, message: USAGE }
      : commandLineOutcome(USAGE, { options: { '--jsonl': 'value' }, takesWords: true }, args);
  if (outcome !== undefined) {
    (outcome.exitCode === 0 ? console.log : console.error)(outcome.message);
    return outcome.exitCode;
  }
  if (args[0] === '--jsonl') {
    const input = args[1] as string;
    if (args.length > 2) {
      console.error(`--jsonl reads one file, not several\n${USAGE}`);
      return 2;
    }
    let text: string;
    try {
      text = readFileSync(input, 'utf8');
    } catch (error: unknown) {
      console.error(`${input}: ${describe(error)}`);
      return 1;
    }
    const lines = text.split('\n');
    let failures = 0;
    lines.forEach((line, i) => {
      if (!line.trim()) return;
      try {
        process.stdout.write(`${summarizeJsonlLine(line, i + 1)}\n`);
      } catch (error: unknown) {
        failures += 1;
        console.error(`${input}:${i + 1}: ${describe(error)}`);
      }
    });
    return failures > 0 ? 1 : 0;
  }
  const results: SummaryContent[] = [];
  for (const path of args) {
    try {
      results.push(summarizeFile(path));
    } catch (error: unknown) {
      console.error(`${path}: ${describe(error)}`);
      return 1;
    }
  }
  process.stdout.write(`${JSON.stringify(results.length === 1 ? results[0] : results, null, 2)}\n`);
  return 0;
}

/** The error, with what to do for the file-system ones a mistyped path gives. */
function describe(error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') return 'no such file: check the path';
  if (code === 'EISDIR') return 'is a directory: name the files in it';
  if (error instanceof Error) return `${error.name}: ${error.message}`;
  return String(error);
}

// Run only as a program, so tests can import the functions above.
if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1])
  process.exitCode = main(process.argv.slice(2));
