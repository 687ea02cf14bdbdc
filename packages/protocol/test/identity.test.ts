/**
 * Identity keys, device certificates, revocations, the link handshake and safety numbers
 * (protocol identity/), from a forger's side: every field a certificate binds is checked, a
 * signature for one purpose fits no other, and a link message under another secret opens nothing.
 */
import { describe, expect, it } from 'vitest';
import {
  certifyDevice,
  joinLinkCode,
  linkKeys,
  newIdentityKey,
  newLinkSecret,
  openLinkMessage,
  parseCertificate,
  safetyNumber,
  sealLinkMessage,
  signRevocation,
  splitLinkCode,
  toBase64Url,
  verifyCertificate,
  verifyRevocation,
  type DeviceId,
  type Handle,
} from '../src/index.ts';

const id = newIdentityKey();
const deviceKey = new Uint8Array(32).fill(7);
const device = { handle: 'alice' as Handle, deviceId: 'ab'.repeat(16) as DeviceId, deviceKey: toBase64Url(deviceKey) };
const expect_ = { identityKey: id.publicKey, handle: 'alice', deviceId: device.deviceId, deviceKey };

describe('device certificates', () => {
  it('verify for exactly the device, key, handle and identity they were made for', () => {
    const cert = parseCertificate(JSON.parse(JSON.stringify(certifyDevice(id, device))));
    expect(verifyCertificate(cert, expect_)).toBe(true);
    expect(verifyCertificate(cert, { ...expect_, handle: 'bob' })).toBe(false);
    expect(verifyCertificate(cert, { ...expect_, deviceId: 'cd'.repeat(16) })).toBe(false);
    expect(verifyCertificate(cert, { ...expect_, deviceKey: new Uint8Array(32).fill(8) })).toBe(false);
    expect(verifyCertificate(cert, { ...expect_, identityKey: newIdentityKey().publicKey })).toBe(false);
  });

  it('a changed field or a signature by another key does not verify', () => {
    const cert = certifyDevice(id, device);
    expect(verifyCertificate({ ...cert, createdAt: '2020-01-01T00:00:00.000Z' }, expect_)).toBe(false);
    const other = certifyDevice(newIdentityKey(), device);
    expect(verifyCertificate({ ...other, identityKey: id.publicKey }, expect_)).toBe(false);
  });

  it('a revocation signature does not pass as a certificate, nor the reverse', () => {
    const rev = signRevocation(id, device.handle, device.deviceId);
    expect(verifyRevocation(rev, expect_)).toBe(true);
    const cert = certifyDevice(id, device);
    expect(verifyRevocation({ ...rev, signature: cert.signature }, expect_)).toBe(false);
    expect(verifyRevocation(rev, { ...expect_, deviceId: 'cd'.repeat(16) })).toBe(false);
  });

  it('refuses malformed certificates with a typed error', () => {
    for (const junk of [null, 1, {}, { ...certifyDevice(id, device), handle: 'A B' }, { ...certifyDevice(id, device), identityKey: 'short' }]) {
      expect(() => parseCertificate(junk)).toThrow(/invalid shape/);
    }
  });
});

describe('link handshake', () => {
  it('carries the secret beside the relay code, and a code without one is an invite', () => {
    const secret = newLinkSecret();
    expect(splitLinkCode(joinLinkCode('ABCDE-FGHIJ', secret))).toEqual({ relayCode: 'ABCDE-FGHIJ', secret });
    expect(splitLinkCode(' ABCDE-FGHIJ ')).toEqual({ relayCode: 'ABCDE-FGHIJ', secret: undefined });
    expect(() => splitLinkCode('ABCDE.123')).toThrow(/incomplete/);
  });

  it('a message opens only under its own secret, and is one blob bucket long', async () => {
    const keys = linkKeys(newLinkSecret());
    const box = await sealLinkMessage(keys, { t: 'link-request', handle: 'alice', deviceId: device.deviceId, deviceKey: device.deviceKey });
    expect(box.length).toBe(16 * 1024);
    expect(await openLinkMessage(keys, box)).toMatchObject({ t: 'link-request', deviceId: device.deviceId });
    await expect(openLinkMessage(linkKeys(newLinkSecret()), box)).rejects.toThrow(/did not open/);
    const answer = await sealLinkMessage(keys, { t: 'link-response', certificate: certifyDevice(id, device), identity: id });
    expect(await openLinkMessage(keys, answer)).toMatchObject({ t: 'link-response', identity: id });
  });
});

describe('safety numbers', () => {
  it('are the same on both sides, 12 groups of 5 digits, and change only with an identity key', () => {
    const a = { handle: 'alice', identityKey: id.publicKey };
    const b = { handle: 'bob', identityKey: newIdentityKey().publicKey };
    const ab = safetyNumber(a, b);
    expect(safetyNumber(b, a)).toEqual(ab);
    expect(ab.groups).toHaveLength(12);
    for (const g of ab.groups) expect(g).toMatch(/^\d{5}$/);
    expect(safetyNumber(a, { ...b, identityKey: newIdentityKey().publicKey }).groups).not.toEqual(ab.groups);
  });
});
