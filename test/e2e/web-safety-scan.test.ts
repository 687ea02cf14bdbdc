/**
 * Verifying a contact by scanning their safety number code (issue 9): Chromium's fake camera
 * shows a QR code, the app reads it (jsQR here: Linux Chromium has no BarcodeDetector), and
 * marks the contact verified only when the code carries the same number. A code for another
 * pair (what a relay in the middle would produce) is refused with a warning, and so is a QR code
 * that is not a safety number at all.
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromium, type Browser, type Page } from 'playwright-core';
import { HardlineClient } from '@hardline/client';
import { nodeClientOptions } from '@hardline/client/node';
import { tempDir } from '../support/cliHarness.ts';
import { enrolInBrowser, FLAGS, newPhone, SCREENSHOTS, startWebRelay, type WebRelay } from '../support/browser.ts';
import { fakeCameraFlags, writeQrVideo } from '../support/fakeCamera.ts';

let relay: WebRelay;
let browser: Browser;
let alice: Page;
let bob: HardlineClient;
let carol: HardlineClient;
const camera = join(tempDir('camera'), 'code.y4m');

beforeAll(async () => {
  relay = await startWebRelay();
  browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', args: [...FLAGS, ...fakeCameraFlags(camera)], headless: true });
  alice = (await newPhone(browser)).page;
  const [ca, cb, cc] = await Promise.all([relay.invite(), relay.invite(), relay.invite()]);
  await enrolInBrowser(alice, relay.url, ca, 'alice', 'Alice');
  bob = await HardlineClient.register(nodeClientOptions(tempDir('bob')), { server: relay.url, code: cb, handle: 'bob' });
  carol = await HardlineClient.register(nodeClientOptions(tempDir('carol')), { server: relay.url, code: cc, handle: 'carol' });
  await bob.sync();
  await carol.sync();
}, 120_000);

afterAll(async () => {
  bob?.close();
  carol?.close();
  await browser?.close();
  await relay?.close();
});

async function scan(code: string): Promise<void> {
  writeQrVideo(camera, code);
  await alice.click('[data-action=scan-safety]');
}

async function openSafetyNumber(handle: string): Promise<void> {
  await alice.goto(`${relay.url}/`);
  await alice.waitForSelector('[data-screen=chats]');
  await alice.click('button[aria-label="New chat"]');
  await alice.click(`.sheet button:has-text("${handle}")`);
  await alice.click('button[aria-label="Safety number"]');
  await alice.waitForSelector('[data-safety-number]');
}

describe('web app: verify by scanning', () => {
  it('refuses a code that is not a safety number, and one for another pair, and marks nothing', async () => {
    await openSafetyNumber('bob');
    await scan('https://example.org/not-a-safety-number');
    await alice.waitForSelector('[data-scan=foreign]', { timeout: 30_000 });
    // Carol's code for herself and alice: a real safety number, but not alice's with bob.
    const other = carol.safetyNumber('alice');
    expect(other).toBeDefined();
    await scan(other!.qrPayload);
    await alice.waitForSelector('[data-scan=mismatch]', { timeout: 30_000 });
    expect(await alice.locator('[data-verified=bob]').count()).toBe(0);
  });

  it("marks bob verified when his code carries the same number", async () => {
    const ours = bob.safetyNumber('alice');
    expect(ours).toBeDefined();
    expect(await alice.getAttribute('[data-safety-number]', 'data-safety-number')).toBe(ours!.groups.join(' '));
    await scan(ours!.qrPayload);
    await alice.waitForSelector('[data-scan=match]', { timeout: 30_000 });
    await alice.waitForSelector('[data-verified=bob]');
    await alice.screenshot({ path: join(SCREENSHOTS, 'safety-scan-verified.png') });
  });
});
