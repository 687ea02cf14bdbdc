/**
 * @module relayOptions
 * What `startRelay` takes and returns.
 */
import type { Observer } from './observer/observerEvent.ts';
import type { RelayStore } from './store/relayStore.ts';
import type { TurnConfig } from './turn/turnCredentials.ts';
import type { RelayLimits } from './limits/relayLimits.ts';
import type { PushOptions, WakeTiming } from './push/pushOptions.ts';
import type { GatewayKeyOptions } from './ohttp/gatewayKeys.ts';
import type { PushRoundLevel } from './ws/pushRoundPolicy.ts';

export const CIPHERSUITES = ['MLS_128_DHKEMX25519_AES128GCM_SHA256_Ed25519', 'MLS_256_XWING_AES256GCM_SHA512_Ed25519'] as const;
export type CiphersuiteName = (typeof CIPHERSUITES)[number];
export const DEFAULT_CIPHERSUITE: CiphersuiteName = 'MLS_128_DHKEMX25519_AES128GCM_SHA256_Ed25519';

export type RelayOptions = {
  /** Default 127.0.0.1: the relay is not reachable from the network unless asked to be. */
  readonly host?: string;
  /** Default 8080; 0 picks a free port. */
  readonly port?: number;
  readonly dataDir: string;
  /** Paths; when both are given the relay serves HTTPS and WSS. */
  readonly tlsCert?: string;
  readonly tlsKey?: string;
  /** Fixed at first start; a later start with a different suite is refused. */
  readonly suite?: string;
  /** Startup, shutdown and error counts only: never addresses, tokens, ids or payloads. */
  readonly log?: (line: string) => void;
  /** The live-operator trace for the metadata benchmark; off when absent. */
  readonly observer?: Observer;
  /** The organisation's TURN server (coturn with use-auth-secret); calls are relay-only when set. */
  readonly turn?: TurnConfig;
  /** WebSocket ping interval; a socket that misses one ping is dropped. Default 30 s. */
  readonly heartbeatMs?: number;
  /** The built web app served at `/`; default packages/web/dist when built, false for none. */
  readonly webRoot?: string | false;
  /**
   * Host names the relay answers to (Host header, port aside); any other gets 421, which
   * defeats DNS rebinding. Default: `host` (unless it is 0.0.0.0 or ::) and localhost,
   * 127.0.0.1, [::1].
   */
  readonly allowedHosts?: readonly string[];
  /** Abuse limits and quotas; each unset one keeps its default (limits/relayLimits.ts). */
  readonly limits?: Partial<RelayLimits>;
  /**
   * Bytes still free for the data folder; default statfs on `dataDir`. Tests stand in a nearly
   * full disk with it.
   */
  readonly diskFree?: () => Promise<number>;
  /**
   * Web Push wake-ups for closed apps (push/); on by default. `false`: the organisation wants
   * no vendor push service to learn when its devices are woken.
   */
  readonly push?: PushOptions | false;
  /**
   * Push rounds for held-open inboxes (ws/pushRounds.ts): `off` pushes each envelope at once,
   * `balanced` (default) in 1 s rounds with some cover, `strict` in 5 s rounds with a frame to
   * every open inbox each round. Tests may set the round length and a clock.
   */
  readonly pushRounds?: { readonly level?: PushRoundLevel; readonly roundMs?: number; readonly timing?: WakeTiming };
  /** Oblivious HTTP gateway key rotation (default every 30 days, the old key kept 7 more). */
  readonly ohttp?: GatewayKeyOptions;
  /**
   * An ingress hop (`hardline ingress`, run by someone else) for the web app's anonymous
   * actions: announced in `GET /v1/org`, and its origin alone added to the page's `connect-src`.
   * https, or http on loopback only (ingress/ingressUrl.ts). The hop must list this relay's
   * origin in its `--allow-origin`.
   */
  readonly ingressUrl?: string;
  /** Another store implementation (PostgreSQL); default SqliteRelayStore in dataDir. */
  readonly store?: RelayStore;
};

export type RelayHandle = {
  /** http(s)://host:port */
  readonly url: string;
  readonly port: number;
  /** Only on first start, and only here: the relay keeps just its SHA-256. */
  readonly adminToken?: string;
  readonly store: RelayStore;
  close(): Promise<void>;
};
