/**
 * @module mailboxPool
 * This device's own mailboxes, claimed in advance (issue 12). A new conversation used to claim
 * the creator's mailbox at the moment of creation, in one burst with the members' KeyPackages
 * and right after the device's authenticated directory refresh: a live relay operator saw which
 * mailbox was the creator's and which were its partners'. Now, at `balanced` and `strict`, the
 * device keeps a few mailboxes claimed at random moments of its own (a Poisson timer, never in
 * the quiet period after an authenticated request, each claim on a fresh anonymous connection),
 * kept in DeviceState so they survive a restart, and a conversation or a mailbox rotation takes
 * one from the pool.
 *
 * An empty pool (a fresh device, a short-lived CLI run, many conversations in a row) does not
 * fail or lose anything: the claim waits for a moment of the pacing's choosing (claimPacing.ts:
 * past the quiet period, after a Poisson gap) and then goes, so the setup is slower by a second
 * or so, and that one claim is tied in time to the conversation's setup again (the cost the
 * operator can see, docs/protocol.md §7). At `off` there is no pool: a claim at once, as before.
 */
import type { DeviceState, PooledMailbox } from './deviceState.ts';
import type { ClaimPacing } from './claimPacing.ts';
import type { SlotParams } from './privacyLevel.ts';
import { expGap } from './sendScheduler.ts';

/** Mailboxes kept ready: a person rarely starts more than this many conversations in a burst. */
export const POOL_TARGET = 3;

export type PoolDeps = {
  readonly state: () => DeviceState;
  /** Claims one of this device's own KeyPackages (keyPackageSupply.ts), anonymously. */
  readonly claimOwn: () => Promise<PooledMailbox>;
  readonly save: () => Promise<void>;
  readonly params: () => SlotParams;
  readonly quietLeft: () => number;
  readonly pacing: ClaimPacing;
};

export class MailboxPool {
  private timer: ReturnType<typeof setTimeout> | undefined;
  private stopped = true;
  private refilling: Promise<boolean> | undefined;

  constructor(private readonly deps: PoolDeps) {}

  get size(): number {
    return this.deps.state().mailboxPool?.length ?? 0;
  }

  /** True when the level keeps a pool and it holds fewer than POOL_TARGET. */
  get low(): boolean {
    return this.deps.params().level !== 'off' && this.size < POOL_TARGET;
  }

  /** A mailbox of this device for a new conversation or a rotation (see the module comment). */
  async take(): Promise<PooledMailbox> {
    if (this.deps.params().level === 'off') return this.deps.claimOwn();
    const pool = this.deps.state().mailboxPool ?? [];
    const pooled = pool.shift();
    this.deps.state().mailboxPool = pool;
    this.arm();
    // The caller saves the state with the conversation that now names this mailbox.
    if (pooled) return pooled;
    return this.deps.pacing.one(() => this.deps.claimOwn());
  }

  /**
   * A taken mailbox that ended up naming nothing (the setup that took it failed): back to the
   * front of the pool, and saved, since the relay's KeyPackage behind it is gone for good.
   */
  async giveBack(mailbox: PooledMailbox): Promise<void> {
    if (this.deps.params().level === 'off') return;
    (this.deps.state().mailboxPool ??= []).unshift(mailbox);
    await this.deps.save();
  }

  /** Starts the refill timer (when the level keeps a pool and it is low). */
  start(): void {
    this.stopped = false;
    this.arm();
  }

  stop(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }

  /**
   * Claims one mailbox into the pool now, if it is low; true if one was added. The timer calls
   * it once the quiet period is over; the metadata bench calls it at its simulated moments.
   */
  refillOne(): Promise<boolean> {
    this.refilling ??= this.claimIntoPool().finally(() => (this.refilling = undefined));
    return this.refilling;
  }

  private async claimIntoPool(): Promise<boolean> {
    if (!this.low) return false;
    // Paced like any claim: its token is fetched first, then the quiet period and a gap pass.
    const mailbox = await this.deps.pacing.one(() => this.deps.claimOwn());
    (this.deps.state().mailboxPool ??= []).push(mailbox);
    // The KeyPackage is gone at the relay: the mailbox is on disk before anything else happens.
    await this.deps.save();
    return true;
  }

  private arm(after = 0): void {
    if (this.stopped || this.timer || !this.low) return;
    const p = this.deps.params();
    // Refills come at the idle slot rate: rare enough to cost nothing, random so that they line
    // up with no conversation's setup.
    this.timer = setTimeout(() => void this.tick(), after + expGap(p.idleGapMs ?? p.busyGapMs));
    // A pool refill must not keep a CLI process alive.
    (this.timer as { unref?: () => void }).unref?.();
  }

  private async tick(): Promise<void> {
    this.timer = undefined;
    if (this.stopped) return;
    const quiet = this.deps.quietLeft();
    if (quiet > 0) return this.arm(quiet);
    // Best effort: a failed refill (relay down, no KeyPackage left) is tried again at a later tick.
    await this.refillOne().catch(() => false);
    this.arm();
  }
}
