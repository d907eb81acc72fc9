import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  LOCAL_BUCKET,
  LOCAL_RECIPIENTS,
  startLocalStack,
  type LocalStack,
} from '../../src/local/local-stack.js';
import { SEED_ARTICLE_PATH } from '../support/samples.js';

const DAY_MS = 24 * 60 * 60 * 1000;
const SECOND_ARTICLE = `# Harbour bridge reopens after two-year repair

The city's harbour bridge reopened to traffic on Monday after a repair that took two years and cost 48 million euros, the transport department said.

Engineers replaced 312 steel cables and resurfaced the whole deck. "We expect queues to ease within a week," said Maria Lopez, the department's chief engineer.

Local businesses welcomed the reopening, saying trade had fallen by a third while the bridge was closed.
`;

/** What `npm start` runs: the real Lambda entry points wired by environment, over the emulators. */
describe('the local stack behind npm start', () => {
  let stack: LocalStack;
  let scratch: string;

  beforeAll(async () => {
    scratch = await mkdtemp(join(tmpdir(), 'local-stack-'));
    stack = await startLocalStack({ quietLogs: true });
  });
  afterAll(async () => {
    await stack.close();
    await rm(scratch, { recursive: true, force: true });
  });

  it('summarizes an upload, mails it to each recipient, and stops mailing a reader who clicked one-click unsubscribe', async () => {
    await stack.upload(SEED_ARTICLE_PATH);
    await stack.settled();
    const today = new Date();

    await stack.runDigest(today);
    const first = await stack.ses.emails();
    expect(first.map((e) => e.destination.to[0]).sort()).toEqual([...LOCAL_RECIPIENTS].sort());

    const toReaderOne = first.find((e) => e.destination.to[0] === LOCAL_RECIPIENTS[0]);
    const header = toReaderOne?.headers?.find((h) => h.name === 'List-Unsubscribe')?.value ?? '';
    const link = /<(http[^>]+)>/.exec(header)?.[1] ?? '';
    expect(link.startsWith(stack.unsubscribe.url)).toBe(true);
    const response = await fetch(link, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: 'List-Unsubscribe=One-Click',
    });
    expect(response.status).toBe(200);

    const secondArticle = join(scratch, 'second.md');
    await writeFile(secondArticle, SECOND_ARTICLE);
    await stack.upload(secondArticle);
    await stack.settled();
    await stack.ses.clear();
    await stack.runDigest(new Date(today.getTime() + DAY_MS));
    const next = await stack.ses.emails();
    expect(next.map((e) => e.destination.to[0])).toEqual([LOCAL_RECIPIENTS[1]]);
    expect(next[0]?.body.text).toContain('Harbour bridge reopens');
  });
});

describe('the local stack and process.env', () => {
  it('gives the environment back as it found it once closed', async () => {
    const before = { ...process.env };
    const stack = await startLocalStack({ quietLogs: true });
    expect(process.env.BUCKET).toBe(LOCAL_BUCKET);
    await stack.close();
    expect({ ...process.env }).toEqual(before);
  });
});
