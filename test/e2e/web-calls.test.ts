/**
 * Encrypted voice calls in Debian's Chromium, with a fake microphone playing a 440 Hz tone:
 * Alice calls Bob from his contact card and the tone arrives at Bob through a relay-only
 * coturn, SFrame-encrypted end to end; then the other way. A wrong key gives silence and
 * counted decrypt failures; declined and unanswered calls are logged as missed; a second
 * device of Bob's stops ringing when the first answers. Setup time is measured on the way.
 * A TURN restart mid-call (every allocation lost) is survived by an ICE restart; revoking a
 * device mid-call rotates the SFrame keys on both ends, and the revoked device's keys open
 * nothing sent afterwards.
 */
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { RTCPeerConnection as WeriftPeer } from 'werift';
import { sframe } from '@hardline/protocol';
import { SCREENSHOTS } from '../support/browser.ts';
import { tempDir } from '../support/cliHarness.ts';
import {
  audioArrival,
  callStats,
  captureFrames,
  conversationKeys,
  home,
  iceUfrag,
  keyState,
  measureRemoteAudio,
  newCallPhone,
  openContact,
  phase,
  phasesSeen,
  setHooks,
  startCallPair,
  until,
  watchPhases,
  type CallRelay,
  type KeyEntry,
} from '../support/calls.ts';

let relay: CallRelay;
let browser: Browser;
let alice: Page;
let bob: Page;
let bob2: Page | undefined;

beforeAll(async () => {
  // Every test measures the tone, so noise suppression is off throughout (startCallPair; see withSteadyTone).
  ({ relay, browser, alice, bob } = await startCallPair(3678, 30, { steadyTone: true }));
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await relay?.close();
});

// A test that fails mid-call must not leave the call up for the next one.
afterEach(async () => {
  for (const p of [alice, bob]) {
    if (p && (await p.isVisible('button[aria-label="Hang up"]'))) await p.click('button[aria-label="Hang up"]').catch(() => undefined);
  }
  await Promise.all([alice, bob].map((p) => p?.waitForSelector('[data-call-screen]', { state: 'detached', timeout: 10_000 }).catch(() => undefined)));
});

async function waitPhase(page: Page, want: string, timeout = 15_000): Promise<void> {
  await page.waitForSelector(`[data-call-screen][data-call-phase=${want}]`, { timeout });
}

/**
 * Noise suppression takes the steady test tone for noise and fades it within about 3 s
 * (RMS 0.18 -> 0.04); tests that listen later than that turn it off (echo cancellation stays on).
 */
async function withSteadyTone(fn: () => Promise<void>): Promise<void> {
  await Promise.all([alice, bob].map((p) => setHooks(p, { audioConstraints: { noiseSuppression: false } })));
  try {
    await fn();
  } finally {
    await Promise.all([alice, bob].map((p) => setHooks(p, { audioConstraints: { noiseSuppression: false } })));
  }
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

  it('the TURN server restarts mid-call (every allocation gone): an ICE restart recovers it, and the call never drops', () =>
    withSteadyTone(async () => {
      await openContact(alice, 'Bob Brown');
      await alice.click('[data-call=bob]');
      await waitPhase(bob, 'incoming');
      await bob.click('button[aria-label=Accept]');
      await Promise.all([waitPhase(alice, 'connected'), waitPhase(bob, 'connected')]);
      expect((await measureRemoteAudio(bob, 800)).rms).toBeGreaterThan(0.1);
      const ufrags = await Promise.all([iceUfrag(alice), iceUfrag(bob)]);
      await Promise.all([watchPhases(alice), watchPhases(bob)]);

      // The network path dies under the call: coturn goes, and with it both relay allocations.
      const t0 = Date.now();
      await relay.restartTurn();
      // No media reaches either side now; after a short grace one side restarts ICE.
      await until('an ICE restart', async () => (await keyState(alice)).restarts + (await keyState(bob)).restarts > 0, 20_000);
      const restartAt = Date.now();
      // The restart negotiated new ICE credentials on both sides, and media is back through TURN.
      await until('media connected again', async () => {
        const [a, b] = await Promise.all([keyState(alice), keyState(bob)]);
        const now = await Promise.all([iceUfrag(alice), iceUfrag(bob)]);
        return a.media === 'connected' && b.media === 'connected' && now[0] !== ufrags[0] && now[1] !== ufrags[1];
      }, 20_000);
      const backAt = Date.now();
      // The jitter buffer takes a moment to play at full level again after the gap.
      const levels: number[] = [];
      const heard = await until('the tone back at Bob', async () => {
        const m = await measureRemoteAudio(bob, 500);
        levels.push(Math.round(m.rms * 1000) / 1000);
        return m.rms > 0.1 && m;
      }, 15_000, 0);
      console.log('levels after reconnect', levels, `tone back after ${Date.now() - t0} ms`);
      const [a, b] = await Promise.all([keyState(alice), keyState(bob)]);
      console.log(`TURN restart: ICE restart after ${restartAt - t0} ms, media back after ${backAt - t0} ms; restarts alice ${a.restarts}, bob ${b.restarts}; Bob hears`, heard);
      expect(Math.abs(heard.peakHz - 440)).toBeLessThanOrEqual(15);
      expect(heard.rms).toBeGreaterThan(0.1);
      const heardByAlice = await until('the tone back at Alice', async () => {
        const m = await measureRemoteAudio(alice, 500);
        return m.rms > 0.1 && m;
      }, 10_000, 0);
      expect(Math.abs(heardByAlice.peakHz - 440)).toBeLessThanOrEqual(15);
      const [sa, sb] = await Promise.all([callStats(alice), callStats(bob)]);
      expect([sa.local, sa.remote, sb.local, sb.remote]).toEqual(['relay', 'relay', 'relay', 'relay']);
      // The UI never left the connected call (it may say "Reconnecting…" under the timer).
      expect(await phasesSeen(alice)).toEqual(['connected']);
      expect(await phasesSeen(bob)).toEqual(['connected']);
      await hangUp(alice, bob);
    }),
  );

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

  it('revoking a device mid-call rotates the call keys on both sides; the removed device cannot decrypt what follows', () =>
    withSteadyTone(async () => {
      // Bob's second device (from the test above) is a member of the conversation, so it can
      // derive every sender's key of the current epoch, Alice's included.
      const b2 = bob2!;
      await home(bob);
      // The device list loads when the tab opens: open it afresh so it shows the second device.
      await bob.click('[data-tab=chats]');
      await bob.click('[data-tab=devices]');
      await bob.waitForSelector('[data-revoke]');
      await openContact(alice, 'Bob Brown');
      await alice.click('[data-call=bob]');
      await waitPhase(bob, 'incoming');
      await bob.click('button[aria-label=Accept]');
      await Promise.all([waitPhase(alice, 'connected'), waitPhase(bob, 'connected')]);
      await b2.waitForSelector('[data-call-screen]', { state: 'detached' });
      const [a0, b0] = await Promise.all([keyState(alice), keyState(bob)]);
      const removedKeys = await conversationKeys(b2, 'alice');
      expect(String(removedKeys.epoch)).toBe(a0.epoch);
      expect(b0.epoch).toBe(a0.epoch);
      // Before: the soon-removed device's keys open what Alice sends (so the check below has teeth).
      const before = await captureFrames(bob, 10);
      expect(before).toHaveLength(10);
      expect(await openedBy(removedKeys.receive, before)).toBe(10);

      // Bob signs his second device out (the call screen covers the app, so the click goes to
      // the button beneath it). Bob's device commits its removal: a new epoch.
      await Promise.all([watchPhases(alice), watchPhases(bob)]);
      bob.once('dialog', (d) => void d.accept());
      await bob.dispatchEvent('[data-revoke]', 'click');
      const [a1, b1] = await until('new send keys on both sides', async () => {
        const s = await Promise.all([keyState(alice), keyState(bob)]);
        return s.every((x, i) => x.epoch !== a0.epoch && x.sendKid !== [a0, b0][i]!.sendKid) && s;
      }, 20_000);
      console.log('keys before', a0, b0, 'after', a1, b1);
      expect(a1.epoch).toBe(b1.epoch);
      expect(BigInt(a1.epoch)).toBeGreaterThan(BigInt(a0.epoch));
      expect(sframe.parseMlsKid(BigInt(a1.sendKid)).epochLow).toBe(BigInt(a1.epoch) & 0xffn);
      // Audio flows both ways under the new epoch's KIDs.
      await until('frames under the new KIDs', async () => {
        const [a, b] = await Promise.all([keyState(alice), keyState(bob)]);
        return a.lastReceiveKid === b1.sendKid && b.lastReceiveKid === a1.sendKid;
      });
      const [heardByBob, heardByAlice] = await Promise.all([measureRemoteAudio(bob, 1_000), measureRemoteAudio(alice, 1_000)]);
      console.log('after the rotation Bob hears', heardByBob, 'Alice hears', heardByAlice);
      expect(Math.abs(heardByBob.peakHz - 440)).toBeLessThanOrEqual(15);
      expect(heardByBob.rms).toBeGreaterThan(0.1);
      expect(Math.abs(heardByAlice.peakHz - 440)).toBeLessThanOrEqual(15);
      expect(heardByAlice.rms).toBeGreaterThan(0.1);
      // The switch cost at most a moment of audio (frames that beat the commit), not the call.
      const [a2, b2s] = await Promise.all([keyState(alice), keyState(bob)]);
      expect(a2.decryptFailures).toBeLessThan(50);
      expect(b2s.decryptFailures).toBeLessThan(50);
      expect(await phasesSeen(alice)).toEqual(['connected']);
      expect(await phasesSeen(bob)).toEqual(['connected']);

      // After: what Alice sends is under her new-epoch KID, and the removed device's keys open none
      // of it, not even with Alice's old key forced onto the new KID.
      const after = await captureFrames(bob, 10);
      expect(after).toHaveLength(10);
      expect(after.every((f) => sframe.decodeHeader(f).kid === BigInt(a1.sendKid))).toBe(true);
      expect(await openedBy(removedKeys.receive, after)).toBe(0);
      const aliceOld = removedKeys.receive.find((k) => k.kid === BigInt(a0.sendKid))!;
      expect(aliceOld).toBeDefined();
      expect(await openedBy([{ kid: BigInt(a1.sendKid), key: aliceOld.key }], after)).toBe(0);
      // And the device itself is out: signed out, its data gone.
      await b2.waitForSelector('[data-screen=signed-out]', { timeout: 20_000 });
      await hangUp(alice, bob);
    }),
  );
});

/** How many of `frames` decrypt with `keys` (a fresh SFrame receiver holding only those keys). */
async function openedBy(keys: readonly KeyEntry[], frames: readonly Uint8Array[]): Promise<number> {
  let ok = 0;
  for (const f of frames) {
    const ctx = new sframe.SFrameContext();
    for (const k of keys) await ctx.addReceiveKey(k.kid, k.key);
    if (await ctx.decrypt(f).then(() => true, () => false)) ok++;
  }
  return ok;
}

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
