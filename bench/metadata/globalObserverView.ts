/**
 * @module globalObserverView
 * A global passive network observer who taps the relay's uplink and the TURN server's (a state
 * on the path; the adversary of our story). Per device (source address): connection opens,
 * uploads and downloads with their times, no mailbox and no event kind (traceEvents.ts); plus,
 * on the TURN server's link, each call leg's allocation, media start and stop, with its volume.
 *
 * A held-open inbox (web app) connected when the tab opened, so of the driver's delivery rounds
 * only the download (the push) and the upload (the ack) are new at that moment: the rest of
 * those rounds (connect, auth, subscribe) is left out, which is what a held-open socket shows.
 *
 * `link`: the relay link's sightings with the relay's push rounds applied (pushRoundsModel.ts);
 * without it, pushes as the trace has them (each at once after its post): the view before rounds.
 * `woken`: closed tabs' inbox reads after Web Push wake-ups (wakeFetches.ts), which the driver
 * does not run: a closed tab is otherwise silent in the trace.
 */
import type { AdversaryView, Sighting } from './adversaryView.ts';
import { PRINCIPAL, type Population } from './population.ts';
import type { RelayRun } from './relayDriver.ts';
import { linkSightings } from './traceEvents.ts';
import { turnSightings, type TurnLeg } from './turnView.ts';

/** The views' suffix for the relay without push rounds, kept beside the rounds' views for the comparison. */
export const PUSHES_AT_ONCE = ', pushes at once';

/** `legs` undefined: the relay's link alone (messages only), to tell messages from calls. */
export function globalObserverView(run: RelayRun, legs: readonly TurnLeg[] | undefined, pop: Population, link: readonly Sighting[] | undefined, woken: readonly Sighting[]): AdversaryView {
  const sightings = [...(link ?? linkSightings(run, pop)), ...woken];
  if (legs) sightings.push(...turnSightings(legs, pop));
  sightings.sort((a, b) => a.t - b.t);
  return {
    system: 'Hardline',
    adversary: `${legs ? 'global network observer (relay + TURN links)' : 'global network observer (relay link)'}${link ? '' : PUSHES_AT_ONCE}`,
    sightings,
    target: pop.handles[PRINCIPAL]!,
    candidates: pop.handles.filter((_, u) => u !== PRINCIPAL),
    note: 'per source address: relay connection opens, uploads, pushes to held-open inboxes, closed tabs\' inbox reads on wake-ups; TURN allocations, media start/stop and volume',
  };
}
