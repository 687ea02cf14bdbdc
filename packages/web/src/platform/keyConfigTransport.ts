/**
 * @module platform/keyConfigTransport
 * Where the engine's ingress hop (client ingressFetch.ts) gets the relay's Oblivious HTTP key
 * config: its `GET /v1/ohttp/keys` goes on the transport's unlinked fetch, to the hop (which
 * hands every client the same config; heldHopTransport.ts sends it to the pinned hop), and this
 * wrapper answers it.
 *
 * - `fetch-and-keep` (the page): from the fresh config kept sealed (session/keptKeyConfig.ts)
 *   when there is one, so a page start does not fetch it from this device's address as its queued
 *   posts are about to go; else, and for a request marked `cache: 'reload'` (the engine's refetch
 *   after the config was refused, at a random time of its own; the page's periodic refresh), from
 *   the hop, and the answer is kept for the service worker and the next start.
 * - `kept-only` (the service worker): from what the page kept, never from the network. With
 *   nothing fresh kept the request fails UNAVAILABLE, so every request through the hop fails
 *   closed (a post stays queued) rather than fetching the config right before it goes.
 */
import { HardlineError } from '@hardline/protocol';
import type { Transport } from '@hardline/client';
import { keepKeyConfig, keptKeyConfig } from '../session/keptKeyConfig.ts';
import { HELD_HOP } from '../session/pendingHop.ts';

export type KeyConfigSource = 'fetch-and-keep' | 'kept-only';

const KEYS_PATH = '/v1/ohttp/keys';

/** The key config's GET, at whichever hop is pinned (or the relay, with no hop): by its path. */
function isKeyConfigRequest(input: string | URL | Request, init: RequestInit | undefined): boolean {
  const url = new URL(input instanceof Request ? input.url : String(input));
  const method = (init?.method ?? (input instanceof Request ? input.method : 'GET')).toUpperCase();
  return method === 'GET' && url.pathname === KEYS_PATH;
}

export function keyConfigTransport(inner: Transport, source: KeyConfigSource): Transport {
  const unlinked = inner.fetchUnlinked ?? inner.fetch;
  const fetchUnlinked: typeof fetch = async (input, init) => {
    if (!isKeyConfigRequest(input, init)) return unlinked(input, init);
    // Kept per origin: a config from another hop is not served for this one (keptKeyConfig.ts).
    const from = new URL(input instanceof Request ? input.url : String(input)).origin;
    if (source === 'kept-only') {
      const kept = await keptKeyConfig(Date.now(), from);
      if (!kept) throw new HardlineError('UNAVAILABLE', 'no fresh Oblivious HTTP key config is kept here; the app fetches one when it next opens');
      return new Response(new Uint8Array(kept), { status: 200, headers: { 'content-type': 'application/ohttp-keys' } });
    }
    if (init?.cache !== 'reload') {
      const kept = await keptKeyConfig(Date.now(), from);
      if (kept) return new Response(new Uint8Array(kept), { status: 200, headers: { 'content-type': 'application/ohttp-keys' } });
    }
    const res = await unlinked(input, init);
    if (res.status !== 200) return res;
    const bytes = new Uint8Array(await res.arrayBuffer());
    // Kept best effort: a failed save only leaves the worker without it (it then sends nothing).
    await keepKeyConfig(bytes, Date.now(), from).catch(() => undefined);
    return new Response(bytes, { status: res.status, headers: res.headers });
  };
  return { ...inner, fetchUnlinked };
}

/**
 * The page's periodic refresh: a key fetch on its own, at a time that has nothing to do with any
 * post, to the held hop's address so that the page's transport sends it to the pinned hop.
 */
export async function refreshKeyConfig(transport: Transport): Promise<void> {
  // `reload`: past the kept copy, to the hop (the browser transport sends it `no-store` anyway).
  await (transport.fetchUnlinked ?? transport.fetch)(new URL(KEYS_PATH, HELD_HOP), { cache: 'reload' });
}
