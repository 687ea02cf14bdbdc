/**
 * @module coverPush
 * The relay's cover envelope for a held-open inbox (pushRounds.ts), and the sizes it takes.
 *
 * On the wire it is an envelope like any other (envelope.ts): version 1, a mailbox id, an
 * envelope id and a payload of a bucket size, all random, sent as the same binary frame inside
 * the same TLS stream. The sizes come from the real pushes of the last while (a ring of their
 * lengths, nothing else, one slot per reading device), so cover follows the mix of buckets real traffic has; larger buckets
 * than MAX_COVER_PAYLOAD are left to real traffic, whose cost they would multiply.
 *
 * Why a random mailbox id: the client looks the envelope's mailbox up among its conversations
 * and KeyPackages, finds none, drops it and acks it like any envelope (hardlineClient.ts
 * processEnvelope), so its upload after a cover push is the same ack-sized frame as after a
 * real one; the relay ignores acks for mailboxes the connection does not read. A cover naming
 * one of the reader's own mailboxes would instead be held as an early envelope by a KeyPackage
 * mailbox (mailboxRotation.ts park). The relay itself is not fooled by its own cover: it is a
 * defence against the network observer only (docs/protocol.md §7).
 */
import { randomBytes } from 'node:crypto';
import { ENVELOPE_HEADER_SIZE, ENVELOPE_VERSION, ID_SIZE } from '@hardline/protocol';

/** The 1 KiB bucket most texts fill: cover's size until real pushes have been seen. */
const DEFAULT_PAYLOAD = 1024;
const MAX_COVER_PAYLOAD = 4096;
const RING = 64;

export class CoverSizes {
  readonly #ring: number[] = [];
  /** Per slot, the reader whose push wrote it (undefined: a push noted with no reader). */
  readonly #writer: (string | undefined)[] = [];
  /** Each reader's one slot: a device that pulls a flood of one size through its own inbox moves its own slot, not the ring. */
  readonly #slotOf = new Map<string, number>();
  #next = 0;

  /**
   * A real push of `envelopeLength` bytes went out to `reader` (a device). Each reader holds at
   * most one slot: otherwise an account holder could post envelopes of one bucket to its own
   * mailboxes, drain them, and make every cover that size, so that a read finding a real 1 KiB
   * text stood out from an empty one on the link (inboxConnection.ts drain floor).
   */
  note(envelopeLength: number, reader?: string): void {
    const payload = envelopeLength - ENVELOPE_HEADER_SIZE;
    if (payload <= 0 || payload > MAX_COVER_PAYLOAD) return;
    const own = reader === undefined ? undefined : this.#slotOf.get(reader);
    if (own !== undefined) {
      this.#ring[own] = payload;
      return;
    }
    const at = this.#ring.length < RING ? this.#ring.length : this.#next;
    const evicted = this.#writer[at];
    if (evicted !== undefined) this.#slotOf.delete(evicted);
    this.#ring[at] = payload;
    this.#writer[at] = reader;
    if (reader !== undefined) this.#slotOf.set(reader, at);
    this.#next = (at + 1) % RING;
  }

  pick(random: () => number): number {
    if (this.#ring.length === 0) return DEFAULT_PAYLOAD;
    return this.#ring[Math.floor(random() * this.#ring.length)]!;
  }
}

export function coverEnvelopeBytes(payloadLength: number): Uint8Array {
  const out = new Uint8Array(ENVELOPE_HEADER_SIZE + payloadLength);
  out[0] = ENVELOPE_VERSION;
  out.set(randomBytes(ID_SIZE * 2 + payloadLength), 1);
  return out;
}
