/**
 * @module turnCredentialCache
 * TURN credentials for calls, bought anonymously (docs/protocol.md §6, `POST /v1/turn/credentials`):
 * each set costs one `turn` Privacy Pass token, fetched earlier in a blinded batch over the
 * session, and is spent with no session, through the ingress hop when one is set. The username
 * is `expiry:random`, so neither the relay nor the TURN server can name the device behind an
 * allocation from the credential.
 *
 * Timing is what could still tie the three steps together, so they happen apart:
 * - tokens are fetched over the session when the cache starts (and by the wallet's own delayed
 *   refills), not next to a spend;
 * - one set of credentials is kept ready, bought a random 1 to 20 minutes after start and renewed
 *   at a random moment before it gets too old for a call, so a call does not follow a credential
 *   fetch, and call setup waits on no round trip;
 * - each set serves one call only: two calls sharing a username would be tied together at the
 *   TURN server. The next set is bought a random while after the call took this one.
 */
import { payWithToken, type TokenWallet } from './tokenWallet.ts';

export type TurnCredentials = {
  readonly iceServers: { urls: string[]; username: string; credential: string }[];
  readonly ttlSeconds: number;
  /** True when the relay runs TURN: the client then allows relay candidates only. */
  readonly relayOnly: boolean;
};

export type TurnCacheOptions = {
  readonly now?: () => number;
  /** Wait before buying a set in the background; default 1 to 20 minutes, at random. */
  readonly buyDelayMs?: () => number;
  /**
   * A ready set is handed to a call only with at least this share of its lifetime left (a call
   * that outlives its credential loses its TURN allocation at the next refresh); default 0.5,
   * which with the relay's default hour leaves every call at least 30 minutes.
   */
  readonly minLifeShare?: number;
};

type Held = { readonly credentials: TurnCredentials; readonly boughtAt: number };

// Minutes, not seconds: in a small organisation a purchase seconds after this device's session
// fetched tokens (the app opening) could be paired with it on the relay's trace. A call in the
// meantime buys its own set, which pairs the purchase only with that call's allocation, itself
// anonymous.
const randomDelay = (): number => 60_000 + Math.random() * 19 * 60_000;

export class TurnCredentialCache {
  #ready: Promise<Held | undefined> | undefined;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #started = false;
  readonly #now: () => number;
  #buyDelayMs: () => number;
  readonly #minLifeShare: number;

  constructor(
    private readonly wallet: TokenWallet,
    private readonly buy: (token: string) => Promise<TurnCredentials>,
    options: TurnCacheOptions = {},
  ) {
    this.#now = options.now ?? Date.now;
    this.#buyDelayMs = options.buyDelayMs ?? randomDelay;
    this.#minLifeShare = options.minLifeShare ?? 0.5;
  }

  /**
   * Gets ready for calls: tokens now (over the session), one set of credentials later. Idempotent;
   * best effort (a failure here only means the first call buys its credentials itself).
   * `buyDelayMs` replaces the random delay (the call benchmark keeps a set ready for each call).
   */
  start(options: { buyDelayMs?: () => number } = {}): void {
    if (this.#started) return;
    this.#started = true;
    if (options.buyDelayMs) this.#buyDelayMs = options.buyDelayMs;
    if (this.wallet.size === 0) this.wallet.fill().catch(() => {});
    this.#buyLater();
  }

  /** Credentials for one call: the ready set if it is young enough, else a set bought now. */
  async take(): Promise<TurnCredentials> {
    const ready = this.#ready;
    this.#ready = undefined;
    const held = ready ? await ready : undefined;
    const credentials = held && this.#fresh(held) ? held.credentials : (await this.#buyNow()).credentials;
    if (this.#started) this.#buyLater();
    return credentials;
  }

  /** Stops background buying (the device signs out, or a test ends). */
  stop(): void {
    this.#started = false;
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
  }

  #fresh(held: Held): boolean {
    // No TURN at the relay: nothing expires, nothing was paid.
    if (!held.credentials.relayOnly) return true;
    const lifeMs = held.credentials.ttlSeconds * 1000;
    return held.boughtAt + lifeMs - this.#now() >= lifeMs * this.#minLifeShare;
  }

  async #buyNow(): Promise<Held> {
    const boughtAt = this.#now();
    return { credentials: await payWithToken(this.wallet, this.buy), boughtAt };
  }

  /** One set bought in the background after a random delay, renewed when it turns stale. */
  #buyLater(delayMs = this.#buyDelayMs()): void {
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      if (!this.#started) return;
      const buying = this.#buyNow().catch(() => undefined);
      this.#ready = buying;
      void buying.then((held) => {
        if (!held || this.#ready !== buying || !this.#started) return;
        // Renew before it is too old for a call, at a random moment in the second half of that
        // span: a fixed period would let the relay chain one device's purchases back to its start.
        const staleInMs = held.credentials.relayOnly ? held.credentials.ttlSeconds * 1000 * (1 - this.#minLifeShare) : undefined;
        if (staleInMs !== undefined) this.#buyLater(staleInMs * (0.5 + 0.5 * Math.random()));
      });
    }, delayMs);
    // Unref'd, so a CLI run or a test can exit with a purchase still pending.
    (this.#timer as { unref?: () => void }).unref?.();
  }
}
