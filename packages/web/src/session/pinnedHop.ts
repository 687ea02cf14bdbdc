/**
 * @module session/pinnedHop
 * The ingress hop this device pinned: trust on first use of the relay's announcement
 * (announcedIngress.ts), kept sealed in the same record as the announcement itself.
 *
 * Why: whoever takes over the relay can withdraw the hop, or name one it runs itself, with a
 * flag (`--ingress-url`), and an app that followed would hand it posters' addresses without a
 * word. So a device keeps sending through the hop it first used; a different announcement (or
 * none) is shown to the person, who alone can accept it (the security team may really have
 * moved the hop), and accepting re-pins. Until then the pinned hop stays in use, and when it
 * cannot be reached, anonymous actions fail and stay queued rather than go another way.
 *
 * A device with no hop pinned takes a hop the relay starts naming as it comes: a hop the relay
 * runs itself is no worse than none, and an organisation that adds a hop should not have to ask
 * every person first. What trust on first use cannot help is a relay that is already hostile
 * when the device first asks: docs/protocol.md §7.
 */

/** A hop announcement that differs from the pin: `to` undefined when the relay names none. */
export type HopChange = { readonly from: string; readonly to: string | undefined };

/** The hop in use (`pinned`) and what the relay announced last; undefined stands for no hop. */
export type HopPin = { readonly pinned: string | undefined; readonly announced: string | undefined };

/**
 * The sealed record (`ingress`): `url`, the announcement, as it was before the pin, and `pinned`.
 * A record saved before the pin has no `pinned`: its announcement was the hop in use then.
 */
type PinRecord = { readonly url: string | null; readonly pinned?: string | null };

/** What the device keeps once the relay has announced `announced` (no state is changed in place). */
export function pinAnnouncement(saved: HopPin | undefined, announced: string | undefined): HopPin {
  if (saved?.pinned === undefined) return { pinned: announced, announced };
  return { pinned: saved.pinned, announced };
}

/** The person accepted the relay's announcement: it becomes the pin. */
export function acceptAnnouncement(pin: HopPin): HopPin {
  return { pinned: pin.announced, announced: pin.announced };
}

/** The change to show while the announcement differs from the pin. */
export function hopChange(pin: HopPin): HopChange | undefined {
  return pin.pinned !== undefined && pin.announced !== pin.pinned ? { from: pin.pinned, to: pin.announced } : undefined;
}

/** The pin in a record read back, or undefined when the record is not one. */
export function pinFromRecord(record: unknown): HopPin | undefined {
  if (typeof record !== 'object' || record === null) return undefined;
  const { url, pinned } = record as { url?: unknown; pinned?: unknown };
  if (url !== null && typeof url !== 'string') return undefined;
  if (pinned !== undefined && pinned !== null && typeof pinned !== 'string') return undefined;
  const announced = url ?? undefined;
  return { pinned: pinned === undefined ? announced : (pinned ?? undefined), announced };
}

export function pinRecord(pin: HopPin): PinRecord {
  return { url: pin.announced ?? null, pinned: pin.pinned ?? null };
}
