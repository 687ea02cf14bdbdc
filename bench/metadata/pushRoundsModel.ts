/**
 * @module pushRoundsModel
 * The relay's push rounds (packages/server/src/ws/pushRounds.ts) as a global observer of the
 * relay's link sees them, applied to the run's trace on the simulated clock: the relay under
 * the bench runs with rounds off (its timers would run on real time, which means nothing here),
 * and this module moves what it pushed to held-open inboxes to the round boundary the relay
 * would have used, with the same policy (`PUSH_ROUND_POLICIES`) and the same lattice
 * (`nextRoundBoundary`), and adds the cover pushes the relay would have sent.
 *
 * - Each push on a held-open inbox connection leaves at the first boundary after it; the
 *   device's ack of it moves with it (same gap after the push).
 * - At every boundary while a web-app user's tab is open and nothing real went to that user
 *   at that boundary, a cover push comes at the level's chance, and its ack after the median
 *   real push → ack gap of the run (the client acks what it drops).
 * Left out: call signalling posted `now` goes at once at `balanced` at the relay, but the trace
 * does not say which posts were marked so, so here every push waits for its round (this favours
 * the defence for call signalling only; calls are paired on TURN's link anyway).
 */
import type { PushRoundPolicy } from '../../packages/server/src/ws/pushRoundPolicy.ts';
import { nextRoundBoundary } from '../../packages/server/src/ws/pushRounds.ts';
import type { Sighting } from './adversaryView.ts';
import type { Population } from './population.ts';
import type { Random } from './random.ts';
import type { RelayRun } from './relayDriver.ts';
import { linkSightings, sourceUser } from './traceEvents.ts';
import type { WebAppPlan } from './webAppDevice.ts';

/** As linkSightings (traceEvents.ts): what goes up to the relay; a push is what comes down. */
const UPLOADS = new Set(['connect', 'auth', 'post', 'claim', 'ack']);

export type PushRoundsStats = { readonly realPushes: number; readonly coverPushes: number; readonly openSeconds: number };

function median(xs: number[]): number {
  if (xs.length === 0) return 0.005;
  xs.sort((a, b) => a - b);
  return xs[Math.floor(xs.length / 2)]!;
}

/** The relay link's sightings with push rounds at `policy` (rounds off: linkSightings unchanged). */
export function pushRoundSightings(run: RelayRun, pop: Population, plan: WebAppPlan, policy: PushRoundPolicy, rng: Random): { sightings: Sighting[]; stats: PushRoundsStats } {
  if (policy.roundMs <= 0) return { sightings: linkSightings(run, pop), stats: { realPushes: 0, coverPushes: 0, openSeconds: 0 } };
  const round = policy.roundMs / 1000;
  const phase = rng.next() * round;
  const shift = new Map<number, number>();
  const ackGaps: number[] = [];
  const lastPush = new Map<number, number>();
  const realAt = new Map<number, Set<number>>();
  const sightings: Sighting[] = [];
  let realPushes = 0;
  for (const e of run.trace) {
    if (e.sim < 0) continue;
    const u = sourceUser(run, e.conn);
    if (u === undefined) continue;
    const device = pop.handles[u]!;
    if (!run.heldOpenConns.has(e.conn)) {
      if (UPLOADS.has(e.kind)) sightings.push({ t: e.sim, src: device });
      else if (e.kind === 'push') sightings.push({ t: e.sim, dst: device });
      continue;
    }
    if (e.kind === 'push') {
      const at = nextRoundBoundary(phase, round, e.sim);
      shift.set(e.conn, at - e.sim);
      lastPush.set(e.conn, e.sim);
      (realAt.get(u) ?? realAt.set(u, new Set()).get(u)!).add(Math.round((at - phase) / round));
      sightings.push({ t: at, dst: device });
      realPushes++;
    } else if (e.kind === 'ack') {
      const pushedAt = lastPush.get(e.conn);
      if (pushedAt !== undefined) ackGaps.push(e.sim - pushedAt);
      sightings.push({ t: e.sim + (shift.get(e.conn) ?? 0), src: device });
    }
  }
  const ackGap = median(ackGaps);
  let coverPushes = 0;
  let openSeconds = 0;
  for (let u = 0; u < pop.handles.length; u++) {
    if (!plan.isWebApp[u]) continue;
    const device = pop.handles[u]!;
    const real = realAt.get(u);
    for (const [a, b] of plan.open[u]!) {
      openSeconds += b - a;
      for (let k = Math.ceil((a - phase) / round); phase + k * round < b; k++) {
        if (real?.has(k) || rng.next() >= policy.coverChance) continue;
        const t = phase + k * round;
        sightings.push({ t, dst: device }, { t: t + ackGap, src: device });
        coverPushes++;
      }
    }
  }
  sightings.sort((x, y) => x.t - y.t);
  return { sightings, stats: { realPushes, coverPushes, openSeconds } };
}
