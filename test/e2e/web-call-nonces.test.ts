/**
 * Two calls in one MLS epoch (issue 11): each call's SFrame worker counts from 0 under the same
 * KIDs, so the calls must not share keys. Frames captured as they reach Bob in each call: same
 * epoch, same KID for Alice, yet another key, no (key, nonce) pair used twice, and the first
 * call's keys open none of the second call's frames. Its own TURN port.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { sframe } from '@hardline/protocol';
import { captureFrames, conversationKeys, openContact, startCallPair, type CallPair, type KeyEntry } from '../support/calls.ts';

let pair: CallPair;
let alice: Page;
let bob: Page;

beforeAll(async () => {
  pair = await startCallPair(3695, 30);
  ({ alice, bob } = pair);
}, 120_000);

afterAll(async () => {
  await pair?.close();
});

const suite = sframe.cipherSuite(sframe.CipherSuites.AES_128_GCM_SHA256_128);

/** One call: Alice rings, Bob answers; Bob's keys for this call and the first frames he gets. */
async function oneCall(): Promise<{ epoch: bigint; alice: KeyEntry; frames: Uint8Array[] }> {
  await openContact(alice, 'Bob Brown');
  await alice.click('[data-call=bob]');
  await bob.waitForSelector('[data-call-screen][data-call-phase=incoming]', { timeout: 30_000 });
  await bob.click('button[aria-label=Accept]');
  await Promise.all([alice, bob].map((p) => p.waitForSelector('[data-call-screen][data-call-phase=connected]', { timeout: 30_000 })));
  const frames = await captureFrames(bob, 20);
  const keys = await conversationKeys(bob, 'alice');
  await alice.click('button[aria-label="Hang up"]');
  await Promise.all([alice, bob].map((p) => p.waitForSelector('[data-call-screen]', { state: 'detached' })));
  const kid = sframe.decodeHeader(frames[0]!).kid;
  return { epoch: keys.epoch, alice: keys.receive.find((k) => k.kid === kid)!, frames };
}

async function opened(key: KeyEntry, frames: readonly Uint8Array[]): Promise<number> {
  const ctx = new sframe.SFrameContext();
  await ctx.addReceiveKey(key.kid, key.key);
  let n = 0;
  for (const f of frames) if (await ctx.decrypt(f).then(() => true, () => false)) n++;
  return n;
}

describe('web app: two calls in one epoch', () => {
  it('use other keys under the same KID, so no (key, nonce) pair repeats', async () => {
    const first = await oneCall();
    const second = await oneCall();
    expect(second.epoch).toBe(first.epoch);
    expect(first.alice).toBeDefined();
    expect(second.alice.kid).toBe(first.alice.kid);
    expect(second.alice.key).not.toEqual(first.alice.key);
    expect(await opened(first.alice, first.frames)).toBe(first.frames.length);
    expect(await opened(second.alice, second.frames)).toBe(second.frames.length);
    expect(await opened(first.alice, second.frames)).toBe(0);

    const uses = new Set<string>();
    for (const { alice: k, frames } of [first, second]) {
      const { key, salt } = sframe.deriveKeyMaterial(suite, k.kid, k.key);
      for (const f of frames) uses.add(`${Buffer.from(key).toString('hex')}/${Buffer.from(sframe.formNonce(salt, sframe.decodeHeader(f).ctr)).toString('hex')}`);
    }
    expect(uses.size).toBe(first.frames.length + second.frames.length);
    const ctrs = (fs: readonly Uint8Array[]) => fs.map((f) => sframe.decodeHeader(f).ctr);
    console.log('Alice\'s counters in call 1', ctrs(first.frames).slice(0, 3), 'call 2', ctrs(second.frames).slice(0, 3));
  });
});
