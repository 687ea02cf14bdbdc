/**
 * Reloading during a call (issue 8.1): the app that was mid-call reopens to its chats, never to
 * the "could not be opened" screen, and the two can call again at once. Its own TURN port, so it
 * never meets the other call tests' coturn.
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { tempDir } from '../support/cliHarness.ts';
import { enrolPair, home, launchCallChromium, newCallPhone, openContact, startCallRelay, toneWav, type CallRelay } from '../support/calls.ts';

let relay: CallRelay;
let browser: Browser;
let alice: Page;
let bob: Page;

beforeAll(async () => {
  const wav = toneWav(join(tempDir('tone'), 'tone-440.wav'), 440, 10);
  [relay, browser] = await Promise.all([startCallRelay(3697), launchCallChromium(wav)]);
  alice = (await newCallPhone(browser)).page;
  bob = (await newCallPhone(browser)).page;
  await enrolPair(relay, alice, bob);
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await relay?.close();
});

async function connect(): Promise<void> {
  await openContact(alice, 'Bob Brown');
  await alice.click('[data-call=bob]');
  await bob.waitForSelector('[data-call-screen][data-call-phase=incoming]', { timeout: 30_000 });
  await bob.click('button[aria-label=Accept]');
  await Promise.all([alice, bob].map((p) => p.waitForSelector('[data-call-screen][data-call-phase=connected]', { timeout: 30_000 })));
}

describe('web app: reload during a call', () => {
  it('reopens to the chats, and the two can call again', async () => {
    await connect();
    await alice.reload();
    const screen = await alice.waitForSelector('[data-screen=chats], [data-screen=unreadable], [data-screen=onboarding]', { timeout: 30_000 });
    expect(await screen.getAttribute('data-screen')).toBe('chats');
    expect(await alice.locator('[data-call-screen]').count()).toBe(0);
    // Bob's side of the dead call ends, by his hand or by its own timeout.
    await bob.click('button[aria-label="Hang up"]', { timeout: 5_000 }).catch(() => undefined);
    await bob.waitForSelector('[data-call-screen]', { state: 'detached', timeout: 30_000 });
    await home(alice);
    await connect();
    await alice.click('button[aria-label="Hang up"]');
    await Promise.all([alice, bob].map((p) => p.waitForSelector('[data-call-screen]', { state: 'detached', timeout: 15_000 })));
  }, 150_000);
});
