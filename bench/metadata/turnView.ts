/**
 * @module turnView
 * The TURN server's side of each call, as coturn (or anyone on its links) sees it. coturn is
 * modelled, not run; its inputs are real: each leg allocates just after its device fetched
 * credentials from the real relay (the driver's record), media starts on both legs when the
 * last ice signal has landed and stops on both at the hangup, and each leg carries what its
 * side sends up and what the other side sends down (a relay-only call: A's upload is B's
 * download). Per leg: allocation, media start, media stop (with bytes up and down).
 *
 * Labels: the TURN server sees each leg's source address (the device's). The username names no
 * one (bought with an anonymous `turn` token), so the live operator without addresses has only
 * timing to name a leg by (anonymousLegs.ts).
 *
 * Seized disk: coturn runs with its log to /dev/null (packages/server/src/turn/coturnProcess.ts)
 * and keeps allocations in memory only, so a seizure of the TURN server yields no call.
 */
import type { Sighting } from './adversaryView.ts';
import type { CallRecord } from './appAction.ts';
import type { CallPlan } from './callSchedule.ts';
import type { Population } from './population.ts';
import type { Random } from './random.ts';

/** ICE gathering: the allocation follows the credential fetch by this much (s, plus jitter). */
const ALLOCATE_AFTER = 0.04;
/** DTLS/SRTP setup after the last candidate. */
const MEDIA_AFTER_ICE = 0.15;
/** Round-trip jitter between the two legs' first and last packets (s). */
const LEG_JITTER = 0.03;

export type TurnLeg = {
  readonly leg: string;
  readonly callId: string;
  readonly user: number;
  readonly alloc: number;
  readonly start: number;
  readonly stop: number;
  readonly up: number;
  readonly down: number;
};

export function turnLegs(calls: readonly CallPlan[], records: readonly CallRecord[], rng: Random): TurnLeg[] {
  const byCall = new Map<string, CallRecord[]>();
  for (const r of records) (byCall.get(r.callId) ?? byCall.set(r.callId, []).get(r.callId)!).push(r);
  const legs: TurnLeg[] = [];
  for (const c of calls) {
    const rs = byCall.get(c.callId) ?? [];
    const turn = (u: number): number | undefined => rs.find((r) => r.what === 'turn' && r.user === u)?.sim;
    const lastIce = Math.max(...rs.filter((r) => r.what === 'ice').map((r) => r.sim));
    const hangup = rs.find((r) => r.what === 'hangup')?.sim;
    const [ta, tb] = [turn(c.caller), turn(c.callee)];
    if (!c.answered || ta === undefined || tb === undefined || hangup === undefined || !Number.isFinite(lastIce)) continue;
    const start = lastIce + MEDIA_AFTER_ICE;
    const sent = c.bytesPerSecond.map((r) => r * (hangup - start));
    const side = (user: number, fetched: number, i: 0 | 1): TurnLeg => ({
      leg: `${c.callId}/${i}`,
      callId: c.callId,
      user,
      alloc: fetched + ALLOCATE_AFTER + rng.exp(0.02),
      start: start + rng.next() * LEG_JITTER,
      stop: hangup + rng.next() * LEG_JITTER,
      up: sent[i]!,
      down: sent[1 - i]!,
    });
    legs.push(side(c.caller, ta, 0), side(c.callee, tb, 1));
  }
  return legs;
}

/** Each leg's three events as sightings labelled `label(leg)`; a leg its adversary cannot name is left out. */
export function labelledLegSightings(legs: readonly TurnLeg[], label: (leg: TurnLeg) => string | undefined): Sighting[] {
  return legs.flatMap((l) => {
    const src = label(l);
    if (src === undefined) return [];
    return [
      { t: l.alloc, src, call: { leg: l.leg, event: 'alloc' as const } },
      { t: l.start, src, call: { leg: l.leg, event: 'start' as const } },
      { t: l.stop, src, call: { leg: l.leg, event: 'stop' as const, up: l.up, down: l.down } },
    ];
  });
}

/** Each leg's three events labelled with its device's person: what anyone who sees its source address has. */
export function turnSightings(legs: readonly TurnLeg[], pop: Population): Sighting[] {
  return labelledLegSightings(legs, (l) => pop.handles[l.user]);
}
