/**
 * @module session/announcedIngress
 * The ingress hop this app sends its anonymous actions through (posts, claims, blob calls,
 * TURN credentials; docs/protocol.md §6): the one the relay announces in `GET /v1/org`
 * (`hardline server --ingress-url`), whose origin alone the page's CSP lets it reach, as far
 * as this device has pinned it (pinnedHop.ts).
 *
 * A hop the security team signed into the org policy comes first (`signed`, from the device
 * state; client ingressRoute.ts): it is used without asking the relay, which can neither forge
 * nor edit a signed policy, and no change the relay announces is shown against it. Without one:
 *
 * Read at every start. A hop the relay names where there was none is taken; a different hop,
 * or none, is not followed: the pinned hop stays in use and the change is shown until the
 * person accepts it. The announcement and the pin are kept sealed beside the device state: an
 * app that starts offline would otherwise post straight to the relay once the network is back,
 * the very address the hop is there to hide.
 *
 * The relay serves this app's code, so a relay that wanted the addresses could ship code that
 * ignores the pin: the hop protects against an operator who reads the relay's traffic or flips
 * its flag, not against one who rewrites the app (docs/protocol.md §7).
 */
import { parseRelayUrl } from '@hardline/client';
import { HardlineError } from '@hardline/protocol';
import { sealedGet, sealedPut } from '../platform/encryptedKv.ts';
import { acceptAnnouncement, hopChange, pinAnnouncement, pinFromRecord, pinRecord, type HopChange, type HopPin } from './pinnedHop.ts';

const RECORD = 'ingress';
/**
 * How long a start waits for the relay before it falls back on the hop it last announced: not
 * long, since the saved answer is only as stale as the last start. An enrolment has no saved
 * answer and needs the relay anyway, so it waits longer (ENROL_WAIT_MS).
 */
const ANNOUNCE_WAIT_MS = 5_000;
export const ENROL_WAIT_MS = 30_000;

export type IngressChoice = {
  /** The hop's URL, or undefined for none: the pinned one, whatever the relay says now. */
  readonly url: string | undefined;
  /**
   * `relay`: announced just now; `saved`: the relay did not answer, the last announcement holds;
   * `unknown`: neither an answer nor a saved one, or a saved record that could not be read. Unknown is not "no hop":
   * an attacker who stalls `GET /v1/org` must not make the device post straight to the relay.
   * `policy`: signed by the security team into the org policy; the relay was not asked.
   */
  readonly from: 'relay' | 'saved' | 'unknown' | 'policy';
  /** The relay announces another hop, or none, than the pinned `url`: shown until accepted. */
  readonly change?: HopChange;
};

const UNKNOWN: IngressChoice = { url: undefined, from: 'unknown' };

/** The hop the security team signed, else what the relay announces now, else what it announced last, held to the pin. */
export async function announcedIngress(origin: string = location.origin, waitMs = ANNOUNCE_WAIT_MS, signed?: string | null): Promise<IngressChoice> {
  if (signed !== undefined) return signedChoice(signed);
  let answer: { url: string | undefined } | undefined;
  try {
    // Anonymous and the same for everyone: no credentials, no cache.
    const res = await fetch(new URL('/v1/org', origin), { credentials: 'omit', cache: 'no-store', signal: AbortSignal.timeout(waitMs) });
    if (res.ok) answer = { url: validHop((await res.json()) as { ingress?: unknown }) };
  } catch {
    // Offline or timed out: the saved answer below.
  }
  const saved = await savedPin();
  // An unreadable record (the key file refused, an IndexedDB error) is not "nothing pinned": a
  // relay that waits for one such start must not get whatever it names now taken as a first use
  // and written over the good pin. The hop is unknown: actions are held (pendingHop.ts) and the
  // page asks again. Only a record that is truly missing makes the relay's answer a first use.
  if (saved === 'unreadable') return UNKNOWN;
  if (answer) return choiceOf(pinAnnouncement(saved, answer.url), 'relay');
  return saved === undefined ? UNKNOWN : choiceOf(saved, 'saved');
}

/**
 * The hop the page pinned, without asking the relay: the service worker's choice. It posts
 * right after it wakes, so it asks the network for nothing it could have kept.
 */
export async function savedIngress(): Promise<IngressChoice> {
  const saved = await savedPin();
  return saved === undefined || saved === 'unreadable' ? UNKNOWN : choiceOf(saved, 'saved');
}

/** The choice for a hop the security team signed into the org policy (null: "no hop"). */
export function signedChoice(url: string | null): IngressChoice {
  return { url: url ?? undefined, from: 'policy' };
}

/**
 * Keeps a fresh announcement (and the pin) for the next start and for the service worker. A
 * signed hop is kept as the pin too: the service worker, which reads only the pin, follows it,
 * and should the policy later stop naming a hop, the relay's word is measured against it.
 */
export async function rememberIngress(choice: IngressChoice): Promise<void> {
  if (choice.from !== 'relay' && choice.from !== 'policy') return;
  await keepPin(pinOf(choice));
}

/**
 * The person accepts the announcement that differs from the pin: it is pinned, kept, and in
 * use from now on. Kept first: a pin that only this page knew would be lost at the next start.
 */
export async function acceptAnnounced(choice: IngressChoice): Promise<IngressChoice> {
  if (!choice.change || choice.from === 'unknown' || choice.from === 'policy') return choice;
  const pin = acceptAnnouncement(pinOf(choice));
  await keepPin(pin);
  return choiceOf(pin, choice.from);
}

function choiceOf(pin: HopPin, from: 'relay' | 'saved'): IngressChoice {
  const change = hopChange(pin);
  return { url: pin.pinned, from, ...(change ? { change } : {}) };
}

function pinOf(choice: IngressChoice): HopPin {
  return { pinned: choice.url, announced: choice.change ? choice.change.to : choice.url };
}

async function savedPin(): Promise<HopPin | undefined | 'unreadable'> {
  let record: unknown;
  try {
    record = await sealedGet<unknown>(RECORD);
  } catch {
    return 'unreadable';
  }
  if (record === undefined) return undefined;
  return pinFromRecord(record) ?? 'unreadable';
}

async function keepPin(pin: HopPin): Promise<void> {
  const next = pinRecord(pin);
  let saved: unknown;
  try {
    saved = await sealedGet<unknown>(RECORD);
  } catch (cause) {
    // A record that cannot be read now may hold a good pin: never write over it blind.
    throw new HardlineError('UNAVAILABLE', 'the saved ingress hop could not be read; the pin was not changed', { cause });
  }
  // A sealed save costs two durable writes: only when something changed (a record from before
  // the pin is written once more, with it).
  if (JSON.stringify(saved) === JSON.stringify(next)) return;
  await sealedPut(RECORD, next);
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
