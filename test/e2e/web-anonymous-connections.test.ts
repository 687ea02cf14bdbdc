/**
 * The web app's anonymous calls, played from the live relay operator's side (issue 12): a page
 * cannot choose its connections, and the browser's keep-alive pool would let a KeyPackage claim
 * ride the connection that had just carried the device's session, or the previous claim's, and
 * the relay would see them come from one place. Through the relay's observer trace (`conn`: one
 * TCP connection): no claim and no post arrives on a connection that authenticated as a device,
 * and no two claims share a connection. It fails with the browser's plain fetch for anonymous
 * calls (the session's pool) or with the relay's `Connection: close` on anonymous routes removed
 * (claims then share the credential-less pool's idle connection).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import type { ObserverEvent } from '@hardline/server';
import { enrolInBrowser, launchChromium, newPhone, openTab, startWebRelay, type WebRelay } from '../support/browser.ts';
import { waitFor } from '../../packages/server/test/support/waitFor.ts';

const trace: ObserverEvent[] = [];
let relay: WebRelay;
let browser: Browser;
let alice: Page;
let bob: Page;
let carol: Page;

beforeAll(async () => {
  [relay, browser] = await Promise.all([startWebRelay({ observer: (e) => trace.push(e) }), launchChromium()]);
  const phones = await Promise.all([newPhone(browser), newPhone(browser), newPhone(browser)]);
  [alice, bob, carol] = [phones[0]!.page, phones[1]!.page, phones[2]!.page];
  const codes = await Promise.all([relay.invite(), relay.invite(), relay.invite()]);
  await Promise.all([enrolInBrowser(alice, relay.url, codes[0]!, 'alice', 'Alice'), enrolInBrowser(bob, relay.url, codes[1]!, 'bob', 'Bob'), enrolInBrowser(carol, relay.url, codes[2]!, 'carol', 'Carol')]);
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await relay?.close();
});

async function send(page: Page, text: string): Promise<void> {
  await page.fill('textarea[aria-label=Message]', text);
  await page.click('button[aria-label=Send]');
}

describe('anonymous calls from the web app', () => {
  it('never share a connection with a session, nor with each other', async () => {
    // A direct chat and a group: claims of bob's and carol's KeyPackages, then posts.
    await openTab(alice, 'chats');
    await alice.click('button[aria-label="New chat"]');
    await alice.click('.sheet button:has-text("bob")');
    await send(alice, 'hello bob');
    await alice.waitForSelector('.msg.mine [data-status=sent]', { timeout: 30_000 });
    await openTab(alice, 'chats');
    await alice.click('button[aria-label="New chat"]');
    await alice.click('.sheet button:has-text("Group")');
    await alice.fill('.sheet input', 'Harbour');
    await alice.click('.sheet label:has-text("@bob") input');
    await alice.click('.sheet label:has-text("@carol") input');
    await alice.click('.sheet button:has-text("Create group")');
    // Claims are paced at `balanced` (claimPacing.ts): a group's setup takes seconds, more on a loaded machine.
    await alice.waitForSelector('[data-screen=chat]', { timeout: 60_000 });
    await send(alice, 'hello both');
    await openTab(carol, 'chats');
    await carol.waitForSelector(`[data-chat] .row-title:text-is("Harbour")`, { timeout: 45_000 });
    await waitFor(() => trace.filter((e) => e.kind === 'claim').length >= 3, 30_000, 'three claims');

    const authenticated = new Set(trace.filter((e) => e.kind === 'auth').map((e) => e.conn));
    const claims = trace.filter((e) => e.kind === 'claim');
    const posts = trace.filter((e) => e.kind === 'post');
    expect(authenticated.size).toBeGreaterThan(0);
    expect(posts.length).toBeGreaterThan(1);
    expect(claims.filter((e) => authenticated.has(e.conn))).toEqual([]);
    expect(posts.filter((e) => authenticated.has(e.conn))).toEqual([]);
    // One connection per claim: two on one connection would tie them to each other.
    expect(new Set(claims.map((e) => e.conn)).size).toBe(claims.length);
  });
});
