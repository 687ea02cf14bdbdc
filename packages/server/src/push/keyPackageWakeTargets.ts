/**
 * @module keyPackageWakeTargets
 * The wake-up target of a device's KeyPackage mailboxes, which exist only once a stranger
 * claims a KeyPackage: so the Welcome of a conversation someone else starts (and, through a
 * last-resort KeyPackage, the claim's own mailbox) wakes a closed app too.
 *
 * The device sets it with its session (`PUT /v1/push/keypackages`), and the relay keeps it in
 * memory only, beside the KeyPackage pool whose key is also memory-only (keyPackageRoutes.ts):
 * a copy of the disk never shows which device a subscription belongs to, and a restart drops
 * both, until the device next uploads KeyPackages and sets its target again. At a claim the
 * target is sealed into push.db under each new mailbox's send capability (pushTargetSeal.ts),
 * as the device itself would register it, so that copy shows only "this mailbox has a target".
 * What the live relay learns: device ↔ endpoint, which it could already tie through the
 * mailboxes that device reads (docs/protocol.md §7), and nothing that ties the KeyPackage
 * mailboxes to the device's other mailboxes that the claim (which names the device) did not.
 */
import { keyPackageMailbox, lastResortMailbox, type DeviceId, type MailboxId } from '@hardline/protocol';
import type { PushSubscription } from './pushSubscription.ts';
import { sealPushTarget } from './pushTargetSeal.ts';
import type { PushTargetStore } from './pushTargetStore.ts';
import type { WakeLevel } from './wakePolicy.ts';

export type WakeTarget = PushSubscription & { readonly level: WakeLevel };

/** One per device; a relay serves one organisation, so this bounds itself by its devices. */
export class KeyPackageWakeTargets {
  readonly #byDevice = new Map<DeviceId, WakeTarget>();

  constructor(readonly targets: PushTargetStore) {}

  set(deviceId: DeviceId, target: WakeTarget | null): void {
    if (target) this.#byDevice.set(deviceId, target);
    else this.#byDevice.delete(deviceId);
  }

  has(deviceId: DeviceId): boolean {
    return this.#byDevice.has(deviceId);
  }

  /**
   * After a claim of `deviceId`'s KeyPackage: its mailbox (where the Welcome goes) and, for a
   * last-resort claim, the claim's own mailbox get the device's target. The last-resort
   * package's shared mailbox keeps the target it got at its first claim, so later claims write
   * one row only, the new mailbox's, as a device registering it would. Never throws.
   */
  claimed(deviceId: DeviceId, keyPackage: Uint8Array, lastResortNonce: Uint8Array | undefined): void {
    const target = this.#byDevice.get(deviceId);
    if (!target) return;
    try {
      const welcome = keyPackageMailbox(keyPackage);
      if (!lastResortNonce || this.targets.get(welcome.mailboxId) === undefined) this.#put(welcome.mailboxId, welcome.sendCap, target);
      if (lastResortNonce) {
        const own = lastResortMailbox(keyPackage, lastResortNonce);
        this.#put(own.mailboxId, own.sendCap, target);
      }
    } catch {
      // A full disk or a closed file: the claim stands; that mailbox wakes nobody until registered.
    }
  }

  #put(mailboxId: MailboxId, sendCap: Uint8Array, target: WakeTarget): void {
    this.targets.put(mailboxId, sealPushTarget(sendCap, mailboxId, target));
  }
}
