/**
 * @module presenceRun
 * What the global network observer learns from presence alone, over many seeds
 * (METADATA_BENCH_PRESENCE_ONLY=1). The ablations in BENCHMARKS.md showed that at `balanced`,
 * with messages only, the relay-link view tells the observer no more than *who is connected
 * when*: replacing every web-app device's traffic by one sighting per interval while its tab
 * is open left the disclosure attack's P@5 where it was. One full run is one draw of that
 * presence, and P@5 moves in steps of 0.2, so one seed cannot say whether 0.40 is a signal or
 * luck. This mode rebuilds the same population, messages and tabs as benchmarkRun.ts (same
 * seeds, same streams), turns them into the presence view, and runs the observer's attacks on
 * each seed at each day: seconds a seed instead of most of an hour, so the mean over many
 * seeds can be set against chance (issue 12's bar: P@5 ≤ chance + 0.05).
 *
 * The view: a web-app device is seen once every PRESENCE_STEP_SECONDS while its tab is open
 * (the disclosure and timing attacks count presence, not volume); a CLI device at each poll.
 * Posts, pushes and acks inside those sessions are left out: that is the ablation's finding,
 * checked against a full run's dump by `presenceAgainstDump` (METADATA_BENCH_DUMP).
 */
import { sightingsUntil, type AdversaryView, type Sighting } from './adversaryView.ts';
import type { BenchConfig } from './benchConfig.ts';
import { DAY_SECONDS } from './dailyRhythm.ts';
import { disclosureAttack } from './disclosureAttack.ts';
import { principalGroundTruth } from './groundTruth.ts';
import { PRINCIPAL, simulatePopulation } from './population.ts';
import { chanceAtK, precisionAtK } from './precision.ts';
import { seededRandom } from './random.ts';
import { timingAttack } from './timingAttack.ts';
import { simulateTraffic } from './trafficSchedule.ts';
import { planWebApp, type WebAppPlan } from './webAppDevice.ts';
import { wakeFetchSightings } from './wakeFetches.ts';
import { WAKE_POLICIES, type WakePolicy } from '../../packages/server/src/push/wakePolicy.ts';

/**
 * The relay's wake-ups until 2026-12-04, for the before-and-after in one run: each message got
 * its own wake-up after a random delay, and fewer cover wake-ups went at `balanced`.
 */
export const OWN_WAKE_POLICIES = {
  balanced: { ...WAKE_POLICIES.balanced, coverPerDay: 8, messagesRideCover: false },
  strict: { ...WAKE_POLICIES.strict, messagesRideCover: false },
} as const satisfies Record<string, WakePolicy>;

/** One sighting a minute while a tab is open: finer than the disclosure window (±10 min) needs. */
export const PRESENCE_STEP_SECONDS = 60;

export const PRESENCE_ATTACKS = { disclosure: disclosureAttack, timing: timingAttack } as const;
export type PresenceAttack = keyof typeof PRESENCE_ATTACKS;

export type PresenceSeed = {
  readonly seed: number;
  /** Per attack, P@5 at the end of each day (index 0: day 1). */
  readonly p5: Readonly<Record<PresenceAttack, readonly number[]>>;
};

export type PresenceRun = { readonly days: number; readonly candidates: number; readonly chanceP5: number; readonly seeds: readonly PresenceSeed[] };

/** The presence view: open tabs and CLI polls, labelled by device (one device per person here). */
export function presenceSightings(handles: readonly string[], webApp: WebAppPlan, durationSeconds: number): Sighting[] {
  const out: Sighting[] = [];
  handles.forEach((src, u) => {
    if (!webApp.isWebApp[u]) {
      for (const t of webApp.polls[u]!) out.push({ t, src });
      return;
    }
    for (const [a, b] of webApp.open[u]!) for (let t = a; t < Math.min(b, durationSeconds); t += PRESENCE_STEP_SECONDS) out.push({ t, src });
  });
  return out.sort((x, y) => x.t - y.t);
}

/** Each attack's P@5 on a view at the end of each day. */
export function presenceCurves(view: AdversaryView, truth: readonly string[], days: number): Record<PresenceAttack, number[]> {
  const curves = { disclosure: [] as number[], timing: [] as number[] };
  for (let day = 1; day <= days; day++) {
    const seen = sightingsUntil(view, day * DAY_SECONDS);
    for (const name of Object.keys(PRESENCE_ATTACKS) as PresenceAttack[]) curves[name].push(precisionAtK(PRESENCE_ATTACKS[name](seen, view.target), view.candidates, truth, 5));
  }
  return curves;
}

/**
 * `wakes`: also the closed tabs' inbox reads after Web Push wake-ups at that level
 * (wakeFetches.ts); with `sizes` (a drain floor), only the reads that found more messages than
 * that floor: an observer who tells them from the rest by their bytes on the wire.
 */
export function runPresence(config: BenchConfig, seeds: readonly number[], wakes?: WakePolicy, sizes?: number): PresenceRun {
  let candidates = 0;
  const out = seeds.map((seed): PresenceSeed => {
    // The same draws, in the same order and streams, as benchmarkRun.ts.
    const rng = seededRandom(seed);
    const pop = simulatePopulation({ ...config, seed }, rng);
    const messages = simulateTraffic(pop, { ...config, seed }, rng);
    const webApp = planWebApp(pop, messages, { ...config, seed }, seededRandom(seed ^ 0x3eba99));
    const truth = principalGroundTruth(pop, messages).ranked;
    const duration = config.days * DAY_SECONDS;
    const present = presenceSightings(pop.handles, webApp, duration);
    const reads = wakes && wakeFetchSightings(pop.handles, webApp, messages.messages, wakes, duration, seededRandom(seed ^ 0x3a4e));
    const woken = reads ? (sizes !== undefined ? reads.carrying.filter((r) => r.found > sizes) : reads.sightings) : [];
    const view: AdversaryView = {
      system: 'Hardline',
      adversary: 'global network observer (relay link), presence only',
      note: 'per source address: open tabs, CLI polls and, per variant, closed tabs\' wake-up reads',
      sightings: [...present, ...woken].sort((a, b) => a.t - b.t),
      target: pop.handles[PRINCIPAL]!,
      candidates: pop.handles.filter((_, u) => u !== PRINCIPAL),
    };
    candidates = view.candidates.length;
    return { seed, p5: presenceCurves(view, truth, config.days) };
  });
  return { days: config.days, candidates, chanceP5: chanceAtK(candidates, 5), seeds: out };
}
