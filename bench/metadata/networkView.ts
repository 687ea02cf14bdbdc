/**
 * @module networkView
 * A global passive network observer (the carrier, or anyone on the path to the relay): for
 * every device, when it opens a connection to the relay and when bytes go up or come down,
 * with sizes. No mailbox ids, no authentication, no event kinds beyond the direction. The
 * device behind each connection is its source address: exactly which simulated device opened
 * it, as recorded by the driver. A local observer on the principal's line alone sees only his
 * own connections and so has no one to rank at all.
 */
import type { AdversaryView, Sighting } from './adversaryView.ts';
import { PRINCIPAL, type Population } from './population.ts';
import type { RelayRun } from './relayDriver.ts';

const UPLOADS = new Set(['connect', 'auth', 'post', 'claim', 'ack']);

export function networkView(run: RelayRun, pop: Population): AdversaryView {
  const sightings: Sighting[] = [];
  for (const e of run.trace) {
    if (e.sim < 0) continue;
    const u = run.connUser.get(e.conn);
    if (u === undefined || u < 0) continue;
    const device = pop.handles[u]!;
    if (UPLOADS.has(e.kind)) sightings.push({ t: e.sim, src: device });
    else if (e.kind === 'push') sightings.push({ t: e.sim, dst: device });
  }
  sightings.sort((a, b) => a.t - b.t);
  return {
    system: 'Hardline',
    adversary: 'network observer',
    sightings,
    target: pop.handles[PRINCIPAL]!,
    candidates: pop.handles.filter((_, u) => u !== PRINCIPAL),
    note: 'per device (source address): connection opens, uploads and downloads with their times',
  };
}
