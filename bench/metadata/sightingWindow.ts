/**
 * @module sightingWindow
 * The first sighting at or after a time (sorted input; binary search).
 */
import type { Sighting } from './adversaryView.ts';

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
