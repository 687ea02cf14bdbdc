/**
 * @module callDefenceRun
 * The calls alone, with the two call defences as modelled options, before and after in one run
 * (METADATA_BENCH_CALLS_ONLY=1). The population, messages, web-app tabs and calls are the full
 * benchmark's for the same configuration (same seeds, same streams); what is not run is the
 * relay: the call records come from plannedCallRecords.ts instead of the real clients, which
 * is what takes the full run most of an hour. The call attacks read TURN legs only, so their
 * figures need nothing else.
 *
 * Per defence, the legs as TURN's link shows them, named by source address: the view of the
 * global observer of that link, and the live operator's with addresses (its legs are named the
 * same way, so the two rows are one). The attacks: the coincidence attack as the full benchmark
 * runs it, and the overlap attack, the one an observer turns to once edges are spread.
 */
import type { PrivacyLevel } from '@hardline/client';
import { LIFETIME_SPREADS, randomiseLifetimes } from './allocationLifetimes.ts';
import type { BenchConfig } from './benchConfig.ts';
import { atConstantBitrate } from './cbrMedia.ts';
import { callCoincidenceAttack } from './callCoincidenceAttack.ts';
import { bestOverlaps, callOverlapAttack } from './callOverlapAttack.ts';
import { legPairing, type CallPairing } from './callReport.ts';
import { planCalls, scheduleWithCalls, type CallSchedule } from './callSchedule.ts';
import { COVER_LEGS_PER_OPEN_HOUR, coverLegs } from './coverLegs.ts';
import { DAY_SECONDS } from './dailyRhythm.ts';
import { principalGroundTruth } from './groundTruth.ts';
import { plannedCallRecords } from './plannedCallRecords.ts';
import { PRINCIPAL, simulatePopulation } from './population.ts';
import { chanceAtK, precisionAtK } from './precision.ts';
import { seededRandom } from './random.ts';
import { simulateTraffic } from './trafficSchedule.ts';
import { turnLegs, turnSightings, type TurnLeg } from './turnView.ts';
import { planWebApp } from './webAppDevice.ts';

export const CALL_DEFENCES = ['none', 'randomised lifetimes', 'cover legs', 'both'] as const;
export type CallDefence = (typeof CALL_DEFENCES)[number];

export type AttackFigures = { readonly pairing: CallPairing; readonly p5: number };

export type CallDefenceRow = {
  readonly level: Exclude<PrivacyLevel, 'off'>;
  readonly defence: CallDefence;
  readonly coincidence: AttackFigures;
  readonly overlap: AttackFigures;
  readonly coverLegs: number;
  /** Extra TURN bytes (up and down) per web-app device per 30 days, against no defence. */
  readonly extraMbPerDeviceMonth: number;
  /** Extra allocation time per web-app device per 30 days (hours), against no defence. */
  readonly extraAllocationHoursPerDeviceMonth: number;
  /** Extra TURN bytes (up and down) carried by each real leg, against no defence: lead, tail and CBR. */
  readonly extraMbPerLeg: number;
};

export type CallDefenceRun = {
  readonly calls: CallSchedule;
  readonly legs: readonly TurnLeg[];
  readonly webAppDevices: number;
  /** Hours a web-app tab is open per device per day, which cover legs are drawn over. */
  readonly openHoursPerDeviceDay: number;
  readonly chanceP5: number;
  readonly rows: readonly CallDefenceRow[];
};

const STREAMS = { balanced: 0x100, strict: 0x200 } as const;

const bytesOf = (legs: readonly TurnLeg[]): number => legs.reduce((s, l) => s + l.up + l.down, 0);
const heldOf = (legs: readonly TurnLeg[]): number => legs.reduce((s, l) => s + (l.stop - l.alloc), 0);

export function runCallDefences(config: BenchConfig, levels: readonly Exclude<PrivacyLevel, 'off'>[]): CallDefenceRun {
  // The same draws, in the same order and streams, as benchmarkRun.ts.
  const rng = seededRandom(config.seed);
  const pop = simulatePopulation(config, rng);
  const messages = simulateTraffic(pop, config, rng);
  const webApp = planWebApp(pop, messages, config, seededRandom(config.seed ^ 0x3eba99));
  const calls = planCalls(pop, config, webApp, seededRandom(config.seed ^ 0xca11));
  const truth = principalGroundTruth(pop, scheduleWithCalls(messages, calls.calls));
  const records = plannedCallRecords(calls.actions, seededRandom(config.seed ^ 0x7ec0));
  const legs = turnLegs(calls.calls, records, seededRandom(config.seed ^ 0x7e11));
  const candidates = pop.handles.filter((_, u) => u !== PRINCIPAL);
  const target = pop.handles[PRINCIPAL]!;
  const webAppDevices = webApp.isWebApp.filter(Boolean).length;
  const months = config.days / 30;
  let openSeconds = 0;
  webApp.open.forEach((intervals, u) => {
    if (webApp.isWebApp[u]) for (const [a, b] of intervals) openSeconds += Math.min(b, config.days * DAY_SECONDS) - a;
  });
  const measure = (level: Exclude<PrivacyLevel, 'off'>, defence: CallDefence, real: readonly TurnLeg[], cover: readonly TurnLeg[]): CallDefenceRow => {
    const sightings = turnSightings([...real, ...cover], pop).sort((a, b) => a.t - b.t);
    const name = 'global observer of TURN link = operator + source IPs';
    const all = [...real, ...cover];
    return {
      level,
      defence,
      coincidence: { pairing: legPairing(name, sightings, real, pop.handles), p5: precisionAtK(callCoincidenceAttack(sightings, target), candidates, truth.ranked, 5) },
      overlap: { pairing: legPairing(name, sightings, real, pop.handles, bestOverlaps), p5: precisionAtK(callOverlapAttack(sightings, target), candidates, truth.ranked, 5) },
      coverLegs: cover.length,
      extraMbPerDeviceMonth: (bytesOf(all) - bytesOf(legs)) / webAppDevices / months / 1e6,
      extraAllocationHoursPerDeviceMonth: (heldOf(all) - heldOf(legs)) / webAppDevices / months / 3600,
      extraMbPerLeg: (bytesOf(real) - bytesOf(legs)) / Math.max(1, legs.length) / 1e6,
    };
  };
  const rows: CallDefenceRow[] = [];
  levels.forEach((level) => {
    // Each defence from its own stream, so "both" is "randomised lifetimes" plus "cover legs" exactly.
    const stream = STREAMS[level];
    const spread = randomiseLifetimes(legs, LIFETIME_SPREADS[level], seededRandom(config.seed ^ 0x11fe ^ stream));
    const cover = coverLegs(webApp, COVER_LEGS_PER_OPEN_HOUR[level], seededRandom(config.seed ^ 0xc0fe ^ stream));
    // Cover legs are CBR, so the real legs must be too, or their volume would tell them apart.
    rows.push(measure(level, 'none', legs, []), measure(level, 'randomised lifetimes', spread, []), measure(level, 'cover legs', atConstantBitrate(legs), cover), measure(level, 'both', spread, cover));
  });
  return { calls, legs, webAppDevices, openHoursPerDeviceDay: openSeconds / webAppDevices / config.days / 3600, chanceP5: chanceAtK(candidates.length, 5), rows };
}
