/**
 * Calling someone with no device online, in Debian's Chromium: Bob's ringing device acks the
 * ring with a `ringing` call signal (an ordinary sealed envelope, like the ring), so Alice sees
 * "Ringing…" past the reach window and the call connects; with Bob's browser closed nothing
 * acks, and Alice learns within seconds, not after 30 s of ringing, that he isn't reachable,
 * and can leave him a message or call again. The relay is never asked who is online.
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { REACH_TIMEOUT_MS } from '../../packages/web/src/calls/reachability.ts';
import { SCREENSHOTS } from '../support/browser.ts';
import { tempDir } from '../support/cliHarness.ts';
import { enrolPair, launchCallChromium, newCallPhone, openContact, phase, setHooks, startCallRelay, toneWav, type CallRelay } from '../support/calls.ts';

let relay: CallRelay;
let browser: Browser;
let alice: Page;
let bob: Page;
let bobContext: BrowserContext;

beforeAll(async () => {
  const wav = toneWav(join(tempDir('tone'), 'tone-440.wav'), 440, 10);
  // Its own TURN port, so it never meets web-calls.test.ts's coturn.
  [relay, browser] = await Promise.all([startCallRelay(3696), launchCallChromium(wav)]);
  alice = (await newCallPhone(browser)).page;
  ({ page: bob, context: bobContext } = await newCallPhone(browser));
  await enrolPair(relay, alice, bob);
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await relay?.close();
});

const status = (page: Page) => page.textContent('[data-call-screen] .call-status');

async function hangUpBoth(): Promise<void> {
  await alice.click('button[aria-label="Hang up"]');
  await Promise.all([alice, bob].map((p) => p.waitForSelector('[data-call-screen]', { state: 'detached' })));
}

describe('web app: a callee with no device online', () => {
  it('Bob is online: his device acks the ring, so Alice hears "Ringing…" past the reach window, and the call connects', async () => {
    await openContact(alice, 'Bob Brown');
    const tapAt = Date.now();
    await alice.click('[data-call=bob]');
    await bob.waitForSelector('[data-call-screen][data-call-phase=incoming]');
    const ringAt = Date.now();
    await alice.waitForSelector('[data-call-screen][data-call-phase=outgoing][data-call-ringing=yes]', { timeout: REACH_TIMEOUT_MS });
    const ackAt = Date.now();
    console.log(`online callee: tap→ring ${ringAt - tapAt} ms, tap→"Ringing…" ${ackAt - tapAt} ms (reach window ${REACH_TIMEOUT_MS} ms from the ring's post)`);
    expect(await status(alice)).toBe('Ringing…');
    // Well past the reach window Alice still rings: the ack, not luck, kept the call up.
    await alice.waitForTimeout(Math.max(0, tapAt + REACH_TIMEOUT_MS + 2_000 - Date.now()));
    expect(await phase(alice)).toBe('outgoing');
    expect(await status(alice)).toBe('Ringing…');
    await bob.click('button[aria-label=Accept]');
    await Promise.all([alice, bob].map((p) => p.waitForSelector('[data-call-screen][data-call-phase=connected]')));
    await hangUpBoth();
  });

  it('Bob is online but his ack is slow: Alice shows "Calling…" until it comes, then "Ringing…", and never gives up early', async () => {
    await setHooks(bob, { ackDelayMs: 4_000 });
    try {
      await openContact(alice, 'Bob Brown');
      const tapAt = Date.now();
      await alice.click('[data-call=bob]');
      await bob.waitForSelector('[data-call-screen][data-call-phase=incoming]');
      expect(await status(alice)).toBe('Calling…');
      await alice.waitForSelector('[data-call-screen][data-call-ringing=yes]', { timeout: REACH_TIMEOUT_MS });
      expect(Date.now() - tapAt).toBeGreaterThanOrEqual(4_000);
      await alice.waitForTimeout(Math.max(0, tapAt + REACH_TIMEOUT_MS + 2_000 - Date.now()));
      expect(await phase(alice)).toBe('outgoing');
      await alice.click('button[aria-label="Hang up"]');
      await Promise.all([alice, bob].map((p) => p.waitForSelector('[data-call-screen]', { state: 'detached' })));
    } finally {
      await setHooks(bob, { ackDelayMs: undefined });
    }
  });

  it('Bob’s browser is closed: Alice learns within seconds that he isn’t reachable, and "Leave a message" opens his chat ready to type', async () => {
    await bobContext.close();
    await openContact(alice, 'Bob Brown');
    const tapAt = Date.now();
    await alice.click('[data-call=bob]');
    await alice.waitForSelector('[data-call-screen][data-call-phase=outgoing]');
    expect(await status(alice)).toBe('Calling…');
    // Today's behaviour was 30 s of "Ringing…" and then "No answer"; give it 20 s at most.
    await alice.waitForSelector('[data-call-screen][data-call-phase=ended] [data-call-choices]', { timeout: 20_000 });
    const verdictAfter = Date.now() - tapAt;
    console.log(`offline callee: "isn't reachable" after ${verdictAfter} ms`);
    expect(verdictAfter).toBeGreaterThanOrEqual(REACH_TIMEOUT_MS);
    expect(verdictAfter).toBeLessThan(REACH_TIMEOUT_MS + 5_000);
    expect(await status(alice)).toBe('Bob Brown isn’t reachable right now');
    expect(await alice.getAttribute('[data-call-screen]', 'data-call-ringing')).toBe('no');
    await alice.screenshot({ path: join(SCREENSHOTS, 'call-unreachable.png') });
    // The choice waits for Alice: it does not vanish like an ended call's screen.
    await alice.waitForTimeout(3_000);
    expect(await alice.isVisible('[data-call-choices]')).toBe(true);

    await alice.click('[data-call-choices] >> text=Leave a message');
    await alice.waitForSelector('[data-call-screen]', { state: 'detached' });
    await alice.waitForSelector('[data-screen=chat][data-chat="d:bob"]');
    // Focus moves to the composer once the chat has rendered: waited for, not sampled (a race under load).
    await alice.waitForFunction(() => document.activeElement?.matches('[data-screen=chat][data-chat="d:bob"] textarea') ?? false, undefined, { timeout: 5_000 });
    // The call log says what happened, in the chat.
    await alice.waitForSelector('.notice:has-text("Bob Brown wasn’t reachable")');
    await alice.keyboard.type('Tried to call you. Call me back when you can.');
    await alice.keyboard.press('Enter');
    await alice.waitForSelector('.msg.mine:has-text("Call me back when you can")');
  });

  it('"Call again" rings afresh and meets the same answer; "Close" closes', async () => {
    await alice.click('[data-screen=chat] [data-call=bob]');
    await alice.waitForSelector('[data-call-choices]', { timeout: 20_000 });
    const first = await alice.getAttribute('[data-call-screen]', 'data-call-id');
    await alice.click('[data-call-choices] >> text=Call again');
    await alice.waitForSelector('[data-call-screen][data-call-phase=outgoing]');
    expect(await alice.getAttribute('[data-call-screen]', 'data-call-id')).not.toBe(first);
    await alice.waitForSelector('[data-call-choices]', { timeout: 20_000 });
    await alice.click('[data-call-choices] >> text=Close');
    await alice.waitForSelector('[data-call-screen]', { state: 'detached' });
    expect(await alice.locator('.notice', { hasText: 'Bob Brown wasn’t reachable' }).count()).toBe(3);
  });
});
