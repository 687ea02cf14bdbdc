/**
 * @module attackEvaluation
 * Runs every attack on every view at checkpoints through the simulated days, using only what
 * the adversary had seen by then, and scores each ranking against the ground truth.
 */
import { sightingsUntil, type AdversaryView, type Sighting } from './adversaryView.ts';
import { callCoincidenceAttack } from './callCoincidenceAttack.ts';
import { DAY_SECONDS } from './dailyRhythm.ts';
import { disclosureAttack } from './disclosureAttack.ts';
import { frequencyAttack } from './frequencyAttack.ts';
import { principalMessagesBy } from './groundTruth.ts';
import { precisionAtK } from './precision.ts';
import { timingAttack } from './timingAttack.ts';
import type { Schedule } from './trafficSchedule.ts';

export const ATTACKS = {
  frequency: frequencyAttack,
  disclosure: disclosureAttack,
  timing: timingAttack,
  'call coincidence': callCoincidenceAttack,
} as const satisfies Record<string, (s: readonly Sighting[], target: string) => Map<string, number>>;
export type AttackName = keyof typeof ATTACKS;

export type CurvePoint = { readonly seconds: number; readonly messages: number; readonly p5: number; readonly p10: number };

export type AttackResult = {
  readonly view: AdversaryView;
  readonly attack: AttackName;
  readonly curve: readonly CurvePoint[];
  readonly final: CurvePoint;
  /** First checkpoint from which precision@5 stays ≥ the threshold; undefined if never. */
  readonly reached: CurvePoint | undefined;
};

export const TARGET_PRECISION = 0.8;

export function evaluateAttacks(views: readonly AdversaryView[], truth: readonly string[], schedule: Schedule, checkpointsPerDay: number): AttackResult[] {
  const step = DAY_SECONDS / checkpointsPerDay;
  const checkpoints: number[] = [];
  for (let t = step; t <= schedule.durationSeconds + 1e-6; t += step) checkpoints.push(t);
  const results: AttackResult[] = [];
  for (const view of views) {
    const seesCalls = view.sightings.some((s) => s.call);
    for (const attack of Object.keys(ATTACKS) as AttackName[]) {
      // Only views that see a TURN server have legs to pair; elsewhere it would read as chance.
      if (attack === 'call coincidence' && !seesCalls) continue;
      const curve = checkpoints.map((t): CurvePoint => {
        const scores = ATTACKS[attack](sightingsUntil(view, t), view.target);
        return {
          seconds: t,
          messages: principalMessagesBy(schedule, t),
          p5: precisionAtK(scores, view.candidates, truth, 5),
          p10: precisionAtK(scores, view.candidates, truth, 10),
        };
      });
      let reached: CurvePoint | undefined;
      for (let i = curve.length - 1; i >= 0 && curve[i]!.p5 >= TARGET_PRECISION; i--) reached = curve[i];
      results.push({ view, attack, curve, final: curve[curve.length - 1]!, reached });
    }
  }
  return results;
}
