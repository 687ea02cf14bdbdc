/**
 * What an operator's mistakes and limits look like in Debian Chromium at a phone's size: the
 * page a relay serves at `/` when the web app was never built, and the import error for a
 * vCard over the 10,000-contact limit.
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { startRelay, type RelayHandle } from '@hardline/server';
import { enrolInBrowser, launchChromium, newPhone, SCREENSHOTS, startWebRelay, type WebRelay } from '../support/browser.ts';
import { tempDir } from '../support/cliHarness.ts';
import { samplePeople, vcardFile } from '../support/vcards.ts';

const PHONE = { width: 390, height: 844 };

let browser: Browser;
const relays: RelayHandle[] = [];

beforeAll(async () => {
  browser = await launchChromium();
}, 60_000);

afterAll(async () => {
  await browser?.close();
  for (const r of relays) await r.close();
});

describe('web app not built', () => {
  it('the relay warns at start, and / says how to build the app, under the app’s own headers', async () => {
    const logs: string[] = [];
    const relay = await startRelay({ port: 0, dataDir: tempDir('unbuilt-relay'), webRoot: tempDir('unbuilt-web'), log: (l) => logs.push(l) });
    relays.push(relay);
    expect(logs.join('\n')).toMatch(/warning: the web app is not built/);

    const { page, cspViolations } = await newPhone(browser, PHONE);
    const res = (await page.goto(relay.url))!;
    expect(res.status()).toBe(503);
    const headers = res.headers();
    expect(headers['content-security-policy']).toContain("default-src 'none'");
    expect(headers['cross-origin-opener-policy']).toBe('same-origin');
    expect(headers['cross-origin-embedder-policy']).toBe('require-corp');
    expect(await page.evaluate(() => self.crossOriginIsolated)).toBe(true);

    await expect(page.locator('h1').textContent()).resolves.toBe('The Hardline web app is not built yet');
    const text = (await page.textContent('[data-page=app-not-built]'))!;
    expect(text).toContain('npm run build');
    expect(text).toContain('npm start');
    expect(cspViolations).toEqual([]);
    await page.screenshot({ path: join(SCREENSHOTS, 'web-not-built.png') });
    await page.context().close();
  }, 60_000);
});

describe('vCard import over the limit', () => {
  let relay: WebRelay;

  beforeAll(async () => {
    relay = await startWebRelay();
    relays.push(relay);
  }, 60_000);

  it('a file of 10,001 contacts is refused with a message naming the 10,000 limit; the book is untouched', async () => {
    const { page } = await newPhone(browser, PHONE);
    await enrolInBrowser(page, relay.url, await relay.invite(), 'olga', 'Olga');
    await page.click('[data-tab=contacts]');
    await page.setInputFiles('input[type=file]', { name: 'phone.vcf', mimeType: 'text/vcard', buffer: Buffer.from(vcardFile(samplePeople(3))) });
    await page.waitForSelector('[data-notice=ok]');
    const before = await page.textContent('.section h2');
    expect(before).toContain('(3)');

    const file = vcardFile(samplePeople(10_001));
    expect(file.length).toBeLessThan(5 * 1024 * 1024); // under the size bound: the count is what is refused
    await page.setInputFiles('input[type=file]', { name: 'everyone.vcf', mimeType: 'text/vcard', buffer: Buffer.from(file) });
    const notice = page.locator('[data-notice=error]', { hasText: 'everyone.vcf' });
    await notice.waitFor();
    const text = (await notice.textContent())!;
    expect(text).toContain('10,000');
    expect(text).toContain('Your contacts were not changed');
    expect(await page.textContent('.section h2')).toBe(before);
    await page.screenshot({ path: join(SCREENSHOTS, 'import-limit-error.png') });
    await page.context().close();
  }, 90_000);
});
