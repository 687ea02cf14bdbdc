/**
 * @module test/sframe-errors
 * Malformed and hostile input for every public SFrame function that reads bytes from the
 * network. Assertions are on error class and stable `code`, never on message text.
 */
import { describe, expect, it } from 'vitest';
import {
  CryptoError,
  DecodeError,
  ErrorCodes,
  HardlineError,
  ReplayError,
  TooLargeError,
  UnknownKidError,
  UsageError,
  ValidationError,
} from '../src/errors.ts';
import {
  CipherSuites,
  MAX_HEADER_SIZE,
  MAX_METADATA_SIZE,
  MAX_SFRAME_SIZE,
  ReplayWindow,
  SFrameContext,
  cipherSuite,
  decodeHeader,
  decryptFrame,
  encodeHeader,
  encryptFrame,
  importAead,
  importSFrameKey,
  openFrame,
  type CipherSuiteId,
} from '../src/sframe/index.ts';

type ErrorClass = abstract new (...args: never[]) => HardlineError;

/** Runs `fn` and returns the error it threw or rejected with, after checking class and code. */
async function expectError<E extends HardlineError>(
  fn: () => unknown,
  cls: abstract new (...args: never[]) => E,
  code: string,
): Promise<E> {
  let caught: unknown;
  try {
    await fn();
  } catch (e) {
    caught = e;
  }
  expect(caught).toBeInstanceOf(cls);
  expect((caught as HardlineError).code).toBe(code);
  return caught as E;
}

/** Deterministic bytes, so a failing fuzz case can be reproduced. */
function prng(seed: number): (n: number) => Uint8Array {
  let s = seed >>> 0 || 1;
  return (n) => {
    const out = new Uint8Array(n);
    for (let i = 0; i < n; i++) {
      s ^= s << 13;
      s ^= s >>> 17;
      s ^= s << 5;
      out[i] = s & 0xff;
    }
    return out;
  };
}

const allSuites = Object.values(CipherSuites) as CipherSuiteId[];
const baseKey = Uint8Array.from({ length: 16 }, (_, i) => i);
const pt = new TextEncoder().encode('an opus frame, more or less');

describe('decodeHeader', () => {
  it('rejects empty input', async () => {
    await expectError(() => decodeHeader(new Uint8Array(0)), DecodeError, ErrorCodes.DECODE);
  });

  it('rejects every truncation of every config byte', async () => {
    for (let config = 0; config < 256; config++) {
      const need = 1 + (config & 0x80 ? ((config >> 4) & 7) + 1 : 0) + (config & 0x08 ? (config & 7) + 1 : 0);
      for (let len = 1; len < need; len++) {
        const bytes = new Uint8Array(len);
        bytes[0] = config;
        await expectError(() => decodeHeader(bytes), DecodeError, ErrorCodes.DECODE);
      }
      const full = new Uint8Array(need);
      full[0] = config;
      expect(decodeHeader(full).size).toBe(need);
    }
  });

  it('either decodes random bytes within bounds or throws DecodeError', () => {
    const rand = prng(9605);
    for (let i = 0; i < 5000; i++) {
      const bytes = rand(i % 20);
      try {
        const h = decodeHeader(bytes);
        expect(h.size).toBeLessThanOrEqual(Math.min(MAX_HEADER_SIZE, bytes.length));
        expect(decodeHeader(encodeHeader(h)).kid).toBe(h.kid);
      } catch (e) {
        expect(e).toBeInstanceOf(DecodeError);
      }
    }
  });

  it('reads only the header from oversized input', () => {
    const big = new Uint8Array(MAX_SFRAME_SIZE * 2);
    big[0] = 0xff;
    expect(decodeHeader(big)).toEqual({ kid: 0n, ctr: 0n, size: 17 });
  });
});

describe('encodeHeader', () => {
  it.each([
    { kid: -1n, ctr: 0n },
    { kid: 0n, ctr: -1n },
    { kid: 1n << 64n, ctr: 0n },
    { kid: 0n, ctr: 1n << 64n },
  ])('rejects out-of-range %o', async (h) => {
    await expectError(() => encodeHeader(h), ValidationError, ErrorCodes.VALIDATION);
  });
});

describe('cipher suites and keys', () => {
  it('rejects unregistered suites', async () => {
    for (const id of [0, 6, 7, 8, 0xffff]) {
      await expectError(() => cipherSuite(id), ValidationError, ErrorCodes.VALIDATION);
      await expectError(() => new SFrameContext({ suite: id as CipherSuiteId }), ValidationError, ErrorCodes.VALIDATION);
    }
  });

  it('rejects an empty base key and a KID out of range', async () => {
    const suite = CipherSuites.AES_128_GCM_SHA256_128;
    await expectError(() => importSFrameKey(suite, 1n, new Uint8Array(0)), ValidationError, ErrorCodes.VALIDATION);
    await expectError(() => importSFrameKey(suite, 1n << 64n, baseKey), ValidationError, ErrorCodes.VALIDATION);
    const ctx = new SFrameContext();
    await expectError(() => ctx.addReceiveKey(-1, baseKey), ValidationError, ErrorCodes.VALIDATION);
    await expectError(() => ctx.addSendKey(2 ** 60, baseKey), ValidationError, ErrorCodes.VALIDATION);
  });

  it('rejects AEAD keys of the wrong length', async () => {
    for (const id of allSuites) {
      const suite = cipherSuite(id);
      await expectError(() => importAead(suite, new Uint8Array(suite.nk - 1)), ValidationError, ErrorCodes.VALIDATION);
    }
  });
});

describe.each(allSuites)('suite %i: stateless frame functions', (suiteId) => {
  const setup = async () => {
    const key = await importSFrameKey(suiteId, 7n, baseKey);
    const metadata = Uint8Array.of(1, 2, 3);
    const frame = await encryptFrame(key, 1000n, pt, metadata);
    return { key, metadata, frame, nt: key.suite.nt };
  };

  it('round-trips', async () => {
    const { key, metadata, frame } = await setup();
    expect((await decryptFrame(key, frame, metadata)).plaintext).toEqual(pt);
  });

  it('rejects every single-bit flip: header, ciphertext or tag', async () => {
    const { key, metadata, frame } = await setup();
    for (let bit = 0; bit < frame.length * 8; bit++) {
      const bad = frame.slice();
      bad[bit >> 3] = (bad[bit >> 3] ?? 0) ^ (1 << (bit & 7));
      let caught: unknown;
      try {
        await decryptFrame(key, bad, metadata);
      } catch (e) {
        caught = e;
      }
      // A header flip can change the KID (ValidationError: not this key), the CTR or the header
      // length (DecodeError when too little is left for the tag); anything else is CryptoError.
      expect(caught).toBeInstanceOf(HardlineError);
      expect([ErrorCodes.CRYPTO, ErrorCodes.VALIDATION, ErrorCodes.DECODE]).toContain((caught as HardlineError).code);
      if (bit >= 3 * 8) expect(caught).toBeInstanceOf(CryptoError);
    }
  });

  it('rejects a tampered tag with CryptoError', async () => {
    const { key, metadata, frame } = await setup();
    const bad = frame.slice();
    bad[bad.length - 1] = (bad[bad.length - 1] ?? 0) ^ 0x80;
    await expectError(() => decryptFrame(key, bad, metadata), CryptoError, ErrorCodes.CRYPTO);
  });

  it('rejects wrong or missing metadata with CryptoError', async () => {
    const { key, frame } = await setup();
    await expectError(() => decryptFrame(key, frame, Uint8Array.of(1, 2, 4)), CryptoError, ErrorCodes.CRYPTO);
    await expectError(() => decryptFrame(key, frame), CryptoError, ErrorCodes.CRYPTO);
  });

  it('rejects a frame shorter than header + tag with DecodeError', async () => {
    const { key, metadata, frame, nt } = await setup();
    const headerSize = decodeHeader(frame).size;
    for (let len = 0; len < headerSize + nt; len++) {
      await expectError(() => decryptFrame(key, frame.subarray(0, len), metadata), DecodeError, ErrorCodes.DECODE);
    }
  });

  it('rejects oversized ciphertext and metadata with TooLargeError', async () => {
    const { key, metadata, frame } = await setup();
    await expectError(() => decryptFrame(key, new Uint8Array(MAX_SFRAME_SIZE + 1), metadata), TooLargeError, ErrorCodes.TOO_LARGE);
    await expectError(() => decryptFrame(key, frame, metadata, 8), TooLargeError, ErrorCodes.TOO_LARGE);
    const bigMeta = new Uint8Array(MAX_METADATA_SIZE + 1);
    await expectError(() => decryptFrame(key, frame, bigMeta), TooLargeError, ErrorCodes.TOO_LARGE);
    await expectError(() => encryptFrame(key, 1n, pt, bigMeta), TooLargeError, ErrorCodes.TOO_LARGE);
  });

  it('rejects a frame under another KID in openFrame', async () => {
    const { metadata, frame } = await setup();
    const other = await importSFrameKey(suiteId, 8n, baseKey);
    await expectError(() => openFrame(other, decodeHeader(frame), frame, metadata), ValidationError, ErrorCodes.VALIDATION);
  });

  it('rejects a frame under the same KID but another base key', async () => {
    const { metadata, frame } = await setup();
    const other = await importSFrameKey(suiteId, 7n, Uint8Array.from({ length: 16 }, () => 9));
    await expectError(() => decryptFrame(other, frame, metadata), CryptoError, ErrorCodes.CRYPTO);
  });

  it('rejects short and random input in aead.open with CryptoError', async () => {
    const suite = cipherSuite(suiteId);
    const aead = await importAead(suite, new Uint8Array(suite.nk).fill(3));
    const nonce = new Uint8Array(suite.nn);
    await expectError(() => aead.open(nonce, new Uint8Array(0), new Uint8Array(suite.nt - 1)), CryptoError, ErrorCodes.CRYPTO);
    const rand = prng(suiteId);
    for (let i = 0; i < 50; i++) {
      await expectError(() => aead.open(nonce, new Uint8Array(0), rand(suite.nt + i)), CryptoError, ErrorCodes.CRYPTO);
    }
  });
});

describe('SFrameContext.decrypt', () => {
  const pair = async (suite: CipherSuiteId = CipherSuites.AES_128_GCM_SHA256_128, replayWindow?: number) => {
    const opts = replayWindow === undefined ? { suite } : { suite, replayWindow };
    const alice = new SFrameContext(opts);
    const bob = new SFrameContext(opts);
    await alice.addSendKey(5n, baseKey);
    await bob.addReceiveKey(5n, baseKey);
    return { alice, bob };
  };

  it('round-trips with increasing counters', async () => {
    const { alice, bob } = await pair();
    for (let i = 0n; i < 3n; i++) {
      const out = await bob.decrypt(await alice.encrypt(pt));
      expect(out).toEqual({ kid: 5n, ctr: i, plaintext: pt });
    }
  });

  it('rejects empty, truncated and random input', async () => {
    const { alice, bob } = await pair();
    await expectError(() => bob.decrypt(new Uint8Array(0)), DecodeError, ErrorCodes.DECODE);
    await expectError(() => bob.decrypt(Uint8Array.of(0xff, 1, 2)), DecodeError, ErrorCodes.DECODE);
    // Config 0x59 (KID 5, two-byte CTR) cut inside the CTR field.
    await expectError(() => bob.decrypt(Uint8Array.of(0x59, 0x01)), DecodeError, ErrorCodes.DECODE);
    // A whole header (KID 5, CTR 0: one byte) but less than a tag after it.
    const frame = await alice.encrypt(pt);
    for (let len = 1; len < 1 + 16; len++) {
      await expectError(() => bob.decrypt(frame.subarray(0, len)), DecodeError, ErrorCodes.DECODE);
    }
    const rand = prng(42);
    for (let i = 0; i < 300; i++) {
      const bytes = rand(i % 40);
      let caught: unknown;
      try {
        await bob.decrypt(bytes);
      } catch (e) {
        caught = e;
      }
      expect(caught).toBeInstanceOf(HardlineError);
      expect([ErrorCodes.DECODE, ErrorCodes.UNKNOWN_KID, ErrorCodes.CRYPTO]).toContain((caught as HardlineError).code);
    }
  });

  it('rejects oversized input with TooLargeError before decoding', async () => {
    const bob = new SFrameContext({ maxFrameSize: 1000 });
    await expectError(() => bob.decrypt(new Uint8Array(1001)), TooLargeError, ErrorCodes.TOO_LARGE);
    await expectError(() => new SFrameContext({ maxFrameSize: 0 }), ValidationError, ErrorCodes.VALIDATION);
  });

  it('rejects an unknown KID with UnknownKidError', async () => {
    const { alice } = await pair();
    const carol = new SFrameContext();
    const err = await expectError(async () => carol.decrypt(await alice.encrypt(pt)), UnknownKidError, ErrorCodes.UNKNOWN_KID);
    expect(err.kid).toBe(5n);
    await carol.addReceiveKey(5n, baseKey);
    expect(carol.removeReceiveKey(5n)).toBe(true);
    await expectError(async () => carol.decrypt(await alice.encrypt(pt)), UnknownKidError, ErrorCodes.UNKNOWN_KID);
  });

  it('rejects a tampered frame with CryptoError and does not let it move the window', async () => {
    const { alice, bob } = await pair();
    const frames: Uint8Array[] = [];
    for (let i = 0; i < 300; i++) frames.push(await alice.encrypt(pt));
    const last = frames[299]!;
    const forged = last.slice();
    forged[forged.length - 1] = (forged[forged.length - 1] ?? 0) ^ 1;
    await expectError(() => bob.decrypt(forged), CryptoError, ErrorCodes.CRYPTO);
    // Had the forged CTR 299 been recorded, CTR 0 would now be too old.
    expect((await bob.decrypt(frames[0]!)).ctr).toBe(0n);
    expect((await bob.decrypt(last)).ctr).toBe(299n);
  });

  it('rejects a replayed counter with ReplayError', async () => {
    const { alice, bob } = await pair();
    const frame = await alice.encrypt(pt);
    await bob.decrypt(frame);
    const err = await expectError(() => bob.decrypt(frame), ReplayError, ErrorCodes.REPLAY);
    expect(err.reason).toBe('replayed');
  });

  it('accepts at most one of two concurrent decryptions of the same frame', async () => {
    const { alice, bob } = await pair();
    const frame = await alice.encrypt(pt);
    const results = await Promise.allSettled([bob.decrypt(frame), bob.decrypt(frame)]);
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    const rejected = results.find((r) => r.status === 'rejected');
    expect(rejected?.status === 'rejected' && rejected.reason).toBeInstanceOf(ReplayError);
  });

  it('accepts out-of-order frames inside the window and refuses older ones', async () => {
    const { alice, bob } = await pair();
    const frames: Uint8Array[] = [];
    for (let i = 0; i < 200; i++) frames.push(await alice.encrypt(pt));
    await bob.decrypt(frames[199]!);
    // Window of 128 below and including 199: 72..199.
    expect((await bob.decrypt(frames[72]!)).ctr).toBe(72n);
    expect((await bob.decrypt(frames[150]!)).ctr).toBe(150n);
    const err = await expectError(() => bob.decrypt(frames[71]!), ReplayError, ErrorCodes.REPLAY);
    expect(err.reason).toBe('too-old');
    await expectError(() => bob.decrypt(frames[0]!), ReplayError, ErrorCodes.REPLAY);
    await expectError(() => bob.decrypt(frames[150]!), ReplayError, ErrorCodes.REPLAY);
  });

  it('keeps separate windows per KID', async () => {
    const alice = new SFrameContext();
    const dave = new SFrameContext();
    const bob = new SFrameContext();
    await alice.addSendKey(1, baseKey);
    await dave.addSendKey(2, baseKey);
    await bob.addReceiveKey(1, baseKey);
    await bob.addReceiveKey(2, baseKey);
    expect((await bob.decrypt(await alice.encrypt(pt))).kid).toBe(1n);
    expect((await bob.decrypt(await dave.encrypt(pt))).kid).toBe(2n);
  });

  it('does not restart the counter when a send KID is re-added', async () => {
    const { alice, bob } = await pair();
    await bob.decrypt(await alice.encrypt(pt));
    await alice.addSendKey(5n, baseKey);
    expect((await bob.decrypt(await alice.encrypt(pt))).ctr).toBe(1n);
  });

  it('refuses to encrypt without a send key', async () => {
    await expectError(() => new SFrameContext().encrypt(pt), UsageError, ErrorCodes.USAGE);
  });

  it.each(allSuites)('suite %i: tamper and replay through the context', async (suite) => {
    const { alice, bob } = await pair(suite);
    const meta = Uint8Array.of(9);
    const frame = await alice.encrypt(pt, meta);
    await expectError(() => bob.decrypt(frame, Uint8Array.of(8)), CryptoError, ErrorCodes.CRYPTO);
    expect((await bob.decrypt(frame, meta)).plaintext).toEqual(pt);
    await expectError(() => bob.decrypt(frame, meta), ReplayError, ErrorCodes.REPLAY);
  });
});

describe('ReplayWindow', () => {
  it.each([0, 31, 33, 100, 1 << 17, 1.5])('rejects size %d', async (size) => {
    await expectError(() => new ReplayWindow(size), ValidationError, ErrorCodes.VALIDATION);
  });

  it('check never changes state; accept does', async () => {
    const w = new ReplayWindow(32);
    w.check(5n);
    w.check(5n);
    expect(w.highest).toBeUndefined();
    w.accept(5n);
    expect(w.highest).toBe(5n);
    await expectError(() => w.accept(5n), ReplayError, ErrorCodes.REPLAY);
  });

  it('forgets slots as it slides, at every step size', () => {
    for (const step of [1n, 2n, 31n, 32n, 33n, 1000n]) {
      const w = new ReplayWindow(32);
      let ctr = 0n;
      for (let i = 0; i < 100; i++, ctr += step) {
        w.accept(ctr);
        // The slot the new counter shares with ctr - 32 must now read as too old, not as seen.
        if (ctr >= 32n) expect(() => w.check(ctr - 32n)).toThrow(ReplayError);
        if (step < 32n && ctr >= step) expect(() => w.check(ctr - step)).toThrow(ReplayError);
        if (step > 1n && step < 32n) expect(() => w.check(ctr - 1n)).not.toThrow();
      }
    }
  });

  it('handles counters at the top of the 64-bit range', () => {
    const w = new ReplayWindow();
    const max = (1n << 64n) - 1n;
    w.accept(max - 5n);
    w.accept(max);
    w.accept(max - 127n);
    expect(() => w.check(max - 128n)).toThrow(ReplayError);
    expect(() => w.check(max - 5n)).toThrow(ReplayError);
  });
});
