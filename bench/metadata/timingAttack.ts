/**
 * @module timingAttack
 * Timing correlation: whoever shows up within a few seconds of the target (a post into his
 * mailbox and the poster's connection; his post and the recipient's push; a message into his
 * mailbox and the delivery receipt going out to the sender) shares the credit for that event,
 * 1/k among the k people seen in the window. No background correction: it relies on the window
 * being short enough that few strangers fall into it.
 */
import type { Sighting } from './adversaryView.ts';
import { windowAround } from './sightingWindow.ts';

export const TIMING_WINDOW_SECONDS = 3;

export function timingAttack(sightings: readonly Sighting[], target: string): Map<string, number> {
  const scores = new Map<string, number>();
  for (let i = 0; i < sightings.length; i++) {
    const s = sightings[i]!;
    if (s.src !== target && s.dst !== target) continue;
    const seen = new Map<string, number>();
    for (const o of windowAround(sightings, i, TIMING_WINDOW_SECONDS)) {
      for (const label of [o.src, o.dst]) if (label !== undefined && label !== target) seen.set(label, Math.max(seen.get(label) ?? 0, o.w ?? 1));
    }
    for (const [label, w] of seen) scores.set(label, (scores.get(label) ?? 0) + w / seen.size);
  }
  return scores;
}
