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
import { lowerBound } from './sightingWindow.ts';
import { SlidingPresence } from './slidingPresence.ts';

export const DISCLOSURE_WINDOW_SECONDS = 600;
const BACKGROUND_ROUNDS = 1500;

/** One round: each label present gets its share (its weight over the round's total), scaled. */
function round(window: SlidingPresence, into: Map<string, number>, weight: number): void {
  const total = window.total();
  if (total === 0) return;
  for (const [label, w] of window.present) into.set(label, (into.get(label) ?? 0) + (weight * w) / total);
}

export function disclosureAttack(sightings: readonly Sighting[], target: string): Map<string, number> {
  const targetTimes: number[] = [];
  for (const s of sightings) if (s.src === target || s.dst === target) targetTimes.push(s.t);
  const scores = new Map<string, number>();
  if (targetTimes.length === 0 || sightings.length === 0) return scores;
  const around = new SlidingPresence(sightings, target);
  for (const t of targetTimes) {
    around.slide(t - DISCLOSURE_WINDOW_SECONDS, t + DISCLOSURE_WINDOW_SECONDS + 1e-9);
    round(around, scores, 1 / targetTimes.length);
  }
  // Background: moments spread evenly over the observed period, whoever is active then.
  const first = sightings[0]!.t;
  const span = sightings[sightings.length - 1]!.t - first;
  const background = new SlidingPresence(sightings, target);
  const rounds: number[] = [];
  for (let k = 0; k < BACKGROUND_ROUNDS; k++) {
    const t = first + (span * (k + 0.5)) / BACKGROUND_ROUNDS;
    if (lowerBound(sightings, t + DISCLOSURE_WINDOW_SECONDS) > lowerBound(sightings, t - DISCLOSURE_WINDOW_SECONDS)) rounds.push(t);
  }
  for (const t of rounds) {
    background.slide(t - DISCLOSURE_WINDOW_SECONDS, t + DISCLOSURE_WINDOW_SECONDS);
    round(background, scores, -1 / rounds.length);
  }
  return scores;
}
