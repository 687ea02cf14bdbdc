/**
 * @module anonymousLegs
 * How the live operator of relay and TURN names a call leg when it has no source address.
 * Since TURN credentials are bought with an anonymous `turn` token (POST /v1/turn/credentials),
 * the username names no one: an expiry and 128 random bits. What the operator still has is
 * timing. A device allocates right after a signal reached it: the callee seconds after the
 * ring was posted into a mailbox it reads, the caller milliseconds after the accept. So the
 * operator credits each allocation to the reader of the last post (or push, or claim) it saw
 * just before it, within `ATTRIBUTION_SECONDS`, the best guess from the trace alone. Cover posts
 * and other people's traffic in that window make the guess wrong; a leg with nothing before it
 * stays unnamed and is left out (it ranks no one).
 */
import type { Sighting } from './adversaryView.ts';
import { lowerBound } from './sightingWindow.ts';
import type { TurnLeg } from './turnView.ts';

/** How far back from an allocation the operator looks for the signal that prompted it (s). */
export const ATTRIBUTION_SECONDS = 30;

/**
 * The person the operator credits with each leg, from its relay trace's sightings (sorted by
 * t; only those with a named receiver count): the receiver nearest before the allocation.
 */
export function attributeLegs(legs: readonly TurnLeg[], relay: readonly Sighting[]): Map<string, string> {
  const named = relay.filter((s) => s.dst !== undefined && !s.call);
  const out = new Map<string, string>();
  for (const leg of legs) {
    const end = lowerBound(named, leg.alloc) - 1;
    const s = named[end];
    if (s && leg.alloc - s.t <= ATTRIBUTION_SECONDS) out.set(leg.leg, s.dst!);
  }
  return out;
}
