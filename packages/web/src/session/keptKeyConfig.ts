/**
 * @module session/keptKeyConfig
 * The relay's Oblivious HTTP key config (`GET /v1/ohttp/keys`), kept sealed beside the saved
 * hop announcement (announcedIngress.ts) so that the service worker never fetches it.
 *
 * The worker wakes for a push, reads the inbox and may send `ringing` or `decline` through the
 * hop at once: a key fetch from the device's own address at that moment would tell the relay
 * "this address is about to post", the very link the hop is there to break. So only the page
 * fetches the config (when it sets up the hop, and again every REFRESH_MS while it is open), at
 * times that say nothing about a post; the worker takes what was kept, or sends nothing.
 */
import { fromBase64Url, toBase64Url } from '@hardline/protocol';
import { sealedGet, sealedPut } from '../platform/encryptedKv.ts';

const RECORD = 'ingress-keys';
/**
 * A kept config older than this is not used. The relay publishes a new key every 30 days and
 * accepts the previous one for 7 more (server ohttp/gatewayKeys.ts), so a config this young is
 * always accepted; and posts under a key that the other devices have left behind would stand out
 * to the relay and the hop, so the window is kept well short of that.
 */
export const KEY_CONFIG_MAX_AGE_MS = 3 * 86_400_000;
/** How often an open page fetches the config again, so a device in daily use never has a stale one. */
export const KEY_CONFIG_REFRESH_MS = 12 * 3_600_000;
/** A config list holds one key of a few dozen bytes: anything near this is not one. */
const MAX_CONFIG_BYTES = 4096;

/**
 * `from`: the origin it was fetched at (the hop, or the relay with none). A config is used only
 * there: one from another hop (the relay's own, say, which could hand each device a key of its
 * own) sent through this one would tag the device for the relay.
 */
type Kept = { readonly config: string; readonly fetchedAt: number; readonly from?: string };

/** Keeps a config the page just fetched from the relay. */
export async function keepKeyConfig(config: Uint8Array, now = Date.now(), from?: string): Promise<void> {
  if (config.length === 0 || config.length > MAX_CONFIG_BYTES) return;
  const encoded = toBase64Url(config);
  // A sealed save costs two durable writes: the same config kept since the last refresh stands.
  const kept = await sealedGet<Kept>(RECORD).catch(() => undefined);
  if (kept?.config === encoded && kept.from === from && kept.fetchedAt <= now && now - kept.fetchedAt < KEY_CONFIG_REFRESH_MS) return;
  await sealedPut(RECORD, { config: encoded, fetchedAt: now, ...(from !== undefined ? { from } : {}) } satisfies Kept);
}

/**
 * The kept config while younger than KEY_CONFIG_MAX_AGE_MS and, given `from`, fetched there;
 * undefined when none, unreadable, stale, or from another origin.
 */
export async function keptKeyConfig(now = Date.now(), from?: string): Promise<Uint8Array | undefined> {
  const kept = await sealedGet<Kept>(RECORD).catch(() => undefined);
  if (!kept || typeof kept.config !== 'string' || typeof kept.fetchedAt !== 'number') return undefined;
  if (from !== undefined && kept.from !== from) return undefined;
  // A time ahead of the clock is as untrustworthy as an old one.
  if (kept.fetchedAt > now || now - kept.fetchedAt > KEY_CONFIG_MAX_AGE_MS) return undefined;
  try {
    const bytes = fromBase64Url(kept.config);
    return bytes.length > 0 && bytes.length <= MAX_CONFIG_BYTES ? bytes : undefined;
  } catch {
    return undefined;
  }
}
