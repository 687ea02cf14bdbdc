/**
 * Reloading during a call (issue 8.1): the app that was mid-call reopens to its chats, never to
 * the "could not be opened" screen, and the two can call again at once. Its own TURN port, so it
 * never meets the other call tests' coturn.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { join } from 'node:path';
import { enrolInBrowser } from '../support/browser.ts';
import { launchRestartable } from '../support/browserState.ts';
import { tempDir } from '../support/cliHarness.ts';
import { home, openContact, startCallPair, toneWav, type CallPair } from '../support/calls.ts';

let pair: CallPair;
let alice: Page;
let bob: Page;

beforeAll(async () => {
  pair = await startCallPair(3697, 10);
  ({ alice, bob } = pair);
}, 120_000);

afterAll(async () => {
  await pair?.close();
});

async function connect(): Promise<void> {
  await openContact(alice, 'Bob Brown');
  await alice.click('[data-call=bob]');
  await bob.waitForSelector('[data-call-screen][data-call-phase=incoming]', { timeout: 30_000 });
  await bob.click('button[aria-label=Accept]');
  await Promise.all([alice, bob].map((p) => p.waitForSelector('[data-call-screen][data-call-phase=connected]', { timeout: 30_000 })));
}

describe('web app: reload and browser restart during a call', () => {
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

  it('a browser restarted mid-call reopens to the chats, and the two can call again', async () => {
    // Alice on a browser whose profile is on disk, so a restart keeps her device.
    const restartable = await launchRestartable({ wav: toneWav(join(tempDir('tone'), 'tone.wav'), 440, 10) });
    try {
      const code = await pair.relay.invite();
      await enrolInBrowser(restartable.page, pair.relay.url, code, 'carol', 'Carol Clark');
      const carol = restartable.page;
      await carol.click('button[aria-label="New chat"]');
      await carol.click('.sheet button:has-text("bob")');
      await carol.fill('textarea[aria-label=Message]', 'hi bob');
      await carol.click('button[aria-label=Send]');
      await carol.click('[data-screen=chat] [data-call=bob]');
      await bob.waitForSelector('[data-call-screen][data-call-phase=incoming]', { timeout: 30_000 });
      await bob.click('button[aria-label=Accept]');
      await Promise.all([carol, bob].map((p) => p.waitForSelector('[data-call-screen][data-call-phase=connected]', { timeout: 30_000 })));

      const page = await restartable.restart();
      await page.goto(`${pair.relay.url}/`);
      const screen = await page.waitForSelector('[data-screen=chats], [data-screen=unreadable], [data-screen=onboarding]', { timeout: 30_000 });
      expect(await screen.getAttribute('data-screen')).toBe('chats');
      await bob.click('button[aria-label="Hang up"]', { timeout: 5_000 }).catch(() => undefined);
      await bob.waitForSelector('[data-call-screen]', { state: 'detached', timeout: 30_000 });
      await page.click('[data-chat="d:bob"]');
      await page.click('[data-screen=chat] [data-call=bob]');
      await bob.waitForSelector('[data-call-screen][data-call-phase=incoming]', { timeout: 30_000 });
      await bob.click('button[aria-label=Accept]');
      await Promise.all([page, bob].map((p) => p.waitForSelector('[data-call-screen][data-call-phase=connected]', { timeout: 30_000 })));
      await page.click('button[aria-label="Hang up"]');
      await bob.waitForSelector('[data-call-screen]', { state: 'detached', timeout: 15_000 });
    } finally {
      await restartable.close();
    }
  }, 180_000);
});
