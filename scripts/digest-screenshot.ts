/**
 * `npm run digest:screenshot`: writes the preview (see digest-preview.ts) and renders its HTML in headless
 * Chromium to out/digest-preview.png (light) and out/digest-preview-dark.png (prefers-color-scheme: dark),
 * the first screenful of each, out/digest-preview-full.png (light, the whole digest down to the footer), and
 * out/digest-preview-weekly.png (the weekly preview's first screenful).
 * Needs the Debian package `chromium`; deliberately not part of `npm test`.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { resolve } from 'node:path';
import { checkCommandLine } from '../src/local/command-line.js';
import { writePreview } from './digest-preview.js';

const CHROMIUM_FLAGS = [
  '--headless',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--no-first-run',
  '--hide-scrollbars',
];
const SCREEN = '--window-size=800,1400';
/** Tall enough for ten top stories, the "also in this period" list and the footer. */
const WHOLE = '--window-size=800,5200';

function chromiumPath(): string {
  for (const name of ['chromium', 'chromium-browser', 'google-chrome']) {
    const found = spawnSync('sh', ['-c', `command -v ${name}`], { encoding: 'utf-8' });
    if (found.status === 0 && found.stdout.trim()) return found.stdout.trim();
  }
  throw new Error(
    'Chromium not found. Install it with: apt-get install -y --no-install-recommends chromium (as root)',
  );
}

function screenshot(chromium: string, html: string, png: string, dark: boolean, size = SCREEN): void {
  const asRoot = process.getuid?.() === 0 ? ['--no-sandbox'] : [];
  const theme = dark ? ['--force-dark-mode', '--blink-settings=preferredColorScheme=0'] : [];
  execFileSync(
    chromium,
    [...CHROMIUM_FLAGS, size, ...asRoot, ...theme, `--screenshot=${png}`, `file://${html}`],
    {
      stdio: ['ignore', 'ignore', 'pipe'],
    },
  );
  console.log(`Wrote ${png}`);
}

async function main(): Promise<void> {
  const outDir = resolve('out');
  await writePreview(outDir);
  const chromium = chromiumPath();
  const html = resolve(outDir, 'digest-preview.html');
  screenshot(chromium, html, resolve(outDir, 'digest-preview.png'), false);
  screenshot(chromium, html, resolve(outDir, 'digest-preview-dark.png'), true);
  screenshot(chromium, html, resolve(outDir, 'digest-preview-full.png'), false, WHOLE);
  const weekly = resolve(outDir, 'digest-preview-weekly.html');
  screenshot(chromium, weekly, resolve(outDir, 'digest-preview-weekly.png'), false);
}

checkCommandLine(`usage: npm run digest:screenshot
  Writes the digest preview, then renders it in headless Chromium (the Debian package chromium) to
  out/digest-preview.png, -dark.png, -full.png and -weekly.png. No options.`);
main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 1;
});
