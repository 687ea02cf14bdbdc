/**
 * Safety numbers and bad input in the browser: linking a device changes no safety number and
 * shows no warning; a device the relay plants is reported; a verified contact whose identity key
 * changes gets a blocking alert; a malformed or huge vCard file is refused with a clear message and
 * the book stays as it was; a bad enrolment code is refused clearly. Also checks the headers
 * the relay serves the app with.
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { HardlineClient } from '@hardline/client';
import { nodeClientOptions } from '@hardline/client/node';
import { tempDir } from '../support/cliHarness.ts';
import { enrolInBrowser, launchChromium, openTab, newPhone, SCREENSHOTS, startWebRelay, type WebRelay } from '../support/browser.ts';
import { samplePeople, vcardFile } from '../support/vcards.ts';
import { plantDevice, swapIdentityKey } from '../support/hostileRelay.ts';

let relay: WebRelay;
let browser: Browser;
let alice: Page;
let bob: Page;
let bob2: HardlineClient | undefined;

beforeAll(async () => {
  [relay, browser] = await Promise.all([startWebRelay(), launchChromium()]);
  alice = (await newPhone(browser)).page;
  bob = (await newPhone(browser)).page;
  const [ca, cb] = await Promise.all([relay.invite(), relay.invite()]);
  await Promise.all([enrolInBrowser(alice, relay.url, ca, 'alice', 'Alice'), enrolInBrowser(bob, relay.url, cb, 'bob', 'Bob')]);
}, 90_000);

afterAll(async () => {
  bob2?.close();
  await browser?.close();
  await relay?.close();
});

async function contactCount(page: Page): Promise<string> {
  return (await page.textContent('.section h2').catch(() => '')) ?? '';
}

describe('web app: safety numbers', () => {
  it('linking a device changes no safety number and shows no warning; a planted device is reported', async () => {
    await alice.click('button[aria-label="New chat"]');
    await alice.click('.sheet button:has-text("bob")');
    await alice.fill('textarea[aria-label=Message]', 'hello');
    await alice.click('button[aria-label=Send]');
    await alice.waitForSelector('.msg.mine');
    expect(await alice.locator('[data-warning=key-change]').count()).toBe(0);
    await alice.click('button[aria-label="Safety number"]');
    const before = await (await alice.waitForSelector('[data-safety-number]')).getAttribute('data-safety-number');
    await alice.click('button[aria-label=Back]');

    // Bob links a second device (the Node engine, as a CLI would); his open app certifies it.
    await bob.click('[data-tab=devices]');
    await bob.click('text=Show link code');
    const code = (await bob.getAttribute('[data-link-code]', 'data-link-code'))!;
    bob2 = await HardlineClient.register(nodeClientOptions(tempDir('bob2')), { server: relay.url, code, handle: 'bob' });
    for (const until = Date.now() + 45_000; !bob2.identityOf('bob'); ) {
      if (Date.now() > until) throw new Error('bob\'s app never certified the linked device');
      await bob2.sync();
    }
    // The new device is Bob's: alice's next message reaches it, and nothing warned her.
    await alice.fill('textarea[aria-label=Message]', 'to all of bob');
    await alice.click('button[aria-label=Send]');
    for (const until = Date.now() + 45_000; !(await bob2.sync()).some((m) => m.text === 'to all of bob'); ) {
      if (Date.now() > until) throw new Error('the linked device never got the message');
    }
    expect(await alice.locator('[data-warning=key-change]').count()).toBe(0);
    await alice.click('button[aria-label="Safety number"]');
    expect(await (await alice.waitForSelector('[data-safety-number]')).getAttribute('data-safety-number')).toBe(before);

    // Bob's screen shows the same number, from the chat's safety-number button.
    await openTab(bob, 'chats');
    await bob.click('[data-chat="d:alice"]');
    await bob.click('button[aria-label="Safety number"]');
    await bob.waitForSelector('[data-safety-number]');
    expect(await bob.getAttribute('[data-safety-number]', 'data-safety-number')).toBe(before);
    expect(before).toMatch(/^(\d{5} ){11}\d{5}$/);
    await alice.click('button[aria-label=Back]');

    // The relay plants a device of its own under Bob's name: alice's chat says so.
    const planted = await plantDevice(relay, 'bob');
    planted.close();
    await alice.waitForSelector('[data-warning=unverifiable-device][data-handle=bob]', { timeout: 45_000 });
    await alice.screenshot({ path: join(SCREENSHOTS, 'unverifiable-device.png') });
  }, 150_000);

  it('a verified contact whose identity key changes gets a blocking alert, and sending is held', async () => {
    await alice.click('button[aria-label="Safety number"]');
    await alice.click('[data-action=mark-verified]');
    await alice.waitForSelector('[data-verified=bob]');
    await alice.click('button[aria-label=Back]');

    swapIdentityKey(relay, 'bob');
    await alice.waitForSelector('[data-alert=identity-changed][data-handle=bob]', { timeout: 45_000 });
    await alice.screenshot({ path: join(SCREENSHOTS, 'key-change-warning.png') });
    await alice.click('[data-alert=identity-changed] button:has-text("I have compared the new number")');
    await alice.waitForSelector('[data-alert=identity-changed]', { state: 'detached' });
  }, 90_000);
});

describe('web app: bad input', () => {
  it('a malformed vCard is refused with a clear message and the book is untouched', async () => {
    await openTab(alice, 'contacts');
    await alice.setInputFiles('input[type=file]', { name: 'good.vcf', mimeType: 'text/vcard', buffer: Buffer.from(vcardFile(samplePeople(5))) });
    await alice.waitForSelector('[data-notice=ok]');
    const before = await contactCount(alice);
    expect(before).toContain('(5)');

    await alice.setInputFiles('input[type=file]', { name: 'broken.vcf', mimeType: 'text/vcard', buffer: Buffer.from('BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Half a card\r\nTEL:+31') });
    await alice.waitForSelector('[data-notice=error]');
    const text = (await alice.textContent('[data-notice=error]'))!;
    expect(text).toContain('Could not import “broken.vcf”');
    expect(text).toContain('Your contacts were not changed');
    expect(await contactCount(alice)).toBe(before);
    await alice.screenshot({ path: join(SCREENSHOTS, 'import-error.png') });
  });

  it('a huge vCard is refused with a clear message and the book is untouched', async () => {
    const before = await contactCount(alice);
    const huge = vcardFile(samplePeople(60_000));
    await alice.setInputFiles('input[type=file]', { name: 'huge.vcf', mimeType: 'text/vcard', buffer: Buffer.from(huge) });
    await alice.waitForSelector('[data-notice=error]:has-text("huge.vcf")');
    expect(await alice.textContent('[data-notice=error]')).toMatch(/too large|over the limit/);
    expect(await contactCount(alice)).toBe(before);
  }, 60_000);

  it('a bad enrolment code is refused with a clear message', async () => {
    const { page } = await newPhone(browser);
    await page.goto(`${relay.url}/#enrol=AAAAA-BBBBB-CCCCC-DDDDD`);
    await page.fill('input[name=handle]', 'mallory');
    await page.click('button[type=submit]');
    const alert = await page.waitForSelector('[role=alert]');
    expect(await alert.textContent()).toContain('That enrolment code was not accepted');
    await page.screenshot({ path: join(SCREENSHOTS, 'onboarding-bad-code.png') });
  });
});

describe('relay serving the app', () => {
  it('sends a strict CSP, cross-origin isolation and no-framing headers', async () => {
    const res = await fetch(`${relay.url}/`);
    expect(res.status).toBe(200);
    const csp = res.headers.get('content-security-policy')!;
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toContain('unsafe-inline');
    expect(csp).not.toContain('unsafe-eval');
    expect(csp).toMatch(/connect-src 'self' ws:\/\/127\.0\.0\.1:\d+/);
    expect(res.headers.get('cross-origin-opener-policy')).toBe('same-origin');
    expect(res.headers.get('cross-origin-embedder-policy')).toBe('require-corp');
    expect(await alice.evaluate(() => crossOriginIsolated)).toBe(true);
    const html = await res.text();
    expect(html).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/);
    expect((await fetch(`${relay.url}/v1/nothing`)).status).toBe(404);
    expect((await fetch(`${relay.url}/../package.json`)).status).toBe(404);
  });

  it('is an installable PWA: manifest, icons, and a service worker that opens the app offline', async () => {
    const manifest = (await (await fetch(`${relay.url}/manifest.webmanifest`)).json()) as { icons: { src: string; sizes: string }[]; start_url: string; display: string };
    expect(manifest.display).toBe('standalone');
    expect(manifest.icons.map((i) => i.sizes)).toEqual(expect.arrayContaining(['192x192', '512x512']));
    for (const icon of manifest.icons) expect((await fetch(`${relay.url}${icon.src}`)).status).toBe(200);

    const context = await browser.newContext({ viewport: { width: 375, height: 760 } });
    const page = await context.newPage();
    await page.goto(`${relay.url}/`);
    await page.waitForSelector('[data-screen=onboarding]');
    await page.evaluate(async () => {
      await navigator.serviceWorker.ready;
    });
    await context.setOffline(true);
    await page.reload();
    await page.waitForSelector('[data-screen=onboarding]');
    await context.close();
  });
});
