/**
 * checkKeyPackage (what the relay runs on every upload) against a modified client: another
 * device's package, a borrowed handle, a foreign signature key, no or a foreign certificate,
 * another suite, a tampered signature, and packages re-signed after a change so that exactly one
 * rule is broken (init key = encryption key; a leaf whose own signature no longer verifies).
 * Each is refused naming its fault; the relay's route test (server keyPackageValidation) checks
 * the same through HTTP.
 */
import { describe, expect, it } from 'vitest';
import { encodeMlsMessage, generateKeyPackageWithKey, defaultCapabilities, defaultLifetime, type KeyPackage } from 'ts-mls';
import { signKeyPackage } from 'ts-mls/keyPackage.js';
import {
  certifyDevice,
  checkKeyPackage,
  DEFAULT_SUITE,
  decodeKeyPackage,
  KeyPackageRefusedError,
  loadSuite,
  newIdentityKey,
  newKeyPackage,
  POST_QUANTUM_SUITE,
  toBase64Url,
  utf8,
  type Handle,
} from '../src/index.ts';
import { certifiedOrg, deviceIdOf } from './support/certifiedDevices.ts';

async function setup() {
  const impl = await loadSuite(DEFAULT_SUITE);
  const org = certifiedOrg(impl);
  const mallory = await org.device('mallory', 1);
  const owner = { suite: DEFAULT_SUITE, handle: mallory.who.handle, deviceId: mallory.who.deviceId, signaturePublicKey: mallory.keys.publicKey };
  const refusal = async (bytes: Uint8Array) => {
    const e = await checkKeyPackage(bytes, owner, impl).then(() => undefined, (x: unknown) => x);
    expect(e).toBeInstanceOf(KeyPackageRefusedError);
    return (e as KeyPackageRefusedError).fault;
  };
  const encode = (kp: KeyPackage) => encodeMlsMessage({ keyPackage: kp, wireformat: 'mls_key_package', version: 'mls10' });
  return { impl, org, mallory, owner, refusal, encode };
}

describe('checkKeyPackage against a modified client', () => {
  it('accepts the device\'s own certified package, and tells a last-resort one apart', async () => {
    const { impl, mallory, owner } = await setup();
    const r = await checkKeyPackage(mallory.kp.bytes, owner, impl);
    expect(r.lastResort).toBe(false);
    expect(r.kp).toEqual(decodeKeyPackage(mallory.kp.bytes));
    const lr = await newKeyPackage(mallory.who, mallory.keys, impl, { lastResort: true, certificate: mallory.certificate });
    expect((await checkKeyPackage(lr.bytes, owner, impl)).lastResort).toBe(true);
  });

  it("refuses another device's package, and its own device id under another handle", async () => {
    const { org, refusal } = await setup();
    expect(await refusal((await org.device('victim', 2)).kp.bytes)).toBe('credential');
    expect(await refusal((await org.device('victim', 1)).kp.bytes)).toBe('credential');
    expect(await refusal((await org.device('mallory', 3)).kp.bytes)).toBe('credential');
  });

  it('refuses a credential that is not handle/deviceId', async () => {
    const { impl, mallory, refusal, encode } = await setup();
    const kp = await generateKeyPackageWithKey({ credentialType: 'basic', identity: utf8.encode('mallory') }, defaultCapabilities(), defaultLifetime, [], mallory.keys, impl);
    expect(await refusal(encode(kp.publicPackage))).toBe('credential');
  });

  it('refuses its own credential under a signature key it did not enrol with', async () => {
    const { impl, mallory, refusal } = await setup();
    const keys = await impl.signature.keygen();
    const certificate = certifyDevice(newIdentityKey(), { ...mallory.who, deviceKey: toBase64Url(keys.publicKey) });
    expect(await refusal((await newKeyPackage(mallory.who, keys, impl, { certificate })).bytes)).toBe('signature-key');
  });

  it('refuses a package with no certificate, or one certifying another key', async () => {
    const { impl, mallory, refusal } = await setup();
    expect(await refusal((await newKeyPackage(mallory.who, mallory.keys, impl)).bytes)).toBe('certificate');
    const certificate = certifyDevice(newIdentityKey(), { ...mallory.who, deviceKey: toBase64Url((await impl.signature.keygen()).publicKey) });
    expect(await refusal((await newKeyPackage(mallory.who, mallory.keys, impl, { certificate })).bytes)).toBe('certificate');
  });

  it("refuses another suite than the organisation's", async () => {
    const { mallory, refusal } = await setup();
    const pq = await loadSuite(POST_QUANTUM_SUITE);
    const keys = await pq.signature.keygen();
    const certificate = certifyDevice(newIdentityKey(), { ...mallory.who, deviceKey: toBase64Url(keys.publicKey) });
    expect(await refusal((await newKeyPackage(mallory.who, keys, pq, { certificate })).bytes)).toBe('suite');
  });

  it('refuses a tampered signature', async () => {
    const { mallory, refusal } = await setup();
    const bytes = mallory.kp.bytes.slice();
    bytes[bytes.length - 1]! ^= 1;
    expect(await refusal(bytes)).toBe('signature');
  });

  it('refuses a re-signed package whose init key is its encryption key (RFC 9420 §10.1)', async () => {
    const { impl, mallory, refusal, encode } = await setup();
    const { signature: _, ...tbs } = mallory.kp.publicPackage;
    const kp = await signKeyPackage({ ...tbs, initKey: tbs.leafNode.hpkePublicKey }, mallory.keys.signKey, impl.signature);
    expect(await refusal(encode(kp))).toBe('init-key');
  });

  it('refuses a re-signed package whose leaf node was changed after the leaf was signed', async () => {
    const { impl, mallory, refusal, encode } = await setup();
    const { signature: _, ...tbs } = mallory.kp.publicPackage;
    const leafNode = { ...tbs.leafNode, lifetime: { ...tbs.leafNode.lifetime, notAfter: tbs.leafNode.lifetime.notAfter - 1n } };
    const kp = await signKeyPackage({ ...tbs, leafNode }, mallory.keys.signKey, impl.signature);
    expect(await refusal(encode(kp))).toBe('signature');
  });

  it('the uploader\'s handle and device id must both be the ones the credential names', async () => {
    const { impl, mallory } = await setup();
    const wrongHandle = { suite: DEFAULT_SUITE, handle: 'victim' as Handle, deviceId: mallory.who.deviceId, signaturePublicKey: mallory.keys.publicKey };
    await expect(checkKeyPackage(mallory.kp.bytes, wrongHandle, impl)).rejects.toMatchObject({ fault: 'credential' });
    const wrongDevice = { ...wrongHandle, handle: mallory.who.handle, deviceId: deviceIdOf(2) };
    await expect(checkKeyPackage(mallory.kp.bytes, wrongDevice, impl)).rejects.toMatchObject({ fault: 'credential' });
  });
});
