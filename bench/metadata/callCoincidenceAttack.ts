/**
 * @module callCoincidenceAttack
 * Pairs the two legs of a relayed call by the coincidence of their events, as anyone who sees a
 * TURN server's allocations and traffic can: the two legs allocate within seconds of each other
 * (both fetch credentials around the accept), their media starts and stops at the same moments
 * (one DTLS handshake through the relay, one hangup), and one leg's upload is the other's
 * download. Each target leg credits the person behind its best-matching leg (ties share);
 * a match needs at least two coincidences, so a lone near-simultaneous allocation is not one.
 */
import type { Sighting } from './adversaryView.ts';

const ALLOC_SECONDS = 5;
const EDGE_SECONDS = 1;
/** Relative difference under which one leg's upload counts as the other's download. */
const VOLUME_TOLERANCE = 0.1;
const MIN_COINCIDENCES = 2;

export type Leg = { label: string; alloc?: number; start?: number; stop?: number; up?: number; down?: number };

export function legsOf(sightings: readonly Sighting[]): Map<string, Leg> {
  const legs = new Map<string, Leg>();
  for (const s of sightings) {
    if (!s.call || s.src === undefined) continue;
    const leg = legs.get(s.call.leg) ?? legs.set(s.call.leg, { label: s.src }).get(s.call.leg)!;
    leg[s.call.event] = s.t;
    if (s.call.up !== undefined) leg.up = s.call.up;
    if (s.call.down !== undefined) leg.down = s.call.down;
  }
  return legs;
}

const near = (a: number | undefined, b: number | undefined, within: number): boolean => a !== undefined && b !== undefined && Math.abs(a - b) <= within;
const sameVolume = (a: number | undefined, b: number | undefined): boolean => a !== undefined && b !== undefined && Math.abs(a - b) <= VOLUME_TOLERANCE * Math.max(a, b);

function coincidences(l: Leg, m: Leg): number {
  return (
    Number(near(l.alloc, m.alloc, ALLOC_SECONDS)) +
    Number(near(l.start, m.start, EDGE_SECONDS)) +
    Number(near(l.stop, m.stop, EDGE_SECONDS)) +
    Number(sameVolume(l.up, m.down) && sameVolume(l.down, m.up))
  );
}

/** For each leg, the legs (of other people) that match it best, if any match. */
export function bestMatches(legs: ReadonlyMap<string, Leg>, only?: (leg: Leg) => boolean): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const [id, l] of legs) {
    if (only && !only(l)) continue;
    let best = MIN_COINCIDENCES - 1;
    let matches: string[] = [];
    for (const [mid, m] of legs) {
      if (mid === id || m.label === l.label) continue;
      const c = coincidences(l, m);
      if (c > best) [best, matches] = [c, [mid]];
      else if (c === best && c >= MIN_COINCIDENCES) matches.push(mid);
    }
    if (matches.length > 0) out.set(id, matches);
  }
  return out;
}

/** Each target leg credits the people behind its best matches, sharing one point among ties. */
export function creditMatches(legs: ReadonlyMap<string, Leg>, matchesOfTarget: ReadonlyMap<string, readonly string[]>): Map<string, number> {
  const scores = new Map<string, number>();
  for (const matches of matchesOfTarget.values()) {
    for (const m of matches) {
      const label = legs.get(m)!.label;
      scores.set(label, (scores.get(label) ?? 0) + 1 / matches.length);
    }
  }
  return scores;
}

export function callCoincidenceAttack(sightings: readonly Sighting[], target: string): Map<string, number> {
  const legs = legsOf(sightings);
  return creditMatches(legs, bestMatches(legs, (l) => l.label === target));
}
