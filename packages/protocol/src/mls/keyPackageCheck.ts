/**
 * @module mls/keyPackageCheck
 * What the relay checks before it keeps an uploaded KeyPackage (and what anyone may check of
 * a claimed one): it decodes as an MLS KeyPackage, uses the organisation's suite, names the
 * device that uploads it, carries that device's registered signature key, and both of its
 * signatures verify (RFC 9420 §10.1: the KeyPackage's "KeyPackageTBS" and its leaf node's
 * "LeafNodeTBS"). Without this, a device could park junk that every claimer then fails on.
 */
import type { CiphersuiteImpl, KeyPackage } from 'ts-mls';
import { verifyKeyPackage } from 'ts-mls/keyPackage.js';
import { verifyLeafNodeSignatureKeyPackage } from 'ts-mls/leafNode.js';
import type { DeviceId, Handle } from '../brand.ts';
import { HardlineError, ValidationError } from '../errors.ts';
import { decodeKeyPackage } from './conversationGroup.ts';
import { toBase64Url } from '../bytes.ts';
import { parseCertifiedCredential } from './deviceCredential.ts';
import { isLastResort } from './lastResortKeyPackage.ts';

export type KeyPackageOwner = {
  readonly suite: string;
  readonly handle: Handle;
  readonly deviceId: DeviceId;
  /** The Ed25519 key the device enrolled with, raw 32 bytes. */
  readonly signaturePublicKey: Uint8Array;
};

/** Why a KeyPackage was refused, as a stable word (the wire error names it with the item). */
export const KeyPackageFaults = {
  DECODE: 'decode',
  SUITE: 'suite',
  CREDENTIAL: 'credential',
  CERTIFICATE: 'certificate',
  SIGNATURE_KEY: 'signature-key',
  INIT_KEY: 'init-key',
  SIGNATURE: 'signature',
} as const;
export type KeyPackageFault = (typeof KeyPackageFaults)[keyof typeof KeyPackageFaults];

export class KeyPackageRefusedError extends ValidationError {
  readonly fault: KeyPackageFault;
  constructor(fault: KeyPackageFault, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.fault = fault;
  }
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

/**
 * Checks one KeyPackage (MLSMessage bytes) against its uploader; cheap checks first, so junk
 * and other devices' packages cost no signature verification. Resolves with whether it is a
 * last-resort KeyPackage (RFC 9420 §16.8); throws KeyPackageRefusedError.
 */
export async function checkKeyPackage(bytes: Uint8Array, owner: KeyPackageOwner, impl: CiphersuiteImpl): Promise<{ kp: KeyPackage; lastResort: boolean }> {
  let kp: KeyPackage;
  try {
    kp = decodeKeyPackage(bytes);
  } catch (cause) {
    const why = cause instanceof HardlineError ? cause.message : 'malformed';
    throw new KeyPackageRefusedError(KeyPackageFaults.DECODE, `does not decode as an MLS KeyPackage (${why})`, { cause });
  }
  if (kp.cipherSuite !== owner.suite) throw new KeyPackageRefusedError(KeyPackageFaults.SUITE, `uses ${kp.cipherSuite}, not the organisation's ${owner.suite}`);
  let id, certificate;
  try {
    ({ id, certificate } = parseCertifiedCredential(kp.leafNode.credential));
  } catch (cause) {
    throw new KeyPackageRefusedError(KeyPackageFaults.CREDENTIAL, 'its credential is not a Hardline device credential', { cause });
  }
  if (id.deviceId !== owner.deviceId || id.handle !== owner.handle) {
    throw new KeyPackageRefusedError(KeyPackageFaults.CREDENTIAL, 'its credential names another device than the one uploading it');
  }
  if (!sameBytes(kp.leafNode.signaturePublicKey, owner.signaturePublicKey)) {
    throw new KeyPackageRefusedError(KeyPackageFaults.SIGNATURE_KEY, "its signature key is not the uploading device's registered key");
  }
  // Members refuse a leaf without a certificate for its key (certifiedAuthenticationService.ts),
  // so such a package could only fail its claimer. Whether the person's identity key signed it
  // is the members' check, against the key they pinned; the relay is not trusted with that.
  if (!certificate) throw new KeyPackageRefusedError(KeyPackageFaults.CERTIFICATE, 'its credential carries no device certificate');
  if (certificate.deviceKey !== toBase64Url(owner.signaturePublicKey)) {
    throw new KeyPackageRefusedError(KeyPackageFaults.CERTIFICATE, "its certificate is for another key than the device's registered one");
  }
  // RFC 9420 §10.1: the init key MUST differ from the leaf's encryption key.
  if (sameBytes(kp.initKey, kp.leafNode.hpkePublicKey)) throw new KeyPackageRefusedError(KeyPackageFaults.INIT_KEY, 'its init key equals its encryption key');
  const [kpSigned, leafSigned] = await Promise.all([verifyKeyPackage(kp, impl.signature), verifyLeafNodeSignatureKeyPackage(kp.leafNode, impl.signature)]).catch(() => [false, false]);
  if (!kpSigned) throw new KeyPackageRefusedError(KeyPackageFaults.SIGNATURE, 'its KeyPackageTBS signature does not verify');
  if (!leafSigned) throw new KeyPackageRefusedError(KeyPackageFaults.SIGNATURE, 'its leaf node signature does not verify');
  return { kp, lastResort: isLastResort(kp) };
}
