/**
 * Issue 13's console as a role of the web app (/#console), in Chromium against a real relay:
 * the org key is imported from the offline file into a non-extractable WebCrypto key, installed
 * at the relay, and signs an invite, a policy and a revocation with remote wipe; the device list
 * flags a device on an old policy; the audit chain verifies, and shows the break once the relay
 * edits its stored history; the briefing shows counts. A key made in the browser cannot be
 * exported. Orders signed here verify on devices like the CLI's.
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { HardlineClient } from '@hardline/client';
import { nodeClientOptions } from '@hardline/client/node';
import { newOrgKey } from '@hardline/protocol';
import { launchChromium, newPhone, SCREENSHOTS, startWebRelay, type WebRelay } from '../support/browser.ts';
import { tempDir } from '../support/cliHarness.ts';
import { openConsoleWithKey } from '../support/consolePage.ts';
import { enrolInOrg, rewriteOrders } from '../support/orgConsole.ts';

let relay: WebRelay;
let browser: Browser;
let page: Page;
const key = newOrgKey();
const opened: HardlineClient[] = [];

beforeAll(async () => {
  relay = await startWebRelay();
  browser = await launchChromium();
  page = (await newPhone(browser, { width: 900, height: 1400 })).page;
}, 60_000);

afterAll(async () => {
  for (const c of opened) c.close();
  await browser?.close();
  await relay?.close();
});

const status = () => page.locator('[data-console-status]');

describe('the security console', () => {
  it('imports the org key file, installs it, and signs an invite a device enrols with', async () => {
    await openConsoleWithKey(page, relay, key);
    await page.fill('input[name=handle]', 'alice');
    await page.click('button:has-text("Sign invite")');
    const code = (await page.locator('[data-invite]').textContent())!;
    expect(code).toMatch(/~[0-9a-f]{32}$/);
    const alice = await HardlineClient.register(nodeClientOptions(tempDir('alice')), { server: relay.url, code, handle: 'alice' });
    opened.push(alice);
    expect(alice.orgPolicy().orgKey).toBe(key.publicKey);
  }, 60_000);

  it('publishes a signed policy, flags the device that has not applied it, and revokes with wipe', async () => {
    const bob = await enrolInOrg(relay, key, 'bob');
    opened.push(bob);
    await page.fill('[data-policy]', JSON.stringify({ groups: [{ name: 'principal', members: ['alice'], capabilities: { calls: false } }] }));
    await page.click('[data-publish-policy]');
    await expect.poll(() => status().textContent()).toMatch(/Policy version 1 signed/);
    await opened[0]!.sync();
    expect(opened[0]!.orgPolicy()).toMatchObject({ version: 1, capabilities: { calls: false } });
    await page.click('[data-refresh]');
    await expect.poll(() => page.locator('[data-device=bob]').textContent()).toMatch(/v0 \(old\)/);
    await expect.poll(() => page.locator('[data-device=alice]').textContent()).toMatch(/v1/);
    await page.click('[data-revoke=bob]');
    await expect.poll(() => page.locator('[data-device=bob]').textContent()).toMatch(/revoked/);
    await expect(bob.sync()).rejects.toMatchObject({ code: 'REVOKED', message: expect.stringMatching(/wiped/) });
    await expect.poll(() => page.locator('[data-audit]').textContent()).toMatch(/verified: 5 signed orders/);
    await expect.poll(() => page.locator('[data-briefing]').textContent()).toMatch(/Revocations: 1/);
    await page.screenshot({ path: join(SCREENSHOTS, 'console-light.png'), fullPage: true });
  }, 60_000);

  it('shows the break when the relay edits its stored history', async () => {
    rewriteOrders(relay, (o) => (o.seq === 3 ? undefined : o));
    await page.click('[data-refresh]');
    await expect.poll(() => page.locator('[data-audit]').textContent()).toMatch(/broken at order 3 \(sequence\)/);
  });

  it('a key made in the browser is kept as a non-extractable key', async () => {
    const other = (await newPhone(browser)).page;
    await other.goto(`${relay.url}/#console`);
    await other.click('[data-create-key]');
    await other.waitForSelector('[data-fingerprint]');
    const extractable = await other.evaluate(async () => {
      const r = indexedDB.open('hardline-console', 1);
      const db = await new Promise<IDBDatabase>((ok) => (r.onsuccess = () => ok(r.result)));
      const get = db.transaction('keys').objectStore('keys').get('org-key');
      const k = await new Promise<{ privateKey: CryptoKey }>((ok) => (get.onsuccess = () => ok(get.result)));
      return { extractable: k.privateKey.extractable, exported: await crypto.subtle.exportKey('jwk', k.privateKey).then(() => true, () => false) };
    });
    expect(extractable).toEqual({ extractable: false, exported: false });
  });
});
