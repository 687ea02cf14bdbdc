/**
 * @module actionQueue
 * The driver's agenda: the planned actions (sorted once) merged with those the run itself adds
 * (send slots, pushes that follow a slot's post), always taking the earliest. Ties go to the
 * planned action, then to the older addition, so an action at the same time as a post runs
 * after it, as before.
 */
type Timed = { readonly t: number };

export class ActionQueue<A extends Timed> {
  private next = 0;
  private readonly heap: { a: A; seq: number }[] = [];
  private seq = 0;

  constructor(private readonly planned: readonly A[]) {}

  get size(): number {
    return this.planned.length - this.next + this.heap.length;
  }

  add(a: A): void {
    const h = this.heap;
    h.push({ a, seq: this.seq++ });
    for (let i = h.length - 1; i > 0; ) {
      const p = (i - 1) >> 1;
      if (!this.before(h[i]!, h[p]!)) break;
      [h[i], h[p]] = [h[p]!, h[i]!];
      i = p;
    }
  }

  /** The earliest action, or undefined when none is left. */
  take(): A | undefined {
    const planned = this.planned[this.next];
    const added = this.heap[0];
    if (planned && (!added || planned.t <= added.a.t)) {
      this.next++;
      return planned;
    }
    return added ? this.pop() : undefined;
  }

  private before(x: { a: A; seq: number }, y: { a: A; seq: number }): boolean {
    return x.a.t < y.a.t || (x.a.t === y.a.t && x.seq < y.seq);
  }

  private pop(): A {
    const h = this.heap;
    const top = h[0]!.a;
    const last = h.pop()!;
    if (h.length > 0) {
      h[0] = last;
      for (let i = 0; ; ) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < h.length && this.before(h[l]!, h[m]!)) m = l;
        if (r < h.length && this.before(h[r]!, h[m]!)) m = r;
        if (m === i) break;
        [h[i], h[m]] = [h[m]!, h[i]!];
        i = m;
      }
    }
    return top;
  }
}
