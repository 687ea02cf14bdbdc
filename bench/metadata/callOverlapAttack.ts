/**
 * @module callOverlapAttack
 * The attack an observer turns to once a leg's edges are spread (allocationLifetimes.ts): the
 * two legs of a call need not start or stop together, but both are open for the whole call, so
 * they overlap for at least its length. Each leg's best match is the leg of another person
 * whose open interval (allocation to last packet) shares the largest part of the two together
 * (overlap over union); legs that never overlap do not match. Against sparse calls this pairs
 * legs whatever their edges; only other legs open at the same time (cover legs, other calls)
 * compete with the partner.
 */
import type { Sighting } from './adversaryView.ts';
import { creditMatches, legsOf, type Leg } from './callCoincidenceAttack.ts';

function overlapShare(l: Leg, m: Leg): number {
  if (l.alloc === undefined || l.stop === undefined || m.alloc === undefined || m.stop === undefined) return 0;
  const overlap = Math.min(l.stop, m.stop) - Math.max(l.alloc, m.alloc);
  return overlap <= 0 ? 0 : overlap / (Math.max(l.stop, m.stop) - Math.min(l.alloc, m.alloc));
}

/** For each leg, the legs (of other people) it overlaps most, if it overlaps any. */
export function bestOverlaps(legs: ReadonlyMap<string, Leg>, only?: (leg: Leg) => boolean): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const [id, l] of legs) {
    if (only && !only(l)) continue;
    let best = 0;
    let matches: string[] = [];
    for (const [mid, m] of legs) {
      if (mid === id || m.label === l.label) continue;
      const share = overlapShare(l, m);
      if (share > best) [best, matches] = [share, [mid]];
      else if (share === best && share > 0) matches.push(mid);
    }
    if (matches.length > 0) out.set(id, matches);
  }
  return out;
}

export function callOverlapAttack(sightings: readonly Sighting[], target: string): Map<string, number> {
  const legs = legsOf(sightings);
  return creditMatches(legs, bestOverlaps(legs, (l) => l.label === target));
}
