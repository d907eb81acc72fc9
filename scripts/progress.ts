/**
 * Progress of a long script on stderr: one line rewritten in place on a terminal; in a log (CI, a pipe),
 * whole lines, fewer of them, so the log does not fill with carriage returns.
 */
export function reportProgress(
  text: string,
  done: number,
  total: number,
  every: { terminal: number; log: number },
): void {
  const terminal = process.stderr.isTTY;
  if (done % (terminal ? every.terminal : every.log) !== 0 && done !== total) return;
  process.stderr.write(terminal ? `\r${text}` : `${text}\n`);
  if (terminal && done === total) process.stderr.write('\n');
}
