/**
 * @module timingAttack
 * Timing correlation: whoever shows up within a few seconds of the target (a post into his
 * mailbox and the poster's connection; his post and the recipient's push; a message into his
 * mailbox and the delivery receipt going out to the sender) shares the credit for that event,
 * 1/k among the k people seen in the window. No background correction: it relies on the window
 * being short enough that few strangers fall into it.
 */
import type { Sighting } from './adversaryView.ts';
import { SlidingPresence } from './slidingPresence.ts';

export const TIMING_WINDOW_SECONDS = 3;

export function timingAttack(sightings: readonly Sighting[], target: string): Map<string, number> {
  const scores = new Map<string, number>();
  const window = new SlidingPresence(sightings, target);
  for (const s of sightings) {
    if (s.src !== target && s.dst !== target) continue;
    window.slide(s.t - TIMING_WINDOW_SECONDS, s.t + TIMING_WINDOW_SECONDS + 1e-9);
    const n = window.present.size;
    for (const [label, w] of window.present) scores.set(label, (scores.get(label) ?? 0) + w / n);
  }
  return scores;
}
