/**
 * @module session/announcedIngress
 * The ingress hop this app sends its anonymous actions through (posts, claims, blob calls,
 * TURN credentials; docs/protocol.md §6): the one the relay announces in `GET /v1/org`
 * (`hardline server --ingress-url`), whose origin alone the page's CSP lets it reach.
 *
 * Read at every start, so a hop the operator adds or withdraws takes effect at the next one.
 * The last answer is kept sealed beside the device state: an app that starts offline would
 * otherwise post straight to the relay once the network is back, the very address the hop is
 * there to hide.
 *
 * The relay serves this app's code, so a relay that wanted the addresses could drop the
 * announcement or ship code that ignores it: the hop protects against an operator who reads
 * the relay's traffic, not against one who rewrites the app (docs/protocol.md §7). The
 * settings say which hop is in use, so a change is there to see.
 */
import { parseRelayUrl } from '@hardline/client';
import { sealedGet, sealedPut } from '../platform/encryptedKv.ts';

const RECORD = 'ingress';
/**
 * How long a start waits for the relay before it falls back on the hop it last announced: not
 * long, since the saved answer is only as stale as the last start. An enrolment has no saved
 * answer and needs the relay anyway, so it waits longer (ENROL_WAIT_MS).
 */
const ANNOUNCE_WAIT_MS = 5_000;
export const ENROL_WAIT_MS = 30_000;

export type IngressChoice = {
  /** The hop's URL, or undefined for none. */
  readonly url: string | undefined;
  /**
   * `relay`: announced just now; `saved`: the relay did not answer, the last announcement holds;
   * `unknown`: neither an answer nor a saved one (or storage failed). Unknown is not "no hop":
   * an attacker who stalls `GET /v1/org` must not make the device post straight to the relay.
   */
  readonly from: 'relay' | 'saved' | 'unknown';
};

/** What the relay announces now, else what it announced last. */
export async function announcedIngress(origin: string = location.origin, waitMs = ANNOUNCE_WAIT_MS): Promise<IngressChoice> {
  try {
    // Anonymous and the same for everyone: no credentials, no cache.
    const res = await fetch(new URL('/v1/org', origin), { credentials: 'omit', cache: 'no-store', signal: AbortSignal.timeout(waitMs) });
    if (res.ok) return { url: validHop((await res.json()) as { ingress?: unknown }), from: 'relay' };
  } catch {
    // Offline or timed out: the saved answer below.
  }
  return savedIngress();
}

/**
 * The last announcement the page kept, without asking the relay: the service worker's choice.
 * It posts right after it wakes, so it asks the network for nothing it could have kept.
 */
export async function savedIngress(): Promise<IngressChoice> {
  const saved = await sealedGet<{ url: string | null }>(RECORD).catch(() => undefined);
  if (saved === undefined) return { url: undefined, from: 'unknown' };
  return { url: saved.url ?? undefined, from: 'saved' };
}

/** Keeps a fresh announcement for the next start that finds the relay unreachable. */
export async function rememberIngress(choice: IngressChoice): Promise<void> {
  if (choice.from !== 'relay') return;
  const saved = await sealedGet<{ url: string | null }>(RECORD).catch(() => undefined);
  // A sealed save costs two durable writes: only when the announcement changed.
  if (saved !== undefined && (saved.url ?? undefined) === choice.url) return;
  await sealedPut(RECORD, { url: choice.url ?? null });
}

/** https, or http on loopback, as for the relay itself; anything else is no hop at all. */
function validHop(org: { ingress?: unknown }): string | undefined {
  if (typeof org.ingress !== 'string') return undefined;
  try {
    return parseRelayUrl(org.ingress).toString();
  } catch {
    return undefined;
  }
}
