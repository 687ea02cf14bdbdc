/**
 * @module mailboxRotation
 * What a device removed from a conversation knew is rotated away, not only the seal secret.
 * The roster names every member device's mailbox and send capability, so a removed device
 * (revoked, removed from a group, or gone by leaving) could go on posting into all of them.
 *
 * So a commit that removes a device also moves every remaining device to a fresh mailbox:
 * the committer claims a KeyPackage of each (its own included) and names the claims' mailboxes
 * in the new epoch's roster, which the removed device cannot open. Each device finds its new
 * mailbox among its own KeyPackages (or derives it from its last-resort one), keeps reading the
 * old one for a grace period, then retires it at the relay (`POST /v1/mailboxes/:id/retire`),
 * drains it once more, and forgets it. From then on the old send capability posts nothing.
 *
 * Nothing in flight is lost: an envelope already at the relay is drained after the
 * retirement; one still queued at a sender is refused (NO_MAILBOX) and readdressed to the
 * device's new mailbox (readdressPosts.ts); one that overtakes the commit is parked here.
 */
import {
  decodeEnvelope,
  encodeEnvelope,
  fromBase64Url,
  fromHex,
  HardlineError,
  lastResortReadCap,
  toBase64Url,
  toHex,
  type Envelope,
  type MailboxId,
  type Roster,
  type RosterDevice,
} from '@hardline/protocol';
import type { Conversation, DeviceState, QueuedPost } from './deviceState.ts';
import type { KeyPackageSupply, OwnMailbox } from './keyPackageSupply.ts';
import type { RelayApi } from './relayApi.ts';
import { sortFailures, type FlushSorting } from './readdressPosts.ts';
import type { SealKeys } from './sealKeys.ts';
import type { ClaimPacing } from './claimPacing.ts';
import type { MailboxPool } from './mailboxPool.ts';

/**
 * How long a former mailbox is read before it is retired. Not needed for safety (see above):
 * it spares senders that posted just before the move a refusal and a second post, and bounds
 * how long a removed device can still add (undeliverable) envelopes to the old mailbox.
 */
export const MAILBOX_GRACE_MS = 10 * 60_000;
/** Another device's former mailbox is remembered this long, for posts queued before its move. */
const MOVED_KEPT_MS = 30 * 24 * 3600 * 1000;
const MAX_MOVED = 256;
/** Envelopes overtaking a commit are a few per conversation; this bounds a flood of junk. */
const MAX_PARKED = 1_000;

/** A commit's roster devices, moved to fresh mailboxes where a claim found one. */
export type FreshMailboxes = { readonly devices: RosterDevice[]; readonly own?: OwnMailbox };

export class MailboxRotation {
  constructor(
    private readonly state: DeviceState,
    private readonly api: RelayApi,
    private readonly keyPackages: KeyPackageSupply,
    private readonly seal: SealKeys,
    /** This device's new mailbox comes from its pool; the others' claims are paced (issue 12). */
    private readonly claims: { readonly pool: MailboxPool; readonly pacing: ClaimPacing },
    private readonly graceMs = MAILBOX_GRACE_MS,
  ) {}

  /**
   * Fresh mailboxes for the devices that stay after a removal. A device whose KeyPackages ran
   * out keeps its mailbox for now (the next removal moves it), rather than holding up the commit.
   */
  async freshMailboxes(kept: readonly RosterDevice[]): Promise<FreshMailboxes> {
    let own: OwnMailbox | undefined;
    const move = async (d: RosterDevice): Promise<RosterDevice> => {
      try {
        if (d.deviceId === this.state.deviceId) {
          // From the pool: no claim of this device's own at the moment of the removal.
          own = await this.claims.pool.take();
          return { ...d, mailboxId: own.id, sendCap: own.sendCap };
        }
        const claimed = await this.keyPackages.claimDevice(d.deviceId);
        return claimed ? { ...d, mailboxId: claimed.device.mailboxId, sendCap: claimed.device.sendCap } : d;
      } catch (e) {
        if (!(e instanceof HardlineError) || e.code === 'UNAVAILABLE') throw e;
        return d;
      }
    };
    const mine = kept.find((d) => d.deviceId === this.state.deviceId);
    const movedMine = mine && (await move(mine));
    const others = await this.claims.pacing.each(
      kept.filter((d) => d !== mine),
      move,
    );
    const devices = kept.map((d) => (d === mine ? movedMine! : others.shift()!));
    return { devices, ...(own ? { own } : {}) };
  }

  /**
   * Takes in a roster that replaced `before`: remembers where other devices moved from, and
   * moves this device to its new mailbox (the caller then unparks it). True when that mailbox
   * was not subscribed at the start of this sync (a last-resort claim's), so the caller reads
   * it now.
   */
  adopt(conv: Conversation, before: Roster, own?: OwnMailbox, now = Date.now()): boolean {
    const moved = (conv.moved ??= []);
    for (const d of conv.roster.devices) {
      const prev = before.devices.find((p) => p.deviceId === d.deviceId);
      if (d.deviceId !== this.state.deviceId && prev && prev.mailboxId !== d.mailboxId) moved.push({ from: prev.mailboxId, deviceId: d.deviceId, at: now });
    }
    conv.moved = moved.filter((m) => now - m.at < MOVED_KEPT_MS).slice(-MAX_MOVED);
    const mine = conv.roster.devices.find((d) => d.deviceId === this.state.deviceId);
    if (!mine || mine.mailboxId === conv.mailbox.id) return false;
    const found = own?.id === mine.mailboxId ? { readCap: own.readCap, subscribed: true } : this.readCapFor(mine.mailboxId);
    // A roster naming a mailbox this device cannot read is a committer's mistake: stay put.
    if (!found) return false;
    (conv.retiring ??= []).push({ ...conv.mailbox, until: now + this.graceMs });
    conv.mailbox = { id: mine.mailboxId, readCap: found.readCap };
    return !found.subscribed;
  }

  /** A claimed KeyPackage's mailbox (the package itself is used up), or a last-resort claim's. */
  private readCapFor(id: MailboxId): { readCap: string; subscribed: boolean } | undefined {
    const kp = this.state.keyPackages[id];
    if (kp && kp.lastResortSecret === undefined) {
      delete this.state.keyPackages[id];
      return { readCap: kp.readCap, subscribed: true };
    }
    // The one the relay hands out is the newest this device uploaded.
    const lastResorts = Object.values(this.state.keyPackages).filter((k) => k.lastResortSecret !== undefined);
    const lastResort = lastResorts.find((k) => k.retiredAt === undefined) ?? lastResorts.sort((a, b) => b.retiredAt! - a.retiredAt!)[0];
    if (!lastResort?.lastResortSecret) return undefined;
    return { readCap: toHex(lastResortReadCap(fromHex(lastResort.lastResortSecret, 32), id)), subscribed: false };
  }

  /** Former mailboxes still read, for the inbox subscription. */
  subscriptions(): { id: MailboxId; readCap: Uint8Array }[] {
    return Object.values(this.state.conversations)
      .filter((c) => !c.left)
      .flatMap((c) => (c.retiring ?? []).map((r) => ({ id: r.id, readCap: fromHex(r.readCap, 32) })));
  }

  conversationOf(mailboxId: MailboxId): Conversation | undefined {
    return Object.values(this.state.conversations).find((c) => !c.left && c.retiring?.some((r) => r.id === mailboxId));
  }

  /**
   * Keeps an envelope that reached a KeyPackage's mailbox but is no Welcome: a conversation's,
   * sent by a committer that moved this device there, and overtaking that commit (mailboxes
   * are drained in no set order). It is sealed under the new epoch's secret, so it waits here.
   */
  park(env: Envelope): void {
    const parked = (this.state.parked ??= []);
    parked.push(toBase64Url(encodeEnvelope(env)));
    if (parked.length > MAX_PARKED) parked.splice(0, parked.length - MAX_PARKED);
  }

  /** Parked envelopes for the conversation's mailbox, now that it moved there; removes them. */
  unpark(conv: Conversation): Envelope[] {
    if (!this.state.parked?.length) return [];
    const all = this.state.parked.map((p) => decodeEnvelope(fromBase64Url(p, 70_000)));
    const mine = all.filter((e) => e.mailboxId === conv.mailbox.id);
    // What no conversation and no KeyPackage of this device will ever claim goes too.
    const live = all.filter((e) => e.mailboxId !== conv.mailbox.id && this.state.keyPackages[e.mailboxId]);
    this.state.parked = live.map((e) => toBase64Url(encodeEnvelope(e)));
    return mine;
  }

  /**
   * Called after a drain: forgets former mailboxes retired before it (the drain emptied them),
   * and retires those past their grace. True when any was retired now: drain once more.
   */
  async retireDue(now = Date.now()): Promise<boolean> {
    let retired = false;
    for (const c of Object.values(this.state.conversations)) {
      if (!c.retiring?.length) continue;
      if (c.left) {
        delete c.retiring;
        continue;
      }
      const keep: NonNullable<Conversation['retiring']> = [];
      for (const r of c.retiring) {
        if (r.closed) continue;
        if (r.until > now) {
          keep.push(r);
          continue;
        }
        // Still a KeyPackage's mailbox (a last-resort one's, which later Welcomes use): not ours to close.
        if (this.state.keyPackages[r.id]) continue;
        try {
          await this.api.retireMailbox(r.id, fromHex(r.readCap, 32));
          keep.push({ ...r, closed: true });
          retired = true;
        } catch (e) {
          if (!(e instanceof HardlineError) || e.code !== 'NO_MAILBOX') keep.push(r);
        }
      }
      c.retiring = keep;
    }
    return retired;
  }

  /** A flush's refusals, sorted; NO_MAILBOX ones are readdressed where possible (readdressPosts.ts). */
  sortFailures(batch: readonly QueuedPost[], results: readonly PromiseSettledResult<unknown>[]): Promise<FlushSorting> {
    return sortFailures(this.state, this.seal, batch, results);
  }
}
