/**
 * The device credential (mls/deviceCredential.ts) from the side of a device that writes its own
 * leaf: a certificate borrowed from another device (another of its own, or another person's)
 * inside its credential, an identity at and past its byte bound, a newline in the wrong place,
 * a credential type other than basic. The parser runs at the relay (checkKeyPackage) and at
 * every member (certifiedAuthenticationService); each refusal is asserted at the parser and,
 * where the relay sees it, as the fault the relay names.
 */
import { describe, expect, it } from 'vitest';
import { defaultCapabilities, defaultLifetime, encodeMlsMessage, generateKeyPackageWithKey, type Credential } from 'ts-mls';
import {
  certifyDevice,
  checkKeyPackage,
  DEFAULT_SUITE,
  deviceCredential,
  loadSuite,
  MAX_CERTIFICATE_CHARS,
  parseCertifiedCredential,
  parseDeviceCredential,
  toBase64Url,
  utf8,
  type DeviceCertificate,
} from '../src/index.ts';
import { certifiedOrg, deviceIdOf } from './support/certifiedDevices.ts';

/** What deviceCredential.ts allows: 128 bytes for "<handle>/<deviceId>\n", the rest for the certificate. */
const MAX_IDENTITY_BYTES = 128 + MAX_CERTIFICATE_CHARS;

type BasicCredential = Extract<Credential, { credentialType: 'basic' }>;
const basic = (text: string): BasicCredential => ({ credentialType: 'basic', identity: utf8.encode(text) });
/** deviceCredential always writes a basic credential; narrowed here to read its identity. */
const written = (c: Credential): BasicCredential => {
  if (c.credentialType !== 'basic') throw new Error('not a basic credential');
  return c;
};
const refused = (c: Credential) => {
  expect(() => parseCertifiedCredential(c)).toThrow(expect.objectContaining({ code: 'DECODE' }));
  expect(() => parseDeviceCredential(c)).toThrow(expect.objectContaining({ code: 'DECODE' }));
};

async function setup() {
  const impl = await loadSuite(DEFAULT_SUITE);
  const org = certifiedOrg(impl);
  const mallory = await org.device('mallory', 1);
  const owner = { suite: DEFAULT_SUITE, handle: mallory.who.handle, deviceId: mallory.who.deviceId, signaturePublicKey: mallory.keys.publicKey };
  /** A package signed by mallory's registered key whose credential is exactly `credential`. */
  const packageWith = async (credential: Credential) => {
    const kp = await generateKeyPackageWithKey(credential, defaultCapabilities(), defaultLifetime, [], mallory.keys, impl);
    return encodeMlsMessage({ keyPackage: kp.publicPackage, wireformat: 'mls_key_package', version: 'mls10' });
  };
  const fault = async (bytes: Uint8Array) => (await checkKeyPackage(bytes, owner, impl).then(() => undefined, (e: { fault?: string }) => e)) as { fault?: string } | undefined;
  return { impl, org, mallory, owner, packageWith, fault };
}

describe('device credentials written by a hostile device', () => {
  it('a certificate for another device inside the credential is refused, whichever field differs', async () => {
    const { org, mallory, packageWith, fault } = await setup();
    const deviceKey = toBase64Url(mallory.keys.publicKey);
    // Mallory's identity key certifies her registered key, but under another of her device ids:
    // the credential names device 1, the certificate device 9.
    const otherDevice = certifyDevice(org.identityOf('mallory'), { handle: mallory.who.handle, deviceId: deviceIdOf(9), deviceKey });
    // The same device id under another handle (a certificate victim's identity key never made;
    // the shape is all the parser sees, so its signature does not matter here).
    const otherHandle: DeviceCertificate = { ...mallory.certificate, handle: 'victim' as DeviceCertificate['handle'] };
    for (const certificate of [otherDevice, otherHandle]) {
      const c = basic(`mallory/${mallory.who.deviceId}\n${JSON.stringify(certificate)}`);
      refused(c);
      expect((await fault(await packageWith(c)))?.fault).toBe('credential');
      // The library's own constructor refuses to write such a credential at all.
      expect(() => deviceCredential(mallory.who, certificate)).toThrow(expect.objectContaining({ code: 'DECODE' }));
    }
    // Sanity: the matching certificate passes both, and the package is accepted.
    expect(parseCertifiedCredential(deviceCredential(mallory.who, mallory.certificate))).toEqual({ id: mallory.who, certificate: mallory.certificate });
    expect(await fault(mallory.kp.bytes)).toBeUndefined();
  });

  it('a credential without a certificate names its device and carries none', async () => {
    const { mallory } = await setup();
    const c = written(deviceCredential(mallory.who));
    expect(utf8.decode(c.identity)).toBe(`mallory/${mallory.who.deviceId}`);
    const parsed = parseCertifiedCredential(c);
    expect(parsed).toEqual({ id: mallory.who });
    expect('certificate' in parsed).toBe(false);
    expect(parseDeviceCredential(c)).toEqual(mallory.who);
  });

  it('the identity is read up to exactly its byte bound, and refused one byte past it', async () => {
    const { mallory, packageWith, fault } = await setup();
    const head = `mallory/${mallory.who.deviceId}\n${JSON.stringify(mallory.certificate)}`;
    // JSON allows whitespace after the value, so the same certificate can be padded to any size.
    const at = basic(head + ' '.repeat(MAX_IDENTITY_BYTES - utf8.encode(head).length));
    expect(at.identity.length).toBe(MAX_IDENTITY_BYTES);
    expect(parseCertifiedCredential(at)).toEqual({ id: mallory.who, certificate: mallory.certificate });
    expect(await fault(await packageWith(at))).toBeUndefined();
    const over = basic(head + ' '.repeat(MAX_IDENTITY_BYTES + 1 - utf8.encode(head).length));
    refused(over);
    expect((await fault(await packageWith(over)))?.fault).toBe('credential');
  });

  it('a newline anywhere but right after the device id is refused', async () => {
    const { mallory } = await setup();
    const cert = JSON.stringify(mallory.certificate);
    const id = `mallory/${mallory.who.deviceId}`;
    for (const text of [`\n${id}`, `\n${id}\n${cert}`, `${id}\n`, `${id}\n\n${cert}x`, `mallory\n/${mallory.who.deviceId}`, `${id} \n${cert}`, `${id}\n${cert}\n{}`]) refused(basic(text));
  });

  it('the certificate after the newline must be JSON of a certificate', async () => {
    const { mallory } = await setup();
    const id = `mallory/${mallory.who.deviceId}`;
    for (const tail of ['', 'null', '{}', '[]', '"x"', JSON.stringify(mallory.certificate).slice(0, -1), JSON.stringify({ ...mallory.certificate, v: 2 })]) refused(basic(`${id}\n${tail}`));
  });

  it('a credential of another type is refused, even with a valid identity', async () => {
    const { mallory } = await setup();
    const good = written(deviceCredential(mallory.who, mallory.certificate));
    refused({ credentialType: 'x509', certificates: [good.identity] } as unknown as Credential);
    refused({ ...good, credentialType: 'x509' } as unknown as Credential);
  });
});
