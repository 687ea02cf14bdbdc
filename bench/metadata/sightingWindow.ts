/**
 * @module sightingWindow
 * The sightings within ±seconds of the i-th one (sorted input; two binary searches).
 */
import type { Sighting } from './adversaryView.ts';

export function windowAround(sightings: readonly Sighting[], i: number, seconds: number): readonly Sighting[] {
  const t = sightings[i]!.t;
  return sightings.slice(lowerBound(sightings, t - seconds), lowerBound(sightings, t + seconds + 1e-9));
}

export function lowerBound(sightings: readonly Sighting[], t: number): number {
  let lo = 0;
  let hi = sightings.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (sightings[mid]!.t < t) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
