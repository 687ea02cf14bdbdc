/**
 * @module simulatedScheduler
 * The client's send scheduler (packages/client/src/sendScheduler.ts) on the benchmark's
 * simulated clock, with the client's own parameters (SLOT_PARAMS): waiting for its Poisson slots
 * in real time would cost the run about a second per envelope, and cover every 1.5 to 12 s of
 * every open tab could not be run at all. The rules are the scheduler's:
 * - a slot posts one queued envelope, or a cover envelope when nothing waits and the level has
 *   cover; each slot on a fresh connection;
 * - slots come at mean `busyGapMs` while something waits, at mean `idleGapMs` otherwise;
 * - a slot that falls within `quietMs` of the device's last authenticated request moves past it,
 *   drawn afresh;
 * - queueing something re-arms a busy slot unless one is already coming at the busy rate.
 * Which devices run it: a web-app device while its tab is open (cover flows), any device while
 * it has something queued (the CLI waits for its slot, then exits: it never posts cover).
 * The driver does what a slot decides: a real post of the queued envelope through the real
 * relay, or the cover post's trace (coverTrace.ts).
 */
import type { SlotParams } from '@hardline/client';
import type { Random } from './random.ts';

export const SLOT = 'slot' as const;
export const TAB_OPEN = 'tab-open' as const;

/** `gen` tells a slot apart from one that was re-armed since (only the latest counts). */
export type SlotAction = { readonly t: number; readonly user: number; readonly kind: typeof SLOT; readonly gen: number };
export type TabOpenAction = { readonly t: number; readonly user: number; readonly kind: typeof TAB_OPEN };

export type SlotDecision = 'post' | 'cover' | 'none';

type Armed = { gen: number; busy: boolean };

export class SimulatedScheduler {
  private readonly armed = new Map<number, Armed>();
  private readonly lastSession = new Map<number, number>();
  private gen = 0;
  /** Cover envelopes per device. */
  readonly cover = new Map<number, number>();
  /** Slots moved past a quiet period. */
  deferred = 0;

  constructor(
    private readonly p: SlotParams,
    private readonly rng: Random,
    private readonly add: (a: SlotAction) => void,
    private readonly tabOpen: (user: number, t: number) => boolean,
  ) {}

  private arm(user: number, t: number, busy: boolean): void {
    const gen = ++this.gen;
    this.armed.set(user, { gen, busy });
    this.add({ t, user, kind: SLOT, gen });
  }

  private gap(busy: boolean): number {
    return this.rng.exp((busy ? this.p.busyGapMs : (this.p.idleGapMs ?? this.p.busyGapMs)) / 1000);
  }

  /** A device's own action (every one makes authenticated requests) ended at `end`, leaving `pending` queued. */
  afterSession(user: number, end: number, pending: number): void {
    this.lastSession.set(user, end);
    const a = this.armed.get(user);
    // flush(): a busy slot unless one is coming at that rate already.
    if (pending > 0 && (!a || (!a.busy && this.p.idleGapMs !== this.p.busyGapMs))) this.arm(user, end + this.gap(true), true);
  }

  /** The tab opened: the scheduler starts, and with cover its idle slots begin. */
  tabOpened(user: number, t: number): void {
    if (this.p.idleGapMs !== undefined && !this.armed.has(user)) this.arm(user, t + this.gap(false), false);
  }

  /** What the slot does now; undefined when it was superseded or moved past a quiet period. */
  due(a: SlotAction, pending: number): SlotDecision | undefined {
    if (this.armed.get(a.user)?.gen !== a.gen) return undefined;
    this.armed.delete(a.user);
    const open = this.tabOpen(a.user, a.t);
    if (pending === 0 && (!open || this.p.idleGapMs === undefined)) return 'none';
    const quietUntil = (this.lastSession.get(a.user) ?? -Infinity) + this.p.quietMs / 1000;
    if (a.t < quietUntil) {
      this.deferred++;
      this.arm(a.user, quietUntil + this.gap(pending > 0), pending > 0);
      return undefined;
    }
    return pending > 0 ? 'post' : 'cover';
  }

  /** The slot's post ended at `end`; `session` when the device's inbox then acknowledged (its own cover pushed back). */
  afterSlot(user: number, end: number, pending: number, decision: SlotDecision, session?: number): void {
    if (decision === 'cover') this.cover.set(user, (this.cover.get(user) ?? 0) + 1);
    if (session !== undefined) this.lastSession.set(user, session);
    if (pending > 0) this.arm(user, end + this.gap(true), true);
    else if (this.p.idleGapMs !== undefined && this.tabOpen(user, end)) this.arm(user, end + this.gap(false), false);
  }

  get coverTotal(): number {
    let n = 0;
    for (const c of this.cover.values()) n += c;
    return n;
  }
}
