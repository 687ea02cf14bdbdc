/**
 * @module web-call-turn-tls.test
 * A call in Debian's Chromium through TURN over TLS, watched by an observer on the devices' link
 * to TURN (issue 12; docs/protocol.md §7). Over plain UDP that observer reads each packet's peer
 * address and each SRTP packet's SSRC and pairs the two legs of the call outright. Here the tone
 * must arrive (relay candidates over TLS), and what crossed the link must be TLS records and
 * nothing else: no STUN/TURN header, and neither side's SSRC anywhere in the bytes.
 * packages/server/test/turnTls-observer.test.ts is the control: the same tap reads plain TURN.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { audioArrival, measureRemoteAudio, openContact, startCallPair, type CallRelay } from '../support/calls.ts';
import { onlyTlsRecords } from '../support/tcpTap.ts';

let relay: CallRelay;
let browser: Browser;
let alice: Page;
let bob: Page;

beforeAll(async () => {
  ({ relay, browser, alice, bob } = await startCallPair(3694, 30, { turnTls: true, steadyTone: true }));
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await relay?.close();
});

/** The local candidate's relay protocol and the SSRCs of the page's RTP streams, from getStats. */
function path(page: Page): Promise<{ relayProtocol: string; ssrcs: number[] }> {
  return page.evaluate(async () => {
    const s = (globalThis as unknown as { __hardlineCalls: { mediaSession?: { pc: RTCPeerConnection } } }).__hardlineCalls.mediaSession;
    const stats = await s!.pc.getStats();
    let pair: Record<string, unknown> | undefined;
    const ssrcs: number[] = [];
    stats.forEach((r: Record<string, unknown>) => {
      if (r.type === 'candidate-pair' && r.nominated && r.state === 'succeeded') pair = r;
      if ((r.type === 'outbound-rtp' || r.type === 'inbound-rtp') && typeof r.ssrc === 'number') ssrcs.push(r.ssrc);
    });
    const local = pair ? (stats.get(pair.localCandidateId as string) as Record<string, unknown> | undefined) : undefined;
    return { relayProtocol: String(local?.relayProtocol ?? ''), ssrcs };
  });
}

it('a call through TURN over TLS: the tone arrives, and the link to TURN carries TLS records and nothing else', async () => {
  await openContact(alice, 'Bob Brown');
  await alice.click('[data-call=bob]');
  await bob.waitForSelector('[data-call-screen][data-call-phase=incoming]');
  const arrival = audioArrival(bob);
  await bob.click('button[aria-label=Accept]');
  await Promise.all([alice, bob].map((p) => p.waitForSelector('[data-call-screen][data-call-phase=connected]')));
  expect(await arrival).toBeGreaterThan(0);
  const heard = await measureRemoteAudio(bob);
  expect(Math.abs(heard.peakHz - 440)).toBeLessThanOrEqual(15);
  const [a, b] = await Promise.all([path(alice), path(bob)]);
  expect([a.relayProtocol, b.relayProtocol]).toEqual(['tls', 'tls']);
  await alice.click('button[aria-label="Hang up"]');
  await Promise.all([alice, bob].map((p) => p.waitForSelector('[data-call-screen]', { state: 'detached' })));

  const tap = relay.tap!;
  // A few seconds of Opus both ways went through it.
  expect(tap.bytes()).toBeGreaterThan(20_000);
  for (const stream of tap.streams()) if (stream.length > 0) expect(onlyTlsRecords(stream)).toBe(true);
  expect(tap.saw(Buffer.from([0x21, 0x12, 0xa4, 0x42]))).toBe(false);
  const ssrcs = [...new Set([...a.ssrcs, ...b.ssrcs])];
  expect(ssrcs.length).toBeGreaterThanOrEqual(2);
  for (const ssrc of ssrcs) {
    const bytes = Buffer.alloc(4);
    bytes.writeUInt32BE(ssrc >>> 0);
    expect(tap.saw(bytes)).toBe(false);
  }
}, 90_000);
