/**
 * `npm run demo [-- FILE...]`: the whole product once, on local emulators. Uploads the files (default
 * ../shared/articles/*), lets S3 notifications drive `summarize`, runs `digest`, saves what was stored and
 * sent under out/, and prints a one-line JSON report last:
 * {"uploaded":N,"summarized":N,"failed":N,"emails":N}
 */
import { mkdir, readdir, rm, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { startLocalStack } from './local-stack.js';

const OUT = resolve('out');
const DEFAULT_ARTICLES = resolve('..', 'shared', 'articles');

async function main(): Promise<void> {
  const files = await filesToUpload(process.argv.slice(2));
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
      ['summaries', 'failures', 'emails'].map((dir) => rm(join(OUT, dir), { recursive: true, force: true })),
    );
    await saveAll(
      'summaries',
      summaries.map((s) => ({ name: lastSegment(s.key), body: s.body })),
    );
    await saveAll(
      'failures',
      failures.map((f) => ({ name: lastSegment(f.key), body: f.body })),
    );
    await saveAll(
      'emails',
      emails.map((email, i) => ({
        name: `${String(i + 1).padStart(2, '0')}-${email.destination.to.join('_')}.json`,
        body: email,
      })),
    );
    console.error(
      `saved ${summaries.length} summaries, ${failures.length} failure records and ${emails.length} emails under ${OUT}/`,
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

async function filesToUpload(args: string[]): Promise<string[]> {
  if (args.length > 0) return args.map((a) => resolve(a));
  const names = await readdir(DEFAULT_ARTICLES).catch(() => {
    throw new Error(`No files given and ${DEFAULT_ARTICLES} is missing. Usage: npm run demo -- FILE...`);
  });
  return names.sort().map((name) => join(DEFAULT_ARTICLES, name));
}

async function saveAll(dir: string, items: { name: string; body: unknown }[]): Promise<void> {
  await mkdir(join(OUT, dir), { recursive: true });
  await Promise.all(
    items.map((item) => writeFile(join(OUT, dir, item.name), `${JSON.stringify(item.body, null, 2)}\n`)),
  );
}

const lastSegment = (key: string) => key.slice(key.lastIndexOf('/') + 1);

main().catch((error: unknown) => {
  console.error(`demo failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
});
