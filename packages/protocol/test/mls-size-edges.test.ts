/**
 * The MLS size bounds at their exact edge, from the side of a device that pads what it sends:
 * a KeyPackage it uploads (the relay keeps it, every claimer downloads it) and an application
 * message it posts (every member decodes it). Each bound must let a genuine message of exactly
 * the limit through and refuse the same message one byte longer, before anything is decoded.
 * The padding is an unknown KeyPackage extension and a longer plaintext, both of which the
 * protocol allows, so the packages and messages are otherwise genuine and fully valid.
 */
import { describe, expect, it } from 'vitest';
import { defaultCapabilities, defaultLifetime, encodeMlsMessage, generateKeyPackageWithKey } from 'ts-mls';
import {
  checkKeyPackage,
  DEFAULT_SUITE,
  decodeKeyPackage,
  deviceCredential,
  encryptApplication,
  loadSuite,
  MAX_MLS_MESSAGE,
  messageEpoch,
  processIncoming,
} from '../src/index.ts';
import { certifiedOrg } from './support/certifiedDevices.ts';
import { mlsGroup } from './support/mlsGroup.ts';

const KEY_PACKAGE_LIMIT = 16 * 1024;
/** An extension type from the private-use range (RFC 9420 §17.3): no meaning, only bytes. */
const PADDING_EXTENSION = 0xf0f0;

async function setup() {
  const impl = await loadSuite(DEFAULT_SUITE);
  const org = certifiedOrg(impl);
  const mallory = await org.device('mallory', 1);
  const owner = { suite: DEFAULT_SUITE, handle: mallory.who.handle, deviceId: mallory.who.deviceId, signaturePublicKey: mallory.keys.publicKey };
  /** Mallory's own certified KeyPackage, padded to exactly `size` bytes on the wire. */
  const padded = async (size: number) => {
    // One set of capabilities: defaultCapabilities() adds random GREASE values each call.
    const capabilities = defaultCapabilities();
    const make = async (n: number) => {
      const extensions = [{ extensionType: PADDING_EXTENSION, extensionData: new Uint8Array(n).fill(0x61) }];
      const kp = await generateKeyPackageWithKey(deviceCredential(mallory.who, mallory.certificate), capabilities, defaultLifetime, extensions, mallory.keys, impl);
      return encodeMlsMessage({ keyPackage: kp.publicPackage, wireformat: 'mls_key_package', version: 'mls10' });
    };
    let n = size - 2000;
    // Length prefixes are variable-size, so step until the encoding lands exactly on `size`.
    for (let i = 0; i < 8; i++) {
      const bytes = await make(n);
      if (bytes.length === size) return bytes;
      n += size - bytes.length;
    }
    throw new Error(`could not pad a KeyPackage to ${size} bytes`);
  };
  return { impl, owner, padded };
}

describe('MLS size bounds at their edge', () => {
  it('a KeyPackage of exactly 16 KiB is kept and decodes; one byte more is refused before decoding', async () => {
    const { impl, owner, padded } = await setup();
    const atLimit = await padded(KEY_PACKAGE_LIMIT);
    expect(atLimit.length).toBe(KEY_PACKAGE_LIMIT);
    const kp = decodeKeyPackage(atLimit);
    expect(kp.extensions.map((e) => e.extensionType)).toEqual([PADDING_EXTENSION]);
    const r = await checkKeyPackage(atLimit, owner, impl);
    expect(r.lastResort).toBe(false);

    const over = await padded(KEY_PACKAGE_LIMIT + 1);
    expect(() => decodeKeyPackage(over)).toThrow(expect.objectContaining({ code: 'TOO_LARGE' }));
    await expect(checkKeyPackage(over, owner, impl)).rejects.toMatchObject({ fault: 'decode' });
  });

  it('an application message of exactly 64 KiB is delivered; one byte more is refused as too large', async () => {
    const { impl, states } = await mlsGroup(2, new Uint8Array(16).fill(9));
    const [alice, bob] = states as [(typeof states)[0], (typeof states)[0]];
    const sized = async (size: number) => {
      let n = size - 500;
      for (let i = 0; i < 8; i++) {
        const data = new Uint8Array(n).fill(0x62);
        const { message } = await encryptApplication(alice, data, impl);
        if (message.length === size) return { data, message };
        n += size - message.length;
      }
      throw new Error(`could not size a message to ${size} bytes`);
    };
    const atLimit = await sized(MAX_MLS_MESSAGE);
    expect(atLimit.message.length).toBe(64 * 1024);
    expect(messageEpoch(atLimit.message)).toBe(1n);
    const r = await processIncoming(bob, atLimit.message, impl);
    expect(r.kind).toBe('application');
    if (r.kind !== 'application') throw new Error('not delivered');
    expect(r.data).toEqual(atLimit.data);

    const over = await sized(MAX_MLS_MESSAGE + 1);
    expect(() => messageEpoch(over.message)).toThrow(expect.objectContaining({ code: 'TOO_LARGE' }));
    await expect(processIncoming(bob, over.message, impl)).rejects.toMatchObject({ code: 'TOO_LARGE' });
  });
});
