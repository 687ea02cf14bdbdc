/**
 * @module relayTurnOperatorView
 * The live operator of the relay and of its TURN server: the relay's view (liveOperatorView.ts)
 * plus every call leg. TURN credentials are bought with an anonymous token, so a leg's username
 * names no one. What names a leg depends on what the operator sees:
 * - `trace`: no addresses. Each leg goes to the reader of the signal posted just before its
 *   allocation (anonymousLegs.ts); each anonymous post only by inference.
 * - `addresses`: source addresses, devices straight to the relay. Every connection and every
 *   leg is named by its address.
 * - `addresses behind a hop`: source addresses, with every device's anonymous actions (posts,
 *   claims, blob calls, TURN purchases) sent through the ingress hop (`hardline ingress`), so
 *   the relay sees the hop's address on those and the device's only on its authenticated
 *   connections: the relay's side is the trace's. TURN has no hop, so a leg is still named by
 *   its device's address.
 */
import type { AdversaryView } from './adversaryView.ts';
import { attributeLegs } from './anonymousLegs.ts';
import { liveOperatorView } from './liveOperatorView.ts';
import type { Population } from './population.ts';
import type { RelayRun } from './relayDriver.ts';
import { labelledLegSightings, turnSightings, type TurnLeg } from './turnView.ts';

export type OperatorSight = 'trace' | 'addresses' | 'addresses behind a hop';

const NAMES: Record<OperatorSight, string> = {
  trace: 'live relay+TURN operator (trace)',
  addresses: 'live relay+TURN operator + source IPs',
  'addresses behind a hop': 'live relay+TURN operator + source IPs, ingress hop',
};

export function relayTurnOperatorView(run: RelayRun, legs: readonly TurnLeg[], pop: Population, sight: OperatorSight): AdversaryView {
  const relay = liveOperatorView(run, pop, sight === 'addresses');
  const named = sight === 'trace' ? attributeLegs(legs, relay.sightings) : undefined;
  const legSightings = named ? labelledLegSightings(legs, (l) => named.get(l.leg)) : turnSightings(legs, pop);
  const legNote = named
    ? 'TURN legs (anonymous credentials) credited to the reader of the signal just before each allocation'
    : 'TURN legs named by their source address';
  return {
    ...relay,
    adversary: NAMES[sight],
    sightings: [...relay.sightings, ...legSightings].sort((a, b) => a.t - b.t),
    note: `${relay.note}${sight === 'addresses behind a hop' ? '; anonymous actions arrive from the ingress hop' : ''}; ${legNote}`,
  };
}
