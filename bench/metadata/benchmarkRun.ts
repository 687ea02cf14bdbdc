/**
 * @module benchmarkRun
 * One whole benchmark: simulate the population and its traffic, drive it through the real
 * relay and clients, build every adversary's view of Hardline and of the baselines, and
 * evaluate every attack on each. Used by run.ts (tables, chart) and by the end-to-end test.
 */
import { rmSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import type { AdversaryView } from './adversaryView.ts';
import { evaluateAttacks, type AttackResult } from './attackEvaluation.ts';
import type { PrivacyLevel } from '@hardline/client';
import type { BenchConfig } from './benchConfig.ts';
import { principalGroundTruth, type GroundTruth } from './groundTruth.ts';
import { callPairings, type CallPairing } from './callReport.ts';
import { planCalls, scheduleWithCalls, type CallSchedule } from './callSchedule.ts';
import { costFigures, type CostFigures } from './costFigures.ts';
import { globalObserverView } from './globalObserverView.ts';
import { wakeFetchSightings, type WakeFetches } from './wakeFetches.ts';
import { WAKE_POLICIES } from '../../packages/server/src/push/wakePolicy.ts';
import { pushRoundSightings, type PushRoundsStats } from './pushRoundsModel.ts';
import { PUSH_ROUND_POLICIES } from '../../packages/server/src/ws/pushRoundPolicy.ts';
import { relayTurnOperatorView } from './relayTurnOperatorView.ts';
import { turnLegs, type TurnLeg } from './turnView.ts';
import { planWebApp, type WebAppPlan } from './webAppDevice.ts';
import { PRINCIPAL, simulatePopulation, type Population } from './population.ts';
import { chanceAtK, precisionAtK } from './precision.ts';
import { seededRandom } from './random.ts';
import { driveRelay, type RelayRun } from './relayDriver.ts';
import { seizedDatabaseView, type SeizureFindings } from './seizedDatabaseView.ts';
import { cellularBaseline, naiveRelayBaseline, signalLikeBaselines } from './systemBaselines.ts';
import { simulateTraffic, type Schedule } from './trafficSchedule.ts';

export type BenchmarkResult = {
  readonly config: BenchConfig;
  readonly level: PrivacyLevel;
  readonly population: Population;
  readonly schedule: Schedule;
  readonly truth: GroundTruth;
  readonly run: RelayRun;
  readonly webApp: WebAppPlan;
  readonly calls: CallSchedule;
  readonly legs: readonly TurnLeg[];
  readonly cost: CostFigures;
  /** The relay's push rounds at this level as modelled on the run (pushRoundsModel.ts). */
  readonly pushRounds: PushRoundsStats;
  /** Closed tabs' inbox reads after wake-ups at this level (wakeFetches.ts), in the global observer's views. */
  readonly wakeReads: WakeFetches;
  readonly callPairings: readonly CallPairing[];
  readonly results: readonly AttackResult[];
  readonly seizure: SeizureFindings;
  readonly chance: { readonly p5: number; readonly p10: number };
  /** Precision of ranking people by their overall message volume alone: no link seen at all. */
  readonly volumeOnly: { readonly p5: number; readonly p10: number };
  readonly timings: { readonly simulateMs: number; readonly analyseMs: number };
};

/**
 * The baselines' receipt delays come from their own stream, so that they are the same whether
 * or not the relay was driven first (the relay run draws from the main one).
 */
function baselineViews(population: Population, schedule: Schedule, config: BenchConfig): AdversaryView[] {
  return [
    cellularBaseline(population, schedule),
    naiveRelayBaseline(population, schedule),
    ...signalLikeBaselines(population, schedule, seededRandom(config.seed ^ 0x5ea1ed)),
  ];
}

/**
 * The baselines alone, with no relay: they are modelled from the simulated messages, so this
 * gives exactly their rows of the full benchmark in a second or two. The end-to-end test uses
 * it to check that the attacks are real at full size.
 */
/**
 * The web app's actions and the calls. Own streams, so the messages do not depend on the web
 * app's share. `counted` is the schedule with calls as contacts, for the truth and baselines.
 */
function planApp(population: Population, schedule: Schedule, config: BenchConfig): { webApp: WebAppPlan; calls: CallSchedule; counted: Schedule } {
  const webApp = planWebApp(population, schedule, config, seededRandom(config.seed ^ 0x3eba99));
  const calls = planCalls(population, config, webApp, seededRandom(config.seed ^ 0xca11));
  return { webApp, calls, counted: scheduleWithCalls(schedule, calls.calls) };
}

export function runBaselines(config: BenchConfig): { readonly truth: GroundTruth; readonly schedule: Schedule; readonly results: readonly AttackResult[] } {
  const rng = seededRandom(config.seed);
  const population = simulatePopulation(config, rng);
  const schedule = planApp(population, simulateTraffic(population, config, rng), config).counted;
  const truth = principalGroundTruth(population, schedule);
  return { truth, schedule, results: evaluateAttacks(baselineViews(population, schedule, config), truth.ranked, schedule, config.checkpointsPerDay) };
}

/** One run at one privacy level (privacyLevel.ts): every device's send scheduler at that level, on the simulated clock. */
export async function runBenchmark(config: BenchConfig, level: PrivacyLevel = 'off'): Promise<BenchmarkResult> {
  const t0 = performance.now();
  const rng = seededRandom(config.seed);
  const population = simulatePopulation(config, rng);
  const messages = simulateTraffic(population, config, rng);
  const { webApp, calls, counted: schedule } = planApp(population, messages, config);
  const truth = principalGroundTruth(population, schedule);
  const simulateMs = performance.now() - t0;
  const app = { actions: [...webApp.actions, ...calls.actions], isWebApp: webApp.isWebApp, open: webApp.open };
  const run = await driveRelay(population, messages, rng, app, { level, rng: seededRandom(config.seed ^ 0x5107) });
  const t1 = performance.now();
  const legs = turnLegs(calls.calls, run.callRecords, seededRandom(config.seed ^ 0x7e11));
  const rounds = pushRoundSightings(run, population, webApp, PUSH_ROUND_POLICIES[level], seededRandom(config.seed ^ 0x90d5));
  const woken = wakeFetchSightings(population.handles, webApp, schedule.messages, WAKE_POLICIES[level], schedule.durationSeconds, seededRandom(config.seed ^ 0x3a4e));
  const seized = seizedDatabaseView(run.seized, population);
  rmSync(run.seized.dir, { recursive: true, force: true });
  const views = [
    ...baselineViews(population, schedule, config),
    relayTurnOperatorView(run, legs, population, 'addresses'),
    relayTurnOperatorView(run, legs, population, 'trace'),
    relayTurnOperatorView(run, legs, population, 'addresses behind a hop'),
    // The relay's push rounds at the run's level (pushRoundsModel.ts), and without (before them).
    globalObserverView(run, undefined, population, rounds.sightings, woken.sightings),
    globalObserverView(run, legs, population, rounds.sightings, woken.sightings),
    globalObserverView(run, undefined, population, undefined, woken.sightings),
    globalObserverView(run, legs, population, undefined, woken.sightings),
    seized.view,
  ];
  const results = evaluateAttacks(views, truth.ranked, schedule, config.checkpointsPerDay);
  const candidates = population.handles.filter((_, u) => u !== PRINCIPAL);
  const volume = new Map<string, number>();
  for (const m of schedule.messages) for (const u of [m.from, ...m.to]) volume.set(population.handles[u]!, (volume.get(population.handles[u]!) ?? 0) + 1);
  return {
    config,
    level,
    population,
    schedule,
    truth,
    run,
    webApp,
    calls,
    legs,
    cost: costFigures(run, webApp, schedule.durationSeconds),
    pushRounds: rounds.stats,
    wakeReads: woken,
    callPairings: callPairings(results, legs, population.handles),
    results,
    seizure: seized.findings,
    chance: { p5: chanceAtK(candidates.length, 5), p10: chanceAtK(candidates.length, 10) },
    volumeOnly: { p5: precisionAtK(volume, candidates, truth.ranked, 5), p10: precisionAtK(volume, candidates, truth.ranked, 10) },
    timings: { simulateMs, analyseMs: performance.now() - t1 },
  };
}
