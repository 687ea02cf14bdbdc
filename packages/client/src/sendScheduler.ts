/**
 * @module sendScheduler
 * Posts this device's queued envelopes at times of its own choosing (issue 12): Poisson slots,
 * one envelope a slot, each slot on a fresh connection, never within the level's quiet period
 * after an authenticated request, and a cover envelope in a slot when nothing waits. A live
 * relay operator then sees neither "this session synced, then that post arrived" nor "these k
 * posts came together on one connection" (a group fan-out). At level `off` it posts at once.
 */
import { fromHex, HardlineError, randomBytes } from '@hardline/protocol';
import type { CoverPost } from './coverTraffic.ts';
import type { QueuedPost } from './deviceState.ts';
import type { PostSender } from './ingressPoster.ts';
import type { Outbox } from './outbox.ts';
import type { SlotParams } from './privacyLevel.ts';
import type { SessionCause, SessionMarks } from './sessionWatch.ts';

export type SchedulerDeps = {
  readonly outbox: () => Outbox;
  readonly params: () => SlotParams;
  readonly cover: () => Promise<CoverPost | undefined>;
  /** A poster with a connection of its own, closed once the slot's post is answered. */
  readonly freshPoster: () => PostSender;
};

type Waiter = { readonly entries: Set<QueuedPost>; resolve(n: number): void; reject(e: Error): void; timer: ReturnType<typeof setTimeout> };

/** An exponential gap (a Poisson process), drawn from the platform's CSPRNG so no one can predict the next slot. */
export function expGap(meanMs: number): number {
  const [a, b, c, d] = randomBytes(4);
  const u = ((a! << 24) | (b! << 16) | (c! << 8) | d!) >>> 0;
  return -meanMs * Math.log((u + 1) / 4_294_967_297);
}

export class SendScheduler implements SessionMarks {
  private inflight = 0;
  private lastSession = 0;
  /**
   * Authenticated actions this device began of its own accord so far: claim pacing waits the
   * quiet period again when it moved. Acknowledgements of the relay's pushes are not counted:
   * the relay chooses when they go, so a wait that reacted to them would let it push a suspected
   * device's anonymous request back at will and see it come late (docs/protocol.md §7).
   */
  sessions = 0;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private timerGap = 0;
  private inSlot = false;
  private stopped = false;
  private waiters: Waiter[] = [];
  /** Cover envelopes posted so far (tests and the bench read it; it never leaves the device). */
  coverPosted = 0;

  constructor(private readonly deps: SchedulerDeps) {}

  begin(cause: SessionCause = 'device'): () => void {
    this.inflight++;
    if (cause === 'device') this.sessions++;
    this.lastSession = Date.now();
    let open = true;
    return () => {
      if (!open) return;
      open = false;
      this.inflight--;
      this.lastSession = Date.now();
    };
  }

  /** How long until the quiet period after the last authenticated request is over (ms; 0: it is). */
  quietLeft(): number {
    const quietMs = this.deps.params().quietMs;
    return this.inflight > 0 ? quietMs : Math.max(0, this.lastSession + quietMs - Date.now());
  }

  /** Starts the slots when the level has them: what a restart left queued goes, and cover flows. */
  start(): void {
    this.stopped = false;
    if (this.deps.params().level !== 'off') this.next();
  }

  /**
   * Resolves once every envelope queued now has been posted (at once at level `off`, else at
   * later slots). On failure they stay queued, for a later slot, and the error says so.
   */
  flush(): Promise<number> {
    const p = this.deps.params();
    if (p.level === 'off') return this.deps.outbox().flush(true, { wake: 'later' });
    if (this.stopped) return Promise.reject(new HardlineError('UNAVAILABLE', 'the client is closed; the envelopes stay queued for its next start'));
    const entries = new Set(this.deps.outbox().entries);
    const done = entries.size === 0 ? Promise.resolve(0) : new Promise<number>((resolve, reject) => {
      // A short-lived process must not wait for ever: past the level's bound the caller hears so.
      const bound = p.maxDelayMs + entries.size * p.busyGapMs * 4;
      const w: Waiter = { entries, resolve, reject, timer: setTimeout(() => this.drop(w, new HardlineError('UNAVAILABLE', `not posted within ${Math.round(bound / 1000)} s; it stays queued for a later slot`)), bound) };
      this.waiters.push(w);
    });
    if (!this.inSlot && (this.timer === undefined || this.timerGap !== p.busyGapMs)) this.schedule(p.busyGapMs);
    return done;
  }

  /** Posts at once at level `off`; else makes sure slots are coming, and waits for none of them. */
  kick(): Promise<number> {
    if (this.deps.params().level === 'off') return this.deps.outbox().flush(true, { wake: 'later' });
    if (!this.stopped && !this.inSlot && this.timer === undefined) this.next();
    return Promise.resolve(0);
  }

  stop(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    for (const w of [...this.waiters]) this.drop(w, new HardlineError('UNAVAILABLE', 'the client closed before its slot; the envelope stays queued'));
  }

  private drop(w: Waiter, e: Error): void {
    clearTimeout(w.timer);
    this.waiters = this.waiters.filter((x) => x !== w);
    w.reject(e);
  }

  private settle(): void {
    const left = new Set(this.deps.outbox().entries);
    for (const w of [...this.waiters]) {
      if ([...w.entries].some((e) => left.has(e))) continue;
      clearTimeout(w.timer);
      this.waiters = this.waiters.filter((x) => x !== w);
      w.resolve(w.entries.size);
    }
  }

  private schedule(meanMs: number, after = 0): void {
    if (this.timer) clearTimeout(this.timer);
    this.timerGap = meanMs;
    this.timer = setTimeout(() => void this.tick(), after + expGap(meanMs));
    // Cover alone must not keep a Node process alive; a real envelope waiting must.
    if (this.deps.outbox().pending === 0 && this.waiters.length === 0) (this.timer as { unref?: () => void }).unref?.();
  }

  private next(): void {
    if (this.stopped) return;
    const p = this.deps.params();
    if (p.level === 'off') return;
    if (this.deps.outbox().pending > 0) this.schedule(p.busyGapMs);
    else if (p.idleGapMs !== undefined) this.schedule(p.idleGapMs);
    else this.timer = undefined;
  }

  private async tick(): Promise<void> {
    this.timer = undefined;
    const p = this.deps.params();
    if (this.stopped || p.level === 'off') return;
    // A slot that falls in the quiet period after a session moves past it, drawn afresh.
    const quiet = this.inflight > 0 ? p.quietMs : this.lastSession + p.quietMs - Date.now();
    if (quiet > 0) return this.schedule(this.deps.outbox().pending > 0 ? p.busyGapMs : (p.idleGapMs ?? p.busyGapMs), quiet);
    this.inSlot = true;
    try {
      await this.slot(p);
    } finally {
      this.inSlot = false;
    }
    this.next();
  }

  private async slot(p: SlotParams): Promise<void> {
    // An urgent flush may have posted a caller's envelopes (urgentPosts.ts): it hears so here,
    // even when nothing is left and this slot is cover.
    this.settle();
    const poster = this.deps.freshPoster();
    try {
      if (this.deps.outbox().pending > 0) {
        await this.deps.outbox().flush(true, { limit: 1, poster, wake: 'later' });
        this.settle();
      } else if (p.idleGapMs !== undefined) {
        const cover = await this.deps.cover();
        if (!cover) return;
        // Whatever becomes of a cover post, nothing waits for it.
        await (poster.later?.() ?? poster).post({ sendCap: fromHex(cover.sendCap, 32), envelope: cover.envelope }).then(
          () => this.coverPosted++,
          () => undefined,
        );
      }
    } catch (e) {
      for (const w of [...this.waiters]) this.drop(w, e instanceof Error ? e : new HardlineError('UNAVAILABLE', String(e)));
    } finally {
      poster.close();
    }
  }
}
