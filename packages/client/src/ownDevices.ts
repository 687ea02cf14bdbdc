/**
 * @module ownDevices
 * This user's set of devices, changed from one of them: a link code for a new device (the
 * handshake itself is deviceLinking.ts's, run from each sync), the list the directory holds, and
 * a revocation signed with the identity key, after which every conversation drops the device.
 * Only a certified device (one holding the identity key) links or revokes.
 */
import { HardlineError, joinInviteCode, joinLinkCode, newLinkSecret, signRevocation, type DeviceId } from '@hardline/protocol';
import { userByHandle } from './conversationLookup.ts';
import type { Conversation, DeviceState } from './deviceState.ts';
import { requireCapability, type OrgState } from './orgPolicy.ts';
import type { RelayApi } from './relayApi.ts';

export type DevicesHost = {
  readonly state: DeviceState;
  readonly api: RelayApi;
  orgState(): OrgState;
  conversations(): Conversation[];
  refreshDirectory(): Promise<unknown>;
  sync(): Promise<unknown>;
  reconcile(conv: Conversation): Promise<void>;
  save(): Promise<void>;
};

export class OwnDevices {
  constructor(private readonly host: DevicesHost) {}

  /**
   * A link code for a new device: the relay's one-time code plus a secret only the two devices
   * see. This device certifies the new one when it answers (on a later sync).
   */
  async createLinkCode(): Promise<string> {
    const { state } = this.host;
    requireCapability(this.host.orgState(), state.handle, 'linking');
    if (!state.identity) throw new HardlineError('USAGE', 'this device is not certified yet: link new devices from one that is');
    const { code } = await this.host.api.createLinkCode();
    const secret = newLinkSecret();
    (state.pendingLinks ??= []).push({ secret, createdAt: new Date().toISOString() });
    await this.host.save();
    // The org key this device pinned, named as an invite names it (deviceEnrolment.ts checks it):
    // else the new device pins whatever key the relay shows it, and follows the hop signed under
    // it (ingressRoute.ts) as the security team's.
    const orgKey = this.host.orgState().key;
    return orgKey ? joinInviteCode(joinLinkCode(code, secret), orgKey) : joinLinkCode(code, secret);
  }

  async list(): Promise<{ deviceId: DeviceId; current: boolean; revoked: boolean }[]> {
    const { state } = this.host;
    await this.host.refreshDirectory();
    return (userByHandle(state, state.handle)?.devices ?? []).map((d) => ({ deviceId: d.deviceId, current: d.deviceId === state.deviceId, revoked: d.revoked }));
  }

  async revoke(deviceId: string): Promise<void> {
    const { state } = this.host;
    if (!/^[0-9a-f]{32}$/.test(deviceId)) throw new HardlineError('VALIDATION', `not a device id: ${deviceId}`);
    if (deviceId === state.deviceId) throw new HardlineError('VALIDATION', 'this is the current device; revoke it from another device');
    if (!state.identity) throw new HardlineError('USAGE', 'this device is not certified yet: revoke devices from one that is');
    await this.host.api.revokeDevice(deviceId as DeviceId, signRevocation(state.identity, state.handle, deviceId as DeviceId));
    await this.host.sync();
    for (const c of this.host.conversations()) await this.host.reconcile(c);
  }
}
