/**
 * @module test/support/plantedKeyPackage
 * A relay that answers claims for someone's device with a KeyPackage it made itself: the
 * credential names the victim's real device, but the leaf key is the relay's and the device
 * certificate inside is signed by an identity key the relay made. It is written straight into
 * the relay's store, past the upload checks, as an operator who owns the server would.
 */
import { randomBytes } from 'node:crypto';
import {
  certifyDevice,
  DEFAULT_SUITE,
  keyPackageMailbox,
  loadSuite,
  newIdentityKey,
  newKeyPackage,
  toBase64Url,
  type DeviceId,
  type Handle,
  type MailboxId,
} from '@hardline/protocol';
import type { RelayHandle } from '@hardline/server';

export type PlantedKeyPackage = {
  /** Where a claimer would post the Welcome for it: the attacker reads this mailbox. */
  readonly welcomeMailbox: MailboxId;
};

export async function plantKeyPackage(relay: RelayHandle, victim: { handle: string; deviceId: string }): Promise<PlantedKeyPackage> {
  const impl = await loadSuite(DEFAULT_SUITE);
  const keys = await impl.signature.keygen();
  const who = { handle: victim.handle as Handle, deviceId: victim.deviceId as DeviceId };
  const certificate = certifyDevice(newIdentityKey(), { ...who, deviceKey: toBase64Url(keys.publicKey) });
  const kp = await newKeyPackage(who, keys, impl, { certificate });
  await relay.store.addKeyPackages(who.deviceId, [{ keyPackage: kp.bytes, readCapHash: new Uint8Array(randomBytes(32)) }]);
  return { welcomeMailbox: keyPackageMailbox(kp.bytes).mailboxId };
}
