/**
 * `npm run digest:preview`: the digest one subscriber would receive for a busy fixture day (1,000 uploads:
 * several outlets reporting the bigger events, see test/support/news-day.ts, and the small sample day),
 * produced by the real use case (runDigest) over in-memory ports, written to out/digest-preview.{html,txt}.
 * It shows the top stories with "also reported by", and the rest as "also in this period … and N more".
 * No AWS, no network.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { runDigest } from '../src/use-cases/run-digest/run-digest.js';
import { fakeLinkSigner, memoryDeps, stored } from '../test/support/digest-memory.js';
import { newsDay } from '../test/support/news-day.js';
import { buildSummary, SAMPLE_DAY } from '../test/support/summary-fixtures.js';

export const PREVIEW_NOW = new Date('2026-11-24T07:00:00Z');
/** Uploads in the preview's day. */
export const PREVIEW_UPLOADS = 1_000;

export async function writePreview(
  outDir = resolve('out'),
): Promise<{ html: string; text: string; subject: string }> {
  // The same story uploaded twice under another name: the digest shows it once.
  const duplicate = { ...SAMPLE_DAY[0]!, key: 'articles/tram-line-copy.txt', url: undefined };
  const fixtures = [...SAMPLE_DAY, duplicate];
  const summaries = [...fixtures, ...newsDay(PREVIEW_UPLOADS - fixtures.length)].map(buildSummary);
  // Spread over the day before the send, newest first.
  const step = Math.floor(86_000_000 / summaries.length);
  const objects = summaries.map((s, i) => stored(s, new Date(PREVIEW_NOW.getTime() - (i + 1) * step)));
  const { deps, mailer } = memoryDeps({
    objects,
    document: { subscribers: [{ email: 'reader@example.com', timeZone: 'Europe/London', sendAt: '07:00' }] },
    links: fakeLinkSigner(() => PREVIEW_NOW),
    // Sent on time: the run's own clock, not the machine's.
    clock: () => PREVIEW_NOW,
  });

  await runDigest(deps, PREVIEW_NOW);

  const email = mailer.sent[0];
  if (!email) throw new Error('the preview run sent no digest');
  await mkdir(outDir, { recursive: true });
  await writeFile(resolve(outDir, 'digest-preview.html'), email.html);
  await writeFile(resolve(outDir, 'digest-preview.txt'), `Subject: ${email.subject}\n\n${email.text}`);
  return { html: email.html, text: email.text, subject: email.subject };
}

if (process.argv[1] && resolve(process.argv[1]) === resolve(__filename)) {
  writePreview()
    .then(({ subject, html }) => {
      console.log(`Subject: ${subject}`);
      console.log(
        `Wrote out/digest-preview.html (${Buffer.byteLength(html)} bytes) and out/digest-preview.txt`,
      );
    })
    .catch((error: unknown) => {
      console.error(error);
      process.exitCode = 1;
    });
}
