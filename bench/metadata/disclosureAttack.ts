/**
 * @module disclosureAttack
 * Statistical disclosure (Danezis 2003; as Martiny et al., NDSS 2021, ran it against sealed
 * sender). Each sighting that involves the target opens a round: the people seen within
 * ±window of it, as a uniform distribution over who was present. Averaged over the target's
 * rounds, this mixes his partners with everyone who happens to be active; the same average over
 * rounds centred on evenly spaced moments estimates that background. Partners are what the
 * target's rounds have in excess of it. Rounds are normalised and count presence, not volume,
 * so a busy hub gains nothing from volume alone.
 */
import type { Sighting } from './adversaryView.ts';
import { lowerBound, windowAround } from './sightingWindow.ts';

export const DISCLOSURE_WINDOW_SECONDS = 600;
const BACKGROUND_ROUNDS = 1500;

function round(window: readonly Sighting[], target: string, into: Map<string, number>, weight: number): void {
  const seen = new Map<string, number>();
  for (const o of window) {
    for (const label of [o.src, o.dst]) {
      if (label === undefined || label === target) continue;
      seen.set(label, Math.max(seen.get(label) ?? 0, o.w ?? 1));
    }
  }
  let total = 0;
  for (const w of seen.values()) total += w;
  if (total === 0) return;
  for (const [label, w] of seen) into.set(label, (into.get(label) ?? 0) + (weight * w) / total);
}

export function disclosureAttack(sightings: readonly Sighting[], target: string): Map<string, number> {
  const targetRounds: number[] = [];
  sightings.forEach((s, i) => {
    if (s.src === target || s.dst === target) targetRounds.push(i);
  });
  const scores = new Map<string, number>();
  if (targetRounds.length === 0 || sightings.length === 0) return scores;
  for (const i of targetRounds) round(windowAround(sightings, i, DISCLOSURE_WINDOW_SECONDS), target, scores, 1 / targetRounds.length);
  // Background: moments spread evenly over the observed period, whoever is active then.
  const first = sightings[0]!.t;
  const span = sightings[sightings.length - 1]!.t - first;
  const rounds: (readonly Sighting[])[] = [];
  for (let k = 0; k < BACKGROUND_ROUNDS; k++) {
    const t = first + (span * (k + 0.5)) / BACKGROUND_ROUNDS;
    const w = sightings.slice(lowerBound(sightings, t - DISCLOSURE_WINDOW_SECONDS), lowerBound(sightings, t + DISCLOSURE_WINDOW_SECONDS));
    if (w.length > 0) rounds.push(w);
  }
  for (const w of rounds) round(w, target, scores, -1 / rounds.length);
  return scores;
}
