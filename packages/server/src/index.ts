/**
 * @module @hardline/server
 * The relay: `startRelay` plus the store interface and its SQLite implementation.
 */
export { startRelay } from './startRelay.ts';
export { DEFAULT_LIMITS, resolveLimits, type RelayLimits } from './limits/relayLimits.ts';
export type { RelayOptions, RelayHandle, CiphersuiteName } from './relayOptions.ts';
export { CIPHERSUITES, DEFAULT_CIPHERSUITE } from './relayOptions.ts';
export type * from './store/relayStore.ts';
export { MetaKeys, CodeKinds } from './store/relayStore.ts';
export { SqliteRelayStore, SQLITE_FILE_NAME } from './store/sqliteRelayStore.ts';
export type { ObserverEvent, ObserverEventKind, Observer } from './observer/observerEvent.ts';
export { ObserverEventKinds } from './observer/observerEvent.ts';
export { RelayError, RelayErrorCodes, type RelayErrorCode } from './errors/relayError.ts';
export { toWireError, wireCode, type WireError } from './errors/wireError.ts';
export { mintTurnCredentials, type TurnConfig } from './turn/turnCredentials.ts';
export { findTurnserver, startCoturn, type CoturnHandle } from './turn/coturnProcess.ts';
export { startIngressHop, type IngressHopOptions, type IngressHopHandle } from './ingress/ingressHop.ts';
export { DEFAULT_HOP_LIMITS, type HopLimits } from './ingress/hopLimits.ts';
export { parseIngressUrl, type IngressUrl } from './ingress/ingressUrl.ts';
export { parseAllowedOrigin } from './ingress/hopCors.ts';
export { PUSH_ROUND_POLICIES, PushRoundLevels, DEFAULT_PUSH_ROUND_LEVEL, parsePushRoundLevel, type PushRoundLevel, type PushRoundPolicy } from './ws/pushRoundPolicy.ts';
export type { Upstream, UpstreamAnswer } from './ingress/hopUpstream.ts';
