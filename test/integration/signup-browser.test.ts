/**
 * Issue 15 in a real browser: headless Chromium (Debian's `chromium`, driven by playwright-core) against the
 * local stack `npm start` runs. A reader signs up on the page, confirms through the link in the mail the SES
 * emulator received, gets the next digest, changes their send hour through the digest's preferences link and
 * unsubscribes on that page. Skipped with a one-line notice where no Chromium is installed (`.ci/run`
 * installs it).
 *
 * Each page is photographed light, dark and at phone width. The pictures go to a temporary folder, or with
 * UPDATE_SCREENSHOTS=1 to docs/ (the README shows them).
 */
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { subscriberId } from '../../src/digest/subscribers.js';
import { CONFIRMATION_SUBJECT } from '../../src/links/confirmation-email.js';
import { confirmationUrl, newTokenId } from '../../src/links/subscribe-tokens.js';
import type { ReceivedEmail } from '../../src/local/emulators.js';
import type { LocalStack } from '../../src/local/local-stack.js';
import { REPO_ROOT } from '../support/deploy-template.js';
import { startSeededStack, type SubscriberTable } from '../support/seeded-stack.js';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const READER = 'new.reader@example.org';
const TIME_ZONE = 'Europe/Berlin';
/** The local stack's one master secret (src/local/local-stack.ts), from which the subscribe keys derive. */
const LOCAL_SECRET = 'local-only-secret-not-for-production-000000';
const DAY_MS = 86_400_000;
const PHONE = { width: 390, height: 844 };
const DESKTOP = { width: 900, height: 1000 };

const chromiumInstalled = existsSync(CHROMIUM);
if (!chromiumInstalled) {
  console.warn(`SKIPPED: the browser test needs Chromium at ${CHROMIUM} (apt-get install chromium)`);
}

/** Submits a form and waits for the page it leads to: an action alone may return before the navigation. */
async function submitted(page: Page, action: () => Promise<void>): Promise<void> {
  await Promise.all([page.waitForNavigation(), action()]);
}

describe.skipIf(!chromiumInstalled)(
  'signing up, confirming, managing and leaving in a real browser (issue 15)',
  () => {
    let stack: LocalStack;
    let browser: Browser;
    let context: BrowserContext;
    let page: Page;
    let shots: string;
    let store: SubscriberTable;
    let confirmLink = '';
    let manageLink = '';
    const now = new Date();
    const id = subscriberId(READER);

    beforeAll(async () => {
      shots =
        process.env.UPDATE_SCREENSHOTS === '1'
          ? join(REPO_ROOT, 'docs')
          : await mkdtemp(join(tmpdir(), 'signup-shots-'));
      await mkdir(shots, { recursive: true });
      ({ stack, store } = await startSeededStack());
      const { chromium } = await import('playwright-core');
      browser = await chromium.launch({
        executablePath: CHROMIUM,
        // Chromium's sandbox cannot start as root (CI containers).
        args: process.getuid?.() === 0 ? ['--no-sandbox'] : [],
      });
      context = await browser.newContext({ timezoneId: TIME_ZONE, viewport: DESKTOP, colorScheme: 'light' });
      page = await context.newPage();
    }, 90_000);

    afterAll(async () => {
      await browser?.close();
      await stack?.close();
      if (process.env.UPDATE_SCREENSHOTS !== '1' && shots) await rm(shots, { recursive: true, force: true });
    });

    /** The page as it is now, light and dark at desktop width, then light at phone width. */
    async function photograph(name: string): Promise<void> {
      await page.screenshot({ path: join(shots, `signup-${name}-light.png`), fullPage: true });
      await page.emulateMedia({ colorScheme: 'dark' });
      await page.screenshot({ path: join(shots, `signup-${name}-dark.png`), fullPage: true });
      await page.emulateMedia({ colorScheme: 'light' });
      await page.setViewportSize(PHONE);
      await page.screenshot({ path: join(shots, `signup-${name}-phone.png`), fullPage: true });
      await page.setViewportSize(DESKTOP);
    }

    const heading = () => page.locator('h1').innerText();
    const mailsTo = async (address: string): Promise<ReceivedEmail[]> =>
      (await stack.ses.emails()).filter((e) => e.destination.to.includes(address));

    it('shows the signup form with the time zone the browser reports already chosen', async () => {
      const response = await page.goto(stack.subscribe.url);
      expect(response?.status()).toBe(200);
      expect(response?.headers()['content-security-policy']).toMatch(
        /frame-ancestors 'none'.*script-src 'sha256-/,
      );
      expect(await heading()).toBe('Subscribe to the daily digest');
      // Set by the page's script from Intl (the server's default is UTC).
      expect(await page.getByLabel('Time zone').inputValue()).toBe(TIME_ZONE);
      // Every field is reachable by its label.
      for (const label of ['Email address', 'Send hour', /^Topics/, /^Keywords/]) {
        await expect(page.getByLabel(label).count()).resolves.toBe(1);
      }
      await photograph('form');
    });

    it('works with JavaScript off and from the keyboard alone', async () => {
      const noScript = await browser.newContext({
        javaScriptEnabled: false,
        timezoneId: TIME_ZONE,
        viewport: PHONE,
      });
      try {
        const plain = await noScript.newPage();
        await plain.goto(stack.subscribe.url);
        // Without the script the server's default zone stays chosen, and the form still works.
        expect(await plain.getByLabel('Time zone').inputValue()).toBe('UTC');
        await plain.getByLabel('Email address').focus();
        await plain.keyboard.type('keyboard.reader@example.org');
        // Email, time zone, send hour, how often (one stop for the radio group, whose arrow keys choose),
        // weekday, topics, keywords, then the button: the hidden bot trap is not in the way.
        for (let i = 0; i < 3; i += 1) await plain.keyboard.press('Tab');
        expect(await plain.locator(':focus').getAttribute('value')).toBe('daily');
        await plain.keyboard.press('ArrowDown');
        expect(await plain.getByLabel('Weekly', { exact: true }).isChecked()).toBe(true);
        await plain.keyboard.press('Tab');
        expect(await plain.locator(':focus').getAttribute('id')).toBe('weekday');
        await plain.getByLabel(/^Weekday/).selectOption('thu');
        for (let i = 0; i < 3; i += 1) await plain.keyboard.press('Tab');
        expect(await plain.locator(':focus').innerText()).toBe('Subscribe');
        await submitted(plain, () => plain.keyboard.press('Enter'));
        expect(await plain.locator('h1').innerText()).toBe('Check your inbox');
        const mails = await mailsTo('keyboard.reader@example.org');
        expect(mails.map((m) => m.subject)).toEqual([CONFIRMATION_SUBJECT]);
        const link = /^(http\S+\/confirm\?token=\S+)$/m.exec(mails[0]?.body.text ?? '')?.[1] ?? '';
        await plain.goto(link);
        expect(await plain.locator('dl').innerText()).toMatch(/How often\s+Weekly, on Thursday/);
      } finally {
        await noScript.close();
      }
    });

    it('points out a mistyped address next to the field and keeps what was typed', async () => {
      await page.getByLabel('Email address').fill('not-an-address');
      await page.getByLabel(/^Topics/).fill('Politics');
      await submitted(page, () => page.getByRole('button', { name: 'Subscribe' }).click());
      expect(await page.getByRole('alert').innerText()).toContain(
        'Enter an email address like name@example.com',
      );
      expect(await page.getByLabel('Email address').getAttribute('aria-invalid')).toBe('true');
      expect(await page.getByLabel(/^Topics/).inputValue()).toBe('Politics');
      await photograph('form-error');
    });

    it('sends one confirmation mail, and nothing more to the unconfirmed address', async () => {
      await page.getByLabel('Email address').fill(READER);
      await page.getByLabel(/^Topics/).fill('');
      // Hour 0: due at every run, so the digest below would reach them if anything let it.
      await page.getByLabel('Send hour').selectOption('0');
      await submitted(page, () => page.getByRole('button', { name: 'Subscribe' }).click());
      expect(await heading()).toBe('Check your inbox');
      await photograph('check-inbox');

      const [mail, ...more] = await mailsTo(READER);
      expect(more).toEqual([]);
      expect(mail?.subject).toBe(CONFIRMATION_SUBJECT);
      expect(mail?.body.html).toContain('Confirm subscription');
      confirmLink = /^(http\S+\/confirm\?token=\S+)$/m.exec(mail?.body.text ?? '')?.[1] ?? '';
      expect(confirmLink.startsWith(stack.subscribe.url)).toBe(true);
      // The mail as a mail client would show its HTML part.
      await page.setContent(mail?.body.html ?? '');
      await photograph('confirmation-email');

      // The same address again: the same page, and no second mail within the hour.
      await page.goto(stack.subscribe.url);
      await page.getByLabel('Email address').fill(READER);
      await submitted(page, () => page.getByRole('button', { name: 'Subscribe' }).click());
      expect(await heading()).toBe('Check your inbox');
      expect(await mailsTo(READER)).toHaveLength(1);

      // Unconfirmed: the digest does not know them.
      await stack.runDigest(now);
      expect(await mailsTo(READER)).toHaveLength(1);
      expect(await store.get(id)).toBeUndefined();
    });

    it('subscribes them when they press the button behind the link, and only once per link', async () => {
      await page.goto(confirmLink);
      expect(await heading()).toBe('Confirm your subscription');
      expect(await page.locator('dl').innerText()).toContain(TIME_ZONE);
      // Opening the link (as a mail scanner does) subscribes nobody.
      expect(await store.get(id)).toBeUndefined();
      await photograph('confirm');

      await submitted(page, () => page.getByRole('button', { name: 'Confirm subscription' }).click());
      expect(await heading()).toBe('You are subscribed');
      await photograph('subscribed');
      expect((await store.get(id))?.subscriber).toMatchObject({
        email: READER,
        timeZone: TIME_ZONE,
        sendAt: '00:00',
      });

      const replay = await page.goto(confirmLink);
      expect(replay?.status()).toBe(410);
      expect(await heading()).toBe('This confirmation link has already been used');
      await photograph('link-used');
    });

    it('refuses an expired confirmation link with a page that says so', async () => {
      const expired = confirmationUrl(stack.subscribe.url, LOCAL_SECRET, {
        jti: newTokenId(),
        expiresAt: new Date(Date.now() - 1000),
        email: 'late.reader@example.org',
        timeZone: TIME_ZONE,
        hour: 7,
        topics: [],
        keywords: [],
      });
      const response = await page.goto(expired);
      expect(response?.status()).toBe(410);
      expect(await heading()).toBe('This confirmation link has expired');
      await photograph('link-expired');
      expect(await store.get(subscriberId('late.reader@example.org'))).toBeUndefined();
    });

    it('mails the confirmed reader the next digest, with a link to their preferences', async () => {
      // Now: they were stored after the run above, and a run finds whoever is due by its own time.
      await stack.runDigest(new Date());
      const digests = (await mailsTo(READER)).filter((m) => m.subject !== CONFIRMATION_SUBJECT);
      expect(digests).toHaveLength(1);
      manageLink = /^Manage preferences: (\S+)$/m.exec(digests[0]?.body.text ?? '')?.[1] ?? '';
      expect(manageLink.startsWith(`${stack.subscribe.url}preferences?token=`)).toBe(true);
      expect(digests[0]?.body.html).toContain('Manage preferences</a>');
    });

    it('changes the send hour on the preferences page, in force from the next run and still once a day', async () => {
      await page.goto(manageLink);
      expect(await heading()).toBe('Your digest preferences');
      expect(await page.getByLabel('Send hour').inputValue()).toBe('0');
      await photograph('preferences');

      await page.getByLabel('Send hour').selectOption('9');
      await submitted(page, () => page.getByRole('button', { name: 'Save preferences' }).click());
      expect(await page.getByRole('status').innerText()).toContain('Saved');
      await photograph('preferences-saved');
      expect((await store.get(id))?.subscriber.sendAt).toBe('09:00');

      // Rescheduled today after today's digest: the next run sends them nothing more today.
      await stack.runDigest(new Date(Date.now() + 60_000));
      expect((await mailsTo(READER)).filter((m) => m.subject !== CONFIRMATION_SUBJECT)).toHaveLength(1);
    });

    it('unsubscribes them from the same page, after which no digest goes out', async () => {
      await submitted(page, () => page.getByRole('button', { name: 'Unsubscribe' }).click());
      expect(await heading()).toBe('You are unsubscribed');
      await photograph('unsubscribed');
      expect((await store.get(id))?.unsubscribedAt).toBeDefined();

      await stack.runDigest(new Date(Date.now() + 2 * DAY_MS));
      expect((await mailsTo(READER)).filter((m) => m.subject !== CONFIRMATION_SUBJECT)).toHaveLength(1);
    });
  },
);
