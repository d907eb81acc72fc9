/**
 * The command line of a local entry point (`npm start`, `npm run demo`, `eval`, `bench`): `--help` or `-h`
 * prints its usage and exits 0; an option it does not know stops it with the usage (exit 2) instead of being
 * taken for a file name or ignored.
 */
export function checkCommandLine(
  usage: string,
  knownOptions: readonly string[],
  args: readonly string[] = process.argv.slice(2),
): void {
  if (args.includes('--help') || args.includes('-h')) {
    console.log(usage);
    process.exit(0);
  }
  const unknown = args.filter((arg) => arg.startsWith('-') && !knownOptions.includes(arg));
  if (unknown.length > 0) {
    console.error(`unknown option ${unknown.join(', ')}\n${usage}`);
    process.exit(2);
  }
}
