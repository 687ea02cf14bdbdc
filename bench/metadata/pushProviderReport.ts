/**
 * @module pushProviderReport
 * The push provider's rows (`npm run bench:metadata`): precision against the principal's true
 * partners per privacy level, with the cost of each level in wake-ups and in the battery proxy.
 * Built from the simulated traffic alone, so it needs no relay run.
 */
import { timingAttack } from './timingAttack.ts';
import type { BenchConfig } from './benchConfig.ts';
import { principalGroundTruth } from './groundTruth.ts';
import { simulatePopulation } from './population.ts';
import { chanceAtK, precisionAtK } from './precision.ts';
import { PUSH_POLICIES, AWAKE_SECONDS_PER_WAKE } from './pushPolicy.ts';
import { pushProviderView, replyAttack } from './pushProviderView.ts';
import { seededRandom } from './random.ts';
import { simulateTraffic } from './trafficSchedule.ts';

export type PushProviderRow = {
  readonly level: string;
  readonly timing: { readonly p5: number; readonly p10: number };
  readonly reply: { readonly p5: number; readonly p10: number };
  readonly wakeUpsPerDay: number;
  readonly coverShare: number;
  readonly awakeSecondsPerDay: number;
};

export function pushProviderRows(config: BenchConfig): { rows: PushProviderRow[]; chance: number } {
  // The same population and traffic as the rest of the benchmark (same seed, same draws).
  const rng = seededRandom(config.seed);
  const population = simulatePopulation(config, rng);
  const schedule = simulateTraffic(population, config, rng);
  const truth = principalGroundTruth(population, schedule).ranked;
  const defences = seededRandom(config.seed ^ 0x9054);
  const rows = PUSH_POLICIES.map((policy): PushProviderRow => {
    const run = pushProviderView(population, schedule, policy, defences);
    const { sightings, target, candidates } = run.view;
    const timing = timingAttack(sightings, target);
    const reply = replyAttack(sightings, target);
    return {
      level: policy.level,
      timing: { p5: precisionAtK(timing, candidates, truth, 5), p10: precisionAtK(timing, candidates, truth, 10) },
      reply: { p5: precisionAtK(reply, candidates, truth, 5), p10: precisionAtK(reply, candidates, truth, 10) },
      wakeUpsPerDay: run.wakeUpsPerDevicePerDay,
      coverShare: run.coverShare,
      awakeSecondsPerDay: run.awakeSecondsPerDevicePerDay,
    };
  });
  return { rows, chance: chanceAtK(config.users, 5) };
}

export function pushProviderTable(config: BenchConfig): string {
  const { rows, chance } = pushProviderRows(config);
  const f2 = (x: number): string => x.toFixed(2);
  const header = ['push provider: privacy level', 'timing P@5', 'timing P@10', 'reply P@5', 'reply P@10', 'wake-ups/device/day', 'cover share', `awake s/day (${AWAKE_SECONDS_PER_WAKE} s each)`];
  const body = rows.map((r) => [r.level, f2(r.timing.p5), f2(r.timing.p10), f2(r.reply.p5), f2(r.reply.p10), r.wakeUpsPerDay.toFixed(1), `${Math.round(r.coverShare * 100)}%`, r.awakeSecondsPerDay.toFixed(0)]);
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((r) => r[i]!.length)));
  const line = (cells: readonly string[]): string => `| ${cells.map((c, i) => c.padEnd(widths[i]!)).join(' | ')} |`;
  return [line(header), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...body.map(line), `chance P@5 = ${chance.toFixed(3)}`, pushProviderAverages(config)].join('\n');
}

/**
 * One principal's five partners make P@5 move in steps of 0.2: the same rows averaged over
 * `n` populations (seeds apart), so that a level's effect is not read off one draw.
 */
export function pushProviderAverages(config: BenchConfig, n = 5): string {
  const sums = new Map<string, number[]>();
  for (let i = 0; i < n; i++) {
    for (const r of pushProviderRows({ ...config, seed: config.seed + i * 7919 }).rows) {
      const a = sums.get(r.level) ?? [0, 0, 0, 0];
      [r.timing.p5, r.timing.p10, r.reply.p5, r.reply.p10].forEach((x, j) => (a[j]! += x / n));
      sums.set(r.level, a);
    }
  }
  const rows = [...sums].map(([level, a]) => `  ${level}: timing P@5 ${a[0]!.toFixed(2)}, P@10 ${a[1]!.toFixed(2)}; reply P@5 ${a[2]!.toFixed(2)}, P@10 ${a[3]!.toFixed(2)}`);
  return [`mean over ${n} populations (seed + i*7919):`, ...rows].join('\n');
}
