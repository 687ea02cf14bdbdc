/**
 * @module presenceReport
 * The presence-only run's table (presenceRun.ts): per day, each attack's mean P@5 over the
 * seeds against chance, with how often one seed lands far above it. The mean is what the bar
 * is about (an expected precision); the share of seeds at ≥ 0.4 says how often one
 * run's figure would look like a finding.
 */
import { PRESENCE_ATTACKS, type PresenceAttack, type PresenceRun } from './presenceRun.ts';
import { WAKE_READ_BYTES, type WakeFetches } from './wakeFetches.ts';
import type { WebAppPlan } from './webAppDevice.ts';
import { quantile } from './costFigures.ts';

const mean = (xs: readonly number[]): number => xs.reduce((s, x) => s + x, 0) / Math.max(1, xs.length);
/** The standard error of the mean, for the ± beside it. */
const stderr = (xs: readonly number[]): number => {
  const m = mean(xs);
  return xs.length < 2 ? 0 : Math.sqrt(xs.reduce((s, x) => s + (x - m) ** 2, 0) / (xs.length - 1) / xs.length);
};

/** The days shown: every day of a short run; of a long one, the first week and then weekly. */
export function shownDays(days: number): number[] {
  if (days <= 7) return Array.from({ length: days }, (_, i) => i + 1);
  return [...new Set([1, 2, 3, 4, 5, 6, 7, 14, 21, 28, days].filter((d) => d <= days))];
}

export function presenceLines(run: PresenceRun): string {
  const days = shownDays(run.days);
  const at = (attack: PresenceAttack | 'better', day: number): number[] =>
    run.seeds.map((s) => (attack === 'better' ? Math.max(...Object.values(s.p5).map((c) => c[day - 1]!)) : s.p5[attack][day - 1]!));
  const rows = [...(Object.keys(PRESENCE_ATTACKS) as PresenceAttack[]), 'better' as const].map((attack) => {
    const name = attack === 'better' ? 'the better of the two, per seed (an upper bound: the observer cannot know which)' : attack;
    const cells = days.map((d) => {
      const xs = at(attack, d);
      return `${mean(xs).toFixed(2)} ± ${stderr(xs).toFixed(2)} (${xs.filter((x) => x >= 0.4 - 1e-9).length}/${xs.length})`;
    });
    return `| ${name} | ${cells.join(' | ')} |`;
  });
  return [
    `${run.seeds.length} seeds (${run.seeds[0]?.seed}…${run.seeds[run.seeds.length - 1]?.seed}), ${run.candidates} candidates, chance P@5 ${run.chanceP5.toFixed(2)}, issue 12's bar ≤ ${(run.chanceP5 + 0.05).toFixed(2)}`,
    'each cell: mean P@5 over the seeds ± its standard error (seeds at P@5 ≥ 0.4)',
    '',
    `| attack on presence | ${days.map((d) => `day ${d}`).join(' | ')} |`,
    `|---|${days.map(() => '---').join('|')}|`,
    ...rows,
  ].join('\n');
}

/** A full run's closed-tab wake-ups: how many, what they cost, and what a notification waits. */
export function wakeReadLines(w: WakeFetches, web: WebAppPlan, durationSeconds: number): string {
  const devices = web.isWebApp.filter(Boolean).length;
  const days = durationSeconds / 86_400;
  const perDay = (w.messageWakes + w.coverWakes) / devices / days;
  const minutes = (s: number): string => (s / 60).toFixed(1);
  const delays = [...w.notifyDelays].sort((a, b) => a - b);
  return [
    `closed tabs' inbox reads on Web Push wake-ups (in the global observer's views): ${w.messageWakes} for messages, ${w.coverWakes} cover;`,
    `  ${perDay.toFixed(1)} per web-app device per day, ≈ ${((perDay * 30 * WAKE_READ_BYTES) / 1e6).toFixed(1)} MB per device per month at ${(WAKE_READ_BYTES / 1000).toFixed(1)} KB each (estimate);`,
    `  a message to a closed tab waits for its wake-up: p50 ${minutes(quantile(delays, 0.5))} min, p95 ${minutes(quantile(delays, 0.95))} min (${w.notifyDelays.length} messages)`,
  ].join('\n');
}
