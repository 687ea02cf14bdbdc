/**
 * @module session/openingHop
 * The ingress hop a page's engine is opened with, decided before the engine exists: at a start
 * from the saved device state (resumedHop) or at enrolment (enrolledHop). The engine goes through
 * a held hop (pendingHop.ts) and a transport that holds its anonymous actions until the hop is
 * known; while the device waits for its invite in the org's chain, the hop stays unknown
 * (awaitedInvite.ts). The session then hands it to its PageHop (pageHop.ts).
 */
import { awaitingInviteOf, signedIngressOf, type ClientOptions, type DeviceState, type HardlineClient, type Transport } from '@hardline/client';
import { HardlineError } from '@hardline/protocol';
import { browserTransport } from '../platform/browserTransport.ts';
import { heldHopTransport } from '../platform/heldHopTransport.ts';
import { keyConfigTransport } from '../platform/keyConfigTransport.ts';
import type { IdbStateStore } from '../platform/idbStateStore.ts';
import { announcedIngress, ENROL_WAIT_MS, type IngressChoice } from './announcedIngress.ts';
import { afterInvite, awaitsInvite, UNKNOWN_HOP } from './awaitedInvite.ts';
import { HELD_HOP, HOLD_WAIT_MS, PendingHop } from './pendingHop.ts';

/**
 * The engine's transport: the hop's key config is fetched here and kept for the service worker
 * (keptKeyConfig.ts); every action meant for the hop goes to the pinned one, and while the hop
 * is unknown it is held (pendingHop.ts).
 */
function pageTransport(hop: PendingHop): Transport {
  const keeping = keyConfigTransport(browserTransport, 'fetch-and-keep');
  return heldHopTransport(keeping, location.origin, hop, HOLD_WAIT_MS);
}

/**
 * The hop the engine is opened with: the held one whenever a hop is (or may be) in use, so
 * the transport sends to the pinned hop, and to the one the person accepts later
 * (pinnedHop.ts). No hop at all: posts over `WS /v1/post`, as the relay sees them anyway.
 */
function engineHop(hop: IngressChoice): string | undefined {
  return hop.from === 'unknown' || hop.url !== undefined ? HELD_HOP : undefined;
}

function clientOptions(store: IdbStateStore, transport: Transport, hop: string | undefined): ClientOptions {
  // No cryptoProvider: ts-mls's default one runs on WebCrypto plus noble in the browser.
  // The app is open for long and holds its inbox: the send scheduler at `balanced` is its
  // default (issue 12's budget; BENCHMARKS.md, "Send scheduler"), unless the device chose another.
  // The hop the relay announces, if any: posts, claims, blob calls and TURN credential
  // purchases then reach the relay from the hop's address (announcedIngress.ts).
  return { store, transport, privacy: 'balanced', ...(hop ? { ingress: hop } : {}) };
}

/** The hop an engine is opened with, decided before the engine exists. */
export type OpeningHop = {
  /** What the start found: unknown while the device waits for its invite. */
  readonly start: IngressChoice;
  readonly awaitsInvite: boolean;
  readonly hop: PendingHop;
  readonly transport: Transport;
  /** The engine's options, over the device's state store. */
  options(store: IdbStateStore): ClientOptions;
  /** The engine is open: from now on its verified chain says whether the invite is still awaited. */
  opened(client: HardlineClient): void;
};

/** The hop of the device enrolled on this browser profile, read from its saved state. */
export async function resumedHop(saved: DeviceState): Promise<OpeningHop> {
  // A hop the security team signed into the policy is used without asking the relay (finding 3).
  const fetched = await announcedIngress(location.origin, undefined, signedIngressOf(saved));
  // Still waiting for its invite in the chain (awaitedInvite.ts): the hop stays unknown until then.
  return openingHop(fetched, awaitingInviteOf(saved));
}

/** The hop of a device enrolling with `code`. */
export async function enrolledHop(code: string): Promise<OpeningHop> {
  const announced = await announcedIngress(location.origin, ENROL_WAIT_MS);
  // Not knowing the hop is not "no hop": enrolling now would post straight to the relay.
  if (announced.from === 'unknown') throw new HardlineError('UNAVAILABLE', 'the relay did not say which ingress hop to use; try again');
  // A code that names the org key: the hop stays unknown until the engine has verified a chain
  // holding that invite (or, linked, reaching the head the linking device handed over), so a hop
  // policy signed before it cannot be withheld (one signed after it still can: docs/protocol.md
  // §7; awaitedInvite.ts).
  return openingHop(announced, awaitsInvite(code));
}

function openingHop(found: IngressChoice, awaits: boolean): OpeningHop {
  const start = awaits ? UNKNOWN_HOP : found;
  let engine: HardlineClient | undefined;
  const waiting = () => engine?.orgPolicy().awaitingInvite !== false;
  const afterChain = () => announcedIngress(location.origin, undefined, engine?.orgPolicy().ingress);
  // Not knowing the hop is not "no hop": the engine's hop is held until the relay answers.
  const hop = new PendingHop(awaits ? afterInvite(waiting, afterChain) : () => announcedIngress(), start);
  const transport = pageTransport(hop);
  return {
    start,
    awaitsInvite: awaits,
    hop,
    transport,
    options: (store) => clientOptions(store, transport, engineHop(start)),
    opened: (client) => void (engine = client),
  };
}
