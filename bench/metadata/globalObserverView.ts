/**
 * @module globalObserverView
 * A global passive network observer who taps the relay's uplink and the TURN server's (a state
 * on the path; the adversary of our story). Per device (source address), as networkView.ts:
 * connection opens, uploads and downloads with their times, no mailbox and no event kind; plus,
 * on the TURN server's link, each call leg's allocation, media start and stop, with its volume.
 *
 * A held-open inbox (web app) connected when the tab opened, so of the driver's delivery rounds
 * only the download (the push) and the upload (the ack) are new at that moment: the rest of
 * those rounds (connect, auth, subscribe) is left out, which is what a held-open socket shows.
 */
import type { AdversaryView, Sighting } from './adversaryView.ts';
import { PRINCIPAL, type Population } from './population.ts';
import type { RelayRun } from './relayDriver.ts';
import { turnSightings, type TurnLeg } from './turnView.ts';

const UPLOADS = new Set(['connect', 'auth', 'post', 'claim', 'ack']);

/** `legs` undefined: the relay's link alone (messages only), to tell messages from calls. */
export function globalObserverView(run: RelayRun, legs: readonly TurnLeg[] | undefined, pop: Population): AdversaryView {
  const sightings: Sighting[] = [];
  for (const e of run.trace) {
    if (e.sim < 0) continue;
    const u = run.connUser.get(e.conn);
    if (u === undefined || u < 0) continue;
    const device = pop.handles[u]!;
    if (run.heldOpenConns.has(e.conn) && e.kind !== 'push' && e.kind !== 'ack') continue;
    if (UPLOADS.has(e.kind)) sightings.push({ t: e.sim, src: device });
    else if (e.kind === 'push') sightings.push({ t: e.sim, dst: device });
  }
  if (legs) sightings.push(...turnSightings(legs, pop));
  sightings.sort((a, b) => a.t - b.t);
  return {
    system: 'Hardline',
    adversary: legs ? 'global network observer (relay + TURN links)' : 'global network observer (relay link)',
    sightings,
    target: pop.handles[PRINCIPAL]!,
    candidates: pop.handles.filter((_, u) => u !== PRINCIPAL),
    note: 'per source address: relay connection opens, uploads, pushes to held-open inboxes; TURN allocations, media start/stop and volume',
  };
}
