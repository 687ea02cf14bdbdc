/**
 * @module relayContext
 * What every handler needs, passed explicitly instead of held in module globals, so that
 * several relays (tests, benchmarks) can run in one process.
 */
import type { ChallengeStore } from './enrolment/challengeStore.ts';
import type { Observer, ObserverEvent } from './observer/observerEvent.ts';
import type { SessionStore } from './session/sessionStore.ts';
import type { RelayStore } from './store/relayStore.ts';
import type { InboxHub } from './ws/inboxHub.ts';
import type { EpochLocks } from './locks/epochLocks.ts';
import type { TurnConfig } from './turn/turnCredentials.ts';
import type { TokenIssuer } from './tokens/tokenIssuer.ts';
import type { RelayLimits } from './limits/relayLimits.ts';
import type { FreeDisk } from './limits/freeDisk.ts';
import type { SourceLimits } from './limits/sourceLimits.ts';
import type { FailureThrottle } from './limits/failureThrottle.ts';
import type { RelayPush } from './push/relayPush.ts';
import type { GatewayKeys } from './ohttp/gatewayKeys.ts';
import type { IngressUrl } from './ingress/ingressUrl.ts';

export type RelayContext = {
  readonly store: RelayStore;
  readonly sessions: SessionStore;
  readonly challenges: ChallengeStore;
  readonly hub: InboxHub;
  /** Epoch lock holds (in memory, seconds long); confirmed locks live in the store. */
  readonly locks: EpochLocks;
  /** Privacy Pass issuance and spending: what anonymous actions cost. */
  readonly tokens: TokenIssuer;
  readonly suite: string;
  /** Abuse limits and quotas, resolved from the defaults and the operator's settings. */
  readonly limits: RelayLimits;
  /** The data folder's free space: writes that add data are refused under `limits.minFreeDiskBytes`. */
  readonly disk: FreeDisk;
  /** What each source address holds (connections, anonymous sockets, body bytes); memory only. */
  readonly sources: SourceLimits;
  /** Failed enrolment attempts, per source address and relay-wide; memory only. */
  readonly enrolThrottle: FailureThrottle;
  readonly observer: Observer | undefined;
  /** TURN REST secret and URLs; undefined when no TURN server is configured. */
  readonly turn: TurnConfig | undefined;
  /** Web Push wake-up targets and their sender; undefined when the organisation turned push off. */
  readonly push: RelayPush | undefined;
  /** Oblivious HTTP gateway keys (ohttp/): requests through an ingress hop are sealed to them. */
  readonly ohttp: GatewayKeys;
  /** The ingress hop announced to the web app (`GET /v1/org`); undefined when none is named. */
  readonly ingress?: IngressUrl;
  readonly now: () => number;
  /** Counts an unexpected failure; the log gets counts, never details tied to a client. */
  readonly internalError: (e: unknown) => void;
};

/** Emits an observer event; one `if` when no observer is attached. */
export function observe(ctx: RelayContext, event: Omit<ObserverEvent, 't'>): void {
  if (ctx.observer) ctx.observer({ t: Date.now(), ...event });
}
