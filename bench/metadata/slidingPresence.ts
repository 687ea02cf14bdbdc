/**
 * @module slidingPresence
 * Who is present in a time window that slides forward over sorted sightings: each label (src or
 * dst, the target left out) with the highest weight it was seen at, kept up to date as
 * sightings enter and leave. The disclosure and timing attacks open one window per sighting of
 * the target; with cover traffic those windows hold thousands of sightings each, and building
 * each one afresh made the analysis quadratic. Sliding, each sighting enters and leaves once,
 * and a round costs only the labels present (at most the population).
 */
import type { Sighting } from './adversaryView.ts';

export class SlidingPresence {
  /** label → weight → how many sightings in the window carry it at that weight. */
  private readonly counts = new Map<string, Map<number, number>>();
  /** Labels present, with their highest weight. */
  readonly present = new Map<string, number>();
  private lo = 0;
  private hi = 0;

  constructor(
    private readonly sightings: readonly Sighting[],
    private readonly target: string,
  ) {}

  /** Moves the window to [first index with t ≥ from, first index with t ≥ to); both only grow. */
  slide(from: number, to: number): void {
    const s = this.sightings;
    while (this.hi < s.length && s[this.hi]!.t < to) this.update(s[this.hi++]!, 1);
    while (this.lo < this.hi && s[this.lo]!.t < from) this.update(s[this.lo++]!, -1);
  }

  /** The sum of the present labels' weights. */
  total(): number {
    let t = 0;
    for (const w of this.present.values()) t += w;
    return t;
  }

  private update(o: Sighting, delta: 1 | -1): void {
    const w = o.w ?? 1;
    for (const label of [o.src, o.dst]) {
      if (label === undefined || label === this.target) continue;
      const byWeight = this.counts.get(label) ?? this.counts.set(label, new Map()).get(label)!;
      const n = (byWeight.get(w) ?? 0) + delta;
      if (n === 0) byWeight.delete(w);
      else byWeight.set(w, n);
      if (byWeight.size === 0) {
        this.counts.delete(label);
        this.present.delete(label);
      } else this.present.set(label, Math.max(...byWeight.keys()));
    }
  }
}
