/**
 * @module drainAck
 * The one acknowledgement of a sync's drain (everything the relay sends before "drained"). Acking
 * a batch as soon as it was processed showed on the wire what the read found: the relay's cover
 * is dropped at once, a real envelope is decrypted and saved first, so an empty read uploaded
 * several small ack frames right after the download and closed, and a read with messages acked
 * later, in other frames. inboxRound.ts holds the drain's acks here and sends them in one frame
 * at the later of (processing done) and (drained + a random delay), so neither the number of
 * upload frames nor, in the usual case, their time depends on whether a message was there.
 */
import type { MailboxId } from '@hardline/protocol';

export type AckItem = { mailboxId: MailboxId; envelopeId: string };

/**
 * The delay after "drained", uniform in [500, 1500) ms. The floor is above what processing a
 * drain's few real envelopes usually takes (MLS decryption and a state save, IndexedDB in the
 * browser: tens to a few hundred ms on a phone), so the frame's time is the random delay, not the
 * work; the spread of a second blurs the rare slower read. The ceiling keeps a Web Push wake-up
 * and a CLI `read` short (the connection, and the relay's un-acked envelopes, wait this long).
 */
export const DRAIN_ACK_MIN_MS = 500;
export const DRAIN_ACK_MAX_MS = 1_500;

/** `random` in [0, 1); by default from the platform's CSPRNG, so the observer cannot predict it. */
export function drainAckDelay(random: () => number = cryptoRandom): number {
  return DRAIN_ACK_MIN_MS + random() * (DRAIN_ACK_MAX_MS - DRAIN_ACK_MIN_MS);
}

function cryptoRandom(): number {
  const [n] = crypto.getRandomValues(new Uint32Array(1));
  return n! / 2 ** 32;
}

export class DrainAck {
  private held: AckItem[] = [];
  private dueAt: number | undefined;
  private sent = false;

  /** `delayMs` is drawn once, when the relay says the backlog is drained. */
  constructor(private readonly delayMs: () => number = drainAckDelay) {}

  /** True until the drain's frame is taken: processed envelopes are held, not acked. */
  get holding(): boolean {
    return !this.sent;
  }

  hold(items: readonly AckItem[]): void {
    this.held.push(...items);
  }

  /** The relay said "drained" at `now` (ms): the frame is due a random delay later. */
  drained(now: number): void {
    this.dueAt ??= now + this.delayMs();
  }

  /**
   * How long to wait still before the frame may go (0: now). Nothing held (a relay without a drain
   * floor sent nothing) needs no wait: the empty download already said the read was empty.
   */
  waitMs(now: number): number {
    if (this.held.length === 0 || this.dueAt === undefined) return 0;
    return Math.max(this.dueAt - now, 0);
  }

  /** The drain's acks, for one frame; after this, acks are no longer held. */
  take(): AckItem[] {
    this.sent = true;
    const items = this.held;
    this.held = [];
    return items;
  }
}
