/**
 * @module tokenWallet
 * Privacy Pass tokens this device holds to pay for anonymous actions (a KeyPackage claim, a new
 * blob, a set of TURN credentials; docs/protocol.md §6). They are fetched in batches over the
 * session and spent with none.
 *
 * Timing is the one thing that could tie a spend to its fetch: a wallet filled the moment a
 * claim needs a token lets the relay line the two up, and so does a refill that follows a spend
 * at once (an anonymous claim, then this device's session asking for tokens). So the wallet
 * refills in the background when it runs low, after a random delay, and only a claim from an
 * empty wallet (the first one after start) waits on a fetch. Tokens live in memory: a CLI run
 * fetches its first batch when it first needs one.
 */
import { fromBase64Url, HardlineError } from '@hardline/protocol';
import { UnsentError } from './unsentError.ts';

/** Most tokens one fetch asks for (protocol tokens: MAX_TOKEN_BATCH, not imported eagerly). */
const MAX_BATCH = 64;

// Loaded on first use: the VOPRF code is ~90 KB gzip that the web app's first page does not need.
const tokenCode = () => import('@hardline/protocol/tokens');

export type TokenSource = {
  request<T>(method: string, path: string, body?: unknown, auth?: 'session'): Promise<T>;
};

/** What a token pays for; each has its own keys and daily budget at the relay. */
export type TokenPurpose = 'claim' | 'blob' | 'turn';

export type WalletOptions = {
  /** Tokens per fetch; defaults to 16 (≈0.6 s of P-384 work on a shared core). */
  readonly batch?: number;
  /** Refill in the background below this many. */
  readonly lowWater?: number;
  /** How long after a spend the background refill starts; default 2 to 20 minutes, at random. */
  readonly refillDelayMs?: () => number;
};

/**
 * Minutes, not seconds: a refill 5 to 60 s after a spend could still be paired with the spend the
 * relay had just served, in an organisation where few devices are busy at once (review of the
 * TURN purchase, issue 12). Minutes later it falls among every device's session traffic. The
 * low-water mark leaves tokens enough for the while in between.
 */
const randomRefillDelay = (): number => 120_000 + Math.random() * 1_080_000;

export class TokenWallet {
  #tokens: string[] = [];
  #filling: Promise<void> | undefined;
  #fetched = false;
  #refill: ReturnType<typeof setTimeout> | undefined;
  /** The relay refused the tokens (discard): until the background refill, none is fetched on an action's path. */
  #dropped = false;
  readonly #batch: number;
  readonly #lowWater: number;
  readonly #refillDelayMs: () => number;

  constructor(
    private readonly relay: TokenSource,
    readonly purpose: TokenPurpose,
    options: WalletOptions = {},
  ) {
    this.#batch = Math.min(MAX_BATCH, options.batch ?? 16);
    this.#lowWater = Math.min(this.#batch - 1, options.lowWater ?? 4);
    this.#refillDelayMs = options.refillDelayMs ?? randomRefillDelay;
  }

  get size(): number {
    return this.#tokens.length;
  }

  /** Emptied at the relay's word (discard), and not refilled since. */
  get dropped(): boolean {
    return this.#dropped;
  }

  /** One token to spend now; waits for a fetch only when the wallet is empty. */
  async take(): Promise<string> {
    while (this.#tokens.length === 0) {
      // Emptied at the relay's word (discard), not by spending: the relay chose when, so a fetch
      // now would follow the refused spend it just saw. The background refill brings new ones.
      if (this.#dropped) {
        this.#refillLater();
        throw new UnsentError('UNAVAILABLE', "the relay refused this device's tokens; new ones are fetched in a few minutes, and the action waits until then");
      }
      await this.fill();
    }
    const token = this.#tokens.pop()!;
    if (this.#tokens.length < this.#lowWater) this.#refillLater();
    return token;
  }

  /** Later, not now: right after a spend, a session fetch would name the spender. */
  #refillLater(): void {
    if (this.#refill !== undefined) return;
    // Best effort: a failed refill is retried by the next take(). Unref'd, so a CLI run can exit first.
    this.#refill = setTimeout(() => {
      this.#refill = undefined;
      this.fill().catch(() => {});
    }, this.#refillDelayMs());
    (this.#refill as { unref?: () => void }).unref?.();
  }

  /** A closed client makes no more requests: the pending background refill is dropped. */
  stop(): void {
    if (this.#refill) clearTimeout(this.#refill);
    this.#refill = undefined;
  }

  /** A token taken for an action that never left the device (unsentError.ts), kept for the next. */
  giveBack(token: string): void {
    this.#tokens.push(token);
  }

  /**
   * Drops every token: the relay said they no longer verify (its key rotated, or so it says). New
   * ones come from the background refill, never on an action's path (take).
   */
  discard(): void {
    this.#tokens = [];
    this.#dropped = true;
    this.#refillLater();
  }

  /** One fetch at a time; concurrent callers share it. */
  fill(): Promise<void> {
    this.#filling ??= this.#fetch().finally(() => (this.#filling = undefined));
    return this.#filling;
  }

  async #fetch(): Promise<void> {
    const key = await this.relay.request<{ keyId: string; publicKey: string }>('GET', `/v1/tokens/${this.purpose}/key`);
    // The first fetch is small, so that the first claim waits as little as possible.
    const count = this.#fetched ? this.#batch : Math.min(this.#batch, 4);
    const { requestTokens } = await tokenCode();
    const { request, finish } = await requestTokens(fromBase64Url(key.publicKey, 256), count);
    const { response } = await this.relay.request<{ response: string }>('POST', `/v1/tokens/${this.purpose}`, { request }, 'session');
    const fresh = await finish(response);
    if (fresh.length === 0) throw new HardlineError('UNAVAILABLE', 'the relay issued no tokens');
    this.#tokens.push(...fresh);
    this.#dropped = false;
    this.#fetched = true;
  }
}

/**
 * Runs an anonymous action paid with one token. A token the relay refuses (TOKEN_INVALID: its key
 * rotated, or so it says) drops the wallet, and the action fails UNAVAILABLE, to be made again
 * later: any relay can send that answer for any token, and fetching a batch over the session at
 * once, then sending the action again, would tell it whose action it was.
 */
export async function payWithToken<T>(wallet: TokenWallet, action: (token: string) => Promise<T>): Promise<T> {
  const token = await wallet.take();
  try {
    return await action(token);
  } catch (e) {
    // Failed before it left the device (held, or no key config to seal it to): spent on nothing,
    // it would be lost at every retry (a strict-level pool refill tries every second or so) and
    // use up the day's budget. Never after an answer: a relay may have read it (unsentError.ts).
    if (e instanceof UnsentError) wallet.giveBack(token);
    if (!(e instanceof HardlineError) || e.code !== 'TOKEN_INVALID') throw e;
    wallet.discard();
    throw new HardlineError('UNAVAILABLE', "the relay refused this device's token; new ones are fetched in a few minutes, and the action waits until then", { cause: e });
  }
}
