/**
 * @module platform/heldHopTransport
 * The transport of a page's engine (session/pendingHop.ts): the engine posts its encapsulated
 * requests to HELD_HOP, and this sends each one to the hop the device has pinned
 * (session/pinnedHop.ts), the one the person accepted last, not whatever the relay names now.
 * While the hop is not known yet it holds each request until the relay has said which hop to
 * use, then sends it there (or, when the relay names none, to the relay's own gateway at
 * `/v1/ohttp`) after a random delay of its own, so held actions do not leave in one burst timed
 * to the relay's answer. Still unknown after the wait, the request fails UNAVAILABLE and nothing leaves
 * this device. A pinned hop that cannot be reached (down, or refused by a CSP the relay changed)
 * fails the same way: there is no second destination to fall back on. Everything else passes
 * through untouched. */
import { HardlineError } from '@hardline/protocol';
import type { Transport } from '@hardline/client';
import { HELD_HOP, heldReleaseDelayMs, type HopDecision } from '../session/pendingHop.ts';

export function heldHopTransport(inner: Transport, relay: string | URL, hop: HopDecision, waitMs: number, releaseDelayMs: () => number = heldReleaseDelayMs): Transport {
  const held = new URL(HELD_HOP).origin;
  const KEYS_PATH = '/v1/ohttp/keys';
  const gateway = new URL('/v1/ohttp', relay);
  const unlinked = inner.fetchUnlinked ?? inner.fetch;
  /** Where the engine's key config came from: the hop (or the relay, with none) it last fetched it at. */
  let keyedAt: string | undefined;
  const fetchUnlinked: typeof fetch = async (input, init) => {
    const url = new URL(input instanceof Request ? input.url : String(input));
    if (url.origin !== held) return unlinked(input, init);
    // Read before any wait: the config this request was sealed to, not one fetched meanwhile.
    const sealedFor = keyedAt;
    const wasHeld = hop.choice === undefined || hop.choice.from === 'unknown';
    let choice = await hop.decided(waitMs);
    if (!choice) throw new HardlineError('UNAVAILABLE', 'waiting for the relay to say which ingress hop to use; nothing was sent');
    if (wasHeld) {
      // The relay chose when the hop became known, by answering this address: a held action
      // leaving right then would be timed to that answer. Each waits its own random delay.
      await new Promise((r) => setTimeout(r, releaseDelayMs()));
      // The person may have re-pinned the hop meanwhile: the latest choice.
      choice = (await hop.decided(0)) ?? choice;
    }
    // The key config's GET goes to the same place as the requests sealed to it: the hop, which
    // hands the relay's config to every client alike (client ingressFetch.ts).
    if (url.pathname === KEYS_PATH) {
      const at = new URL(KEYS_PATH, choice.url ?? relay);
      const res = await unlinked(at, init);
      if (res.status === 200) keyedAt = at.origin;
      return res;
    }
    const to = choice.url ? new URL(choice.url) : gateway;
    // The engine keeps its config however the hop changes. One fetched elsewhere (the previous
    // hop, maybe the relay's own, or the relay directly) may be this device's own tag: sent
    // through the new hop it would name the device to the relay. Refused here as a rotated key
    // is: the request fails (posts stay queued) and the engine refetches, at the new hop.
    if (sealedFor !== undefined && sealedFor !== to.origin) {
      return new Response(JSON.stringify({ error: { code: 'OHTTP_KEY', message: 'the key config in use came from another hop' } }), { status: 400, headers: { 'content-type': 'application/json' } });
    }
    return unlinked(to, init);
  };
  return { ...inner, fetchUnlinked };
}
