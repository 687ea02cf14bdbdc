/**
 * SFrame at the edges a sender or a hostile page can reach: a plaintext of exactly the frame
 * bound and one byte more, frames and metadata held in shared memory (a media worker's
 * SharedArrayBuffer, which WebCrypto itself refuses), a page where WebCrypto is missing (plain
 * http hides crypto.subtle), and the key schedule's own KID range, which callers outside the
 * context can reach through the package's exports.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { HardlineError } from '../src/errors.ts';
import {
  CipherSuites,
  MAX_SFRAME_SIZE,
  SFrameContext,
  cipherSuite,
  decryptFrame,
  deriveKeyMaterial,
  encryptFrame,
  importAead,
  importSFrameKey,
  type CipherSuiteId,
} from '../src/sframe/index.ts';

const allSuites = Object.values(CipherSuites) as CipherSuiteId[];
const baseKey = Uint8Array.from({ length: 16 }, (_, i) => 0x40 + i);
const UINT64_MAX = (1n << 64n) - 1n;

const shared = (bytes: Uint8Array) => {
  const view = new Uint8Array(new SharedArrayBuffer(bytes.length + 8), 4, bytes.length);
  view.set(bytes);
  return view;
};

afterEach(() => {
  vi.unstubAllGlobals();
});

describe('SFrame at its edges', () => {
  it('a plaintext of exactly 1 MiB is encrypted and opens; one byte more is refused before encryption', async () => {
    const key = await importSFrameKey(CipherSuites.AES_128_GCM_SHA256_128, 1n, baseKey);
    const plaintext = new Uint8Array(MAX_SFRAME_SIZE).fill(0x5a);
    const frame = await encryptFrame(key, 7n, plaintext);
    expect(frame.length).toBeGreaterThan(MAX_SFRAME_SIZE);
    const opened = (await decryptFrame(key, frame, undefined, frame.length)).plaintext;
    // Compared as one Buffer: a deep equal over a million elements takes far longer.
    expect(Buffer.compare(opened, plaintext)).toBe(0);
    await expect(encryptFrame(key, 8n, new Uint8Array(MAX_SFRAME_SIZE + 1))).rejects.toMatchObject({ code: 'TOO_LARGE' });
  });

  it.each(allSuites)('suite %i: frames, metadata and keys in shared memory are encrypted and opened', async (suite) => {
    const alice = new SFrameContext({ suite });
    const bob = new SFrameContext({ suite });
    await alice.addSendKey(5n, shared(baseKey));
    await bob.addReceiveKey(5n, shared(baseKey));
    const plaintext = shared(new TextEncoder().encode('an opus frame from a worker'));
    const metadata = shared(Uint8Array.of(0x80, 0x6f, 0, 1));
    const frame = await alice.encrypt(plaintext, metadata);
    const got = await bob.decrypt(shared(frame), metadata);
    expect(got.plaintext).toEqual(new TextEncoder().encode('an opus frame from a worker'));
    // The AEAD straight from raw key bytes in shared memory, both directions.
    const params = cipherSuite(suite);
    const aead = await importAead(params, shared(new Uint8Array(params.nk).fill(3)));
    const nonce = shared(new Uint8Array(params.nn).fill(1));
    const sealed = await aead.seal(nonce, metadata, plaintext);
    expect(await aead.open(nonce, metadata, shared(sealed))).toEqual(new TextEncoder().encode('an opus frame from a worker'));
  });

  it('without WebCrypto, importing a key fails with UNAVAILABLE rather than a TypeError', async () => {
    for (const stand of [undefined, {}]) {
      vi.stubGlobal('crypto', stand);
      for (const suite of [CipherSuites.AES_128_GCM_SHA256_128, CipherSuites.AES_128_CTR_HMAC_SHA256_80]) {
        const e = await importSFrameKey(suite, 1n, baseKey).then(() => undefined, (x: unknown) => x);
        expect(e, JSON.stringify(stand)).toBeInstanceOf(HardlineError);
        expect((e as HardlineError).code).toBe('UNAVAILABLE');
      }
      await expect(new SFrameContext().addSendKey(1n, baseKey)).rejects.toMatchObject({ code: 'UNAVAILABLE' });
      vi.unstubAllGlobals();
    }
    // Restored: the same calls work again.
    await expect(importSFrameKey(CipherSuites.AES_128_GCM_SHA256_128, 1n, baseKey)).resolves.toMatchObject({ kid: 1n });
  });

  it('the key schedule refuses a KID outside 64 bits itself, and takes both ends of the range', () => {
    const suite = cipherSuite(CipherSuites.AES_128_GCM_SHA256_128);
    for (const kid of [-1n, -(1n << 64n), UINT64_MAX + 1n, 1n << 65n]) {
      expect(() => deriveKeyMaterial(suite, kid, baseKey), String(kid)).toThrow(expect.objectContaining({ code: 'VALIDATION' }));
    }
    const low = deriveKeyMaterial(suite, 0n, baseKey);
    const high = deriveKeyMaterial(suite, UINT64_MAX, baseKey);
    // The KID is in the labels as 8 big-endian bytes, so the two ends derive different keys.
    expect(low.keyLabel.slice(-10, -2)).toEqual(new Uint8Array(8));
    expect(high.keyLabel.slice(-10, -2)).toEqual(new Uint8Array(8).fill(0xff));
    expect(low.key).not.toEqual(high.key);
  });
});
