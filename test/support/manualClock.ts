/**
 * @module manualClock
 * A clock that moves only when a test moves it, for code that takes its timers from outside
 * (the relay's push wake-ups: server push/wakeUps.ts `WakeClock`). `advance` runs every timer
 * due in the span in time order, and awaits `settle` after each, so what a timer set off (a
 * request to the push-service stand-in, say) has landed before time moves on: a test then reads
 * each event's time from `now()` and needs no real waiting.
 */
export class ManualClock {
  #t = 0;
  #seq = 0;
  readonly #timers = new Map<number, { at: number; fn: () => void }>();

  constructor(private readonly settle: () => Promise<void> = async () => undefined) {}

  now(): number {
    return this.#t;
  }

  after(ms: number, fn: () => void): () => void {
    const id = this.#seq++;
    this.#timers.set(id, { at: this.#t + Math.max(0, ms), fn });
    return () => void this.#timers.delete(id);
  }

  /** Timers still set. */
  get pending(): number {
    return this.#timers.size;
  }

  async advance(ms: number): Promise<void> {
    const end = this.#t + ms;
    for (;;) {
      let next: [number, { at: number; fn: () => void }] | undefined;
      for (const e of this.#timers) if (e[1].at <= end && (!next || e[1].at < next[1].at)) next = e;
      if (!next) break;
      this.#timers.delete(next[0]);
      this.#t = next[1].at;
      next[1].fn();
      await this.settle();
    }
    this.#t = end;
  }
}

