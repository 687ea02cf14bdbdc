/**
 * TURN credentials are anonymous now, so the metadata bench's live operator without source
 * addresses must name a call leg the way that operator can: from the signal it relayed just
 * before the allocation, never from the device that really holds the leg. If the view fell
 * back on the leg's true owner, the bench would report the call graph as readable when the
 * operator can only guess it.
 */
import { describe, expect, it } from 'vitest';
import type { Sighting } from '../../bench/metadata/adversaryView.ts';
import { ATTRIBUTION_SECONDS, attributeLegs } from '../../bench/metadata/anonymousLegs.ts';
import { callCoincidenceAttack } from '../../bench/metadata/callCoincidenceAttack.ts';
import type { Population } from '../../bench/metadata/population.ts';
import type { RelayRun } from '../../bench/metadata/relayDriver.ts';
import { relayTurnOperatorView } from '../../bench/metadata/relayTurnOperatorView.ts';
import { labelledLegSightings, type TurnLeg } from '../../bench/metadata/turnView.ts';

const leg = (id: string, user: number, alloc: number): TurnLeg => ({ leg: id, callId: 'c', user, alloc, start: alloc + 1, stop: alloc + 60, up: 6e5, down: 6e5 });

describe('anonymous call legs in the live operator view', () => {
  it('credits a leg to the reader of the last signal before its allocation, not to its owner', () => {
    const relay: Sighting[] = [
      { t: 90, dst: 'carol' },
      { t: 97, dst: 'dave' },
      { t: 99.5, src: 'erin' }, // a sender seen, no receiver: not a prompt
      { t: 101, dst: 'frank' }, // after the allocation
    ];
    const named = attributeLegs([leg('L', 0, 100)], relay);
    expect(named.get('L')).toBe('dave');
  });

  it('leaves a leg unnamed when nothing reached anyone shortly before it', () => {
    const relay: Sighting[] = [{ t: 100 - ATTRIBUTION_SECONDS - 1, dst: 'carol' }];
    expect(attributeLegs([leg('L', 0, 100)], relay).size).toBe(0);
    expect(labelledLegSightings([leg('L', 0, 100)], () => undefined)).toEqual([]);
  });

  it('with a cover post between the ring and the allocation, the coincidence attack names the wrong partner', () => {
    // Bob (callee) was rung at 95 and allocates at 100; a cover post into carol's own mailbox
    // at 99 is the last signal before it. Alice (caller) allocates at 100.1 after the accept.
    const legs = [leg('A', 0, 100.1), leg('B', 1, 100)];
    const relay: Sighting[] = [
      { t: 95, dst: 'bob' },
      { t: 99, dst: 'carol' },
      { t: 100.05, dst: 'alice' },
    ];
    const named = attributeLegs(legs, relay);
    const sightings = labelledLegSightings(legs, (l) => named.get(l.leg)).sort((a, b) => a.t - b.t);
    expect(callCoincidenceAttack(sightings, 'alice')).toEqual(new Map([['carol', 1]]));
  });
});

describe('the live operator behind an ingress hop', () => {
  // Conn 1: bob's inbox (authenticated); conn 2: alice's anonymous post into bob's mailbox,
  // opened from alice's address. One call leg of alice's on TURN.
  const run = {
    trace: [
      { t: 0, sim: 1, kind: 'auth', conn: 1, device: 'dev-bob' },
      { t: 0, sim: 1.1, kind: 'subscribe', conn: 1, mailboxId: 'mb-bob' },
      { t: 0, sim: 5, kind: 'post', conn: 2, mailboxId: 'mb-bob' },
    ],
    deviceIds: ['dev-alice', 'dev-bob'],
    connUser: new Map([
      [1, 1],
      [2, 0],
    ]),
    heldOpenConns: new Set<number>(),
    slots: { level: 'balanced' },
  } as unknown as RelayRun;
  const pop = { handles: ['alice', 'bob'], edges: [], groups: [] } satisfies Population;
  const legs = [leg('A', 0, 50)];

  it('sees the post as anonymous, as on the trace, and still names the TURN leg by its address', () => {
    const direct = relayTurnOperatorView(run, legs, pop, 'addresses');
    const hop = relayTurnOperatorView(run, legs, pop, 'addresses behind a hop');
    const postBy = (v: typeof hop) => v.sightings.filter((s) => s.t === 5).map((s) => s.src);
    expect(postBy(direct)).toEqual(['alice']);
    expect(postBy(hop)).toEqual([undefined]);
    expect(hop.sightings.filter((s) => s.call).map((s) => s.src)).toEqual(['alice', 'alice', 'alice']);
  });
});
