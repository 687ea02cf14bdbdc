/**
 * A seized device's memory: after an SFrame key is imported, the JS heap must hold no copy of
 * the derived sframe_secret or sframe_key (sframe-key.ts zeroes them once WebCrypto holds its
 * own, non-extractable copy). The test records the very buffers the key schedule returned, and
 * the raw key WebCrypto was handed, and reads them after the import; the imported key must still
 * work (its copy was taken before the zeroing).
 */
import { describe, expect, it, vi } from 'vitest';
import type { SFrameKeyMaterial } from '../src/sframe/key-schedule.ts';

const derived: SFrameKeyMaterial[] = [];

vi.mock('../src/sframe/key-schedule.ts', async (importOriginal) => {
  const original = await importOriginal<typeof import('../src/sframe/key-schedule.ts')>();
  return {
    ...original,
    deriveKeyMaterial: (...args: Parameters<typeof original.deriveKeyMaterial>) => {
      const m = original.deriveKeyMaterial(...args);
      derived.push(m);
      return m;
    },
  };
});

const { CipherSuites, SFrameContext, decryptFrame, encryptFrame, importSFrameKey } = await import('../src/sframe/index.ts');

const zero = (b: Uint8Array) => b.every((x) => x === 0);
const baseKey = Uint8Array.from({ length: 32 }, (_, i) => i + 1);

describe('SFrame key material left in memory', () => {
  it.each(Object.values(CipherSuites))('suite %i: the derived secret and key are zeroed after import; the salt is kept; frames still open', async (suite) => {
    derived.length = 0;
    // Calls through to WebCrypto; only records what it was handed.
    const importKey = vi.spyOn(crypto.subtle, 'importKey');
    let key, handed: Uint8Array[];
    try {
      key = await importSFrameKey(suite, 3n, baseKey);
      handed = importKey.mock.calls.filter((c) => c[0] === 'raw').map((c) => c[1] as Uint8Array);
    } finally {
      importKey.mockRestore();
    }
    expect(derived).toHaveLength(1);
    const m = derived[0]!;
    // Before zeroing these were HKDF outputs: all-zero bytes of this length do not occur by chance.
    expect(m.secret.length).toBeGreaterThanOrEqual(32);
    expect(zero(m.secret)).toBe(true);
    expect(zero(m.key)).toBe(true);
    expect(handed.length).toBeGreaterThan(0);
    for (const raw of handed) expect(zero(raw)).toBe(true);
    // The salt is still needed for every nonce, and is kept.
    expect(zero(m.salt)).toBe(false);
    expect(key.salt).toBe(m.salt);

    const frame = await encryptFrame(key, 9n, Uint8Array.of(1, 2, 3));
    expect((await decryptFrame(key, frame)).plaintext).toEqual(Uint8Array.of(1, 2, 3));
    // The same base key imported again (a peer) opens the frame: zeroing did not change what was imported.
    const peer = new SFrameContext({ suite });
    await peer.addReceiveKey(3n, baseKey);
    expect((await peer.decrypt(frame)).plaintext).toEqual(Uint8Array.of(1, 2, 3));
  });

  it.each(Object.values(CipherSuites))('suite %i: the WebCrypto keys holding the AEAD key cannot be exported by whoever reaches them', async (suite) => {
    // A script in the page that hooks crypto.subtle (or walks the heap to the CryptoKey) must
    // not get the raw sframe_key back out.
    const importKey = vi.spyOn(crypto.subtle, 'importKey');
    let made: CryptoKey[];
    try {
      await importSFrameKey(suite, 4n, baseKey);
      made = await Promise.all(importKey.mock.results.map((r) => r.value as Promise<CryptoKey>));
    } finally {
      importKey.mockRestore();
    }
    // AES-GCM suites import one key; the CTR+HMAC suites an AES-CTR key and an HMAC key.
    expect(made.length).toBe(suite <= 3 ? 2 : 1);
    for (const k of made) {
      expect(k.extractable).toBe(false);
      await expect(crypto.subtle.exportKey('raw', k)).rejects.toThrow();
    }
  });
});
