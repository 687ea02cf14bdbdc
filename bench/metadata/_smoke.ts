import { QUICK_CONFIG, FULL_CONFIG } from './benchConfig.ts';
import { seededRandom } from './random.ts';
import { simulatePopulation } from './population.ts';
import { simulateTraffic } from './trafficSchedule.ts';
import { principalGroundTruth } from './groundTruth.ts';
import { driveRelay } from './relayDriver.ts';
const cfg = process.env.FULL ? FULL_CONFIG : QUICK_CONFIG;
const rng = seededRandom(cfg.seed);
const pop = simulatePopulation(cfg, rng);
const sched = simulateTraffic(pop, cfg, rng);
const gt = principalGroundTruth(pop, sched);
console.log('edges', pop.edges.length, 'msgs', sched.messages.length, 'actions', sched.actions.length, 'polls', sched.actions.filter(a=>a.kind==='poll').length);
console.log('gt', gt.ranked.slice(0, 12).map(h => `${h}:${gt.counts.get(h)}`).join(' '));
if (process.env.DRIVE) {
  const run = await driveRelay(pop, sched, rng);
  console.log(run.stats, run.trace.length);
  const kinds: Record<string, number> = {};
  for (const e of run.trace) kinds[e.kind] = (kinds[e.kind] ?? 0) + 1;
  console.log(kinds);
}
process.exit(0);
