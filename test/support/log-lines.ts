/**
 * What a Powertools logger prints, read back as JSON lines: a logger that writes (the tests' default level
 * is SILENT), and the lines it wrote to stdout and stderr while the spies were on. Call in a test with
 * `vi.restoreAllMocks()` in its afterEach.
 */
import { Logger } from '@aws-lambda-powertools/logger';
import { vi } from 'vitest';

export type LogLine = Record<string, unknown> & { level: string; message: string };

export function capturedLogger(serviceName: string): { logger: Logger; lines: LogLine[] } {
  const lines: LogLine[] = [];
  const capture = (chunk: unknown) => {
    // Only the logger's JSON lines; anything else written meanwhile (a warning) is left out.
    for (const line of String(chunk).split('\n'))
      if (line.startsWith('{')) lines.push(JSON.parse(line) as LogLine);
    return true;
  };
  vi.spyOn(process.stdout, 'write').mockImplementation(capture);
  vi.spyOn(process.stderr, 'write').mockImplementation(capture);
  return { logger: new Logger({ serviceName, logLevel: 'INFO' }), lines };
}

/** The lines whose message starts with `text`. */
export const linesSaying = (lines: readonly LogLine[], text: string) =>
  lines.filter((line) => line.message.startsWith(text));
