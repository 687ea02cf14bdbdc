/**
 * Issue 11: in the web app, a message that disappears is really gone from the browser profile.
 * Alice's Chromium keeps its profile on disk. She and Bob exchange one message each, with
 * unique words, in a chat with a 5-minute timer; her clock is then moved on past it. Once the
 * messages have gone from her screen, the browser is closed and the attacker carves every file
 * of the profile (IndexedDB's LevelDB logs and tables with their superseded values, blob
 * files, the origin private file system) for the words, in the raw bytes and in every record
 * it can decrypt with every key it can find, and for the raw bytes of every key that sealed
 * her device state while the messages were in it (read while the app ran, as an observer).
 * Without the key file (keys kept in IndexedDB, as before) the words come back out.
 *
 * Then damage and the format break: a key file whose keys are gone, and a profile holding the
 * old format, each show a clear "cannot be opened" screen, never a crash, and erasing leaves
 * neither the database nor the key file.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { enrolInBrowser, launchChromium, newPhone, startWebRelay, type WebRelay } from '../support/browser.ts';
import { launchRestartable, type RestartableBrowser } from '../support/browserState.ts';
import { currentDeviceKey, keyFileSlots, plantKeySlot, plantOldFormat, storedRecordNames, zeroKeyFile } from '../support/browserKeys.ts';
import { carveProfile, readProfile } from '../support/carveProfile.ts';

let relay: WebRelay;
let browser: Browser;
let alice: RestartableBrowser;
let bob: Page;
const FROM_ALICE = `alice-vanishing-${randomBytes(8).toString('hex')}`;
const FROM_BOB = `bob-vanishing-${randomBytes(8).toString('hex')}`;

function message(page: Page, text: string) {
  return page.locator('.msg-text', { hasText: text });
}

beforeAll(async () => {
  [relay, browser, alice] = await Promise.all([startWebRelay(), launchChromium(), launchRestartable()]);
  // Alice's clock is Playwright's: it runs in real time until the test moves it past the timer.
  await alice.context.clock.install();
  bob = (await newPhone(browser)).page;
  const [ca, cb] = await Promise.all([relay.invite(), relay.invite()]);
  await Promise.all([enrolInBrowser(alice.page, relay.url, ca, 'alice', 'Alice'), enrolInBrowser(bob, relay.url, cb, 'bob', 'Bob')]);
}, 90_000);

afterAll(async () => {
  await alice?.close();
  await browser?.close();
  await relay?.close();
});

describe('web app: disappearing messages leave nothing in the browser profile', () => {
  it('after the timer, no file of the profile holds the words or the keys that sealed them', async () => {
    const page = alice.page;
    // Every key that seals the device state while the messages are in it, sampled as it changes.
    const sealing = new Set<string>();
    let sampling = true;
    const sampler = (async () => {
      while (sampling) {
        const k = await currentDeviceKey(page).catch(() => undefined);
        if (k) sealing.add(k);
        await new Promise((r) => setTimeout(r, 150));
      }
    })();

    await page.click('button[aria-label="New chat"]');
    await page.click('.sheet button:has-text("bob")');
    // The chat exists (and takes a timer) once its first message is out.
    await page.fill('textarea[aria-label=Message]', 'hello');
    await page.click('button[aria-label=Send]');
    await page.waitForSelector('.msg.mine [data-status=sent]', { timeout: 20_000 });
    await page.selectOption('select[aria-label="Disappearing messages"]', '300');
    // A commit, made once the listening round yields (it may be mid-drain): seconds on a loaded
    // machine, like every other step here (CI once took longer than the 15 s default).
    await page.waitForSelector('[data-timer="300"]', { timeout: 45_000 });
    await page.fill('textarea[aria-label=Message]', FROM_ALICE);
    await page.click('button[aria-label=Send]');
    await page.waitForSelector('.msg.mine:has-text("alice-vanishing") [data-status=sent]', { timeout: 30_000 });

    // The send scheduler holds posts for a slot (issue 12): seconds, not a fixed time.
    await bob.click('[data-tab=chats]');
    await bob.click('[data-chat="d:alice"]', { timeout: 30_000 });
    await message(bob, FROM_ALICE).waitFor({ timeout: 45_000 });
    await bob.waitForSelector('[data-timer="300"]', { timeout: 30_000 });
    await bob.fill('textarea[aria-label=Message]', FROM_BOB);
    await bob.click('button[aria-label=Send]');
    await message(page, FROM_BOB).waitFor({ timeout: 45_000 });
    // Let a save or two land with both messages in the state, then stop watching.
    await page.waitForTimeout(1_500);
    sampling = false;
    await sampler;

    await page.clock.fastForward('06:00');
    await message(page, FROM_ALICE).waitFor({ state: 'detached', timeout: 20_000 });
    await message(page, FROM_BOB).waitFor({ state: 'detached', timeout: 20_000 });
    // Gone from the screen; gone at rest once the save that forgot them has destroyed the key
    // of the state that held them (the old format has no key file, and this passes at once).
    await expect.poll(async () => (await keyFileSlots(page)).filter((k) => sealing.has(k)), { timeout: 20_000 }).toEqual([]);
    await alice.context.close();

    const files = readProfile(alice.profile);
    const keys = [...sealing].map((k) => Buffer.from(k, 'hex'));
    const needles: Record<string, Buffer | string> = { 'alice’s words': FROM_ALICE, 'bob’s words': FROM_BOB, 'alice’s handle': 'alice' };
    keys.forEach((k, i) => (needles[`sealing key ${i}`] = k));
    const carve = carveProfile(files, needles);
    console.log(`carved ${carve.files} files (${carve.bytes} bytes): ${carve.keysTried} candidate keys, ${carve.ciphertexts} candidate ciphertexts, ${carve.opened} opened; ${sealing.size} keys sealed the state while the messages were in it`);
    // The attacker is competent: it opens the live device state with the key it carved.
    expect(carve.decrypted['alice’s handle']).toBeGreaterThan(0);
    const hits = Object.fromEntries(Object.keys(needles).filter((l) => l !== 'alice’s handle').map((l) => [l, { raw: carve.raw[l], decrypted: carve.decrypted[l] }]));
    expect(hits).toEqual(Object.fromEntries(Object.keys(hits).map((l) => [l, { raw: [], decrypted: 0 }])));
    expect(sealing.size).toBeGreaterThan(0);
  }, 180_000);

  it('a key a crash left in the key file, named by no record, is zeroed at the next start', async () => {
    const page = await alice.restart();
    const leftover = randomBytes(32).toString('hex');
    await plantKeySlot(page, relay.url, 63, leftover);
    expect(await keyFileSlots(page)).toContain(leftover);
    await page.goto(`${relay.url}/`);
    await page.waitForSelector('[data-screen=chats]', { timeout: 30_000 });
    await expect.poll(async () => (await keyFileSlots(page)).includes(leftover), { timeout: 30_000 }).toBe(false);
  }, 60_000);

  it('a key file that lost its keys gives a clear error, not a crash', async () => {
    const page = alice.page;
    await zeroKeyFile(page, relay.url);
    await page.goto(`${relay.url}/`);
    await page.waitForSelector('[data-screen=unreadable]', { timeout: 30_000 });
    expect(await page.textContent('[data-screen=unreadable]')).toContain('The key that opens it is gone');
  }, 60_000);

  it('a profile in the old format (key in IndexedDB) gives a clear error, and erasing it leaves no key behind', async () => {
    const page = alice.page;
    await plantOldFormat(page, relay.url);
    await page.goto(`${relay.url}/`);
    await page.waitForSelector('[data-screen=unreadable]', { timeout: 30_000 });
    expect(await page.textContent('[data-screen=unreadable]')).toContain('earlier version of Hardline');
    await page.click('text=Set up this browser again');
    await page.click('text=Erase and set up again');
    await page.waitForSelector('[data-screen=onboarding]', { timeout: 30_000 });
    expect((await storedRecordNames(page)) ?? []).toEqual([]);
    expect(await keyFileSlots(page)).toEqual([]);
  }, 60_000);
});
