/**
 * Closed tabs' inbox reads as the global observer of the relay's link sees them (issue 12),
 * timed by the relay's own WakeSchedule and WAKE_POLICIES. Played from the observer's side:
 * with each message's own wake-up (the relay until 2026-12-04), a closed recipient's device
 * shows up on the link within seconds of every message written to it, which is what let the
 * disclosure attack name the principal's partners. With messages riding cover wake-ups, the
 * reads must be the same, to the millisecond, whether or not anyone wrote: nothing in them
 * can follow a message. Seeded: no figure here depends on the clock.
 */
import { describe, expect, it } from 'vitest';
import { WAKE_POLICIES } from '../../packages/server/src/push/wakePolicy.ts';
import { DRAIN_FLOOR } from '../../packages/server/src/ws/inboxConnection.ts';
import { QUICK_CONFIG } from '../../bench/metadata/benchConfig.ts';
import { OWN_WAKE_POLICIES, runPresence } from '../../bench/metadata/presenceRun.ts';
import { seededRandom } from '../../bench/metadata/random.ts';
import type { SimMessage } from '../../bench/metadata/trafficSchedule.ts';
import { wakeFetchSightings } from '../../bench/metadata/wakeFetches.ts';
import type { WebAppPlan } from '../../bench/metadata/webAppDevice.ts';

const DAY = 86_400;
const handles = ['principal', 'partner', 'stranger', 'cli'];
// The principal's tab is open all day; the partner's and the stranger's never; `cli` polls.
const plan: WebAppPlan = { isWebApp: [true, true, true, false], open: [[[0, DAY]], [], [], []], polls: [[], [], [], []], actions: [] };
// 40 messages from the principal to his partner, one every half hour from 02:00.
const messages: SimMessage[] = Array.from({ length: 40 }, (_, id) => ({ id, t: 7200 + 1800 * id, from: 0, to: [1] }));

const readsOf = (label: string, sightings: readonly { t: number; src?: string }[]): number[] => sightings.filter((s) => s.src === label).map((s) => s.t);

describe('closed tabs\' inbox reads on wake-ups', () => {
  it('each message\'s own wake-up: the partner is read on the link within seconds of every message', () => {
    const woken = wakeFetchSightings(handles, plan, messages, OWN_WAKE_POLICIES.balanced, DAY, seededRandom(1));
    const reads = readsOf('partner', woken.sightings);
    // The delay, or the coalescing window after a cover wake-up just before the message.
    const bound = (OWN_WAKE_POLICIES.balanced.maxDelayMs + OWN_WAKE_POLICIES.balanced.coalesceMs) / 1000 + 4;
    const followed = messages.filter((m) => reads.some((t) => t >= m.t && t <= m.t + bound)).length;
    expect(followed).toBe(messages.length);
    // Each its own (a cover wake-up that happens to go while one is due carries it instead).
    expect(woken.messageWakes).toBeGreaterThan(messages.length - 3);
    // Nothing for the open tab, nothing for a CLI device (no push).
    expect(readsOf('principal', woken.sightings)).toEqual([]);
    expect(readsOf('cli', woken.sightings)).toEqual([]);
  });

  for (const level of ['balanced', 'strict'] as const) {
    it(`${level}: messages ride cover wake-ups: the partner's reads are the same with or without the messages`, () => {
      const written = wakeFetchSightings(handles, plan, messages, WAKE_POLICIES[level], DAY, seededRandom(2));
      const silent = wakeFetchSightings(handles, plan, [], WAKE_POLICIES[level], DAY, seededRandom(2));
      expect(written.messageWakes).toBe(0);
      expect(readsOf('partner', written.sightings)).toEqual(readsOf('partner', silent.sightings));
      // Cover reads at the level's rate, and each message read at the next one.
      expect(written.coverWakes).toBeGreaterThan(WAKE_POLICIES[level].coverPerDay);
      expect(written.notifyDelays).toHaveLength(messages.length);
      const mean = written.notifyDelays.reduce((s, d) => s + d, 0) / messages.length;
      expect(mean).toBeGreaterThan(0);
      expect(mean).toBeLessThan((4 * DAY) / WAKE_POLICIES[level].coverPerDay);
    });
  }
});

describe('the global observer on presence and wake-up reads, over seeds', () => {
  // 20 populations of 50 over 7 simulated days: seconds, seeded, so the means are fixed.
  const config = { ...QUICK_CONFIG, callsPerMessage: 0, days: 7 };
  const seeds = Array.from({ length: 20 }, (_, i) => i + 1);
  const meanAtDay7 = (run: ReturnType<typeof runPresence>): number => run.seeds.reduce((s, x) => s + x.p5.disclosure[6]!, 0) / run.seeds.length;

  it('names partners from reads that follow messages, and nothing beyond presence from reads that ride cover', () => {
    // Against the same seeds' open tabs alone: 20 seeds are too few to sit at chance on their own.
    const presence = meanAtDay7(runPresence(config, seeds));
    const own = meanAtDay7(runPresence(config, seeds, OWN_WAKE_POLICIES.balanced));
    const riding = meanAtDay7(runPresence(config, seeds, WAKE_POLICIES.balanced));
    console.log(`disclosure P@5 at day 7, mean of ${seeds.length} seeds: open tabs alone ${presence.toFixed(2)}, + own wake-ups ${own.toFixed(2)}, + riding cover ${riding.toFixed(2)}`);
    expect(own).toBeGreaterThan(presence + 0.1);
    expect(riding).toBeLessThanOrEqual(presence + 0.02);
  });

  it('an observer who reads sizes names partners from reads longer than an empty one; the relay\'s drain floor leaves it nothing beyond presence', () => {
    const presence = meanAtDay7(runPresence(config, seeds));
    const unpadded = meanAtDay7(runPresence(config, seeds, WAKE_POLICIES.balanced, 0));
    const padded = meanAtDay7(runPresence(config, seeds, WAKE_POLICIES.balanced, DRAIN_FLOOR));
    console.log(`size-reading observer, disclosure P@5 at day 7: open tabs alone ${presence.toFixed(2)}, reads not padded ${unpadded.toFixed(2)}, drain floor ${DRAIN_FLOOR} ${padded.toFixed(2)}`);
    expect(unpadded).toBeGreaterThan(presence + 0.1);
    expect(padded).toBeLessThanOrEqual(presence + 0.03);
  });
});
