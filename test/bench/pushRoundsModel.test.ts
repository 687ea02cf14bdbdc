/**
 * The metadata bench's model of the relay's push rounds must time pushes as the relay does
 * (packages/server/src/ws/pushRounds.ts), or its global-observer figures measure something else:
 * each push on a held-open inbox at the first round boundary after it, its ack moved with it,
 * nothing else moved, cover only at boundaries while the tab is open and only where no real
 * push went, and nothing at all changed at `off`.
 */
import { describe, expect, it } from 'vitest';
import { PUSH_ROUND_POLICIES } from '../../packages/server/src/ws/pushRoundPolicy.ts';
import { pushRoundSightings } from '../../bench/metadata/pushRoundsModel.ts';
import { seededRandom } from '../../bench/metadata/random.ts';
import type { RelayRun } from '../../bench/metadata/relayDriver.ts';
import type { Population } from '../../bench/metadata/population.ts';
import type { WebAppPlan } from '../../bench/metadata/webAppDevice.ts';

const pop = { handles: ['alice', 'bob'], edges: [], groups: [] } satisfies Population;
// Conn 1: alice posts (not held open); conn 2: bob's held-open inbox gets the push, acks it.
const run = {
  trace: [
    { t: 0, sim: 10.2, kind: 'post', conn: 1 },
    { t: 0, sim: 10.23, kind: 'push', conn: 2 },
    { t: 0, sim: 10.235, kind: 'ack', conn: 2 },
  ],
  connUser: new Map([
    [1, 0],
    [2, 1],
  ]),
  heldOpenConns: new Set([2]),
} as unknown as RelayRun;
const plan = { isWebApp: [false, true], open: [[], [[0, 100]]], polls: [[], []], actions: [] } satisfies WebAppPlan;

describe('push rounds in the metadata bench', () => {
  it('moves a push and its ack to the next boundary, leaves the post, adds cover only at other boundaries of the open tab', () => {
    const { sightings, stats } = pushRoundSightings(run, pop, plan, PUSH_ROUND_POLICIES.balanced, seededRandom(1));
    const post = sightings.filter((s) => s.src === 'alice');
    expect(post.map((s) => s.t)).toEqual([10.2]);
    const downs = sightings.filter((s) => s.dst === 'bob').map((s) => s.t);
    const real = downs.find((t) => t > 10.2 && t <= 11.2)!;
    expect(real).toBeGreaterThan(10.23);
    // All downloads, real and cover, on one lattice of 1 s inside the open interval.
    for (const t of downs) {
      expect(Math.abs((t - real) - Math.round(t - real))).toBeLessThan(1e-9);
      expect(t).toBeGreaterThanOrEqual(0);
      expect(t).toBeLessThan(100);
    }
    expect(new Set(downs).size).toBe(downs.length);
    // The real ack keeps its 5 ms gap after the moved push.
    expect(sightings.some((s) => s.src === 'bob' && Math.abs(s.t - (real + 0.005)) < 1e-9)).toBe(true);
    expect(stats.realPushes).toBe(1);
    expect(stats.coverPushes).toBe(downs.length - 1);
    // One in ten of the ~99 other boundaries.
    expect(stats.coverPushes).toBeGreaterThan(2);
    expect(stats.coverPushes).toBeLessThan(25);
  });

  it('strict: one download per boundary of the open tab, real or cover, never both', () => {
    const { sightings } = pushRoundSightings(run, pop, plan, PUSH_ROUND_POLICIES.strict, seededRandom(2));
    const downs = sightings.filter((s) => s.dst === 'bob').map((s) => s.t);
    expect(downs).toHaveLength(100 / 5);
    expect(new Set(downs).size).toBe(downs.length);
  });

  it('changes nothing at off', () => {
    const { sightings, stats } = pushRoundSightings(run, pop, plan, PUSH_ROUND_POLICIES.off, seededRandom(1));
    expect(sightings.map((s) => s.t)).toEqual([10.2, 10.23, 10.235]);
    expect(stats.coverPushes).toBe(0);
  });
});
