/**
 * The web app end to end in Debian's Chromium: two people enrol with codes from the admin API,
 * Alice imports her phone's contacts (one of them Bob's published number), they chat both
 * ways with delivery ticks, and afterwards the relay's files and logs hold none of the names,
 * numbers or words. Screenshots of the main screens land in test/e2e/screenshots/.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { containsText, enrolInBrowser, launchChromium, newPhone, openTab, relayFiles, SCREENSHOTS, startWebRelay, type Phone, type WebRelay } from '../support/browser.ts';
import { samplePeople, vcardFile } from '../support/vcards.ts';

let relay: WebRelay;
let browser: Browser;
let alice: Page;
let bob: Page;
const phones: Phone[] = [];

const BOB_PHONE = '+31612345678';
// Alice knows Bob as "Robert Bouwman"; his directory display name is just "Bob".
const people = [...samplePeople(49), { name: 'Robert Bouwman', phone: '+31 6 1234 5678', email: 'bob.private@example.org' }];
const words = ['Lunch at the usual place?', 'Yes, see you at one'];

beforeAll(async () => {
  [relay, browser] = await Promise.all([startWebRelay(), launchChromium()]);
  phones.push(await newPhone(browser), await newPhone(browser));
  alice = phones[0]!.page;
  bob = phones[1]!.page;
  const [ca, cb] = await Promise.all([relay.invite(), relay.invite()]);
  await Promise.all([enrolInBrowser(alice, relay.url, ca, 'alice', 'Alice Adams'), enrolInBrowser(bob, relay.url, cb, 'bob', 'Bob')]);
}, 90_000);

function message(page: Page, text: string) {
  return page.locator('.msg-text', { hasText: text });
}

afterAll(async () => {
  await browser?.close();
  await relay?.close();
});

describe('web app: enrol, contacts and chat', () => {
  it('Bob publishes his number; Alice imports 50 contacts and Bob is linked as a Hardline contact', async () => {
    await bob.click('[data-tab=devices]');
    await bob.fill('[data-form=profile] input[name=phone]', '+31 6 1234 5678');
    await bob.click('[data-form=profile] button[type=submit]');
    await bob.getByText('Published').waitFor();

    await alice.click('[data-tab=contacts]');
    await alice.setInputFiles('input[type=file]', { name: 'contacts.vcf', mimeType: 'text/vcard', buffer: Buffer.from(vcardFile(people)) });
    await alice.waitForSelector('[data-notice=ok]');
    expect(await alice.textContent('[data-notice=ok]')).toContain('Imported 50 contacts; 1 on Hardline');
    await alice.fill('input[type=search]', 'Robert');
    await alice.waitForSelector('[data-on-hardline=bob]');
    await alice.fill('input[type=search]', '');
    await alice.screenshot({ path: join(SCREENSHOTS, 'contacts.png') });

    // Export gives the whole book back as vCard.
    const [download] = await Promise.all([alice.waitForEvent('download'), alice.click('button:has-text("Export")')]);
    const exported = readFileSync((await download.path())!, 'utf8');
    expect(exported.match(/BEGIN:VCARD/g)).toHaveLength(50);
    expect(exported).toContain('Robert Bouwman');
  });

  it('they chat both ways in real time, and delivery ticks appear', async () => {
    await alice.fill('input[type=search]', 'Robert');
    await alice.click('[data-contact="Robert Bouwman"]');
    await alice.click('text=Message');
    await alice.fill('textarea[aria-label=Message]', words[0]!);
    await alice.click('button[aria-label=Send]');
    await alice.waitForSelector('.msg.mine [data-status=sent]');

    // Bob's list shows the new conversation with an unread count, then the message.
    await bob.click('[data-tab=chats]');
    await bob.waitForSelector('[data-chat="d:alice"] [data-unread="1"]', { timeout: 20_000 });
    await bob.click('[data-chat="d:alice"]');
    await message(bob, words[0]!).waitFor();
    // No receipt goes out on arrival (it would pair the two mailboxes for a watching relay).
    await bob.waitForTimeout(3000);
    expect(await alice.getAttribute('.msg.mine [data-status]', 'data-status')).toBe('sent');
    await bob.fill('textarea[aria-label=Message]', words[1]!);
    await bob.click('button[aria-label=Send]');

    // Bob's receipt leaves with his reply (never on its own at arrival), so Alice's tick turns.
    await message(alice, words[1]!).waitFor({ timeout: 20_000 });
    await alice.waitForSelector('.msg.mine [data-status=delivered]', { timeout: 20_000 });
    await alice.screenshot({ path: join(SCREENSHOTS, 'chat.png') });
  });

  it('a disappearing-messages timer set by one side applies on both', async () => {
    await alice.selectOption('select[aria-label="Disappearing messages"]', '300');
    await alice.waitForSelector('[data-timer="300"]', { timeout: 45_000 });
    await bob.waitForSelector('[data-timer="300"]', { timeout: 45_000 });
    await bob.locator('.notice', { hasText: 'alice set disappearing messages to 5 minutes' }).waitFor();
    await alice.selectOption('select[aria-label="Disappearing messages"]', '0');
    await bob.waitForSelector('[data-timer]', { state: 'detached', timeout: 45_000 });
  });

  it('safety number and devices screens', async () => {
    await openTab(alice, 'contacts');
    await alice.fill('input[type=search]', 'Robert');
    await alice.click('[data-contact="Robert Bouwman"]');
    await alice.click('text=Safety number');
    await alice.waitForSelector('[data-safety-number]');
    const aliceNumber = await alice.getAttribute('[data-safety-number]', 'data-safety-number');
    expect(aliceNumber).toMatch(/^(\d{5} ){11}\d{5}$/);
    await alice.screenshot({ path: join(SCREENSHOTS, 'safety-number.png') });
    await openTab(alice, 'devices');
    await alice.waitForSelector('[data-device]');
    await alice.click('text=Show link code');
    await alice.waitForSelector('[data-link-code]');
    await alice.screenshot({ path: join(SCREENSHOTS, 'devices.png') });
  });

  it('lays out for a desktop too', async () => {
    const desk = await newPhone(browser, { width: 1280, height: 800 });
    phones.push(desk);
    await desk.page.goto(`${relay.url}/#enrol=${encodeURIComponent(await relay.invite())}`);
    await desk.page.fill('input[name=handle]', 'carol');
    await desk.page.fill('input[name=displayName]', 'Carol');
    await desk.page.click('button[type=submit]');
    await desk.page.waitForSelector('[data-screen=chats]', { timeout: 30_000 });
    // On a desktop the list and the conversation sit side by side.
    await desk.page.click('button[aria-label="New chat"]');
    await desk.page.click('.sheet button:has-text("alice")');
    await desk.page.fill('textarea[aria-label=Message]', 'Desk check');
    await desk.page.click('button[aria-label=Send]');
    await desk.page.waitForSelector('.msg.mine');
    expect(await desk.page.isVisible('[data-screen=chats]')).toBe(true);
    expect(await desk.page.isVisible('[data-screen=chat]')).toBe(true);
    await desk.page.screenshot({ path: join(SCREENSHOTS, 'desktop-chat.png') });
    words.push('Desk check');

    // A group: Carol creates it; Alice and Bob see it in their lists with the message unread.
    await desk.page.click('button[aria-label="New chat"]');
    await desk.page.click('.segmented button:has-text("Group")');
    await desk.page.fill('.sheet input:not([type=checkbox])', 'Harbour team');
    await desk.page.check('.sheet label:has-text("@alice") input');
    await desk.page.check('.sheet label:has-text("@bob") input');
    await desk.page.click('button:has-text("Create group")');
    await desk.page.waitForSelector('.bar-title h1:has-text("Harbour team")');
    await desk.page.fill('textarea[aria-label=Message]', 'Group hello');
    await desk.page.click('button[aria-label=Send]');
    words.push('Group hello');
    for (const p of [alice, bob]) {
      await openTab(p, 'chats');
      await p.locator('.row', { hasText: 'Harbour team' }).locator('[data-unread="1"]').waitFor({ timeout: 20_000 });
    }
    await alice.click('.row:has-text("Harbour team")');
    await message(alice, 'Group hello').waitFor();
    expect(await alice.textContent('.msg.theirs .msg-from')).toBe('Carol');
  });

  it('the page talked only to the relay, and broke no CSP rule', () => {
    const origin = new URL(relay.url);
    for (const p of phones) {
      for (const u of p.requests) expect(new URL(u).host, u).toBe(origin.host);
      expect(p.cspViolations).toEqual([]);
    }
  });

  it('the relay keeps no names, numbers or message text, on disk or in its log', async () => {
    const disk = relayFiles(relay.dataDir);
    const log = Buffer.from(relay.logs.join('\n'));
    const secrets = [...words, ...people.map((p) => p.name), ...people.map((p) => p.phone.replace(/ /g, '')), 'bob.private@example.org'];
    // Bob chose to publish his number in the directory; that is the one thing meant to be there.
    for (const s of secrets.filter((s) => s !== BOB_PHONE)) {
      expect(containsText(disk, s), `relay files contain "${s}"`).toBe(false);
      expect(containsText(log, s), `relay log contains "${s}"`).toBe(false);
    }
  });
});
