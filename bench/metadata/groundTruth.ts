/**
 * @module groundTruth
 * The principal's true regular partners: people ranked by direct messages exchanged with him
 * over the whole simulation, both directions, each call counting as one (callSchedule.ts
 * `scheduleWithCalls`: people call their usual partners, and a call is contact). Group traffic is left out on purpose: sharing a
 * group is not what the adversary in the story was after, and it stays in the traffic as noise.
 */
import { PRINCIPAL, type Population } from './population.ts';
import type { Schedule } from './trafficSchedule.ts';

export type GroundTruth = {
  /** Handles, most frequent first. */
  readonly ranked: readonly string[];
  readonly counts: ReadonlyMap<string, number>;
};

export function principalGroundTruth(pop: Population, schedule: Schedule): GroundTruth {
  const counts = new Map<string, number>();
  for (const m of schedule.messages) {
    if (m.group !== undefined) continue;
    const other = m.from === PRINCIPAL ? m.to[0] : m.to[0] === PRINCIPAL ? m.from : undefined;
    if (other === undefined) continue;
    const h = pop.handles[other]!;
    counts.set(h, (counts.get(h) ?? 0) + 1);
  }
  const ranked = [...counts.entries()].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])).map(([h]) => h);
  return { ranked, counts };
}

/** Messages the principal sent or received up to time t (a group message counts once). */
export function principalMessagesBy(schedule: Schedule, t: number): number {
  let n = 0;
  for (const m of schedule.messages) {
    if (m.t > t) break;
    if (m.from === PRINCIPAL || m.to.includes(PRINCIPAL)) n++;
  }
  return n;
}
