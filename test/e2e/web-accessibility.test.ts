/**
 * WCAG 2.2 AA in Debian's Chromium (issue 15). axe-core audits every screen in the light and
 * the dark theme, at 320 px and on a desktop, under the app's own CSP, and finds nothing
 * serious or critical. Enrolling, importing, chatting and taking and ending a call are done
 * with the keyboard alone, and focus lands where the next step is: the chats heading after
 * enrolling, the contact's heading, the message box, the row on Back, Accept or Hang up when a
 * call screen opens (with the app behind it inert), and back where it was when it closes.
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { enrolInBrowser, PHONE, SCREENSHOTS } from '../support/browser.ts';
import { damageState } from '../support/browserState.ts';
import { tempDir } from '../support/cliHarness.ts';
import { launchCallChromium, newCallPhone, startCallRelay, toneWav, type CallRelay } from '../support/calls.ts';
import { isBlocking, runAxe, type AxeFinding } from '../support/axe.ts';
import { vcardFile } from '../support/vcards.ts';
import { writeFileSync } from 'node:fs';
import { chromium } from 'playwright-core';
import { HardlineClient } from '@hardline/client';
import { nodeClientOptions } from '@hardline/client/node';
import { newOrgKey } from '@hardline/protocol';
import { FLAGS, startWebRelay, type WebRelay } from '../support/browser.ts';
import { fakeCameraFlags, writeBlankVideo } from '../support/fakeCamera.ts';

/** Our own TURN port, so this file can run beside the other call tests. */
const TURN_PORT = 3699;
const SMALL = { width: 320, height: 640 };
const DESKTOP = { width: 1280, height: 800 };

let relay: CallRelay;
let browser: Browser;
let alice: Page;
let bob: Page;
/** Every screen audited, with what axe found there (moderate and minor too), for the summary. */
const audited: { screen: string; findings: AxeFinding[] }[] = [];

beforeAll(async () => {
  const wav = toneWav(join(tempDir('tone'), 'tone-440.wav'));
  [relay, browser] = await Promise.all([startCallRelay(TURN_PORT), launchCallChromium(wav)]);
  alice = (await newCallPhone(browser)).page;
  bob = (await newCallPhone(browser)).page;
}, 60_000);

afterAll(async () => {
  const moderate = audited.flatMap((a) => a.findings.filter((f) => !isBlocking(f)).map((f) => `${a.screen}: ${f.rule} (${f.impact}, ${f.nodes})`));
  console.log(`[a11y] ${audited.length} audits; moderate/minor findings: ${moderate.length ? moderate.join('; ') : 'none'}`);
  await browser?.close();
  await relay?.close();
});

/**
 * Audits the page as it is, in both themes, at 320 px and on a desktop; then puts the phone
 * size and the light theme back. Also checks that nothing scrolls sideways at 320 px (reflow).
 */
async function audit(page: Page, screen: string): Promise<void> {
  const blocking: string[] = [];
  const backgrounds = new Set<string>();
  for (const colorScheme of ['light', 'dark'] as const) {
    for (const viewport of [SMALL, DESKTOP]) {
      await page.setViewportSize(viewport);
      await page.emulateMedia({ colorScheme });
      await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
      backgrounds.add(await page.evaluate(() => getComputedStyle(document.body).backgroundColor));
      const findings = await runAxe(page);
      const where = `${screen} ${colorScheme} ${viewport.width}px`;
      audited.push({ screen: where, findings });
      for (const f of findings.filter(isBlocking)) blocking.push(`${where}: ${f.rule} (${f.impact}) ${f.help} at ${f.targets.join(' | ')}`);
      if (viewport === SMALL) {
        const wide = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
        if (wide > 0) blocking.push(`${where}: scrolls sideways by ${wide}px`);
      }
    }
  }
  await page.setViewportSize(PHONE);
  await page.emulateMedia({ colorScheme: 'light' });
  // The dark theme is a theme of its own, not the light one audited twice.
  if (backgrounds.size < 2) blocking.push(`${screen}: the page looks the same in the dark theme (${[...backgrounds].join()})`);
  expect(blocking).toEqual([]);
}

/** A short description of what has the keyboard focus. */
function focused(page: Page): Promise<string> {
  return page.evaluate(() => {
    const a = document.activeElement;
    if (!a || a === document.body) return 'body';
    return `${a.tagName.toLowerCase()}${a.getAttribute('aria-label') ? `[aria-label=${a.getAttribute('aria-label')}]` : ''} "${(a.textContent ?? '').trim().slice(0, 40)}"`;
  });
}

/** Whether an element matching `selector` (a Playwright selector: :has-text works) has the focus. */
async function focusIs(page: Page, selector: string): Promise<boolean> {
  for (const el of await page.$$(selector)) if (await el.evaluate((e) => e === document.activeElement)) return true;
  return false;
}

/** Presses Tab (or Shift+Tab) until `selector` has the focus; the number of presses. */
async function tabTo(page: Page, selector: string, { back = false, max = 40 } = {}): Promise<number> {
  for (let i = 0; i <= max; i++) {
    if (await focusIs(page, selector)) return i;
    await page.keyboard.press(back ? 'Shift+Tab' : 'Tab');
  }
  throw new Error(`${selector} not reached with ${max} ${back ? 'Shift+Tab' : 'Tab'} presses; focus is on ${await focused(page)}`);
}

async function expectFocus(page: Page, selector: string): Promise<void> {
  const until = Date.now() + 5_000;
  while (!(await focusIs(page, selector))) {
    if (Date.now() > until) throw new Error(`expected focus on ${selector}, found ${await focused(page)}`);
    await page.waitForTimeout(50);
  }
}

async function publishPhone(page: Page, phone: string): Promise<void> {
  await page.click('[data-tab=devices]');
  await page.fill('[data-form=profile] input[name=phone]', phone);
  await page.click('[data-form=profile] button[type=submit]');
  await page.getByText('Published').waitFor();
}

describe('web app accessibility (WCAG 2.2 AA)', () => {
  it('enrols with the keyboard alone, and focus lands on the chats heading', async () => {
    const [ca, cb] = await Promise.all([relay.invite(), relay.invite()]);
    await alice.goto(`${relay.url}/#enrol=${encodeURIComponent(ca)}`);
    await alice.waitForSelector('[data-screen=onboarding]');
    await audit(alice, 'onboarding');
    const enrolBob = enrolInBrowser(bob, relay.url, cb, 'bob', 'Bob Brown');
    await tabTo(alice, 'input[name=handle]');
    await alice.keyboard.type('alice');
    await tabTo(alice, 'input[name=displayName]');
    await alice.keyboard.type('Alice Adams');
    await alice.keyboard.press('Enter');
    await alice.waitForSelector('[data-screen=chats]', { timeout: 30_000 });
    await expectFocus(alice, '[data-screen=chats] h1');
    await enrolBob;
    await audit(alice, 'chats (empty)');
  }, 120_000);

  it('imports a vCard with the keyboard, with a visible focus ring on Import', async () => {
    await publishPhone(bob, '+31622222222');
    await tabTo(alice, '[data-tab=contacts]');
    await alice.keyboard.press('Enter');
    await tabTo(alice, 'input[type=file]');
    const ring = await alice.evaluate(() => {
      const s = getComputedStyle(document.querySelector('label.file')!);
      return { style: s.outlineStyle, width: parseFloat(s.outlineWidth) };
    });
    expect(ring.style).not.toBe('none');
    expect(ring.width).toBeGreaterThanOrEqual(2);
    const file = { name: 'contacts.vcf', mimeType: 'text/vcard', buffer: Buffer.from(vcardFile([{ name: 'Bob Brown', phone: '+31622222222' }])) };
    // The import itself, from the keyboard: Space on the focused control opens the file chooser.
    // A re-render (the directory refreshing under load) can take focus away between the Tab and
    // the Space: focus the control again and retry, a few times, before calling it broken.
    for (let i = 0; ; i++) {
      await tabTo(alice, 'input[type=file]');
      const chooser = alice.waitForEvent('filechooser', { timeout: 5_000 });
      await alice.keyboard.press('Space');
      const opened = await chooser.then((c) => c, () => undefined);
      if (opened) {
        await opened.setFiles(file);
        break;
      }
      if (i >= 3) throw new Error('Space on the focused Import control never opened the file chooser');
    }
    await alice.waitForSelector('[data-notice=ok]');
    // Bob's number reaches Alice's directory a moment after he publishes (later on a loaded
    // machine): import again, the same file, until he is linked. The keyboard path is proven above.
    for (let i = 0; !(await alice.waitForSelector('[data-on-hardline=bob]', { timeout: 5_000 }).then(() => true, () => false)); i++) {
      if (i > 10) throw new Error('bob never linked as a Hardline contact');
      await alice.setInputFiles('input[type=file]', file);
    }
    await alice.waitForSelector('[data-notice=ok]');
    await audit(alice, 'contacts');
  }, 90_000);

  it('chats with the keyboard: heading, message box, Back to the row; a message elsewhere is announced', async () => {
    await tabTo(alice, '[data-contact="Bob Brown"]');
    await alice.keyboard.press('Enter');
    await alice.waitForSelector('[data-screen=contact]');
    await expectFocus(alice, '[data-screen=contact] h1');
    await audit(alice, 'contact');
    await tabTo(alice, '[data-screen=contact] button.primary:has-text("Message")');
    await alice.keyboard.press('Enter');
    await alice.waitForSelector('[data-screen=chat]');
    await expectFocus(alice, 'textarea[aria-label=Message]');

    await bob.click('[data-tab=chats]');
    await alice.keyboard.type('hello from the keyboard');
    await alice.keyboard.press('Enter');
    await alice.waitForSelector('.msg.mine:has-text("hello from the keyboard")');
    // Bob's chat is not open: the polite live region says who wrote.
    await bob.waitForSelector('[data-announce=messages]:has-text("New message from Alice Adams")', { state: 'attached', timeout: 20_000 });
    expect(await bob.getAttribute('[data-announce=messages]', 'aria-live')).toBe('polite');

    // Each message says who sent it and its status, not "✓✓".
    await alice.waitForSelector('.msg.mine [data-status=sent], .msg.mine [data-status=delivered]');
    const read = await alice.evaluate(() => {
      const m = document.querySelector('.msg.mine')!;
      const tick = m.querySelector('.tick')!;
      return { sender: m.querySelector('.sr-only')?.textContent, tickRole: tick.getAttribute('role'), tickLabel: tick.getAttribute('aria-label') };
    });
    expect(read).toEqual({ sender: 'You: ', tickRole: 'img', tickLabel: expect.stringMatching(/^(Sent|Delivered)$/) });

    await audit(alice, 'chat');
    for (const scheme of ['light', 'dark'] as const) {
      await alice.emulateMedia({ colorScheme: scheme });
      await alice.screenshot({ path: join(SCREENSHOTS, `a11y-chat-${scheme}.png`) });
    }
    await alice.emulateMedia({ colorScheme: 'light' });

    await tabTo(alice, 'button[aria-label=Back]', { back: true });
    await alice.keyboard.press('Enter');
    await alice.waitForSelector('[data-screen=chats]');
    await expectFocus(alice, '[data-chat="d:bob"]');
    expect(await alice.getAttribute('[data-chat="d:bob"]', 'aria-current')).toBeNull();
    await audit(alice, 'chats');
  }, 120_000);

  it('closes the New chat panel with Escape and says whether it is open', async () => {
    await tabTo(alice, 'button[aria-label="New chat"]', { back: true });
    await alice.keyboard.press('Enter');
    await alice.waitForSelector('#new-chat');
    expect(await alice.getAttribute('button[aria-label="New chat"]', 'aria-expanded')).toBe('true');
    await alice.keyboard.press('Tab');
    await alice.keyboard.press('Escape');
    await alice.waitForSelector('#new-chat', { state: 'detached' });
    await expectFocus(alice, 'button[aria-label="New chat"]');
    expect(await alice.getAttribute('button[aria-label="New chat"]', 'aria-expanded')).toBe('false');
  });

  it('edits a contact on a desktop with a visible Cancel, and Escape cancels', async () => {
    await alice.setViewportSize(DESKTOP);
    await alice.click('[data-tab=contacts]');
    await alice.click('[data-contact="Bob Brown"]');
    expect(await alice.getAttribute('[data-contact="Bob Brown"]', 'aria-current')).toBe('true');
    await alice.click('[data-screen=contact] button:has-text("Edit")');
    await alice.waitForSelector('[data-screen=contact-edit]');
    await expectFocus(alice, 'input[name=name]');
    expect(await alice.isVisible('[data-screen=contact-edit] button:has-text("Cancel")')).toBe(true);
    await audit(alice, 'contact edit');
    await alice.setViewportSize(DESKTOP);
    await alice.focus('input[name=name]');
    await alice.keyboard.press('Escape');
    await alice.waitForSelector('[data-screen=contact]');
    await expectFocus(alice, '[data-screen=contact] button:has-text("Edit")');
    await alice.setViewportSize(PHONE);
  });

  it('safety number, group info and devices pass axe in both themes', async () => {
    await alice.click('[data-screen=contact] button:has-text("Safety number")');
    await alice.waitForSelector('[data-safety-number]');
    await expectFocus(alice, '[data-screen=safety] h1');
    await audit(alice, 'safety number');
    await alice.click('.detail-pane button[aria-label=Back]');
    await alice.click('.detail-pane button[aria-label=Back]');

    await alice.click('[data-tab=chats]');
    await alice.click('button[aria-label="New chat"]');
    await alice.click('.segmented button:has-text("Group")');
    await alice.fill('.sheet input:not([type=checkbox])', 'Harbour team');
    await alice.click('.sheet label:has-text("@bob") input');
    await alice.click('.sheet button[type=submit]');
    await alice.waitForSelector('[data-screen=chat]');
    await alice.click('button[aria-label="Group info"]');
    await alice.waitForSelector('[data-screen=group-info] [data-member=bob]');
    await audit(alice, 'group info');
    await alice.click('.detail-pane button[aria-label=Back]');
    await alice.click('.detail-pane button[aria-label=Back]');

    await alice.click('[data-tab=devices]');
    await alice.waitForSelector('[data-device]');
    await audit(alice, 'devices');
  }, 120_000);

  it('takes and ends a call with the keyboard; the call screen is a modal dialog', async () => {
    await alice.click('[data-tab=chats]');
    await alice.click('[data-chat="d:bob"]');
    await alice.waitForSelector('[data-screen=chat]');
    await tabTo(alice, '[data-screen=chat] [data-call=bob]', { back: true });
    await alice.keyboard.press('Enter');

    await bob.waitForSelector('[data-call-screen][data-call-phase=incoming]');
    // Focus on Accept at once, announced assertively, ringing, and the app behind is inert.
    await expectFocus(bob, 'button[aria-label=Accept]');
    expect(await bob.textContent('[data-call-announce=assertive]')).toBe('Incoming call from Alice Adams');
    expect(await bob.getAttribute('[data-call-announce=assertive]', 'aria-live')).toBe('assertive');
    expect(await bob.evaluate(() => document.querySelector('.shell')!.hasAttribute('inert'))).toBe(true);
    await bob.waitForSelector('[data-call-screen][data-ringtone=on]');
    await alice.waitForSelector('[data-call-screen][data-call-phase=outgoing]');
    await expectFocus(alice, 'button[aria-label="Hang up"]');
    await audit(bob, 'call incoming');
    await audit(alice, 'call outgoing');
    await bob.emulateMedia({ colorScheme: 'dark' });
    await bob.screenshot({ path: join(SCREENSHOTS, 'a11y-call-incoming-dark.png') });
    await bob.emulateMedia({ colorScheme: 'light' });
    await bob.screenshot({ path: join(SCREENSHOTS, 'a11y-call-incoming-light.png') });

    await bob.keyboard.press('Enter');
    await Promise.all([alice, bob].map((p) => p.waitForSelector('[data-call-screen][data-call-phase=connected]', { timeout: 30_000 })));
    await expectFocus(bob, 'button[aria-label="Hang up"]');
    await bob.waitForSelector('[data-call-screen][data-ringtone=off]');
    // The timer is not a live region: it would be read out every second.
    expect(await alice.evaluate(() => document.querySelector('[data-call-timer]')!.closest('[aria-live]:not([aria-live=off])'))).toBeNull();
    // Tab never leaves the dialog.
    for (let i = 0; i < 5; i++) {
      await alice.keyboard.press('Tab');
      expect(await focusIs(alice, '[data-call-screen] *'), await focused(alice)).toBe(true);
    }
    await audit(alice, 'call connected');
    // At 320 x 400 Hang up can still be scrolled into view.
    await alice.setViewportSize({ width: 320, height: 400 });
    const bottom = await alice.evaluate(() => {
      const b = document.querySelector('button[aria-label="Hang up"]')!;
      b.scrollIntoView({ block: 'nearest' });
      return b.getBoundingClientRect().bottom - innerHeight;
    });
    expect(bottom).toBeLessThanOrEqual(1);
    await alice.setViewportSize(PHONE);

    // Escape during a call asks first; Escape again keeps the call; then Escape, Enter ends it.
    await alice.focus('button[aria-label="Hang up"]');
    await alice.keyboard.press('Escape');
    await alice.waitForSelector('text=End this call?');
    await expectFocus(alice, 'button:has-text("End call")');
    await alice.keyboard.press('Escape');
    await alice.waitForSelector('text=End this call?', { state: 'detached' });
    expect(await alice.getAttribute('[data-call-screen]', 'data-call-phase')).toBe('connected');
    // Keeping the call puts focus back on Hang up (after the render that removed the question).
    await expectFocus(alice, 'button[aria-label="Hang up"]');
    await alice.keyboard.press('Escape');
    await expectFocus(alice, 'button:has-text("End call")');
    await alice.keyboard.press('Enter');
    await Promise.all([alice, bob].map((p) => p.waitForSelector('[data-call-screen]', { state: 'detached', timeout: 15_000 })));
    // Focus is back on the Call button it started from, and the app is usable again.
    await expectFocus(alice, '[data-screen=chat] [data-call=bob]');
    expect(await alice.evaluate(() => document.querySelector('.shell')!.hasAttribute('inert'))).toBe(false);
  }, 120_000);

  it('declines an incoming call with Escape', async () => {
    await alice.waitForSelector('[data-screen=chat] [data-call=bob]:not([disabled])');
    await alice.focus('[data-screen=chat] [data-call=bob]');
    await alice.keyboard.press('Enter');
    await bob.waitForSelector('[data-call-screen][data-call-phase=incoming]');
    await expectFocus(bob, 'button[aria-label=Accept]');
    await bob.keyboard.press('Escape');
    await alice.waitForSelector('[data-call-screen][data-call-phase=ended]');
    expect(await alice.textContent('.call-status')).toContain('Declined');
    await Promise.all([alice, bob].map((p) => p.waitForSelector('[data-call-screen]', { state: 'detached', timeout: 15_000 })));
  }, 60_000);

  it('the signed-out and the unreadable screens pass axe', async () => {
    const context = await browser.newContext({ viewport: PHONE, serviceWorkers: 'block' });
    const page = await context.newPage();
    page.setDefaultTimeout(15_000);
    await page.goto(relay.url);
    await page.waitForSelector('[data-screen=onboarding]');
    await page.evaluate(() => localStorage.setItem('hardline.signedOut', '1'));
    await page.reload();
    await page.waitForSelector('[data-screen=signed-out]');
    await audit(page, 'signed out');
    await context.close();

    const carol = await browser.newContext({ viewport: PHONE, serviceWorkers: 'block' });
    const cp = await carol.newPage();
    cp.setDefaultTimeout(15_000);
    await enrolInBrowser(cp, relay.url, await relay.invite(), 'carol', 'Carol Clark');
    await damageState(cp, relay.url, { kind: 'device-ciphertext' });
    await cp.goto(relay.url);
    await cp.waitForSelector('[data-screen=unreadable]');
    await audit(cp, 'unreadable');
    await carol.close();
  }, 90_000);
});

/**
 * The screens issue 9 and issue 13 added: the safety-number scanner (a fake camera that sees no
 * code, so the scanner stays open while it is audited) and the security console, before and
 * after an org key is imported. Self-contained, in a browser of its own with the camera.
 */
describe('scanner and security console accessibility (WCAG 2.2 AA)', () => {
  let camBrowser: Browser;
  let dave: Page;
  let erin: HardlineClient | undefined;
  /** A relay of its own: the console needs its admin token. */
  let web: WebRelay;

  beforeAll(async () => {
    const camera = join(tempDir('a11y-camera'), 'blank.y4m');
    writeBlankVideo(camera);
    web = await startWebRelay();
    camBrowser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', args: [...FLAGS, ...fakeCameraFlags(camera)], headless: true });
    const context = await camBrowser.newContext({ viewport: PHONE, deviceScaleFactor: 2, serviceWorkers: 'block' });
    dave = await context.newPage();
    dave.setDefaultTimeout(15_000);
  }, 60_000);

  afterAll(async () => {
    erin?.close();
    await camBrowser?.close();
    await web?.close();
  });

  it('the safety-number scanner: focus moves to it and back, and it passes axe in both themes', async () => {
    const [cd, ce] = await Promise.all([web.invite(), web.invite()]);
    await enrolInBrowser(dave, web.url, cd, 'dave', 'Dave Dunn');
    erin = await HardlineClient.register(nodeClientOptions(tempDir('a11y-erin')), { server: web.url, code: ce, handle: 'erin' });
    await erin.sync();
    for (let i = 0; ; i++) {
      await dave.click('button[aria-label="New chat"]');
      if (await dave.waitForSelector('.sheet button:has-text("erin")', { timeout: 5_000 }).then(() => true, () => false)) break;
      if (i > 5) throw new Error('erin never reached dave\'s directory');
      await dave.reload();
      await dave.waitForSelector('[data-screen=chats]');
    }
    await dave.click('.sheet button:has-text("erin")');
    await dave.click('button[aria-label="Safety number"]');
    await dave.waitForSelector('[data-safety-number]');
    await dave.focus('[data-action=scan-safety]');
    await dave.keyboard.press('Enter');
    await dave.waitForSelector('[data-scanner] video');
    // The button that opened the scanner is gone: focus goes to the scanner's own control.
    await expectFocus(dave, '[data-scanner] button:has-text("Cancel scanning")');
    await audit(dave, 'safety scanner');
    for (const scheme of ['light', 'dark'] as const) {
      await dave.emulateMedia({ colorScheme: scheme });
      await dave.screenshot({ path: join(SCREENSHOTS, `a11y-scanner-${scheme}.png`) });
    }
    await dave.emulateMedia({ colorScheme: 'light' });
    await dave.keyboard.press('Escape');
    await dave.waitForSelector('[data-scanner]', { state: 'detached' });
    await expectFocus(dave, '[data-action=scan-safety]');
  }, 120_000);

  it('the security console passes axe in both themes, before and after a key is imported', async () => {
    // The console is chosen when the app starts: a hash change alone keeps the chats.
    await dave.goto(`${web.url}/#console`);
    await dave.reload();
    await dave.waitForSelector('[data-screen=console]');
    await audit(dave, 'console (no key)');
    // The key file is chosen with the keyboard: its hidden input takes focus, and its label shows it.
    await tabTo(dave, '[data-import-key]');
    expect(await dave.evaluate(() => getComputedStyle(document.querySelector('[data-import-key]')!.closest('label')!).outlineStyle)).not.toBe('none');
    const file = join(tempDir('a11y-console-key'), 'org.key');
    const key = newOrgKey();
    writeFileSync(file, JSON.stringify({ kind: 'hardline-org-key', v: 1, name: 'Acme', publicKey: key.publicKey, secretKey: key.secretKey }));
    await dave.setInputFiles('[data-import-key]', file);
    await dave.waitForSelector('[data-fingerprint]');
    await dave.fill('[data-admin-token]', web.adminToken!);
    await dave.click('[data-refresh]');
    await dave.waitForSelector('[data-device]');
    await audit(dave, 'console (key imported)');
    for (const scheme of ['light', 'dark'] as const) {
      await dave.emulateMedia({ colorScheme: scheme });
      await dave.screenshot({ path: join(SCREENSHOTS, `a11y-console-${scheme}.png`) });
    }
    await dave.emulateMedia({ colorScheme: 'light' });
  }, 120_000);
});
