/**
 * Malformed input to every decoder of untrusted bytes: each must throw a typed error with a
 * stable code, never crash with a TypeError or RangeError.
 */
import { describe, expect, it } from 'vitest';
import {
  decodeAppMessage,
  decodeBundle,
  decodeEnvelope,
  decodeKeyPackage,
  decodePostFrame,
  decodePostReply,
  decodeRoster,
  fromBase64Url,
  fromHex,
  HardlineError,
  messageEpoch,
  MAX_ENVELOPE_SIZE,
  openEnvelope,
  deriveSealKey,
  type MailboxId,
  type EnvelopeId,
  parseDeviceCredential,
  boxOpen,
  checkKeyPackage,
  DEFAULT_SUITE,
  KeyPackageRefusedError,
  lastResortMailbox,
  loadSuite,
  type DeviceId,
  type Handle,
} from '../src/index.ts';

function rng(seed: number) {
  return () => {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    return seed & 0xff;
  };
}

function randomInputs(): Uint8Array[] {
  const r = rng(42);
  const out: Uint8Array[] = [new Uint8Array(0), new Uint8Array([1]), new Uint8Array(33), new Uint8Array(MAX_ENVELOPE_SIZE + 1)];
  for (const len of [1, 5, 17, 32, 33, 34, 100, 289, 1057, 5000]) out.push(Uint8Array.from({ length: len }, r));
  return out;
}

const decoders: [string, (b: Uint8Array) => unknown][] = [
  ['decodeEnvelope', decodeEnvelope],
  ['decodePostFrame', decodePostFrame],
  ['decodePostReply', decodePostReply],
  ['decodeRoster', decodeRoster],
  ['decodeAppMessage', decodeAppMessage],
  ['decodeKeyPackage', decodeKeyPackage],
  ['messageEpoch', messageEpoch],
];

describe('every decoder rejects garbage with a typed error', () => {
  for (const [name, decode] of decoders) {
    it(name, () => {
      for (const input of randomInputs()) {
        // 17 bytes starting with 0 is a well-formed "accepted" reply: not garbage.
        if (name === 'decodePostReply' && input.length === 17 && input[0] === 0) continue;
        let thrown: unknown;
        try {
          decode(input);
        } catch (e) {
          thrown = e;
        }
        expect(thrown, `${name} on ${input.length} bytes`).toBeInstanceOf(HardlineError);
        expect(['DECODE', 'TOO_LARGE', 'VALIDATION']).toContain((thrown as HardlineError).code);
      }
    });
  }

  it('checkKeyPackage (the relay runs it on every upload): a refusal naming the fault', async () => {
    const impl = await loadSuite(DEFAULT_SUITE);
    const owner = { suite: DEFAULT_SUITE, handle: 'carol' as Handle, deviceId: '00'.repeat(16) as DeviceId, signaturePublicKey: new Uint8Array(32) };
    for (const input of randomInputs()) {
      const thrown = await checkKeyPackage(input, owner, impl).then(() => undefined, (e: unknown) => e);
      expect(thrown, `${input.length} bytes`).toBeInstanceOf(KeyPackageRefusedError);
      expect((thrown as KeyPackageRefusedError).code).toBe('VALIDATION');
      expect((thrown as KeyPackageRefusedError).fault).toBe('decode');
    }
  });

  it('lastResortMailbox: a nonce of the wrong size', () => {
    for (const n of [0, 15, 17, 32]) expect(() => lastResortMailbox(new Uint8Array(300), new Uint8Array(n))).toThrow(HardlineError);
  });

  it('envelope sizes that are not buckets, and unknown versions', () => {
    const ok = new Uint8Array(33 + 256);
    ok[0] = 1;
    expect(decodeEnvelope(ok).payload.length).toBe(256);
    expect(() => decodeEnvelope(ok.subarray(0, 33 + 255))).toThrow(expect.objectContaining({ code: 'DECODE' }));
    const v2 = ok.slice();
    v2[0] = 2;
    expect(() => decodeEnvelope(v2)).toThrow(expect.objectContaining({ code: 'DECODE' }));
    expect(() => decodeEnvelope(new Uint8Array(MAX_ENVELOPE_SIZE + 1))).toThrow(expect.objectContaining({ code: 'TOO_LARGE' }));
  });

  it('bundles: truncated, zero or overlong lengths, missing roster', () => {
    expect(() => decodeBundle(new Uint8Array(3))).toThrow(expect.objectContaining({ code: 'DECODE' }));
    expect(() => decodeBundle(new Uint8Array([0, 0, 0, 0, 1]))).toThrow(expect.objectContaining({ code: 'DECODE' }));
    expect(() => decodeBundle(new Uint8Array([0, 0, 1, 0, 1, 2]))).toThrow(expect.objectContaining({ code: 'DECODE' }));
    expect(() => decodeBundle(new Uint8Array([0, 0, 0, 2, 1, 2]))).toThrow(expect.objectContaining({ code: 'DECODE' }));
    expect(decodeBundle(new Uint8Array([0, 0, 0, 1, 9, 8])).rosterBox).toEqual(new Uint8Array([8]));
  });

  it('hex, base64 and credentials', () => {
    expect(() => fromHex('zz')).toThrow(expect.objectContaining({ code: 'DECODE' }));
    expect(() => fromHex('abc')).toThrow(expect.objectContaining({ code: 'DECODE' }));
    expect(() => fromHex('abcd', 3)).toThrow(expect.objectContaining({ code: 'DECODE' }));
    expect(() => fromBase64Url('@@@@')).toThrow(expect.objectContaining({ code: 'DECODE' }));
    expect(() => fromBase64Url('a')).toThrow(expect.objectContaining({ code: 'DECODE' }));
    expect(() => parseDeviceCredential({ credentialType: 'basic', identity: new TextEncoder().encode('alice') })).toThrow(
      expect.objectContaining({ code: 'DECODE' }),
    );
  });

  it('sealed payloads: tampering, wrong key and truncation are CRYPTO or DECODE', async () => {
    const mailboxId = '00'.repeat(16) as MailboxId;
    const key = await deriveSealKey(new Uint8Array(32), 'seal', mailboxId);
    const other = await deriveSealKey(new Uint8Array(32).fill(1), 'seal', mailboxId);
    const { sealEnvelope, PayloadKind } = await import('../src/seal.ts');
    const env = await sealEnvelope(key, mailboxId, '11'.repeat(16) as EnvelopeId, PayloadKind.MLS, new Uint8Array([1, 2, 3]));
    expect(env.payload.length).toBe(256);
    expect((await openEnvelope(key, env)).body).toEqual(new Uint8Array([1, 2, 3]));
    await expect(openEnvelope(other, env)).rejects.toMatchObject({ code: 'CRYPTO' });
    const tampered = { ...env, payload: env.payload.slice() };
    tampered.payload[40]! ^= 1;
    await expect(openEnvelope(key, tampered)).rejects.toMatchObject({ code: 'CRYPTO' });
    // Moving a payload to another envelope id breaks the AAD.
    await expect(openEnvelope(key, { ...env, envelopeId: '22'.repeat(16) as EnvelopeId })).rejects.toMatchObject({ code: 'CRYPTO' });
    await expect(openEnvelope(key, { ...env, payload: env.payload.subarray(0, 20) })).rejects.toMatchObject({ code: 'DECODE' });
    await expect(boxOpen(new Uint8Array(32), new Uint8Array(10))).rejects.toMatchObject({ code: 'DECODE' });
    await expect(boxOpen(new Uint8Array(32), new Uint8Array(60))).rejects.toMatchObject({ code: 'CRYPTO' });
  });
});
