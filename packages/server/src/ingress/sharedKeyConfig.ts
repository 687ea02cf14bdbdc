/**
 * @module sharedKeyConfig
 * The relay's Oblivious HTTP key config as the hop hands it out (`GET /v1/ohttp/keys` at the
 * hop): fetched by the hop from the relay, and the same bytes given to every client for a while.
 *
 * Why: a client that fetched the config from the relay directly did so from its own address,
 * and a relay could answer each address with a key of its own, then recognise that device's
 * requests through the hop by the key they were sealed to: the hop would hide nothing (key
 * tagging, docs/protocol.md §7). Through the hop the relay sees only the hop asking, and every
 * client of the hop within one period gets the config the hop fetched once (RFC 9458 §7,
 * "consistency" of key configurations; the hop is already trusted not to share addresses).
 *
 * What is left: the relay can still answer each of the hop's own fetches differently, so
 * clients that fetched in different periods may hold different keys; that splits the hop's
 * clients by when they last fetched, not by who they are. Periods are long (KEEP_MS) to keep
 * those groups large, and they end on the hop's own timer, not at a client's request.
 */
import type { UpstreamAnswer } from './hopUpstream.ts';

/** How long one fetched config is handed out before the hop asks the relay again. */
export const KEEP_MS = 60 * 60_000;
/** After a failed fetch the last good config is still handed out for this long. */
const STALE_MS = 24 * 60 * 60_000;
/**
 * After a failed fetch the relay is not asked again for this long, however many clients ask:
 * else each client's request would reach the relay as a fetch of the hop's, timed to it.
 */
export const RETRY_MS = 5 * 60_000;
const KEYS_TYPE = 'application/ohttp-keys';

export type KeyConfigAnswer = { readonly body: Uint8Array } | { readonly unavailable: string };

export class SharedKeyConfig {
  #kept: { body: Uint8Array; at: number } | undefined;
  #fetching: Promise<KeyConfigAnswer> | undefined;
  #failed: { answer: KeyConfigAnswer; at: number } | undefined;

  constructor(
    private readonly get: (url: URL, timeoutMs: number) => Promise<UpstreamAnswer>,
    private readonly keysUrl: URL,
    private readonly timeoutMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  /**
   * The config every client gets now. A client's request makes the hop ask the relay only when
   * it has no usable config at all; otherwise the relay is asked on the hop's own timer (refresh),
   * so that no fetch of the hop's is timed to a client's (the relay would line that moment up with
   * what it sees of each device's own address, and could answer it with a key of its own).
   */
  async current(): Promise<KeyConfigAnswer> {
    const stale = this.stale();
    if (stale) return stale;
    const failed = this.#failed;
    if (failed && this.now() - failed.at < RETRY_MS) return failed.answer;
    return this.start();
  }

  /** The hop's timer (every RETRY_MS): a new fetch once the period is over, or the pause after a failure. */
  async refresh(): Promise<void> {
    const kept = this.#kept;
    if (kept && this.now() - kept.at < KEEP_MS) return;
    const failed = this.#failed;
    if (failed && this.now() - failed.at < RETRY_MS) return;
    await this.start();
  }

  /** One fetch at a time, shared by all who ask meanwhile. */
  private start(): Promise<KeyConfigAnswer> {
    this.#fetching ??= this.fetch().finally(() => (this.#fetching = undefined));
    return this.#fetching;
  }

  private async fetch(): Promise<KeyConfigAnswer> {
    let answer: UpstreamAnswer | undefined;
    try {
      answer = await this.get(this.keysUrl, this.timeoutMs);
    } catch {
      answer = undefined;
    }
    const type = answer?.contentType?.split(';')[0]?.trim().toLowerCase();
    if (answer && answer.status === 200 && type === KEYS_TYPE && answer.body.length > 0) {
      this.#kept = { body: answer.body, at: this.now() };
      this.#failed = undefined;
      return { body: answer.body };
    }
    // A relay that stops answering does not get a fresh fetch per client either (RETRY_MS): the
    // last good config holds for a day (a rotated key stays accepted for its grace period).
    const unavailable = { unavailable: answer ? `the relay answered its key config with HTTP ${answer.status}` : 'the relay behind this hop did not answer' };
    this.#failed = { answer: unavailable, at: this.now() };
    return this.stale() ?? unavailable;
  }

  private stale(): KeyConfigAnswer | undefined {
    const kept = this.#kept;
    return kept && this.now() - kept.at < STALE_MS ? { body: kept.body } : undefined;
  }
}
