/**
 * @module membershipCommits
 * Who is in a conversation, changed by commits: reconcile (add members' new devices, remove
 * revoked ones), and every membership or settings commit under the relay's epoch lock.
 * HardlineClient delegates here; what it lends (MLS state, sealing, the outbox) comes in
 * through MembershipHost, so this file holds the rules and none of the plumbing.
 */
import { commitChanges, encodeBundle, exportSecret, HardlineError, members, PayloadKind, randomBytes, toHex, type DeviceId, type Handle, type Roster } from '@hardline/protocol';
import type { CiphersuiteImpl, ClientState } from 'ts-mls';
import type { Conversation, DeviceState } from './deviceState.ts';
import type { ClaimedDevice, KeyPackageSupply } from './keyPackageSupply.ts';
import type { ClaimPacing } from './claimPacing.ts';
import type { MailboxRotation } from './mailboxRotation.ts';
import type { RelayApi } from './relayApi.ts';
import type { QueueTag } from './urgentPosts.ts';

/** Rounds of (pause, sync) before giving up: about 5 s of back-off at `off`, 16 s at `balanced`. */
const LOCK_RETRIES = 8;
/**
 * The relay's hold on a lock token (server locks/epochLocks.ts HOLD_MS, 15 s) plus a margin: a
 * rival's hold taken before our refusal has surely lapsed this long after it.
 */
export const RELAY_HOLD_MS = 15_000 + 1_000;
/** Enough rounds for the back-off alone to pass RELAY_HOLD_MS after a refusal in any round. */
const MAX_ROUNDS = 24;

/** `flush: false` leaves what was queued for the caller's own flush. */
export type CommitFlush = { readonly flush?: boolean };

export type MembershipHost = {
  readonly state: DeviceState;
  readonly impl: CiphersuiteImpl;
  readonly api: RelayApi;
  readonly keyPackages: KeyPackageSupply;
  readonly rotation: MailboxRotation;
  readonly pacing: ClaimPacing;
  /** How long reconcile leaves a device whose claim found no KeyPackage (ms). */
  readonly claimRetryMs: number;
  mls(c: Conversation): ClientState;
  setMls(c: Conversation, s: ClientState): void;
  activeDevices(handle: string): DeviceId[];
  rosterBox(mls: ClientState, roster: Roster): Promise<Uint8Array>;
  fanOut(conv: Conversation, kind: PayloadKind, body: Uint8Array, roster?: Roster, exclude?: Set<DeviceId>, urgent?: boolean): Promise<void>;
  queueWelcomes(mls: ClientState, roster: Roster, claimed: readonly ClaimedDevice[], welcome: Uint8Array, tag?: QueueTag): Promise<void>;
  sendWaiting(conv: Conversation): Promise<void>;
  save(): Promise<void>;
  /** Posts now what was queued urgent, the commit and its Welcomes (urgentPosts.ts). */
  flushOutbox(): Promise<number>;
  sync(): Promise<unknown>;
};

export class MembershipCommits {
  constructor(private readonly host: MembershipHost) {}

  /** Adds members' new devices and removes revoked ones, so every device of every member is a leaf. */
  async reconcile(conv: Conversation, opts: CommitFlush = {}): Promise<void> {
    if (conv.left) return;
    const h = this.host;
    const desired = new Set(conv.roster.members.flatMap((m) => h.activeDevices(m)));
    const current = members(h.mls(conv));
    const now = Date.now();
    const missing = [...desired].some((d) => !current.some((m) => m.id.deviceId === d) && !h.keyPackages.missedRecently(d, now, h.claimRetryMs));
    const extra = current.some((m) => !desired.has(m.id.deviceId));
    if (missing || extra) await this.commitWithLock(conv, conv.roster.members, undefined, opts);
  }

  /**
   * `settings`, when given, changes the roster's settings in the same commit. The epoch lock is
   * a hold until the commit is built: confirmed right before the commit is queued, released when
   * there is nothing to commit (a member's KeyPackages ran out), so a failed claim never jams
   * the conversation (routes/lockRoutes.ts at the relay).
   *
   * Every lock request, a change's first included, waits a pause past the device's last session
   * request (claimPacing.ts `pause`: at `balanced` and `strict` a quiet period and a Poisson gap,
   * 1.3 s and 3 s on average; at `off` none). A person's change comes right after the sync it
   * starts with (groupChanges.ts), a reconcile right after an inbox round: the anonymous lock
   * request must not follow that authenticated one so closely that the relay pairs them (issue 12).
   *
   * Refused (another device holds or won the epoch's lock), the device learns of the other
   * commit from a sync and tries again in the epoch that commit opens (issue 12). The lock token
   * is the epoch's, the same for every member, so a retry in the same epoch hands the relay the
   * refused token again, and a sync at a fixed offset after the refusal would name the device
   * behind it: so the sync and the next lock request each wait a pause drawn afresh
   * (claimPacing.ts `pause`: the quiet period and a Poisson gap), and a refused token goes out
   * again only when the rival's hold has surely lapsed (it gave up without committing, so the
   * epoch never moves): once, at least RELAY_HOLD_MS past the refusal and a fresh pause past the
   * last sync. A token whose commit was refused (another device committed) never goes again.
   */
  async commitWithLock(conv: Conversation, newMembers: readonly Handle[], settings?: (r: Roster) => Roster, opts: CommitFlush = {}): Promise<void> {
    const h = this.host;
    // Per refused token: the back-off slept since its refusal (a lower bound on the time passed;
    // no clock needed), or undefined once it may never go again.
    const refused = new Map<string, number | undefined>();
    const mayGo = (token: string) => !refused.has(token) || (refused.get(token) ?? 0) >= RELAY_HOLD_MS;
    let tries = 0;
    for (let round = 0; round < MAX_ROUNDS; round++) {
      const planned = h.mls(conv);
      if (mayGo(await this.lockToken(planned))) {
        // The first request too: unpaced, it followed the session request before it (the
        // change's sync, a reconcile's inbox round) by the planning time alone, and a retry's
        // would follow the sync that made it possible; either pairs the token with the device.
        // The claims it will make are paid for before the wait, not under the lock (pause).
        await h.pacing.pause(0, this.plan(conv, planned, newMembers).claims);
        if (conv.left) return;
        const mls = h.mls(conv);
        const token = await this.lockToken(mls);
        if (mayGo(token)) {
          const again = refused.has(token);
          tries++;
          // Whatever ends the change here, the token's last request (the confirm and the commit's
          // posts at once, or a release) went moments ago: the caller's next session request (the
          // web app's next listening round, a CLI closing its session connection) must not follow
          // it at a fixed offset. A failure too: the relay can fail a confirm or a claim at will.
          const outcome = await this.tryLocked(conv, mls, token, newMembers, settings, opts).catch(async (e: unknown) => {
            await h.pacing.pause();
            throw e;
          });
          if (outcome === 'committed' || outcome === 'nothing') {
            await h.pacing.pause();
            return;
          }
          // A token is resent at most once: a rival that keeps taking it leaves us to CONFLICT.
          refused.set(token, outcome === 'refused' && !again ? 0 : undefined);
        }
      }
      // Another device is committing this epoch: wait for its commit, then re-plan. The wait
      // grows with each try (the other commit takes time to build), on top of a random pause.
      const backOff = 150 * (round + 1);
      await h.pacing.pause(backOff);
      for (const [t, slept] of refused) if (slept !== undefined) refused.set(t, slept + backOff);
      await h.sync();
      if (conv.left) return;
      // Past the usual rounds, go on only while the current token still waits for its hold to lapse.
      const waiting = refused.get(await this.lockToken(h.mls(conv)));
      if (tries >= LOCK_RETRIES || (round + 1 >= LOCK_RETRIES && waiting === undefined)) break;
    }
    // Nothing was applied or queued: the caller (or the person, trying again) loses nothing.
    throw new HardlineError('CONFLICT', 'another device holds this conversation\'s commit lock and its change has not arrived; nothing was changed, try again');
  }

  /**
   * What a commit of `newMembers` under `mls` changes, and how many anonymous claims it makes:
   * one per device added, and on a removal that this user stays through, one per device that
   * stays (its fresh mailbox; this device's own may come from the pool, counted all the same).
   */
  private plan(conv: Conversation, mls: ClientState, newMembers: readonly Handle[]) {
    const h = this.host;
    const self = h.state.deviceId;
    const desired = new Set(newMembers.flatMap((m) => h.activeDevices(m)));
    const current = members(mls);
    const removeLeaves = current.filter((m) => !desired.has(m.id.deviceId) && m.id.deviceId !== self).map((m) => m.leafIndex);
    const removedIds = new Set(current.filter((m) => removeLeaves.includes(m.leafIndex)).map((m) => m.id.deviceId));
    const toAdd = [...desired].filter((d) => !current.some((m) => m.id.deviceId === d));
    const kept = conv.roster.devices.filter((d) => !removedIds.has(d.deviceId) && desired.has(d.deviceId));
    const rotate = removeLeaves.length > 0 && newMembers.includes(h.state.handle);
    return { removeLeaves, removedIds, toAdd, kept, rotate, claims: toAdd.length + (rotate ? kept.length : 0) };
  }

  private async lockToken(mls: ClientState): Promise<string> {
    return toHex(await exportSecret(mls, 'hardline/v1/commit-lock', 32, this.host.impl));
  }

  /**
   * One try under `token`'s lock: 'refused' when the relay refused the hold (another device's
   * hold is running), 'lost' when it refused the commit (another device committed this epoch).
   */
  private async tryLocked(conv: Conversation, mls: ClientState, token: string, newMembers: readonly Handle[], settings: ((r: Roster) => Roster) | undefined, opts: CommitFlush): Promise<'committed' | 'nothing' | 'lost' | 'refused'> {
    const h = this.host;
    const hold = await h.api.takeLock(token);
    if (!hold) return 'refused';
    let confirmed = false;
    const confirm = async () => (confirmed = await h.api.confirmLock(token, hold));
    try {
      return await this.commitMembers(conv, mls, newMembers, settings, opts, confirm);
    } finally {
      if (!confirmed) await h.api.releaseLock(token, hold).catch(() => undefined);
    }
  }

  /** 'lost': another device took the lock first, and nothing was applied or queued. */
  private async commitMembers(
    conv: Conversation,
    mls: ClientState,
    newMembers: readonly Handle[],
    settings: ((r: Roster) => Roster) | undefined,
    opts: CommitFlush,
    confirm: () => Promise<boolean>,
  ): Promise<'committed' | 'nothing' | 'lost'> {
    const h = this.host;
    const { removeLeaves, removedIds, toAdd, kept, rotate } = this.plan(conv, mls, newMembers);
    // Whom it can: a device with no KeyPackage left is skipped, and added by a later commit.
    // Paced at `balanced` and `strict`: not one burst that names the new members together (claimPacing.ts).
    const claimed = (await h.pacing.each(toAdd, (d) => h.keyPackages.claimDevice(d))).filter((x) => x !== undefined);
    if (!settings && removeLeaves.length === 0 && claimed.length === 0 && newMembers.length === conv.roster.members.length) return 'nothing';
    const out = await commitChanges(mls, { add: claimed.map((c) => c.kp), removeLeaves }, h.impl);
    const old = conv.roster;
    // A removal moves every device that stays to a fresh mailbox, named only in the new epoch's
    // roster; not when this device is the one leaving (it would learn them).
    const fresh = rotate ? await h.rotation.freshMailboxes(kept) : { devices: kept };
    const roster: Roster = {
      ...(settings ? settings(old) : old),
      members: [...newMembers],
      devices: [...fresh.devices, ...claimed.map((c) => c.device)],
      // Removal rotates the seal secret, so a removed device cannot even unseal what follows.
      sealSecrets: removeLeaves.length > 0 ? [toHex(randomBytes(32)), ...old.sealSecrets].slice(0, 3) : old.sealSecrets,
    };
    // Nothing is applied or queued until the lock is ours for good.
    if (!(await confirm())) return 'lost';
    const bundle = encodeBundle({ mls: out.commit, rosterBox: await h.rosterBox(out.newState, roster) });
    const added = new Set(claimed.map((c) => c.device.deviceId));
    // The commit is sealed under the secret the existing members already know. Removed devices
    // get it too, so they learn they are out instead of talking into a dead epoch.
    // Urgent only when flushed here: with `flush: false` the caller's own flush posts it (a
    // send's, at a slot), and an insider's ring in between must not post it unmarked.
    // The waiting messages sent below are not urgent: they keep their slots (urgentPosts.ts).
    const urgent = opts.flush !== false;
    await h.fanOut(conv, PayloadKind.COMMIT_BUNDLE, bundle, old, added, urgent);
    if (out.welcome && claimed.length > 0) await h.queueWelcomes(out.newState, roster, claimed, out.welcome, { conversation: conv.id, urgent });
    conv.roster = roster;
    h.rotation.adopt(conv, old, fresh.own);
    h.setMls(conv, out.newState);
    if (claimed.some((c) => c.device.handle !== h.state.handle)) await h.sendWaiting(conv);
    await h.save();
    if (opts.flush !== false) await h.flushOutbox();
    return 'committed';
  }
}
