/**
 * The command line of a local entry point (`npm start`, `npm run demo`, `eval`, `bench`): `--help` or `-h`
 * prints its usage and exits 0; an option it does not know, an option without its value, or a word where it
 * takes none stops it with the usage (exit 2) before anything runs, instead of being ignored or taken for a
 * file name.
 */
export interface CommandLineSpec {
  /** The options it takes, each with whether a value follows it (`--out DIR`). */
  options?: Record<string, 'flag' | 'value'>;
  /** Whether words that are not options (file names) are taken. */
  takesWords?: boolean;
}

/** What the command line asks for other than a run: the usage (exit 0) or a refusal (exit 2). */
export function commandLineOutcome(
  usage: string,
  spec: CommandLineSpec,
  args: readonly string[],
): { exitCode: 0 | 2; message: string } | undefined {
  if (args.includes('--help') || args.includes('-h')) return { exitCode: 0, message: usage };
  const options = spec.options ?? {};
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] as string;
    const kind = options[arg];
    let problem: string | undefined;
    if (kind === 'value') {
      const value = args[++i];
      if (value === undefined || value.startsWith('-')) problem = `${arg} needs a value`;
    } else if (kind === undefined && arg.startsWith('-')) problem = `unknown option ${arg}`;
    else if (kind === undefined && !spec.takesWords) problem = `unexpected argument ${JSON.stringify(arg)}`;
    if (problem) return { exitCode: 2, message: `${problem}\n${usage}` };
  }
  return undefined;
}

/** Applies `commandLineOutcome` to this process: prints the usage or the refusal and exits, or returns. */
export function checkCommandLine(usage: string, spec: CommandLineSpec = {}): void {
  const outcome = commandLineOutcome(usage, spec, process.argv.slice(2));
  if (outcome === undefined) return;
  if (outcome.exitCode === 0) console.log(outcome.message);
  else console.error(outcome.message);
  process.exit(outcome.exitCode);
}
