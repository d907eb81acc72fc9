/**
 * `npm run digest:preview`: the digest one subscriber would receive for a busy fixture day (1,000 uploads:
 * several outlets reporting the bigger events, see test/support/news-day.ts, and the small sample day), and
 * a weekly subscriber's digest over the same 1,000 uploads spread across a week, each produced by the real
 * use case (runDigest) over in-memory ports, written to out/digest-preview{,-weekly}.{html,txt}.
 * It shows the top stories with "also reported by", and the rest as "also in this period … and N more".
 * No AWS, no network.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { checkCommandLine } from '../src/local/command-line.js';
import { runDigest } from '../src/use-cases/run-digest/run-digest.js';
import { fakeLinkSigner, memoryDeps, stored } from '../test/support/digest-memory.js';
import { newsDay } from '../test/support/news-day.js';
import { buildSummary, SAMPLE_DAY } from '../test/support/summary-fixtures.js';

export const PREVIEW_NOW = new Date('2026-11-24T07:00:00Z'); // a Tuesday
/** Uploads in each preview's window: the daily one's day, the weekly one's week. */
export const PREVIEW_UPLOADS = 1_000;

const DAY_MS = 86_400_000;

export interface Preview {
  html: string;
  text: string;
  subject: string;
}

/** The 1,000 uploads, newest first, spread evenly over the `windowMs` before the send. */
function previewSummaries(windowMs: number) {
  // The same story uploaded twice under another name: the digest shows it once.
  const duplicate = { ...SAMPLE_DAY[0]!, key: 'articles/tram-line-copy.txt', url: undefined };
  const fixtures = [...SAMPLE_DAY, duplicate];
  const summaries = [...fixtures, ...newsDay(PREVIEW_UPLOADS - fixtures.length)].map(buildSummary);
  const step = Math.floor((windowMs - 400_000) / summaries.length);
  return summaries.map((s, i) => stored(s, new Date(PREVIEW_NOW.getTime() - (i + 1) * step)));
}

/** The digest the real use case (runDigest) sends one reader over in-memory ports. */
async function previewFor(subscriber: Record<string, unknown>, windowMs: number): Promise<Preview> {
  const { deps, mailer } = memoryDeps({
    objects: previewSummaries(windowMs),
    document: { subscribers: [subscriber] },
    links: fakeLinkSigner(() => PREVIEW_NOW),
    // Sent on time: the run's own clock, not the machine's.
    clock: () => PREVIEW_NOW,
  });
  await runDigest(deps, PREVIEW_NOW);
  const email = mailer.sent[0];
  if (!email) throw new Error('the preview run sent no digest');
  return { html: email.html, text: email.text, subject: email.subject };
}

/** Writes out/digest-preview.{html,txt} (daily) and out/digest-preview-weekly.{html,txt}. */
export async function writePreview(outDir = resolve('out')): Promise<{ daily: Preview; weekly: Preview }> {
  const reader = { timeZone: 'Europe/London', sendAt: '07:00' };
  const daily = await previewFor({ ...reader, email: 'reader@example.com' }, DAY_MS);
  // A first weekly digest covers the week before its weekday's send time.
  const weekly = await previewFor(
    { ...reader, email: 'weekly@example.com', frequency: 'weekly', weekday: 'tue' },
    7 * DAY_MS,
  );
  await mkdir(outDir, { recursive: true });
  for (const [name, email] of [
    ['digest-preview', daily],
    ['digest-preview-weekly', weekly],
  ] as const) {
    await writeFile(resolve(outDir, `${name}.html`), email.html);
    await writeFile(resolve(outDir, `${name}.txt`), `Subject: ${email.subject}\n\n${email.text}`);
  }
  return { daily, weekly };
}

if (process.argv[1] && resolve(process.argv[1]) === resolve(__filename)) {
  checkCommandLine(`usage: npm run digest:preview
  Writes out/digest-preview.html and .txt (a daily digest over 1,000 fixture summaries) and the weekly one,
  from fixtures, with no AWS and no emulator. No options.`);
  writePreview()
    .then(({ daily, weekly }) => {
      console.log(`Daily:  ${daily.subject}`);
      console.log(`Weekly: ${weekly.subject}`);
      console.log(
        `Wrote out/digest-preview.html (${Buffer.byteLength(daily.html)} bytes), out/digest-preview-weekly.html ` +
          `(${Buffer.byteLength(weekly.html)} bytes) and their .txt`,
      );
    })
    .catch((error: unknown) => {
      console.error(error);
      process.exitCode = 1;
    });
}
