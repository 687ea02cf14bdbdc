/**
 * Alice's second device in the browser: linked by code, it receives the whole contact book;
 * edits travel both ways, including two made offline at once to different fields of one
 * contact; either device's message reaches Bob. Then the second device is revoked: it shows
 * the signed-out state, has wiped its data, and cannot read what follows.
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { enrolInBrowser, launchChromium, newPhone, SCREENSHOTS, startWebRelay, type WebRelay } from '../support/browser.ts';
import { samplePeople, vcardFile } from '../support/vcards.ts';

let relay: WebRelay;
let browser: Browser;
let alice: Page;
let alice2: Page;
let alice2Context: BrowserContext;
let aliceContext: BrowserContext;
let bob: Page;

const BOOK = samplePeople(12);
const DAAN = 'Daan Jansen';

function message(page: Page, text: string) {
  return page.locator('.msg-text', { hasText: text });
}

async function openContact(page: Page, name: string): Promise<void> {
  await page.click('[data-tab=contacts]').catch(() => undefined);
  await page.fill('input[type=search]', name);
  await page.click(`[data-contact="${name}"]`);
  await page.waitForSelector('[data-screen=contact]');
}

async function editContact(page: Page, name: string, field: 'phones' | 'notes', value: string): Promise<void> {
  await openContact(page, name);
  await page.click('text=Edit');
  await page.fill(`textarea[name=${field}]`, value);
  await page.click('button:has-text("Save")');
  await page.waitForSelector('[data-screen=contact]');
  await page.click('button[aria-label=Back]');
}

/** Waits until the open contact card shows `text` in `field`, reopening it as the book syncs. */
async function waitForField(page: Page, name: string, field: string, text: string, timeoutMs = 45_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    await openContact(page, name);
    const values = await page.locator(`[data-field=${field}]`).allTextContents();
    if (values.some((v) => v.includes(text))) {
      await page.click('button[aria-label=Back]');
      return;
    }
    if (Date.now() > until) throw new Error(`${field} of ${name} never showed "${text}" (has ${JSON.stringify(values)})`);
    await page.click('button[aria-label=Back]');
    await page.waitForTimeout(1000);
  }
}

async function send(page: Page, text: string): Promise<void> {
  await page.fill('textarea[aria-label=Message]', text);
  await page.click('button[aria-label=Send]');
  await page.waitForSelector(`.msg.mine:has-text("${text}")`);
}

beforeAll(async () => {
  [relay, browser] = await Promise.all([startWebRelay(), launchChromium()]);
  ({ page: alice, context: aliceContext } = await newPhone(browser));
  bob = (await newPhone(browser)).page;
  const [ca, cb] = await Promise.all([relay.invite(), relay.invite()]);
  await Promise.all([enrolInBrowser(alice, relay.url, ca, 'alice', 'Alice'), enrolInBrowser(bob, relay.url, cb, 'bob', 'Bob')]);
  await alice.click('[data-tab=contacts]');
  await alice.setInputFiles('input[type=file]', { name: 'phone.vcf', mimeType: 'text/vcard', buffer: Buffer.from(vcardFile(BOOK)) });
  await alice.waitForSelector('[data-notice=ok]');
  // A first conversation, so there is something for the new device to join.
  await alice.click('[data-tab=chats]');
  await alice.click('button[aria-label="New chat"]');
  await alice.click('.sheet button:has-text("bob")');
  await send(alice, 'before linking');
}, 90_000);

afterAll(async () => {
  await browser?.close();
  await relay?.close();
});

describe('web app: linked devices', () => {
  it('a device linked by code gets the whole contact book', async () => {
    await alice.click('button[aria-label=Back]');
    await alice.click('[data-tab=devices]');
    await alice.click('text=Show link code');
    // What the QR code holds, pasted on the new device (a camera would open the same link).
    const link = (await alice.getAttribute('[data-link-url]', 'data-link-url'))!;
    expect(link).toContain(`#enrol=${await alice.getAttribute('[data-link-code]', 'data-link-code')}`);
    ({ page: alice2, context: alice2Context } = await newPhone(browser));
    await alice2.goto(relay.url);
    await alice2.fill('input[name=code]', link);
    expect(await alice2.inputValue('input[name=handle]')).toBe('alice');
    expect(await alice2.textContent('h1')).toBe('Link this device');
    await alice2.click('button[type=submit]');
    await alice2.waitForSelector('[data-screen=chats]', { timeout: 30_000 });
    await alice2.click('[data-tab=contacts]');
    await alice2.waitForSelector(`text=All contacts (${BOOK.length})`, { timeout: 45_000 });
    await alice.click('[data-tab=chats]');
  }, 90_000);

  it('an edit on either device appears on the other', async () => {
    await editContact(alice2, DAAN, 'notes', 'Met at the harbour office');
    await waitForField(alice, DAAN, 'notes', 'harbour office');
    await editContact(alice, 'Emma Jansen', 'notes', 'Prefers calls after six');
    await waitForField(alice2, 'Emma Jansen', 'notes', 'after six');
  }, 120_000);

  it('edits made offline on both devices to different fields of one contact both survive', async () => {
    await Promise.all([aliceContext.setOffline(true), alice2Context.setOffline(true)]);
    await editContact(alice, DAAN, 'phones', '+31 6 5555 0101');
    await editContact(alice2, DAAN, 'notes', 'New desk on floor three');
    await Promise.all([aliceContext.setOffline(false), alice2Context.setOffline(false)]);
    for (const page of [alice, alice2]) {
      await waitForField(page, DAAN, 'phone', '5555 0101');
      await waitForField(page, DAAN, 'notes', 'floor three');
    }
  }, 120_000);

  it('a message from either device reaches Bob', async () => {
    await bob.click('[data-chat="d:alice"]');
    await message(bob, 'before linking').waitFor();
    await alice2.click('[data-tab=chats]');
    await alice2.click('[data-chat="d:bob"]', { timeout: 45_000 });
    await send(alice2, 'from the second device');
    await message(bob, 'from the second device').waitFor({ timeout: 20_000 });
    await alice.click('[data-tab=chats]');
    await alice.click('[data-chat="d:bob"]');
    await send(alice, 'from the first device');
    await message(bob, 'from the first device').waitFor({ timeout: 20_000 });
    // The first device sees what the second one sent.
    await message(alice, 'from the second device').waitFor({ timeout: 20_000 });
  }, 120_000);

  it('a revoked device shows the signed-out state, wipes its data and reads nothing more', async () => {
    await alice.click('button[aria-label=Back]');
    await alice.click('[data-tab=devices]');
    alice.once('dialog', (d) => void d.accept());
    await alice.click('[data-revoke]');
    await alice2.waitForSelector('[data-screen=signed-out]', { timeout: 30_000 });
    await alice2.screenshot({ path: join(SCREENSHOTS, 'signed-out.png') });
    const stored = await alice2.evaluate(async () => {
      const dbs = await indexedDB.databases();
      return dbs.map((d) => d.name);
    });
    expect(stored).not.toContain('hardline');

    await send(bob, 'after the revocation');
    await alice.click('[data-tab=chats]');
    await alice.click('[data-chat="d:bob"]');
    await message(alice, 'after the revocation').waitFor({ timeout: 20_000 });
    await alice2.reload();
    await alice2.waitForSelector('[data-screen=signed-out]');
    expect(await alice2.content()).not.toContain('after the revocation');
  }, 90_000);
});
