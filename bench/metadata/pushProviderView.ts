/**
 * @module pushProviderView
 * The browser vendor's push service as an adversary (issue 14): for each browser it serves, the
 * time of every wake-up, and nothing else: no sender, no type, no size (every wake-up is the
 * same, docs/protocol.md §6 "Push wake-ups"). It knows whose browser each subscription is
 * (the vendor's own account), so its labels are people.
 *
 * Modelled from the simulated traffic, like the baselines: every message delivered to a device
 * whose app is closed wakes it. The bench's devices are closed except while they poll, so every
 * delivery is taken to wake (the worst case for the defence's cost, the best for the attacker).
 */
import type { AdversaryView, Sighting } from './adversaryView.ts';
import { PRINCIPAL, type Population } from './population.ts';
import { AWAKE_SECONDS_PER_WAKE, wakeUpsUnder, type PushPolicy } from './pushPolicy.ts';
import type { Random } from './random.ts';
import type { Schedule } from './trafficSchedule.ts';

export type PushProviderRun = {
  readonly view: AdversaryView;
  readonly wakeUpsPerDevicePerDay: number;
  readonly coverShare: number;
  readonly awakeSecondsPerDevicePerDay: number;
};

export function pushProviderView(pop: Population, schedule: Schedule, policy: PushPolicy, rng: Random): PushProviderRun {
  const deliveries = schedule.messages.flatMap((m) => m.to.map((user) => ({ t: m.t, user })));
  const wakes = wakeUpsUnder(policy, deliveries, pop.handles.length, schedule.durationSeconds, rng);
  const sightings: Sighting[] = wakes.map((w) => ({ t: w.t, dst: pop.handles[w.user]! }));
  const days = schedule.durationSeconds / 86_400;
  const perDevice = wakes.length / pop.handles.length / days;
  return {
    view: {
      system: 'Hardline',
      adversary: `push provider, ${policy.level}`,
      sightings,
      target: pop.handles[PRINCIPAL]!,
      candidates: pop.handles.filter((_, u) => u !== PRINCIPAL),
      note: 'wake-up times per browser; coalescing, message delay and cover wake-ups per the privacy level',
    },
    wakeUpsPerDevicePerDay: perDevice,
    coverShare: wakes.length === 0 ? 0 : wakes.filter((w) => w.cover).length / wakes.length,
    awakeSecondsPerDevicePerDay: perDevice * AWAKE_SECONDS_PER_WAKE,
  };
}

/**
 * What this adversary would try beyond the generic timing attack: a reply wakes the one who
 * wrote first, some minutes after that person's partner was woken. Each of the target's
 * wake-ups credits the people woken in the `windowSeconds` before it, 1/k among k.
 */
export function replyAttack(sightings: readonly Sighting[], target: string, windowSeconds = 900): Map<string, number> {
  const scores = new Map<string, number>();
  let lo = 0;
  for (let i = 0; i < sightings.length; i++) {
    const s = sightings[i]!;
    if (s.dst !== target) continue;
    while (sightings[lo]!.t < s.t - windowSeconds) lo++;
    const seen = new Set<string>();
    for (let j = lo; j < i; j++) {
      const d = sightings[j]!.dst;
      if (d !== undefined && d !== target) seen.add(d);
    }
    for (const d of seen) scores.set(d, (scores.get(d) ?? 0) + 1 / seen.size);
  }
  return scores;
}
