/**
 * Every state the web app saves reopens (issue 8.1). Alice's browser keeps its profile on disk,
 * so the test reloads and restarts the browser itself at each stage: right after enrolling,
 * after 20 s idle (the saved contact book then held the zero clock that locked people out for
 * good), during an import, with messages waiting to go out, and on a linked device. Then it
 * damages the saved state the way a crash or a disk error would: a damaged contact book comes
 * back from the relay copy or the other device, and a device state that cannot be opened at all
 * offers a way forward, down to re-enrolment by the security team, which signs the lost device
 * out and tells Alice's contacts that her keys changed.
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { RelayApi } from '@hardline/client';
import { nodeTransport } from '@hardline/client/node';
import { enrolInBrowser, launchChromium, newPhone, openTab, SCREENSHOTS, startWebRelay, type WebRelay } from '../support/browser.ts';
import { damageState, launchRestartable, savedBookClock, type RestartableBrowser } from '../support/browserState.ts';
import { samplePeople, vcardFile } from '../support/vcards.ts';

let relay: WebRelay;
let browser: Browser;
let alice: RestartableBrowser;
let alice2: Page;
let alice2b: RestartableBrowser;
let bob: Page;
const BOOK = samplePeople(30);
/** Alice's contact count once the imports settle (the interrupted one may have finished first). */
let bookSize = 0;

/** Reloads (or restarts the browser) and waits for the signed-in app, never the failure screen. */
async function reopen(how: 'reload' | 'restart', beforeLoad?: () => Promise<void>): Promise<Page> {
  const page = how === 'reload' ? alice.page : await alice.restart();
  await beforeLoad?.();
  // After a look at the saved state the tab shows a static file of the origin: go back to the app.
  if (how === 'reload' && !page.url().includes('manifest')) await page.reload();
  else await page.goto(`${relay.url}/`);
  const screen = await page.waitForSelector('[data-screen=chats], [data-screen=unreadable], [data-screen=onboarding]', { timeout: 30_000 });
  expect(await screen.getAttribute('data-screen')).toBe('chats');
  return page;
}

async function contactCount(page: Page, n: number, timeout = 45_000): Promise<void> {
  await openTab(page, 'contacts');
  await page.waitForSelector(`text=All contacts (${n})`, { timeout });
}

async function send(page: Page, text: string): Promise<void> {
  await page.fill('textarea[aria-label=Message]', text);
  await page.click('button[aria-label=Send]');
}

beforeAll(async () => {
  [relay, browser, alice] = await Promise.all([startWebRelay(), launchChromium(), launchRestartable()]);
  bob = (await newPhone(browser)).page;
  const [ca, cb] = await Promise.all([relay.invite(), relay.invite()]);
  await Promise.all([enrolInBrowser(alice.page, relay.url, ca, 'alice', 'Alice'), enrolInBrowser(bob, relay.url, cb, 'bob', 'Bob')]);
}, 90_000);

afterAll(async () => {
  await alice?.close();
  await alice2b?.close();
  await browser?.close();
  await relay?.close();
});

describe('web app: every saved state reopens', () => {
  it('right after enrolling', async () => {
    await reopen('reload');
    await reopen('restart');
  });

  it('after 20 s idle, when the contact book was saved with its zero clock', async () => {
    await alice.page.waitForTimeout(20_000);
    // This is the state that locked people out: a book saved before its first edit.
    expect(await savedBookClock(alice.page, relay.url)).toEqual({ t: 0, c: 0, d: '' });
    await reopen('reload');
    await reopen('restart');
    expect(await alice.page.locator('[data-notice=recovered]').count()).toBe(0);
  }, 90_000);

  it('during an import', async () => {
    const page = alice.page;
    await openTab(page, 'contacts');
    await page.setInputFiles('input[type=file]', { name: 'big.vcf', mimeType: 'text/vcard', buffer: Buffer.from(vcardFile(samplePeople(3_000))) });
    await reopen('reload');
    await reopen('restart');
    // Whatever the interrupted import left, a fresh one works on top of it.
    await openTab(alice.page, 'contacts');
    await alice.page.setInputFiles('input[type=file]', { name: 'phone.vcf', mimeType: 'text/vcard', buffer: Buffer.from(vcardFile(BOOK)) });
    await alice.page.waitForSelector('[data-notice=ok]', { timeout: 60_000 });
    bookSize = Number(/All contacts \((\d+)\)/.exec((await alice.page.textContent('.list-pane'))!)![1]);
    expect(bookSize).toBeGreaterThanOrEqual(BOOK.length);
  }, 120_000);

  it('with a message waiting to go out: it leaves once the relay is reachable, exactly once', async () => {
    let blocked = true;
    // Posting is cut (the relay looks unreachable to the anonymous posting path), the inbox is not.
    const cutPosting = () => alice.context.routeWebSocket(/\/v1\/post/, (ws) => (blocked ? ws.close() : void ws.connectToServer()));
    await cutPosting();
    try {
      const page = alice.page;
      await openTab(page, 'chats');
      await page.click('button[aria-label="New chat"]');
      await page.click('.sheet button:has-text("bob")');
      await send(page, 'waiting through a reload');
      await page.waitForSelector('.msg.mine [data-status=queued]', { timeout: 30_000 });
      await reopen('reload');
      // A browser restart too, with posting still cut (the restarted browser is a new context).
      await reopen('restart', cutPosting);
      await alice.page.click('[data-chat="d:bob"]');
      await alice.page.waitForSelector('.msg-text:text-is("waiting through a reload")');
    } finally {
      blocked = false;
    }
    await openTab(bob, 'chats');
    await bob.click('[data-chat="d:alice"]', { timeout: 45_000 });
    await bob.waitForSelector('.msg-text:text-is("waiting through a reload")', { timeout: 45_000 });
    await bob.waitForTimeout(3_000);
    expect(await bob.locator('.msg-text', { hasText: 'waiting through a reload' }).count()).toBe(1);
  }, 120_000);

  it('on a linked device', async () => {
    const page = alice.page;
    await openTab(page, 'devices');
    await page.click('text=Show link code');
    const link = (await page.getAttribute('[data-link-url]', 'data-link-url'))!;
    alice2b = await launchRestartable();
    alice2 = alice2b.page;
    await alice2.goto(relay.url);
    await alice2.fill('input[name=code]', link);
    await alice2.click('button[type=submit]');
    await alice2.waitForSelector('[data-screen=chats]', { timeout: 30_000 });
    await contactCount(alice2, bookSize);
    await alice2.waitForTimeout(20_000);
    await alice2.reload();
    await alice2.waitForSelector('[data-screen=chats]', { timeout: 30_000 });
    await contactCount(alice2, bookSize);
    alice2 = await alice2b.restart();
    await alice2.goto(relay.url);
    await alice2.waitForSelector('[data-screen=chats]', { timeout: 30_000 });
    await contactCount(alice2, bookSize);
  }, 150_000);
});

describe('web app: damaged saved state never locks anyone out', () => {
  it('a damaged contact book reopens, says so, and comes back from the relay copy', async () => {
    await damageState(alice.page, relay.url, { kind: 'contact-book', part: 'book' });
    const page = await reopen('reload');
    await page.waitForSelector('[data-notice=recovered]');
    await page.screenshot({ path: join(SCREENSHOTS, 'recovered-contact-book.png') });
    await contactCount(page, bookSize);
  }, 90_000);

  it('a contact book with its keys lost comes back from the linked device', async () => {
    await damageState(alice.page, relay.url, { kind: 'contact-book', part: 'all' });
    const page = await reopen('reload');
    await page.waitForSelector('[data-notice=recovered]');
    expect(await page.textContent('[data-notice=recovered]')).toContain('other devices');
    await contactCount(page, bookSize, 90_000);
  }, 150_000);

  it('damaged app records (read markers, receipts) reopen with defaults', async () => {
    await damageState(alice.page, relay.url, { kind: 'app-meta' });
    await reopen('reload');
  }, 60_000);

  it('a device state that cannot be opened offers a way forward, and the security team re-enrols the person', async () => {
    await damageState(alice.page, relay.url, { kind: 'device-ciphertext' });
    let page = alice.page;
    await page.goto(relay.url);
    await page.waitForSelector('[data-screen=unreadable]', { timeout: 30_000 });
    await page.screenshot({ path: join(SCREENSHOTS, 'unreadable-state.png') });
    // Try again keeps the data (it may be a passing fault) and lands on the same screen.
    await page.click('button:has-text("Try again")');
    await page.waitForSelector('[data-screen=unreadable]', { timeout: 30_000 });
    await page.click('button:has-text("Set up this browser again")');
    await page.click('button:has-text("Erase and set up again")');
    await page.waitForSelector('[data-screen=onboarding]');

    // Without the security team, the handle stays Alice's: a plain invite cannot take it.
    await page.fill('input[name=code]', await relay.invite());
    await page.fill('input[name=handle]', 'alice');
    await page.click('button[type=submit]');
    expect(await (await page.waitForSelector('[role=alert]')).textContent()).toMatch(/taken|in use/i);

    const api = new RelayApi(new URL(relay.url), nodeTransport);
    const { code } = await api.adminInvite(relay.adminToken!, 'alice');
    expect(await page.textContent('[role=alert]')).toContain('ask your security team for a new invite for your handle');
    page = alice.page;
    await page.fill('input[name=code]', code);
    await page.fill('input[name=handle]', 'alice');
    await page.fill('input[name=displayName]', 'Alice');
    await page.click('button[type=submit]');
    await page.waitForSelector('[data-screen=chats]', { timeout: 30_000 }).catch(async (e: unknown) => {
      throw new Error(`re-enrolment did not reach the chats; the page says: ${(await page.textContent('body'))?.slice(0, 300)}`, { cause: e });
    });

    // The old linked device was replaced with the rest, and says so.
    await alice2.waitForSelector('[data-screen=signed-out]', { timeout: 45_000 });
    // Bob is told that Alice's keys changed, and his next message reaches her new device.
    await openTab(bob, 'chats');
    await bob.click('[data-chat="d:alice"]');
    await bob.waitForSelector('[data-warning=key-change][data-handle=alice]', { timeout: 45_000 });
    // Sending to her is held until Bob accepts her new identity key.
    await send(bob, 'held');
    await bob.waitForSelector('[role=alert]:has-text("identity")');
    await bob.click('[data-warning=key-change] button:has-text("Accept the new key")');
    await bob.waitForSelector('[data-warning=key-change]', { state: 'detached' });
    await send(bob, 'welcome back');
    await page.click('[data-chat="d:bob"]', { timeout: 45_000 });
    await page.waitForSelector('.msg-text:text-is("welcome back")', { timeout: 45_000 });
  }, 240_000);
});
