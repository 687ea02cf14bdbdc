/**
 * Issue 9.6 in the web app: what `hardline read` reports about the relay's key log, the person
 * using the app sees. A relay that forks its log for alice (the web user) is caught at the next
 * message between her and bob, and her app blocks on a split-view alert; a key the relay logs
 * under alice's own name makes her app warn her on every tab. Real relay, real Chromium; the
 * fork is played on alice's requests to the relay (test/support/forkedLog.ts), where a forking
 * relay would answer them.
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { HardlineClient } from '@hardline/client';
import { nodeClientOptions, nodeTransport } from '@hardline/client/node';
import { newIdentityKey } from '@hardline/protocol';
import { tempDir } from '../support/cliHarness.ts';
import { enrol, readTexts } from '../support/clients.ts';
import { enrolInBrowser, launchChromium, newPhone, openTab, SCREENSHOTS, startWebRelay, type WebRelay } from '../support/browser.ts';
import { forkLogFor, routeBrowserThroughFork, type LogFork } from '../support/forkedLog.ts';
import { swapIdentityKey } from '../support/hostileRelay.ts';
import { isBlocking, runAxe } from '../support/axe.ts';

let relay: WebRelay;
let browser: Browser;
let context: BrowserContext;
let alice: Page;
let bob: HardlineClient;
let fork: LogFork;
const opened: HardlineClient[] = [];

/** axe finds nothing serious on the page as it is, in the light and the dark theme. */
async function expectAccessible(page: Page): Promise<void> {
  for (const colorScheme of ['dark', 'light'] as const) {
    await page.emulateMedia({ colorScheme });
    const blocking = (await runAxe(page)).filter(isBlocking).map((f) => `${colorScheme}: ${f.rule} ${f.help} at ${f.targets.join(' | ')}`);
    expect(blocking).toEqual([]);
  }
}

async function openChat(handle: string): Promise<void> {
  await openTab(alice, 'chats');
  await alice.click('button[aria-label="New chat"]');
  await alice.click(`.sheet button:has-text("${handle}")`);
  await alice.waitForSelector('textarea[aria-label=Message]');
}

beforeAll(async () => {
  [relay, browser] = await Promise.all([startWebRelay(), launchChromium()]);
  fork = forkLogFor(relay, nodeTransport);
  ({ context, page: alice } = await newPhone(browser));
  await routeBrowserThroughFork(context, fork);
  const [ca, cb] = await Promise.all([relay.invite(), relay.invite()]);
  await enrolInBrowser(alice, relay.url, ca, 'alice', 'Alice');
  bob = await HardlineClient.register(nodeClientOptions(tempDir('bob')), { server: relay.url, code: cb, handle: 'bob' });
  opened.push(bob);
  await bob.sync();
  await openChat('bob');
  await alice.fill('textarea[aria-label=Message]', 'before');
  await alice.click('button[aria-label=Send]');
  expect(await readTexts(bob, 30_000)).toEqual(['before']);
}, 120_000);

afterAll(async () => {
  for (const c of opened) c.close();
  await browser?.close();
  await relay?.close();
});

describe('web app: a relay that shows alice a different key log than bob (split view)', () => {
  it('is caught at the next message between them, and alice\'s app blocks on an alert she can close', async () => {
    const forged = newIdentityKey().publicKey;
    fork.showKey('carol', forged);
    const carol = await enrol(relay.url, relay.adminToken!, 'carol');
    opened.push(carol);
    // Alice's app looks carol up through the fork: it pins the relay's key, under a forked head.
    for (let i = 0; i < 5 && !(await alice.locator('.sheet button:has-text("carol")').count()); i++) {
      await alice.goto(`${relay.url}/`);
      await alice.waitForSelector('[data-screen=chats]');
      await alice.click('button[aria-label="New chat"]');
      await alice.waitForSelector('.sheet', { timeout: 5_000 }).catch(() => undefined);
      await alice.waitForTimeout(1_000);
    }
    await alice.click('.sheet button:has-text("bob")');
    expect(await alice.locator('[data-alert=split-view]').count()).toBe(0);

    await alice.fill('textarea[aria-label=Message]', 'hello bob');
    await alice.click('button[aria-label=Send]');
    expect(await readTexts(bob, 30_000)).toEqual(['hello bob']);
    expect(bob.splitView()).toMatchObject({ code: 'SPLIT_VIEW', from: 'alice' });

    await bob.send('alice', 'hello alice');
    const alert = await alice.waitForSelector('[data-alert=split-view] [role=alertdialog]', { timeout: 45_000 });
    const text = (await alert.textContent()) ?? '';
    expect(text).toMatch(/message from bob/i);
    expect(text).toMatch(/security team/);
    expect(text).toMatch(/in person/);
    // Blocking: focus is on the alert, not on the chat behind it.
    expect(await alice.evaluate(() => document.activeElement?.id)).toBe('split-view-title');
    for (let i = 0; i < 3; i++) {
      await alice.keyboard.press('Tab');
      expect(await alice.evaluate(() => !!document.activeElement?.closest('[data-alert=split-view]'))).toBe(true);
    }
    await alice.screenshot({ path: join(SCREENSHOTS, 'kt-split-view.png') });
    await expectAccessible(alice);

    // Closing it leaves a banner: the relay is still the one that lied.
    await alice.keyboard.press('Enter');
    await alice.waitForSelector('[data-alert=split-view]', { state: 'detached' });
    await openTab(alice, 'chats');
    await alice.waitForSelector('[data-warning=split-view]');
  });
});

describe('web app: a key the relay logs under alice\'s own name', () => {
  it('makes alice\'s app warn her, on the Devices screen too', async () => {
    expect(await alice.locator('[data-warning=own-name-logged]').count()).toBe(0);
    swapIdentityKey(relay, 'alice', newIdentityKey().publicKey, { logged: true });
    // Her app reads the log for entries under her name on its next directory refresh.
    await alice.goto(`${relay.url}/`);
    await alice.waitForSelector('[data-screen=chats]');
    const banner = await alice.waitForSelector('[data-warning=own-name-logged]', { timeout: 45_000 });
    expect(await banner.textContent()).toMatch(/under your name that you did not make.*security team/s);
    await openTab(alice, 'devices');
    await alice.waitForSelector('[data-screen=devices]');
    await alice.waitForSelector('[data-warning=own-name-logged]');
    await alice.screenshot({ path: join(SCREENSHOTS, 'kt-own-name.png') });
    await expectAccessible(alice);
  });
});

describe('web app: a key the relay shows for someone but keeps out of its log', () => {
  it('is refused, and the chat says the server hides it from the log', async () => {
    const dave = await enrol(relay.url, relay.adminToken!, 'dave');
    opened.push(dave);
    // Before alice has looked dave up, the relay shows its own key for him, unlogged.
    swapIdentityKey(relay, 'dave', newIdentityKey().publicKey, { logged: false });
    for (let i = 0; ; i++) {
      await alice.goto(`${relay.url}/`);
      await alice.waitForSelector('[data-screen=chats]');
      await alice.click('button[aria-label="New chat"]');
      if (await alice.waitForSelector('.sheet button:has-text("dave")', { timeout: 5_000 }).then(() => true, () => false)) break;
      if (i > 5) throw new Error('dave never reached alice\'s directory');
    }
    await alice.click('.sheet button:has-text("dave")');
    const banner = await alice.waitForSelector('[data-warning=unverifiable-device][data-handle=dave] [data-reason=not-in-log]', { timeout: 45_000 });
    expect(await banner.textContent()).toMatch(/keeps out of its public key log.*security team/s);
    await alice.screenshot({ path: join(SCREENSHOTS, 'kt-not-in-log.png') });
  });
});
