/**
 * `npm run demo [-- [--out DIR] FILE...]`: the whole product once, on local emulators. Uploads the files (default
 * the repository's samples/*), lets S3 notifications drive `summarize`, runs `digest`, saves what was stored and
 * sent under out/, and prints a one-line JSON report last:
 * {"uploaded":N,"summarized":N,"failed":N,"emails":N}
 */
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { errorMessage } from '../errors.js';
import { checkCommandLine } from './command-line.js';
import { startLocalStack } from './local-stack.js';
import { sampleArticlePaths } from './samples.js';

const USAGE = `usage: npm run demo -- [--out DIR] [FILE...]
  Starts the local emulators, uploads FILE... (default: the samples in samples/), summarizes them, sends one
  digest, and saves the summaries, failure records and emails under DIR (default out/), replacing
  DIR/summaries, DIR/failures and DIR/emails. The last line is {"uploaded":N,"summarized":N,"failed":N,"emails":N}.`;

async function main(): Promise<void> {
  checkCommandLine(USAGE, { options: { '--out': 'value' }, takesWords: true });
  const { out, paths } = parseArgs(process.argv.slice(2));
  const files = paths.length > 0 ? paths.map((p) => resolve(p)) : sampleArticlePaths();
  const stack = await startLocalStack({ quietLogs: true });
  try {
    for (const file of files) {
      const key = await stack.upload(file);
      console.error(`uploaded ${file} -> s3://${stack.bucket}/${key}`);
    }
    await stack.settled();
    await stack.runDigest(new Date());

    const summaries = await stack.listJson('summaries/');
    const failures = await stack.listJson('failures/');
    const emails = await stack.ses.emails();
    await Promise.all(
      ['summaries', 'failures', 'emails'].map((dir) => rm(join(out, dir), { recursive: true, force: true })),
    );
    await saveAll(
      out,
      'summaries',
      summaries.map((s) => ({ name: lastSegment(s.key), body: s.body })),
    );
    await saveAll(
      out,
      'failures',
      failures.map((f) => ({ name: lastSegment(f.key), body: f.body })),
    );
    await saveAll(
      out,
      'emails',
      emails.map((email, i) => ({
        name: `${String(i + 1).padStart(2, '0')}-${email.destination.to.join('_')}.json`,
        body: email,
      })),
    );
    console.error(
      `saved ${count(summaries.length, 'summary', 'summaries')}, ${count(failures.length, 'failure record')} and ${count(emails.length, 'email')} under ${out}/`,
    );
    console.log(
      JSON.stringify({
        uploaded: files.length,
        summarized: summaries.length,
        failed: failures.length,
        emails: emails.length,
      }),
    );
  } finally {
    await stack.close();
  }
}

/** `--out DIR` and the files, once checkCommandLine has made sure `--out` has its directory. */
function parseArgs(args: string[]): { out: string; paths: string[] } {
  const at = args.indexOf('--out');
  if (at === -1) return { out: resolve('out'), paths: args };
  return { out: resolve(args[at + 1] as string), paths: args.filter((_, i) => i !== at && i !== at + 1) };
}

async function saveAll(out: string, dir: string, items: { name: string; body: unknown }[]): Promise<void> {
  await mkdir(join(out, dir), { recursive: true });
  await Promise.all(
    items.map((item) => writeFile(join(out, dir, item.name), `${JSON.stringify(item.body, null, 2)}\n`)),
  );
}

/** "1 summary", "2 summaries". */
const count = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

const lastSegment = (key: string) => key.slice(key.lastIndexOf('/') + 1);

main().catch((error: unknown) => {
  console.error(`demo failed: ${errorMessage(error)}`);
  process.exitCode = 1;
});
