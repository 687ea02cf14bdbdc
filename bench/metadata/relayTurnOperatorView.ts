/**
 * @module relayTurnOperatorView
 * The live operator of the relay and of its TURN server: the relay's view (liveOperatorView.ts,
 * trace only or with source addresses) plus every call leg. TURN credentials are bought with
 * an anonymous token, so a leg's username names no one: with addresses, the leg's source
 * address names its device; on the trace alone, the operator credits each leg to the reader of
 * the signal posted just before its allocation (anonymousLegs.ts).
 */
import type { AdversaryView } from './adversaryView.ts';
import { attributeLegs } from './anonymousLegs.ts';
import { liveOperatorView } from './liveOperatorView.ts';
import type { Population } from './population.ts';
import type { RelayRun } from './relayDriver.ts';
import { labelledLegSightings, turnSightings, type TurnLeg } from './turnView.ts';

export function relayTurnOperatorView(run: RelayRun, legs: readonly TurnLeg[], pop: Population, withAddresses: boolean): AdversaryView {
  const relay = liveOperatorView(run, pop, withAddresses);
  const named = withAddresses ? undefined : attributeLegs(legs, relay.sightings);
  const legSightings = named ? labelledLegSightings(legs, (l) => named.get(l.leg)) : turnSightings(legs, pop);
  return {
    ...relay,
    adversary: withAddresses ? 'live relay+TURN operator + source IPs' : 'live relay+TURN operator (trace)',
    sightings: [...relay.sightings, ...legSightings].sort((a, b) => a.t - b.t),
    note: withAddresses
      ? `${relay.note}; TURN legs named by their source address`
      : `${relay.note}; TURN legs (anonymous credentials) credited to the reader of the signal just before each allocation`,
  };
}
