/**
 * checkKeyPackage against look-alikes: keys that share bytes with the one they must equal (or
 * must differ from), extensions next to the last-resort one, suite names next to the supported
 * ones. A comparison that looked at some bytes instead of all, or a last-resort test that took
 * any extension, would let each of these through (or refuse a genuine package).
 */
import { describe, expect, it } from 'vitest';
import { defaultCapabilities, defaultLifetime, encodeMlsMessage, generateKeyPackageWithKey } from 'ts-mls';
import {
  checkKeyPackage,
  DEFAULT_SUITE,
  decodeKeyPackage,
  deviceCredential,
  isLastResort,
  KeyPackageRefusedError,
  LAST_RESORT_EXTENSION_TYPE,
  loadSuite,
  newKeyPackage,
  parseSuite,
  POST_QUANTUM_SUITE,
  SUPPORTED_SUITES,
} from '../src/index.ts';
import { certifiedOrg } from './support/certifiedDevices.ts';

async function setup() {
  const impl = await loadSuite(DEFAULT_SUITE);
  const org = certifiedOrg(impl);
  const mallory = await org.device('mallory', 1);
  const owner = { suite: DEFAULT_SUITE, handle: mallory.who.handle, deviceId: mallory.who.deviceId, signaturePublicKey: mallory.keys.publicKey };
  const faultFor = async (bytes: Uint8Array, who = owner) => {
    const e = await checkKeyPackage(bytes, who, impl).then(() => undefined, (x: unknown) => x);
    if (e === undefined) return undefined;
    expect(e).toBeInstanceOf(KeyPackageRefusedError);
    return (e as KeyPackageRefusedError).fault;
  };
  return { impl, mallory, owner, faultFor };
}

describe('checkKeyPackage against look-alikes', () => {
  it('a signature key equal to the registered one but for one byte is refused as the wrong key', async () => {
    const { mallory, owner, faultFor } = await setup();
    // The package is signed with mallory's key K; the relay holds a key that differs from K in
    // one byte (first, middle, last), or is K with a byte more or a byte less.
    const k = mallory.keys.publicKey;
    const flip = (i: number) => {
      const x = k.slice();
      x[i]! ^= 0x01;
      return x;
    };
    const lookalikes = [flip(0), flip(16), flip(k.length - 1), Uint8Array.from([...k, 0]), k.slice(0, -1)];
    for (const registered of lookalikes) expect(await faultFor(mallory.kp.bytes, { ...owner, signaturePublicKey: registered })).toBe('signature-key');
    expect(await faultFor(mallory.kp.bytes)).toBeUndefined();
  });

  it('a genuine package whose init key shares some bytes with its encryption key is accepted', async () => {
    const { impl, mallory, faultFor } = await setup();
    // Keys are random; about one package in nine has an init key and an encryption key that
    // agree in at least one position. Such a package breaks no rule (RFC 9420 §10.1 asks only
    // that the two keys differ).
    let bytes: Uint8Array | undefined;
    for (let i = 0; i < 300 && !bytes; i++) {
      const kp = await newKeyPackage(mallory.who, mallory.keys, impl, { certificate: mallory.certificate });
      const { initKey, leafNode } = kp.publicPackage;
      if (initKey.some((b, j) => b === leafNode.hpkePublicKey[j])) bytes = kp.bytes;
    }
    if (!bytes) throw new Error('no package with a shared byte in 300 tries');
    const kp = decodeKeyPackage(bytes);
    expect(kp.initKey).not.toEqual(kp.leafNode.hpkePublicKey);
    expect(await faultFor(bytes)).toBeUndefined();
  });

  it('only the last_resort extension (0x000a) makes a last-resort package, not its neighbours', async () => {
    const { impl, mallory, faultFor, owner } = await setup();
    const capabilities = defaultCapabilities();
    const withExtensions = async (types: number[]) => {
      const extensions = types.map((extensionType) => ({ extensionType, extensionData: new Uint8Array(0) }));
      const kp = await generateKeyPackageWithKey(deviceCredential(mallory.who, mallory.certificate), capabilities, defaultLifetime, extensions, mallory.keys, impl);
      return encodeMlsMessage({ keyPackage: kp.publicPackage, wireformat: 'mls_key_package', version: 'mls10' });
    };
    // A device that wants its package kept for good (never deleted on claim) dresses an
    // ordinary one with an extension next to the last-resort one.
    for (const types of [[0x000b], [0x0a00], [0x0009], [0xf00a], [0x000b, 0x0009]]) {
      const bytes = await withExtensions(types);
      expect(isLastResort(decodeKeyPackage(bytes)), types.join()).toBe(false);
      expect(await faultFor(bytes)).toBeUndefined();
      expect((await checkKeyPackage(bytes, owner, impl)).lastResort, types.join()).toBe(false);
    }
    for (const types of [[LAST_RESORT_EXTENSION_TYPE], [0x000b, LAST_RESORT_EXTENSION_TYPE]]) {
      const bytes = await withExtensions(types);
      expect((await checkKeyPackage(bytes, owner, impl)).lastResort, types.join()).toBe(true);
    }
  });
});

describe('cipher suite names', () => {
  it('only the two supported suites are accepted, spelled exactly', async () => {
    expect(SUPPORTED_SUITES).toEqual([DEFAULT_SUITE, POST_QUANTUM_SUITE]);
    for (const name of SUPPORTED_SUITES) expect(parseSuite(name)).toBe(name);
    // Real RFC 9420 suites the organisation may not pick, and near-spellings of ours.
    for (const name of ['MLS_128_DHKEMP256_AES128GCM_SHA256_P256', 'MLS_256_DHKEMX448_AES256GCM_SHA512_Ed448', DEFAULT_SUITE.toLowerCase(), `${DEFAULT_SUITE} `, '', 'MLS_256_XWING_AES256GCM_SHA512']) {
      expect(() => parseSuite(name), name).toThrow(expect.objectContaining({ code: 'VALIDATION' }));
    }
  });

  it('loadSuite gives the implementation of the suite asked for', async () => {
    for (const name of SUPPORTED_SUITES) {
      const impl = await loadSuite(name);
      expect(impl.name).toBe(name);
    }
  });
});
