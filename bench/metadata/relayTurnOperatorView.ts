/**
 * @module relayTurnOperatorView
 * The live operator of the relay and of its TURN server: the relay's view (liveOperatorView.ts,
 * trace only or with source addresses) plus every call leg, named by the TURN username it
 * minted for an authenticated device moments before (turnView.ts), so with or without addresses.
 */
import type { AdversaryView } from './adversaryView.ts';
import { liveOperatorView } from './liveOperatorView.ts';
import type { Population } from './population.ts';
import type { RelayRun } from './relayDriver.ts';
import { turnSightings, type TurnLeg } from './turnView.ts';

export function relayTurnOperatorView(run: RelayRun, legs: readonly TurnLeg[], pop: Population, withAddresses: boolean): AdversaryView {
  const relay = liveOperatorView(run, pop, withAddresses);
  return {
    ...relay,
    adversary: withAddresses ? 'live relay+TURN operator + source IPs' : 'live relay+TURN operator (trace)',
    sightings: [...relay.sightings, ...turnSightings(legs, pop)].sort((a, b) => a.t - b.t),
    note: `${relay.note}; TURN legs named by the credential minted for the device`,
  };
}
