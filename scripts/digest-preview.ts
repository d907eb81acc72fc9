/**
 * `npm run digest:preview`: the digest one subscriber would receive for the fixture day, produced by the
 * real use case (runDigest) over in-memory ports, written to out/digest-preview.{html,txt}. No AWS, no network.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { runDigest } from '../src/use-cases/run-digest/run-digest.js';
import { fakeLinkSigner, memoryDeps, stored } from '../test/support/digest-memory.js';
import { buildSummary, SAMPLE_DAY } from '../test/support/summary-fixtures.js';

export const PREVIEW_NOW = new Date('2026-11-24T07:00:00Z');

export async function writePreview(
  outDir = resolve('out'),
): Promise<{ html: string; text: string; subject: string }> {
  const summaries = SAMPLE_DAY.map(buildSummary);
  // The same story uploaded twice under another name: the digest shows it once.
  const duplicate = buildSummary({ ...SAMPLE_DAY[0]!, key: 'articles/tram-line-copy.txt', url: undefined });
  const objects = [...summaries, duplicate].map((s, i) =>
    stored(s, new Date(PREVIEW_NOW.getTime() - (i + 1) * 3_600_000)),
  );
  const { deps, mailer } = memoryDeps({
    objects,
    document: { subscribers: [{ email: 'reader@example.com', timeZone: 'Europe/London', sendAt: '07:00' }] },
    links: fakeLinkSigner(() => PREVIEW_NOW),
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
