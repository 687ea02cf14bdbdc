/**
 * @module poolRefills
 * The client's mailbox pool (packages/client/src/mailboxPool.ts) on the benchmark's simulated
 * clock. The client's own refill timer never runs here (the driver closes each client after
 * its action), so its rule is modelled: while a device's pool is low, a refill comes after an
 * exponential gap of mean `idleGapMs` (the client's timer), moved past the quiet period after
 * the device's last action; the refill itself is the client's real `refillOne()` (a real,
 * paced, anonymous claim through the real relay). Pools start full: a device that has run for a
 * while has filled its pool before the run begins (those claims fall at negative simulated time,
 * which no view reads).
 */
import type { SlotParams } from '@hardline/client';
import type { Random } from './random.ts';

export const POOL = 'pool' as const;
export type PoolAction = { readonly t: number; readonly user: number; readonly kind: typeof POOL };

export class PoolRefills {
  private readonly armed = new Set<number>();
  private readonly lastSession = new Map<number, number>();
  /** Refills the run made (one claim each). */
  refills = 0;

  constructor(
    private readonly p: SlotParams,
    private readonly rng: Random,
    private readonly add: (a: PoolAction) => void,
  ) {}

  /** A device's action (authenticated requests) ended at `end`, leaving its pool `low` or not. */
  afterSession(user: number, end: number, low: boolean): void {
    this.lastSession.set(user, end);
    if (low) this.arm(user, end);
  }

  /** True: refill now. False: it fell in the quiet period and was moved past it. */
  due(a: PoolAction): boolean {
    this.armed.delete(a.user);
    const quietUntil = (this.lastSession.get(a.user) ?? -Infinity) + this.p.quietMs / 1000;
    if (a.t >= quietUntil) return true;
    this.arm(a.user, quietUntil);
    return false;
  }

  afterRefill(user: number, end: number, low: boolean): void {
    this.refills++;
    if (low) this.arm(user, end);
  }

  private arm(user: number, from: number): void {
    if (this.p.level === 'off' || this.armed.has(user)) return;
    this.armed.add(user);
    this.add({ t: from + this.rng.exp((this.p.idleGapMs ?? this.p.busyGapMs) / 1000), user, kind: POOL });
  }
}
