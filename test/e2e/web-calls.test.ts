/**
 * Encrypted voice calls in Debian's Chromium, with a fake microphone playing a 440 Hz tone:
 * Alice calls Bob from his contact card and the tone arrives at Bob through a relay-only
 * coturn, SFrame-encrypted end to end; then the other way. A wrong key gives silence and
 * counted decrypt failures; declined and unanswered calls are logged as missed; a second
 * device of Bob's stops ringing when the first answers. Setup time is measured on the way.
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { RTCPeerConnection as WeriftPeer } from 'werift';
import { sframe } from '@hardline/protocol';
import { SCREENSHOTS } from '../support/browser.ts';
import { tempDir } from '../support/cliHarness.ts';
import { audioArrival, callStats, enrolPair, home, launchCallChromium, measureRemoteAudio, newCallPhone, openContact, phase, setHooks, startCallRelay, toneWav, type CallRelay } from '../support/calls.ts';

let relay: CallRelay;
let browser: Browser;
let alice: Page;
let bob: Page;
let bob2: Page | undefined;

beforeAll(async () => {
  const wav = toneWav(join(tempDir('tone'), 'tone-440.wav'));
  [relay, browser] = await Promise.all([startCallRelay(), launchCallChromium(wav)]);
  alice = (await newCallPhone(browser)).page;
  bob = (await newCallPhone(browser)).page;
  await enrolPair(relay, alice, bob);
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await relay?.close();
});

async function waitPhase(page: Page, want: string, timeout = 15_000): Promise<void> {
  await page.waitForSelector(`[data-call-screen][data-call-phase=${want}]`, { timeout });
}

async function hangUp(page: Page, other: Page): Promise<void> {
  await page.click('button[aria-label="Hang up"]');
  await Promise.all([page.waitForSelector('[data-call-screen]', { state: 'detached' }), other.waitForSelector('[data-call-screen]', { state: 'detached' })]);
}

describe('web app: encrypted voice calls', () => {
  it('Alice calls Bob from his contact card; the tone arrives through TURN, SFrame-encrypted', async () => {
    await openContact(alice, 'Bob Brown');
    const tapAt = Date.now();
    await alice.click('[data-call=bob]');
    await waitPhase(alice, 'outgoing');
    await waitPhase(bob, 'incoming');
    await bob.screenshot({ path: join(SCREENSHOTS, 'call-incoming.png') });
    const ringAt = Date.now();
    const arrival = audioArrival(bob);
    await bob.click('button[aria-label=Accept]');
    await Promise.all([waitPhase(alice, 'connected'), waitPhase(bob, 'connected')]);
    const audioAt = await arrival;
    console.log(`call setup: tap→ring ${ringAt - tapAt} ms, accept→audio ${audioAt - ringAt} ms`);
    const heard = await measureRemoteAudio(bob);
    console.log('Bob hears', heard);
    expect(Math.abs(heard.peakHz - 440)).toBeLessThanOrEqual(15);
    expect(heard.rms).toBeGreaterThan(0.1);
    const [a, b] = await Promise.all([callStats(alice), callStats(bob)]);
    expect([a.local, a.remote, b.local, b.remote]).toEqual(['relay', 'relay', 'relay', 'relay']);
    expect(b.decrypted).toBeGreaterThan(20);
    expect(b.decryptFailures).toBe(0);
    await alice.waitForTimeout(2_200);
    await alice.screenshot({ path: join(SCREENSHOTS, 'call-connected.png') });
    await hangUp(alice, bob);
  });

  it('Bob calls Alice back from the chat header; the tone arrives at Alice', async () => {
    await home(bob);
    await bob.click('[data-tab=chats]');
    await bob.click('[data-chat="d:alice"]');
    await bob.click('[data-screen=chat] [data-call=alice]');
    await waitPhase(alice, 'incoming');
    await alice.click('button[aria-label=Accept]');
    await Promise.all([waitPhase(alice, 'connected'), waitPhase(bob, 'connected')]);
    const heard = await measureRemoteAudio(alice);
    expect(Math.abs(heard.peakHz - 440)).toBeLessThanOrEqual(15);
    expect(heard.rms).toBeGreaterThan(0.1);
    const [a, b] = await Promise.all([callStats(alice), callStats(bob)]);
    expect([a.local, a.remote, b.local, b.remote]).toEqual(['relay', 'relay', 'relay', 'relay']);
    // Mute: Alice stops hearing the tone, and the button says so.
    await bob.click('button[aria-label=Mute]');
    await bob.waitForSelector('button[aria-label=Unmute][aria-pressed=true]');
    await alice.waitForTimeout(600);
    expect((await measureRemoteAudio(alice, 800)).rms).toBeLessThan(0.02);
    await bob.click('button[aria-label=Unmute]');
    await hangUp(bob, alice);
  });

  it('with a wrong key Bob hears silence while packets arrive, and decrypt failures rise', async () => {
    await setHooks(bob, { wrongKey: true });
    try {
      await openContact(alice, 'Bob Brown');
      await alice.click('[data-call=bob]');
      await waitPhase(bob, 'incoming');
      await bob.click('button[aria-label=Accept]');
      await Promise.all([waitPhase(alice, 'connected'), waitPhase(bob, 'connected')]);
      const heard = await measureRemoteAudio(bob, 1_500);
      const stats = await callStats(bob);
      console.log('wrong key', heard, stats);
      expect(heard.rms).toBeLessThan(0.01);
      expect(stats.packetsReceived).toBeGreaterThan(30);
      expect(stats.decrypted).toBe(0);
      expect(stats.decryptFailures).toBeGreaterThan(30);
      // The call screen shows the counter too (polled every 2 s).
      await bob.waitForFunction(() => Number(document.querySelector('[data-call-screen]')?.getAttribute('data-decrypt-failures')) > 0);
      await hangUp(alice, bob);
    } finally {
      await setHooks(bob, { wrongKey: false });
    }
  });

  it('a declined call and an unanswered one are both logged as missed, in the chat and on the contact card', async () => {
    await openContact(alice, 'Bob Brown');
    await alice.click('[data-call=bob]');
    await waitPhase(bob, 'incoming');
    await bob.click('button[aria-label=Decline]');
    await alice.waitForSelector('[data-call-screen][data-call-phase=ended]');
    expect(await alice.textContent('.call-status')).toContain('Declined');
    await alice.waitForSelector('[data-call-screen]', { state: 'detached' });

    await Promise.all([setHooks(alice, { ringTimeoutMs: 3_000 }), setHooks(bob, { ringTimeoutMs: 3_000 })]);
    try {
      await alice.click('[data-call=bob]');
      await waitPhase(bob, 'incoming');
      await Promise.all([alice.waitForSelector('[data-call-screen][data-call-phase=ended]', { timeout: 8_000 }), bob.waitForSelector('[data-call-screen][data-call-phase=ended]', { timeout: 8_000 })]);
      expect(await alice.textContent('.call-status')).toContain('No answer');
      await Promise.all([alice.waitForSelector('[data-call-screen]', { state: 'detached' }), bob.waitForSelector('[data-call-screen]', { state: 'detached' })]);
    } finally {
      await Promise.all([setHooks(alice, { ringTimeoutMs: 30_000 }), setHooks(bob, { ringTimeoutMs: 30_000 })]);
    }
    // Alice's card for Bob: two missed outgoing calls (declined, no answer) above the answered ones.
    const missedOut = alice.locator('[data-call-outcome=missed][data-call-direction=out]');
    expect(await missedOut.count()).toBe(2);
    expect(await missedOut.allTextContents()).toEqual(expect.arrayContaining([expect.stringContaining('did not answer'), expect.stringContaining('declined your call')]));
    await alice.screenshot({ path: join(SCREENSHOTS, 'call-history-contact.png') });
    // Bob's chat with Alice shows both as missed calls.
    await home(bob);
    await bob.click('[data-tab=chats]');
    await bob.click('[data-chat="d:alice"]');
    await bob.waitForSelector('.notice:has-text("Missed call from Alice Adams (declined)")');
    await bob.waitForSelector('.notice:has-text("Missed call from Alice Adams")');
    expect(await bob.locator('.notice', { hasText: 'Missed call from Alice Adams' }).count()).toBe(2);
    await bob.screenshot({ path: join(SCREENSHOTS, 'call-history-chat.png') });
    await home(bob);
  });

  it('Bob has two devices: both ring, and answering on one stops the other', async () => {
    await bob.click('[data-tab=devices]');
    await bob.click('text=Show link code');
    const code = (await bob.getAttribute('[data-link-code]', 'data-link-code'))!;
    bob2 = (await newCallPhone(browser)).page;
    await bob2.goto(`${relay.url}/#enrol=${encodeURIComponent(code)}&handle=bob`);
    await bob2.click('button[type=submit]');
    await bob2.waitForSelector('[data-screen=chats]', { timeout: 30_000 });
    // Wait until Alice's conversation with Bob holds Bob's new device (a member reconciles it in).
    const devices = () => alice.evaluate(() => (globalThis as unknown as { __hardlineCalls: { conversationDevices(h: string): Promise<string[]> } }).__hardlineCalls.conversationDevices('bob'));
    const until = Date.now() + 30_000;
    while ((await devices()).length < 3) {
      if (Date.now() > until) throw new Error('Bob’s second device never joined the conversation');
      await alice.waitForTimeout(500);
    }
    await openContact(alice, 'Bob Brown');
    // The second device may still be reading its Welcome: ring until both devices ring.
    for (let i = 0; ; i++) {
      await alice.click('[data-call=bob]');
      await waitPhase(bob, 'incoming');
      if (await bob2.waitForSelector('[data-call-screen][data-call-phase=incoming]', { timeout: 6_000 }).then(() => true, () => false)) break;
      await alice.click('button[aria-label="Hang up"]');
      await alice.waitForSelector('[data-call-screen]', { state: 'detached' });
      if (i >= 3) throw new Error('Bob’s second device never rang');
    }
    await bob.click('button[aria-label=Accept]');
    await bob2.waitForSelector('[data-call-screen][data-call-phase=ended]');
    expect(await bob2.textContent('.call-status')).toContain('Answered on another device');
    await bob2.waitForSelector('[data-call-screen]', { state: 'detached' });
    await Promise.all([waitPhase(alice, 'connected'), waitPhase(bob, 'connected')]);
    const heard = await measureRemoteAudio(bob, 1_000);
    expect(Math.abs(heard.peakHz - 440)).toBeLessThanOrEqual(15);
    await hangUp(alice, bob);
    expect(await phase(bob2)).toBe(null);
  });
});

/** 20 ms Opus configurations (RFC 6716 §3.1), what Chromium sends for voice. */
const OPUS_20MS_CONFIGS = new Set([1, 5, 9, 13, 15, 19, 23, 27, 31]);
const looksLikeOpus = (p: Uint8Array) => p.length > 0 && OPUS_20MS_CONFIGS.has(p[0]! >> 3) && (p[0]! & 0x03) === 0;

/** Alice's browser sends media to a Node peer (werift) that sees what a relay sees: RTP payloads. */
async function payloadsSeenOnPath(page: Page, withSframe: boolean): Promise<Uint8Array[]> {
  const peer = new WeriftPeer({ iceAdditionalHostAddresses: ['127.0.0.1'] });
  const payloads: Uint8Array[] = [];
  peer.onTrack.subscribe((track) => track.onReceiveRtp.subscribe((rtp) => payloads.push(new Uint8Array(rtp.payload))));
  try {
    const offer = await page.evaluate(async (withSframe) => {
      type M = { open(o: unknown): Promise<{ setKeys(k: unknown): void; offer(): Promise<void>; handleAnswer(s: string): Promise<void>; close(): void }> };
      const { MediaSession } = (globalThis as unknown as { __hardlineCallModules: { MediaSession: M } }).__hardlineCallModules;
      const signals: { op: string; sdp?: string }[] = [];
      const s = await MediaSession.open({ iceServers: [], relayOnly: false, sframe: withSframe, polite: false, signal: (x: { op: string; sdp?: string }) => signals.push(x), state: () => undefined });
      s.setKeys({ epoch: 0n, send: { kid: 5n, key: new Uint8Array(32).fill(7) }, receive: [] });
      await s.offer();
      (globalThis as unknown as { __probe: unknown }).__probe = s;
      return signals.find((x) => x.op === 'offer')!.sdp!;
    }, withSframe);
    await peer.setRemoteDescription({ type: 'offer', sdp: offer });
    await peer.setLocalDescription(await peer.createAnswer());
    const answer = peer.localDescription!.sdp;
    await page.evaluate((sdp) => (globalThis as unknown as { __probe: { handleAnswer(s: string): Promise<void> } }).__probe.handleAnswer(sdp), answer);
    const until = Date.now() + 10_000;
    while (payloads.length < 60 && Date.now() < until) await new Promise((r) => setTimeout(r, 100));
    return payloads;
  } finally {
    await page.evaluate(() => (globalThis as unknown as { __probe?: { close(): void } }).__probe?.close()).catch(() => undefined);
    await peer.close();
  }
}

describe('what the media path carries', () => {
  it('with SFrame a peer on the path sees SFrame ciphertext, never Opus; without it, Opus TOC bytes', async () => {
    const encrypted = await payloadsSeenOnPath(alice, true);
    const plain = await payloadsSeenOnPath(alice, false);
    console.log(`on the path: ${encrypted.length} SFrame payloads (first bytes ${[...new Set(encrypted.slice(0, 20).map((p) => p[0]!.toString(16)))]}), ${plain.length} plain (first bytes ${[...new Set(plain.map((p) => p[0]!.toString(16)))]})`);
    expect(encrypted.length).toBeGreaterThan(30);
    expect(plain.length).toBeGreaterThan(30);
    expect(plain.filter(looksLikeOpus).length / plain.length).toBeGreaterThan(0.9);
    expect(encrypted.filter(looksLikeOpus).length / encrypted.length).toBeLessThan(0.1);
    // Every encrypted payload is an SFrame frame under the sender's KID, counters rising.
    const headers = encrypted.map((p) => sframe.decodeHeader(p));
    expect(headers.every((h) => h.kid === 5n)).toBe(true);
    expect(headers.every((h, i) => i === 0 || h.ctr > headers[i - 1]!.ctr)).toBe(true);
  });
});
