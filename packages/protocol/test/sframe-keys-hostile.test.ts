/**
 * SFrame key derivations and the per-call context at their edges, from a hostile member's and a
 * listener's side: the derivations are pinned to their definition with node:crypto (HKDF-Expand
 * is one HMAC block for these lengths), so another client version derives the same keys; KIDs
 * and sender indexes one step in and out of range; concurrent encryptions never share a
 * counter (a shared counter is a reused GCM nonce); and the context's own bounds.
 */
import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { sframe } from '../src/index.ts';

const { SFrameContext, mlsSenderKid, parseMlsKid, mlsSenderBaseKey, mlsCallSecret, SFRAME_CALL_LABEL, CipherSuites } = sframe;
const secret = Uint8Array.from({ length: 32 }, (_, i) => i + 1);
/** An MLS exporter secret of a SHA-512 suite is 64 bytes. */
const secret64 = Uint8Array.from({ length: 64 }, (_, i) => 200 - i);
const expandOneBlock = (hash: 'sha256' | 'sha512', prk: Uint8Array, info: Uint8Array) =>
  new Uint8Array(createHmac(hash, prk).update(info).update(Uint8Array.of(1)).digest());

describe('SFrame keys from an epoch secret', () => {
  it('a sender base key is HKDF-Expand(epoch secret, u64 sender index, Nh), for both hashes', () => {
    const info = (n: number) => Uint8Array.of(0, 0, 0, 0, 0, 0, (n >> 8) & 0xff, n & 0xff);
    expect(mlsSenderBaseKey(secret, 258)).toEqual(expandOneBlock('sha256', secret, info(258)));
    expect(mlsSenderBaseKey(secret64, 258, 'SHA-512')).toEqual(expandOneBlock('sha512', secret64, info(258)));
    expect(mlsSenderBaseKey(secret64, 258, 'SHA-512')).toHaveLength(64);
  });

  it('a call secret is HKDF-Expand(epoch secret, label || call id, Nh), and call ids are bounded both ways', () => {
    const id16 = '0123456789abcdef';
    const info = new TextEncoder().encode(SFRAME_CALL_LABEL + id16);
    expect(mlsCallSecret(secret, id16)).toEqual(expandOneBlock('sha256', secret, info));
    expect(mlsCallSecret(secret64, id16, 'SHA-512')).toEqual(expandOneBlock('sha512', secret64, info));
    expect(mlsCallSecret(secret, 'a'.repeat(64))).toHaveLength(32);
    expect(() => mlsCallSecret(secret, 'a'.repeat(15))).toThrow(expect.objectContaining({ code: 'VALIDATION' }));
    expect(() => mlsCallSecret(secret, 'a'.repeat(65))).toThrow(expect.objectContaining({ code: 'VALIDATION' }));
    expect(() => mlsCallSecret(secret, 12345678901234567 as unknown as string)).toThrow(expect.objectContaining({ code: 'VALIDATION' }));
  });

  it('a KID packs context, sender index and the low 8 bits of the epoch; sender indexes are 16 bits', () => {
    const kid = mlsSenderKid(0x1234n, 0xffff, 5n);
    expect(kid).toBe((5n << 24n) | (0xffffn << 8n) | 0x34n);
    expect(parseMlsKid(kid)).toEqual({ epochLow: 0x34n, senderIndex: 0xffff, contextId: 5n });
    expect(mlsSenderKid(3n, 0)).toBe(3n);
    for (const bad of [0x10000, -1, 1.5]) expect(() => mlsSenderKid(1n, bad), String(bad)).toThrow(expect.objectContaining({ code: 'VALIDATION' }));
  });
});

describe('SFrameContext bounds', () => {
  const baseKey = new Uint8Array(16).fill(7);

  it('concurrent encryptions take distinct counters, so no nonce repeats', async () => {
    const alice = new SFrameContext();
    const bob = new SFrameContext();
    await alice.addSendKey(1, baseKey);
    await bob.addReceiveKey(1, baseKey);
    const frames = await Promise.all(Array.from({ length: 5 }, () => alice.encrypt(new Uint8Array(10))));
    const ctrs = await Promise.all(frames.map(async (f) => (await bob.decrypt(f)).ctr));
    expect(ctrs.sort()).toEqual([0n, 1n, 2n, 3n, 4n]);
  });

  it('a KID given as a number is the same KID as the bigint; unsafe or negative numbers and 2^64 are refused', async () => {
    const ctx = new SFrameContext();
    await ctx.addReceiveKey(5, baseKey);
    expect(ctx.hasReceiveKey(5n)).toBe(true);
    await ctx.addReceiveKey((1n << 64n) - 1n, baseKey);
    expect(ctx.hasReceiveKey((1n << 64n) - 1n)).toBe(true);
    for (const bad of [2 ** 53, -1, 0.5, 1n << 64n, -1n]) {
      await expect(ctx.addReceiveKey(bad, baseKey), String(bad)).rejects.toMatchObject({ code: 'VALIDATION' });
    }
    await ctx.addReceiveKey(0, baseKey);
    expect(ctx.hasReceiveKey(0n)).toBe(true);
    // Lookups validate too: a KID no frame can carry is a caller's error, not a miss.
    for (const bad of [-1, 1n << 64n]) {
      expect(() => ctx.hasReceiveKey(bad), String(bad)).toThrow(expect.objectContaining({ code: 'VALIDATION' }));
      expect(() => ctx.removeReceiveKey(bad), String(bad)).toThrow(expect.objectContaining({ code: 'VALIDATION' }));
    }
    expect(ctx.removeReceiveKey(5)).toBe(true);
    expect(ctx.removeReceiveKey(5)).toBe(false);
    expect(ctx.hasReceiveKey(5)).toBe(false);
  });

  it('honours maxFrameSize at its edge and refuses sizes that are not positive integers', async () => {
    const alice = new SFrameContext();
    await alice.addSendKey(1, baseKey);
    const frame = await alice.encrypt(new Uint8Array(100));
    const exact = new SFrameContext({ maxFrameSize: frame.length });
    await exact.addReceiveKey(1, baseKey);
    expect((await exact.decrypt(frame)).plaintext).toHaveLength(100);
    const tight = new SFrameContext({ maxFrameSize: frame.length - 1 });
    await tight.addReceiveKey(1, baseKey);
    await expect(tight.decrypt(frame)).rejects.toMatchObject({ code: 'TOO_LARGE' });
    for (const bad of [0, -1, 1.5]) expect(() => new SFrameContext({ maxFrameSize: bad }), String(bad)).toThrow(expect.objectContaining({ code: 'VALIDATION' }));
    expect(new SFrameContext({ maxFrameSize: 1 }).suite).toBe(CipherSuites.AES_128_GCM_SHA256_128);
    expect(() => new SFrameContext({ replayWindow: 33 })).toThrow(expect.objectContaining({ code: 'VALIDATION' }));
  });

  it('a replaced receive key starts a fresh window, as documented', async () => {
    const alice = new SFrameContext();
    const bob = new SFrameContext();
    await alice.addSendKey(1, baseKey);
    await bob.addReceiveKey(1, baseKey);
    const first = await alice.encrypt(new Uint8Array(4));
    await bob.decrypt(first);
    await expect(bob.decrypt(first)).rejects.toMatchObject({ code: 'REPLAY' });
    await bob.addReceiveKey(1, baseKey);
    expect((await bob.decrypt(first)).ctr).toBe(0n);
  });

  it('an empty frame (a tag and nothing else) round-trips in every suite, and metadata of exactly the bound is taken', async () => {
    for (const suite of Object.values(CipherSuites)) {
      const key = await sframe.importSFrameKey(suite, 3n, baseKey);
      const empty = await sframe.encryptFrame(key, 0n, new Uint8Array(0));
      expect((await sframe.decryptFrame(key, empty)).plaintext, `suite ${suite}`).toEqual(new Uint8Array(0));
    }
    const key = await sframe.importSFrameKey(CipherSuites.AES_128_GCM_SHA256_128, 3n, baseKey);
    const metadata = new Uint8Array(sframe.MAX_METADATA_SIZE).fill(1);
    const frame = await sframe.encryptFrame(key, 9n, new Uint8Array(3), metadata);
    expect((await sframe.decryptFrame(key, frame, metadata)).ctr).toBe(9n);
    expect(await sframe.decryptFrame(key, frame, metadata, frame.length)).toMatchObject({ kid: 3n, ctr: 9n });
    await expect(sframe.decryptFrame(key, frame, metadata, frame.length - 1)).rejects.toMatchObject({ code: 'TOO_LARGE' });
  });
});
