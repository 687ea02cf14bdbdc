/**
 * @module validateKeyPackage
 * Every KeyPackage in an upload is checked before any is kept (protocol keyPackageCheck.ts):
 * it decodes, uses the organisation's suite, its credential names the uploading device, its
 * signature key is the one that device enrolled with, and it is correctly signed. Junk parked
 * at the relay would otherwise be handed to a claimer, whose commit then fails, so nobody could
 * reach that device. One bad item refuses the whole upload (nothing is half-kept), and the
 * error names the item and the reason.
 *
 * Cost: two Ed25519 verifications per KeyPackage, about 0.8 ms on the shared 2-core machine
 * with ts-mls's default provider, so a full upload of 100 takes roughly 80 ms. Uploads come
 * only from authenticated devices, 20 at a time in normal use.
 */
import { checkKeyPackage, KeyPackageRefusedError, loadSuite, parseSuite } from '@hardline/protocol';
import type { DeviceRecord } from '../store/relayStore.ts';
import { RelayError } from '../errors/relayError.ts';

type SuiteImpl = Awaited<ReturnType<typeof loadSuite>>;

/** A relay has one suite; loading it once saves the provider setup on every upload. */
const suites = new Map<string, Promise<SuiteImpl>>();

function suiteImpl(name: string): Promise<SuiteImpl> {
  let impl = suites.get(name);
  if (!impl) suites.set(name, (impl = loadSuite(parseSuite(name))));
  return impl;
}

export type UploadedKeyPackage = { readonly keyPackage: Uint8Array; readonly readSecret?: Uint8Array };

/**
 * Resolves with the index of the upload's last-resort KeyPackage (RFC 9420 §16.8), if any.
 * A last-resort one must come with its read secret and a normal one without; at most one per upload.
 */
export async function validateKeyPackages(suite: string, device: DeviceRecord, items: readonly UploadedKeyPackage[]): Promise<number | undefined> {
  const impl = await suiteImpl(suite);
  const owner = { suite, handle: device.handle, deviceId: device.deviceId, signaturePublicKey: device.publicKey };
  let lastResort: number | undefined;
  for (const [index, item] of items.entries()) {
    const refuse = (reason: string, message: string) => new RelayError('INVALID_KEYPACKAGE', `keyPackages[${index}] ${message}`, { details: { index, reason } });
    let checked;
    try {
      checked = await checkKeyPackage(item.keyPackage, owner, impl);
    } catch (e) {
      if (e instanceof KeyPackageRefusedError) throw refuse(e.fault, e.message);
      throw e;
    }
    if (checked.lastResort !== (item.readSecret !== undefined)) {
      throw refuse('last-resort', checked.lastResort ? 'is a last-resort KeyPackage and needs a readSecret' : 'has a readSecret but is not a last-resort KeyPackage');
    }
    if (checked.lastResort) {
      if (lastResort !== undefined) throw refuse('last-resort', 'is a second last-resort KeyPackage; a device keeps one');
      lastResort = index;
    }
  }
  return lastResort;
}
