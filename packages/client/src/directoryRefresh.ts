/**
 * @module directoryRefresh
 * One refresh of what this device believes about the organisation: the org's signed orders
 * first, then the relay's directory, of which only what the key-transparency log proves reaches
 * the trust rules. A REVOKED answer marks the device revoked, and wipes it when (and only when)
 * the org key's signed revocation orders a wipe.
 */
import { HardlineError } from '@hardline/protocol';
import type { DeviceState, StateStore } from './deviceState.ts';
import type { IdentityTrust } from './identityTrust.ts';
import type { KeyTransparency } from './keyTransparency.ts';
import { ORG_EXTENSION, refreshOrg, reportApplied, wipeOrdered, type OrgState } from './orgPolicy.ts';
import type { DirectoryUser, RelayApi } from './relayApi.ts';

export type DirectoryHost = {
  readonly state: DeviceState;
  readonly api: RelayApi;
  readonly kt: KeyTransparency;
  readonly trust: IdentityTrust;
  readonly store: StateStore;
  orgState(): OrgState;
  save(): Promise<void>;
  /** The org's orders were read: a hop the policy newly names (or no longer names) takes over (ingressRoute.ts). */
  followIngress(): void;
};

export class DirectoryRefresh {
  constructor(private readonly host: DirectoryHost) {}

  async refresh(): Promise<DirectoryUser[]> {
    const h = this.host;
    try {
      // The org's signed orders first: its revocations are part of the trust rules below.
      await this.refreshOrg();
      // Only what the relay proves logged reaches the trust rules (keyTransparency.ts).
      const vetted = await h.kt.vet((await h.api.directory()).users);
      const users = vetted.users;
      h.state.directory = users;
      h.trust.judge(users, vetted.notInLog);
      return users;
    } catch (e) {
      if (e instanceof HardlineError && e.code === 'REVOKED') {
        h.state.revoked = true;
        await h.save();
        await this.wipeIfOrdered();
      }
      throw e;
    }
  }

  /** Remote wipe: only on the org key's signed revocation of this device that says so. */
  private async wipeIfOrdered(): Promise<void> {
    const h = this.host;
    if (!(await wipeOrdered(h.api, h.orgState(), h.state.deviceId))) return;
    await h.store.wipe();
    throw new HardlineError('REVOKED', 'the security team revoked this device and ordered its data wiped: it is wiped');
  }

  private async refreshOrg(): Promise<void> {
    const h = this.host;
    const org = await reportApplied(h.api, await refreshOrg(h.api, h.orgState()));
    h.state.extensions = { ...h.state.extensions, [ORG_EXTENSION]: org };
    h.followIngress();
  }
}
