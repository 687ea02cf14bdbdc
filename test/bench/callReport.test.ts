/**
 * The bench's call line says for how many of the principal's calls an adversary names the
 * right partner. With anonymous TURN credentials the live operator labels legs by guesswork,
 * so a label can be wrong or swapped; the count must follow what the attack credits, not the
 * legs' true owners (0/4 was printed while the attack still ranked the partners).
 */
import { describe, expect, it } from 'vitest';
import type { AttackResult } from '../../bench/metadata/attackEvaluation.ts';
import { callPairings } from '../../bench/metadata/callReport.ts';
import { labelledLegSightings, type TurnLeg } from '../../bench/metadata/turnView.ts';

const handles = ['alice', 'bob', 'carol'];
const leg = (id: string, user: number): TurnLeg => ({ leg: id, callId: 'c1', user, alloc: 100, start: 101, stop: 160, up: 6e5, down: 6e5 });
const legs = [leg('c1/0', 0), leg('c1/1', 1)];
const result = (labels: Record<string, string>) =>
  ({ attack: 'call coincidence', view: { adversary: 'op', sightings: labelledLegSightings(legs, (l) => labels[l.leg]).sort((a, b) => a.t - b.t) } }) as unknown as AttackResult;

describe("the principal's calls named", () => {
  it('counts a call whose labels are right', () => {
    expect(callPairings([result({ 'c1/0': 'alice', 'c1/1': 'bob' })], legs, handles)[0]!.principalCallsNamed).toBe(1);
  });
  it('counts a call whose labels are swapped: the attack still credits bob', () => {
    expect(callPairings([result({ 'c1/0': 'bob', 'c1/1': 'alice' })], legs, handles)[0]!.principalCallsNamed).toBe(1);
  });
  it('does not count a call with a wrong partner or a leg left unnamed', () => {
    expect(callPairings([result({ 'c1/0': 'alice', 'c1/1': 'carol' })], legs, handles)[0]!.principalCallsNamed).toBe(0);
    expect(callPairings([result({ 'c1/0': 'alice' })], legs, handles)[0]!.principalCallsNamed).toBe(0);
  });
});
