/**
 * @module traceEvents
 * The observer trace as the views read it: only what happened once the run began (setup,
 * at negative simulated time, is nobody's traffic), each event with the user whose device opened
 * its connection (the source address; -1 or undefined when none did). One place for the
 * filtering that every view and the cost figures share.
 */
import type { Sighting } from './adversaryView.ts';
import type { Population } from './population.ts';
import type { RelayRun, TraceEvent } from './relayDriver.ts';

/** Event kinds a link observer sees going up to the relay; a push is the one coming down. */
const UPLOADS = new Set(['connect', 'auth', 'post', 'claim', 'ack']);

export function runEvents(run: RelayRun): TraceEvent[] {
  return run.trace.filter((e) => e.sim >= 0);
}

/** The user behind a connection, if a device of the population opened it. */
export function sourceUser(run: RelayRun, conn: number): number | undefined {
  const u = run.connUser.get(conn);
  return u === undefined || u < 0 ? undefined : u;
}

/**
 * What a passive observer of the relay's link sees, per source address: uploads and pushes
 * with their times. A held-open inbox connected when the tab opened, so of the driver's rounds
 * on it only the push and the ack are new at that moment.
 */
export function linkSightings(run: RelayRun, pop: Population): Sighting[] {
  const sightings: Sighting[] = [];
  for (const e of run.trace) {
    if (e.sim < 0) continue;
    const u = sourceUser(run, e.conn);
    if (u === undefined) continue;
    if (run.heldOpenConns.has(e.conn) && e.kind !== 'push' && e.kind !== 'ack') continue;
    const device = pop.handles[u]!;
    if (UPLOADS.has(e.kind)) sightings.push({ t: e.sim, src: device });
    else if (e.kind === 'push') sightings.push({ t: e.sim, dst: device });
  }
  return sightings;
}
