/**
 * @module frequencyAttack
 * Frequency counting: rank people by how many sightings name them together with the target,
 * one at each end. What call-record analysis does, and all the exposure report does
 * (packages/exposure); it needs a view that names both parties of a message.
 */
import type { Sighting } from './adversaryView.ts';

export function frequencyAttack(sightings: readonly Sighting[], target: string): Map<string, number> {
  const scores = new Map<string, number>();
  for (const s of sightings) {
    const other = s.src === target ? s.dst : s.dst === target ? s.src : undefined;
    if (other === undefined || other === target) continue;
    scores.set(other, (scores.get(other) ?? 0) + (s.w ?? 1));
  }
  return scores;
}
