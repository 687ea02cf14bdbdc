/**
 * Hostile input refused with the library's own error kept as `cause`. The wire error and its
 * code are what a peer sees; the cause is what tells an operator (or the next bench/fuzz run)
 * which check inside ts-mls, privacypass-ts, JSON or WebCrypto refused the bytes. Each input is
 * one an attacker can send: MLS messages whose length prefixes lie, a Welcome for another
 * device, a tampered message, a corrupt saved state, a credential whose certificate is not JSON,
 * Privacy Pass requests, answers and tokens that are not what they claim, a tampered SFrame.
 */
import { describe, expect, it } from 'vitest';
import {
  checkKeyPackage,
  decodeKeyPackage,
  decodeState,
  DEFAULT_SUITE,
  encodeState,
  encryptApplication,
  joinFromWelcome,
  loadSuite,
  messageEpoch,
  newKeyPackage,
  parseCertifiedCredential,
  processIncoming,
  utf8,
} from '../src/index.ts';
import { DecodeError, HardlineError, KeyPackageRefusedError } from '../src/index.ts';
import { generateTokenKey, issueTokens, parseToken, requestTokens, tokenKeyId } from '../src/tokens/privacyPass.ts';
import { CipherSuites, decryptFrame, encryptFrame, importSFrameKey } from '../src/sframe/index.ts';
// After privacyPass.ts, which picks the noble provider before privacypass-ts builds its group.
import { genericBatched } from '@cloudflare/privacypass-ts';
import { acceptAll, dev, mlsGroup } from './support/mlsGroup.ts';
import { certifiedOrg } from './support/certifiedDevices.ts';

/** The error `f` threw or rejected with. */
async function caught(f: () => unknown): Promise<HardlineError> {
  try {
    await f();
  } catch (e) {
    expect(e).toBeInstanceOf(HardlineError);
    return e as HardlineError;
  }
  throw new Error('did not throw');
}

const b64 = (b: Uint8Array) => Buffer.from(b).toString('base64url');

/** MLSMessage headers (mls10 + wire format) followed by a length prefix ts-mls refuses to read. */
const lyingLengths = ['00010001fb', '000100020a21', '00010003705af9', '00010001ade2e3bd4854'].map((h) => Uint8Array.from(Buffer.from(h, 'hex')));

describe('hostile MLS bytes are refused with the decoder\'s error as cause', () => {
  it('a message whose length prefix lies is a DecodeError caused by ts-mls, wherever it arrives', async () => {
    const { impl, states } = await mlsGroup(2, new Uint8Array(16).fill(3));
    const kp = await newKeyPackage(dev(9), await impl.signature.keygen(), impl);
    for (const bytes of lyingLengths) {
      for (const f of [() => messageEpoch(bytes), () => decodeKeyPackage(bytes), () => processIncoming(states[1]!, bytes, impl), () => joinFromWelcome(bytes, kp, impl, acceptAll)]) {
        const e = await caught(f);
        expect(e).toBeInstanceOf(DecodeError);
        expect(e.code).toBe('DECODE');
        expect(e.cause).toBeInstanceOf(Error);
        expect(e.cause).not.toBeInstanceOf(HardlineError);
      }
    }
  });

  it('a Welcome for another device, and a tampered message, are CRYPTO errors caused by ts-mls', async () => {
    const { impl, states } = await mlsGroup(2, new Uint8Array(16).fill(4));
    const [alice, bob] = states as [(typeof states)[0], (typeof states)[0]];
    // A Welcome that adds device 3, handed to device 4 (whose KeyPackage it does not name).
    const kp3 = await newKeyPackage(dev(3), await impl.signature.keygen(), impl);
    const kp4 = await newKeyPackage(dev(4), await impl.signature.keygen(), impl);
    const { commitChanges } = await import('../src/index.ts');
    const add = await commitChanges(alice, { add: [decodeKeyPackage(kp3.bytes)] }, impl);
    const wrongWelcome = await caught(() => joinFromWelcome(add.welcome!, kp4, impl, acceptAll));
    expect(wrongWelcome.code).toBe('CRYPTO');
    expect(wrongWelcome.cause).toBeInstanceOf(Error);
    // The content's tag is the message's last bytes: its sender data still opens, the content does not.
    const m = await encryptApplication(alice, utf8.encode('hello'), impl);
    const tampered = m.message.slice();
    tampered[tampered.length - 1]! ^= 1;
    const rejected = await caught(() => processIncoming(bob, tampered, impl));
    expect(rejected.code).toBe('CRYPTO');
    expect(rejected.cause).toBeInstanceOf(Error);
    expect(rejected.cause).not.toBeInstanceOf(HardlineError);
  });

  it('a corrupt saved state is a DecodeError caused by ts-mls\'s codec', async () => {
    const { states } = await mlsGroup(1);
    const saved = encodeState(states[0]!);
    for (const junk of [saved.subarray(0, 4), saved.subarray(0, 5), Uint8Array.from([...saved.subarray(0, 4), 0xff, ...saved.subarray(5)])]) {
      const e = await caught(() => decodeState(junk, acceptAll));
      expect(e).toBeInstanceOf(DecodeError);
      expect(e.cause).toBeInstanceOf(Error);
      expect(e.cause).not.toBeInstanceOf(HardlineError);
    }
  });

  it('a credential whose certificate is not JSON is refused with the JSON error as cause; the relay keeps the chain', async () => {
    const impl = await loadSuite(DEFAULT_SUITE);
    const org = certifiedOrg(impl);
    const mallory = await org.device('mallory', 1);
    const id = `mallory/${mallory.who.deviceId}`;
    for (const tail of ['{', '{"v":1,', 'not json', JSON.stringify(mallory.certificate).slice(0, -1)]) {
      const e = await caught(() => parseCertifiedCredential({ credentialType: 'basic', identity: utf8.encode(`${id}\n${tail}`) }));
      expect(e).toBeInstanceOf(DecodeError);
      expect(e.cause).toBeInstanceOf(SyntaxError);
    }
    // At the relay: the refusal names its fault and keeps what refused it.
    const { defaultCapabilities, defaultLifetime, encodeMlsMessage, generateKeyPackageWithKey } = await import('ts-mls');
    const kp = await generateKeyPackageWithKey({ credentialType: 'basic', identity: utf8.encode(`${id}\n{`) }, defaultCapabilities(), defaultLifetime, [], mallory.keys, impl);
    const owner = { suite: DEFAULT_SUITE, handle: mallory.who.handle, deviceId: mallory.who.deviceId, signaturePublicKey: mallory.keys.publicKey };
    const credential = await caught(() => checkKeyPackage(encodeMlsMessage({ keyPackage: kp.publicPackage, wireformat: 'mls_key_package', version: 'mls10' }), owner, impl));
    expect(credential).toBeInstanceOf(KeyPackageRefusedError);
    expect((credential as KeyPackageRefusedError).fault).toBe('credential');
    expect(credential.cause).toBeInstanceOf(DecodeError);
    for (const bytes of [lyingLengths[0]!, new Uint8Array(16 * 1024 + 1)]) {
      const decode = await caught(() => checkKeyPackage(bytes, owner, impl));
      expect((decode as KeyPackageRefusedError).fault).toBe('decode');
      expect(decode.cause).toBeInstanceOf(HardlineError);
    }
  });
});

describe('hostile Privacy Pass bytes are refused with privacypass-ts\'s error as cause', () => {
  it('requests, answers and tokens that do not parse', async () => {
    const key = await generateTokenKey();
    for (const request of ['AAAA', b64(Uint8Array.of(5, 0, 1, 2, 3, 4))]) {
      const e = await caught(() => issueTokens(key, request));
      expect(e.code).toBe('DECODE');
      expect(e.cause).toBeInstanceOf(Error);
    }
    const { finish } = await requestTokens(key.publicKey, 1);
    for (const response of ['AAAA', b64(Uint8Array.of(9, 1, 0, 1))]) {
      const e = await caught(() => finish(response));
      expect(e.code).toBe('DECODE');
      expect(e.cause).toBeInstanceOf(Error);
    }
    const token = await caught(() => parseToken('AAAA'));
    expect(token.code).toBe('DECODE');
    expect(token.cause).toBeInstanceOf(Error);
  });

  it('a request for our key whose blinded element is not a point on P-384 is a DecodeError, refused after admission', async () => {
    const key = await generateTokenKey();
    const truncated = (await tokenKeyId(key.publicKey)).at(-1)!;
    const [genuine] = [...genericBatched.BatchedTokenRequest.deserialize(Buffer.from((await requestTokens(key.publicKey, 1)).request, 'base64url'))];
    const size = genuine!.serialize().length;
    // Same type and key id, an element of the right length that is no point (a compressed
    // encoding with an invalid prefix byte, then zeros).
    const bogus = genericBatched.TokenRequest.deserialize(Uint8Array.from([0x00, 0x01, truncated, 0x05, ...new Uint8Array(size - 4)]));
    let admitted = 0;
    const e = await caught(() => issueTokens(key, b64(new genericBatched.BatchedTokenRequest([bogus]).serialize()), (n) => void (admitted += n)));
    expect(e.code).toBe('DECODE');
    expect(e.cause).toBeInstanceOf(Error);
    expect(admitted).toBe(1);
  });
});

describe('a tampered SFrame', () => {
  it('fails authentication with WebCrypto\'s error as cause (AES-GCM)', async () => {
    const key = await importSFrameKey(CipherSuites.AES_128_GCM_SHA256_128, 1n, new Uint8Array(16).fill(1));
    const frame = await encryptFrame(key, 1n, Uint8Array.of(1, 2, 3));
    frame[frame.length - 1]! ^= 1;
    const e = await caught(() => decryptFrame(key, frame));
    expect(e.code).toBe('CRYPTO');
    expect(e.cause).toBeInstanceOf(Error);
  });
});
