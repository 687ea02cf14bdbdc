/**
 * The call defences as the metadata bench models them (issue 12): randomised allocation
 * lifetimes and cover legs, against the call attacks on TURN's link. Without a defence the
 * coincidence attack pairs every leg with its other leg. Spreading each leg's allocation, first
 * and last packet (and so its CBR volume) by an independent lead and tail must make it pair
 * clearly fewer; cover legs alone must not be claimed to (the real legs still coincide), but
 * with the lifetimes they must take pairs from the overlap attack, which spread edges alone do
 * not stop. Each draw is seeded: no figure here depends on the clock.
 */
import { describe, expect, it } from 'vitest';
import { LIFETIME_SPREADS, randomiseLifetimes } from '../../bench/metadata/allocationLifetimes.ts';
import { QUICK_CONFIG } from '../../bench/metadata/benchConfig.ts';
import { bestMatches } from '../../bench/metadata/callCoincidenceAttack.ts';
import { runCallDefences } from '../../bench/metadata/callDefenceRun.ts';
import { bestOverlaps } from '../../bench/metadata/callOverlapAttack.ts';
import { legPairing, type LegMatcher } from '../../bench/metadata/callReport.ts';
import { atConstantBitrate } from '../../bench/metadata/cbrMedia.ts';
import { coverLegs } from '../../bench/metadata/coverLegs.ts';
import { seededRandom } from '../../bench/metadata/random.ts';
import { labelledLegSightings, type TurnLeg } from '../../bench/metadata/turnView.ts';
import type { WebAppPlan } from '../../bench/metadata/webAppDevice.ts';

// 20 calls, one every 10 minutes, each between its own two people (users 2i and 2i + 1), as
// turnView.ts times them: allocations 20 ms apart, media edges within 30 ms, mirrored volume.
const CALLS = 20;
const USERS = 2 * CALLS;
const handles = Array.from({ length: USERS }, (_, u) => `user${u}`);
function realLegs(): TurnLeg[] {
  const rng = seededRandom(12);
  return Array.from({ length: CALLS }, (_, i) => {
    const start = 600 * (i + 1);
    const stop = start + 120 + rng.next() * 180;
    const rates = [6000 * (0.85 + 0.3 * rng.next()), 6000 * (0.85 + 0.3 * rng.next())];
    return [0, 1].map((side) => ({
      leg: `c${i}/${side}`,
      callId: `c${i}`,
      user: 2 * i + side,
      alloc: start - 1 + 0.02 * side,
      start: start + 0.03 * rng.next(),
      stop: stop + 0.03 * rng.next(),
      up: rates[side]! * (stop - start),
      down: rates[1 - side]! * (stop - start),
    }));
  }).flat();
}
// Every device's tab open all along, so cover legs can fall anywhere among the calls.
const allOpen: WebAppPlan = { isWebApp: handles.map(() => true), open: handles.map(() => [[0, 600 * (CALLS + 1)]]), polls: handles.map(() => []), actions: [] };

const paired = (legs: readonly TurnLeg[], cover: readonly TurnLeg[], match: LegMatcher = bestMatches): number => {
  const sightings = labelledLegSightings([...legs, ...cover], (l) => handles[l.user]).sort((a, b) => a.t - b.t);
  return legPairing('TURN link', sightings, legs, handles, match).legsPaired;
};

describe('call defences against the coincidence of the two legs', () => {
  const legs = realLegs();

  it('without a defence, the coincidence attack pairs every leg with its other leg', () => {
    expect(paired(legs, [])).toBe(2 * CALLS);
  });

  it('with randomised allocation lifetimes it pairs at most a quarter at balanced, no more at strict', () => {
    const balanced = paired(randomiseLifetimes(legs, LIFETIME_SPREADS.balanced, seededRandom(1)), []);
    const strict = paired(randomiseLifetimes(legs, LIFETIME_SPREADS.strict, seededRandom(1)), []);
    expect(balanced).toBeLessThanOrEqual(CALLS / 2);
    expect(strict).toBeLessThanOrEqual(balanced);
  });

  it('cover legs alone leave the real legs coinciding: the coincidence attack still pairs them all', () => {
    const cover = coverLegs(allOpen, 2, seededRandom(2));
    expect(cover.length).toBeGreaterThan(100);
    expect(paired(atConstantBitrate(legs), cover)).toBe(2 * CALLS);
  });

  it('spread edges alone do not stop the overlap attack; dense cover legs with strict spreads take pairs from it', () => {
    expect(paired(randomiseLifetimes(legs, LIFETIME_SPREADS.balanced, seededRandom(1)), [], bestOverlaps)).toBe(2 * CALLS);
    const strict = randomiseLifetimes(legs, LIFETIME_SPREADS.strict, seededRandom(1));
    // Two cover legs an hour on each of 40 open devices: about six open at any moment.
    const withCover = paired(strict, coverLegs(allOpen, 2, seededRandom(2)), bestOverlaps);
    expect(withCover).toBeLessThanOrEqual(0.75 * 2 * CALLS);
    expect(withCover).toBeLessThan(paired(strict, [], bestOverlaps));
  });
});

describe('the calls-only run at quick size', () => {
  const run = runCallDefences(QUICK_CONFIG, ['balanced', 'strict']);
  const row = (level: string, defence: string) => run.rows.find((r) => r.level === level && r.defence === defence)!;

  it('measures before and after on the same legs: none pairs all, randomised lifetimes clearly fewer', () => {
    expect(run.legs.length).toBeGreaterThan(20);
    for (const level of ['balanced', 'strict']) {
      expect(row(level, 'none').coincidence.pairing.legsPaired).toBe(run.legs.length);
      expect(row(level, 'randomised lifetimes').coincidence.pairing.legsPaired).toBeLessThanOrEqual(run.legs.length / 4);
      expect(row(level, 'both').coincidence.pairing.legs).toBe(run.legs.length);
    }
  });

  it('charges each defence its bytes: lifetimes per leg, cover per device, none nothing', () => {
    expect(row('balanced', 'none').extraMbPerDeviceMonth).toBe(0);
    expect(row('balanced', 'randomised lifetimes').extraMbPerLeg).toBeGreaterThan(0);
    expect(row('strict', 'cover legs').extraMbPerDeviceMonth).toBeGreaterThan(row('balanced', 'cover legs').extraMbPerDeviceMonth);
  });
});
