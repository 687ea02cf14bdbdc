/**
 * @module identityTrust
 * Whose devices this client trusts, and what it tells the user about the rest. The directory
 * comes from the relay, which is hostile: trustRules.ts judges it against the pinned identity
 * keys and the org's signed revocations, and this file keeps that verdict (the trusted devices,
 * the refused ones with why, the relay's unsigned revocations), the pins the user acknowledges
 * or verifies by safety number, and both ends of the device-link handshake that certifies a
 * new device of this user. HardlineClient delegates here; its public methods stay as they were.
 */
import { safetyNumber, type DeviceId, type Handle, type SafetyNumber } from '@hardline/protocol';
import type { DeviceState } from './deviceState.ts';
import { answerLinkRequests, collectLinkAnswer } from './deviceLinking.ts';
import type { KeyPackageSupply } from './keyPackageSupply.ts';
import { relabelNotInLog, type KeyTransparency, type NotInLog, type SplitViewReport } from './keyTransparency.ts';
import type { ForeignEntry } from './logMonitor.ts';
import type { DirectoryUser, RelayApi } from './relayApi.ts';
import { acknowledgeChange, judgeDirectory, type Pin, type TrustedDevice, type Unverifiable } from './trustRules.ts';

export type RelayOnlyRevocation = { handle: Handle; deviceId: DeviceId };

export type IdentityTrustHost = {
  readonly state: DeviceState;
  readonly api: RelayApi;
  readonly kt: KeyTransparency;
  readonly keyPackages: KeyPackageSupply;
  /** Devices the org key's signed revocations name (orgPolicy.ts): part of the trust rules. */
  orgRevoked(): ReadonlySet<DeviceId>;
  save(): Promise<void>;
  refreshDirectory(): Promise<unknown>;
  replenishKeyPackages(): Promise<unknown>;
};

export class IdentityTrust {
  /** Only the devices trustRules.ts accepts: the AuthenticationService and every add go by it. */
  private trusted: ReadonlyMap<DeviceId, TrustedDevice> = new Map();
  private unverifiable: readonly Unverifiable[] = [];
  /** Devices the relay marks revoked that neither their owner nor the org signed off (trustRules.ts, rule 4). */
  private relayOnlyRevoked: readonly RelayOnlyRevocation[] = [];
  private notInLog: readonly NotInLog[] = [];

  constructor(private readonly host: IdentityTrustHost) {}

  /**
   * Judges the directory and keeps the verdict. `notInLog`, when given, replaces what the last
   * key-transparency vetting left out of the log; otherwise that one is kept.
   */
  judge(users: DirectoryUser[], notInLog?: readonly NotInLog[]): void {
    const s = this.host.state;
    if (notInLog) this.notInLog = notInLog;
    const verdict = judgeDirectory(users, s.pins ?? {}, { handle: s.handle, identityKey: s.identity?.publicKey }, this.host.orgRevoked());
    s.pins = { ...verdict.pins };
    this.trusted = verdict.trusted;
    this.unverifiable = relabelNotInLog(verdict.unverifiable, this.notInLog);
    // The relay's flag alone removes nobody (rule 4); the device stays in conversations. Said
    // out loud, because a relay that refuses such a device service is denying it, and its
    // owner should know why their other device went quiet.
    this.relayOnlyRevoked = users.flatMap((u) => u.devices.filter((d) => d.revoked && verdict.trusted.get(d.deviceId)?.revoked === false).map((d) => ({ handle: u.handle, deviceId: d.deviceId })));
  }

  /** The handle a trusted device belongs to; undefined for a device this client refuses. */
  handleOf(deviceId: DeviceId): Handle | undefined {
    return this.trusted.get(deviceId)?.handle;
  }

  /** The person's devices this client trusts and that they have not revoked (trustRules.ts). */
  activeDevices(handle: string): DeviceId[] {
    return [...this.trusted].filter(([, d]) => d.handle === handle && !d.revoked).map(([id]) => id);
  }

  /** Both ends of the link handshake, on every sync (deviceLinking.ts). */
  async advanceLinks(): Promise<void> {
    const h = this.host;
    const answered = await answerLinkRequests(h.state, h.api, Date.now());
    for (const d of answered.certified) h.keyPackages.linked(d);
    const collected = await collectLinkAnswer(h.state, h.api);
    if (collected) Object.assign(h.state, collected);
    if (!answered.changed && !collected) return;
    await h.save();
    await h.refreshDirectory();
    // Certified now: its KeyPackages (carrying the certificate) go up at once, so the device
    // that linked it can add it to conversations at its next reconcile.
    if (collected) await h.replenishKeyPackages();
  }

  /** A split view of the key-transparency log, once detected: the relay is showing people different keys. */
  splitView(): SplitViewReport | undefined {
    return this.host.kt.splitView();
  }

  /** Key-transparency log entries under this person's handle made with another identity key. */
  foreignLogEntries(): readonly ForeignEntry[] {
    return this.host.kt.foreignEntries();
  }

  /** Devices the directory lists that this client refuses, with why: the app reports them. */
  unverifiableDevices(): readonly Unverifiable[] {
    return this.unverifiable;
  }

  /** Devices the relay says are revoked without a revocation signed by their owner or the org. */
  unsignedRevocations(): readonly RelayOnlyRevocation[] {
    return this.relayOnlyRevoked;
  }

  /** The identity key pinned for a person, and a changed one waiting for acknowledgement. */
  identityOf(handle: string): Pin | undefined {
    return this.host.state.pins?.[handle.toLowerCase()];
  }

  /** The user accepts a person's new identity key: sending resumes, their new devices count. */
  async acknowledgeIdentity(handle: string): Promise<void> {
    const s = this.host.state;
    s.pins = { ...acknowledgeChange(s.pins ?? {}, handle.toLowerCase() as Handle) };
    this.judge(s.directory);
    await this.host.save();
  }

  /** The safety number with a person, from both identity keys only. */
  safetyNumber(handle: string): SafetyNumber | undefined {
    const s = this.host.state;
    const mine = s.identity?.publicKey;
    const theirs = this.identityOf(handle)?.key;
    return mine && theirs ? safetyNumber({ handle: s.handle, identityKey: mine }, { handle: handle.toLowerCase(), identityKey: theirs }) : undefined;
  }

  /** Marks a person verified when `digits` match the safety number; false (and no mark) otherwise. */
  async verifyIdentity(handle: string, digits: string): Promise<boolean> {
    const s = this.host.state;
    const h = handle.toLowerCase();
    const n = this.safetyNumber(h);
    const pin = s.pins?.[h];
    if (!n || !pin || pin.changedTo) return false;
    if (digits.replace(/\s+/g, '') !== n.groups.join('')) return false;
    s.pins = { ...s.pins, [h]: { ...pin, verified: true } };
    await this.host.save();
    return true;
  }
}
