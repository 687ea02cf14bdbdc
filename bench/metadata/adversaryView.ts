/**
 * @module adversaryView
 * What one adversary saw of one system, in one shape that every attack reads. A sighting is one
 * observed event: when, the party seen sending or acting (`src`) and the party seen receiving
 * (`dst`), each only where that adversary can name it. Labels are the adversary's own names for
 * people (a phone number, an account, a device's IP); anything it cannot tie to a person (an
 * anonymous connection, a mailbox with no known reader) is left out, because ranking people is
 * the goal.
 */
export type Sighting = {
  /** Simulated seconds since the start. */
  readonly t: number;
  readonly src?: string;
  readonly dst?: string;
  /** Confidence of an inferred label in (0, 1]; 1 when the adversary sees it directly. */
  readonly w?: number;
  /** A TURN leg's event (turnView.ts): the leg is the allocation's 5-tuple, opaque. */
  readonly call?: CallMark;
};

export type CallMark = { readonly leg: string; readonly event: 'alloc' | 'start' | 'stop'; readonly up?: number; readonly down?: number };

export type AdversaryView = {
  readonly system: string;
  readonly adversary: string;
  /** Sorted by t. */
  readonly sightings: readonly Sighting[];
  /** The principal's label in this view. */
  readonly target: string;
  /** Every person label the adversary could rank (the candidates), target excluded. */
  readonly candidates: readonly string[];
  /** One line on what this view holds and how its labels were obtained. */
  readonly note: string;
};

/** Sightings up to and including time t (binary search; sightings are sorted). */
export function sightingsUntil(view: AdversaryView, t: number): readonly Sighting[] {
  const s = view.sightings;
  let lo = 0;
  let hi = s.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (s[mid]!.t <= t) lo = mid + 1;
    else hi = mid;
  }
  return s.slice(0, lo);
}
