/**
 * @module callReport
 * The calls' own figures: how many were made, and for each adversary that sees the TURN
 * server, how many call legs the coincidence attack pairs with the right other leg (from the
 * view's sightings alone; the call ids are used only to score), and how many of the
 * principal's answered calls it names the right partner for.
 */
import type { AttackResult } from './attackEvaluation.ts';
import type { Sighting } from './adversaryView.ts';
import { bestMatches, legsOf, type Leg } from './callCoincidenceAttack.ts';
import type { CallPlan } from './callSchedule.ts';
import { PRINCIPAL } from './population.ts';
import type { TurnLeg } from './turnView.ts';

export type CallPairing = { readonly adversary: string; readonly legsPaired: number; readonly legs: number; readonly principalCallsNamed: number; readonly principalCalls: number };

export function callPairings(results: readonly AttackResult[], legs: readonly TurnLeg[], handles: readonly string[]): CallPairing[] {
  return results.filter((r) => r.attack === 'call coincidence').map((r) => legPairing(r.view.adversary, r.view.sightings, legs, handles));
}

/** How seen legs are matched: the coincidence attack's, or another attack's on the same legs. */
export type LegMatcher = (legs: ReadonlyMap<string, Leg>) => Map<string, string[]>;

/**
 * One adversary's pairing of the real `legs` from its sightings alone. The sightings may hold
 * legs that belong to no call (cover legs): a real leg matched with one is not paired.
 */
export function legPairing(adversary: string, sightings: readonly Sighting[], legs: readonly TurnLeg[], handles: readonly string[], match: LegMatcher = bestMatches): CallPairing {
  const callOf = new Map(legs.map((l) => [l.leg, l] as const));
  const seen = legsOf(sightings);
  const matches = match(seen);
  let paired = 0;
  let named = 0;
  let principal = 0;
  for (const l of legs) {
    const best = matches.get(l.leg) ?? [];
    // Expected over tie-breaks, as precision@k is.
    const right = best.filter((m) => callOf.get(m)?.callId === l.callId).length / Math.max(1, best.length);
    paired += right;
    if (l.user === PRINCIPAL) {
      principal++;
      // Named: the attack pairs this leg with its other leg (either way round) and their
      // labels are the principal's and the partner's, on either leg: from the trace alone a
      // leg's label can be wrong, even swapped, and the attack still credits the partner.
      const other = legs.find((m) => m.callId === l.callId && m.leg !== l.leg);
      const a = seen.get(l.leg)?.label;
      const b = other && seen.get(other.leg)?.label;
      const linked = other !== undefined && (best.includes(other.leg) || (matches.get(other.leg) ?? []).includes(l.leg));
      const labelled = a !== undefined && b !== undefined && new Set([a, b, handles[PRINCIPAL]!, handles[other!.user]!]).size === 2 && a !== b;
      if (linked && labelled) named++;
    }
  }
  return { adversary, legsPaired: paired, legs: legs.length, principalCallsNamed: named, principalCalls: principal };
}

export function callLines(calls: readonly CallPlan[], pairings: readonly CallPairing[]): string {
  const answered = calls.filter((c) => c.answered);
  const principal = answered.filter((c) => c.caller === PRINCIPAL || c.callee === PRINCIPAL).length;
  const median = [...answered.map((c) => c.seconds)].sort((a, b) => a - b)[Math.floor(answered.length / 2)] ?? 0;
  return [
    `calls: ${calls.length} (${answered.length} answered, ${principal} of them the principal's; median ${Math.round(median)} s of media)`,
    ...pairings.map((p) => `  ${p.adversary}: legs paired with their other leg ${p.legsPaired.toFixed(0)}/${p.legs} (${((100 * p.legsPaired) / Math.max(1, p.legs)).toFixed(0)}%); the principal's calls with the right partner named ${p.principalCallsNamed.toFixed(0)}/${p.principalCalls}`),
  ].join('\n');
}
