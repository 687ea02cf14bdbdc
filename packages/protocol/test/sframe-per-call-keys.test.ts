/**
 * Per-call SFrame keys (sframe/call-secret.ts): two calls in one MLS epoch never use a
 * (key, nonce) pair twice, although each call's SFrame context counts from 0 under the same KID;
 * both members of a call derive the same keys; and the attack the rule stops (XOR of two calls'
 * ciphertexts at one counter giving the XOR of their plaintexts) does not work.
 */
import { describe, expect, it } from 'vitest';
import type { ClientState } from 'ts-mls';
import { exportSecret, sframe, toHex } from '../src/index.ts';
import { mlsGroup, type MlsGroup } from './support/mlsGroup.ts';
const suite = sframe.cipherSuite(sframe.CipherSuites.AES_128_GCM_SHA256_128);
const newCallId = () => toHex(crypto.getRandomValues(new Uint8Array(12)));
const FRAMES = 64;

/** Alice and Bob in one MLS group, one epoch. */
async function pair(): Promise<{ a: ClientState; b: ClientState; aLeaf: number; bLeaf: number; epoch: bigint; impl: MlsGroup['impl'] }> {
  const { impl, states, leafOf } = await mlsGroup(2, new Uint8Array(16).fill(1));
  const a = states[0]!;
  return { a, b: states[1]!, aLeaf: leafOf(1), bLeaf: leafOf(2), epoch: a.groupContext.epoch, impl };
}

/** One side of one call as the web app runs it: a fresh SFrame context (a new worker) per call. */
async function sendCall(epochSecret: Uint8Array, callId: string, epoch: bigint, leaf: number, plaintext: (i: number) => Uint8Array) {
  const kid = sframe.mlsSenderKid(epoch, leaf);
  const baseKey = sframe.mlsSenderBaseKey(sframe.mlsCallSecret(epochSecret, callId), leaf);
  const ctx = new sframe.SFrameContext({ suite: suite.id });
  await ctx.addSendKey(kid, baseKey);
  const frames: Uint8Array[] = [];
  for (let i = 0; i < FRAMES; i++) frames.push(await ctx.encrypt(plaintext(i)));
  const { key, salt } = sframe.deriveKeyMaterial(suite, kid, baseKey);
  // What the AEAD saw for each frame: the key and the nonce from the frame's own counter.
  const uses = frames.map((f) => `${toHex(key)}/${toHex(sframe.formNonce(salt, sframe.decodeHeader(f).ctr))}`);
  return { kid, baseKey, frames, uses };
}

describe('SFrame keys per call (two calls in one epoch)', () => {
  it('never reuse a (key, nonce) pair, though each call counts from 0 under the same KID', async () => {
    const { a, b, aLeaf, bLeaf, epoch, impl } = await pair();
    const secretA = await exportSecret(a, sframe.SFRAME_MLS_EXPORTER_LABEL, 32, impl);
    const secretB = await exportSecret(b, sframe.SFRAME_MLS_EXPORTER_LABEL, 32, impl);
    const uses: string[] = [];
    const kids = new Set<bigint>();
    for (const callId of [newCallId(), newCallId()]) {
      for (const [secret, leaf] of [[secretA, aLeaf], [secretB, bLeaf]] as const) {
        const call = await sendCall(secret, callId, epoch, leaf, () => new Uint8Array(80).fill(leaf));
        expect(sframe.decodeHeader(call.frames[0]!).ctr).toBe(0n);
        kids.add(call.kid);
        uses.push(...call.uses);
      }
    }
    // Same two KIDs in both calls: what keeps the nonces apart is the key, not the header.
    expect(kids.size).toBe(2);
    expect(uses).toHaveLength(4 * FRAMES);
    expect(new Set(uses).size).toBe(uses.length);
  });

  it('both members derive the same keys for a call, and a frame of one call does not open in another', async () => {
    const { a, b, aLeaf, epoch, impl } = await pair();
    const secretA = await exportSecret(a, sframe.SFRAME_MLS_EXPORTER_LABEL, 32, impl);
    const secretB = await exportSecret(b, sframe.SFRAME_MLS_EXPORTER_LABEL, 32, impl);
    const [call1, call2] = [newCallId(), newCallId()];
    const sent = await sendCall(secretA, call1, epoch, aLeaf, () => new Uint8Array([1, 2, 3]));
    // Bob's receive key for Alice in call 1, from his own epoch secret and the ring's call id.
    const atBob = sframe.mlsSenderBaseKey(sframe.mlsCallSecret(secretB, call1), aLeaf);
    expect(atBob).toEqual(sent.baseKey);
    const rx = new sframe.SFrameContext({ suite: suite.id });
    await rx.addReceiveKey(sent.kid, atBob);
    expect((await rx.decrypt(sent.frames[0]!)).plaintext).toEqual(new Uint8Array([1, 2, 3]));
    const other = new sframe.SFrameContext({ suite: suite.id });
    await other.addReceiveKey(sent.kid, sframe.mlsSenderBaseKey(sframe.mlsCallSecret(secretB, call2), aLeaf));
    await expect(other.decrypt(sent.frames[1]!)).rejects.toMatchObject({ code: 'CRYPTO' });
  });

  it('an eavesdropper holding two calls gets nothing from XOR-ing frames with the same counter', async () => {
    const { a, aLeaf, epoch, impl } = await pair();
    const secret = await exportSecret(a, sframe.SFRAME_MLS_EXPORTER_LABEL, 32, impl);
    const p1 = (i: number) => new Uint8Array(100).fill(i & 0xff);
    const p2 = (i: number) => new Uint8Array(100).fill(0xa5 ^ i);
    const c1 = await sendCall(secret, newCallId(), epoch, aLeaf, p1);
    const c2 = await sendCall(secret, newCallId(), epoch, aLeaf, p2);
    let recovered = 0;
    for (let i = 0; i < FRAMES; i++) {
      const [f1, f2] = [c1.frames[i]!, c2.frames[i]!];
      const h = sframe.decodeHeader(f1).size;
      expect(sframe.decodeHeader(f2).ctr).toBe(sframe.decodeHeader(f1).ctr);
      // With a reused (key, nonce), body1 XOR body2 XOR p1 is exactly p2.
      const guess = p1(i).map((x, j) => x ^ f1[h + j]! ^ f2[h + j]!);
      if (toHex(guess) === toHex(p2(i))) recovered++;
    }
    expect(recovered).toBe(0);
  });

  it('refuses call ids too short or not hex to carry a call apart', () => {
    const s = new Uint8Array(32).fill(3);
    for (const bad of ['', 'abc', '0123456789abcde', 'g123456789abcdef', '0123456789ABCDEF', 'a'.repeat(65)]) {
      expect(() => sframe.mlsCallSecret(s, bad)).toThrow(expect.objectContaining({ code: 'VALIDATION' }));
    }
    expect(() => sframe.mlsCallSecret(new Uint8Array(0), newCallId())).toThrow(expect.objectContaining({ code: 'VALIDATION' }));
    // The call secret is domain-separated from every sender's base key of the epoch.
    const callSecret = sframe.mlsCallSecret(s, '0123456789abcdef');
    for (let leaf = 0; leaf < 4; leaf++) expect(callSecret).not.toEqual(sframe.mlsSenderBaseKey(s, leaf));
  });
});
