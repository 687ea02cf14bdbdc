/**
 * @module inboxConnection
 * Delivery to one authenticated inbox socket. The database is the source of truth and each
 * subscribed mailbox has a cursor (the last seq pushed). A live push goes straight out when
 * the socket keeps up; otherwise the mailbox is marked dirty and a pump pages the backlog from
 * the store in seq order, pausing while the socket's send buffer is full. So a reader gets
 * every envelope once per connection, in order, and a slow reader costs the relay a cursor,
 * not a queue.
 *
 * With push rounds on (pushRounds.ts), a live push is held instead until the relay's next round
 * boundary: in memory up to HOLD_BYTES, so that the round sends it in the same synchronous pass
 * as every other inbox's (a store read would delay real pushes behind cover ones); past that,
 * or while the pump runs, the mailbox is marked and the pump pages it from the store at the
 * round. The backlog on subscribe (the offline drain) still goes at once.
 *
 * Every drain carries at least DRAIN_FLOOR envelopes: what the backlog lacks, the relay fills
 * with cover envelopes (coverPush.ts) before "drained". A closed app's service worker reads its
 * inbox at each Web Push wake-up, at times that follow no message (push/wakePolicy.ts); if an
 * empty read were shorter on the wire than one that found a message, the link's observer would
 * keep only the reads that found one, and statistical disclosure would name the principal's
 * partners again (modelled on the closed app's reads, bench/metadata/wakeFetches.ts's setting:
 * P@5 0.33 after two weeks at 50 people, chance 0.10; about 0.12 with this floor; the bench
 * itself does not model the floor yet). A CLI poll is padded the same way. The floor counts from
 * the subscribe that owes the drain (a subscribe while one is owed joins it), and its cover
 * waits for a slow reader's buffer as the backlog does. Cost: about 4 × 1.1 KB per empty read.
 */
import type { DeviceId, MailboxId } from '@hardline/protocol';
import WebSocket from 'ws';
import { observe, type RelayContext } from '../relayContext.ts';
import { corkForTurn } from './corkForTurn.ts';
import type { PushRounds, RoundMember } from './pushRounds.ts';

const PAGE = 512;
/**
 * Envelopes a drain carries at least, in every relay (not a setting; only the connection tests
 * that count paging frames construct a connection with 0). A read that finds more than this
 * still shows its length on the link: the floor hides the common reads, which find few or none.
 */
export const DRAIN_FLOOR = 4;
/** Envelope bytes a connection holds in memory for its next round; more is paged from the store. */
const HOLD_BYTES = 1 << 20;

type Held = { readonly m: MailboxId; readonly seq: number; readonly bytes: Uint8Array };

export class InboxConnection implements RoundMember {
  readonly ws: WebSocket;
  readonly conn: number;
  deviceId: DeviceId | undefined;
  readonly #ctx: RelayContext;
  readonly #cursors = new Map<MailboxId, number>();
  readonly #pending = new Set<MailboxId>();
  readonly #dirty = new Set<MailboxId>();
  #pumping = false;
  #drainedOwed = false;
  /** Envelopes (real and cover) sent since the subscribe that owes the next "drained": what the floor counts. */
  #sinceDrained = 0;
  /** Stop pushing above this many unsent bytes (limits.maxSocketSendBuffer); resume below #lowWater. */
  readonly #highWater: number;
  readonly #lowWater: number;
  readonly #rounds: PushRounds;
  /** Live envelopes waiting for the next round, in arrival order, and their bytes. */
  #held: Held[] = [];
  #heldBytes = 0;
  /** Mailboxes with live envelopes for the next round that the pump pages from the store. */
  readonly #heldInStore = new Set<MailboxId>();

  /** DRAIN_FLOOR in every relay (inboxSocket.ts passes none); 0 only in tests that count exact frames of paging. */
  readonly #floor: number;

  constructor(ctx: RelayContext, ws: WebSocket, conn: number, drainFloor = DRAIN_FLOOR) {
    this.#ctx = ctx;
    this.#floor = drainFloor;
    this.#rounds = ctx.hub.rounds;
    this.ws = ws;
    this.conn = conn;
    this.#highWater = ctx.limits.maxSocketSendBuffer;
    this.#lowWater = Math.floor(ctx.limits.maxSocketSendBuffer / 4);
  }

  get open(): boolean {
    return this.ws.readyState === WebSocket.OPEN;
  }

  mailboxes(): Iterable<MailboxId> {
    return this.#cursors.keys();
  }

  pendingMailboxes(): Iterable<MailboxId> {
    return this.#pending;
  }

  subscriptionCount(): number {
    return this.#cursors.size + this.#pending.size;
  }

  isSubscribed(m: MailboxId): boolean {
    return this.#cursors.has(m);
  }

  /** Subscribes to existing mailboxes; their backlog follows, then one "drained". */
  subscribe(ms: readonly MailboxId[]): void {
    for (const m of ms) {
      if (!this.#cursors.has(m)) this.#cursors.set(m, 0);
      this.#dirty.add(m);
    }
    // The floor counts from the subscribe that owes the drain: live pushes before it were seen
    // on their own, and a subscribe while one is owed joins that drain (one "drained" for both).
    if (!this.#drainedOwed) this.#sinceDrained = 0;
    this.#drainedOwed = true;
    this.#pump();
  }

  addPending(m: MailboxId): void {
    this.#pending.add(m);
  }

  forgetPending(m: MailboxId): void {
    this.#pending.delete(m);
  }

  /** A pending mailbox was just created by a claim. */
  activate(m: MailboxId): void {
    this.#pending.delete(m);
    if (!this.#cursors.has(m)) this.#cursors.set(m, 0);
    this.#dirty.add(m);
    this.#pump();
  }

  /**
   * A committed envelope for a mailbox this connection may be subscribed to. `urgent`: its post
   * asked for no wait (a call's signal), which goes at once unless the level holds those too.
   */
  offer(m: MailboxId, seq: number, bytes: Uint8Array, urgent = false): void {
    const cursor = this.#cursors.get(m);
    if (cursor === undefined || seq <= cursor || !this.open) return;
    if (!this.#rounds.immediate && !(urgent && !this.#rounds.policy.urgentWaits)) {
      this.#hold(m, seq, bytes);
      return;
    }
    // What this connection held goes first: its cursor must not pass envelopes still held.
    this.#releaseHeld();
    if (this.#pumping || this.ws.bufferedAmount > this.#highWater) {
      this.#dirty.add(m);
      this.#pump();
      return;
    }
    this.#push(m, seq, bytes);
  }

  /** The round boundary came: what was held goes now, or the cover envelope when given. */
  releaseRound(cover: Uint8Array | undefined): void {
    if (!this.open) return;
    this.#releaseHeld();
    if (this.#dirty.size === 0 && !this.#pumping && cover && this.ws.bufferedAmount <= this.#lowWater) {
      // The same call as a real push: same frame type, same corking.
      corkForTurn(this.ws);
      this.ws.send(cover, { binary: true });
    }
  }

  #releaseHeld(): void {
    if (this.#held.length === 0 && this.#heldInStore.size === 0) return;
    const held = this.#held;
    this.#held = [];
    this.#heldBytes = 0;
    for (const h of held) {
      if (this.#pumping || this.ws.bufferedAmount > this.#highWater) this.#dirty.add(h.m);
      else if (h.seq > (this.#cursors.get(h.m) ?? Infinity)) this.#push(h.m, h.seq, h.bytes);
    }
    for (const m of this.#heldInStore) this.#dirty.add(m);
    this.#heldInStore.clear();
    if (this.#dirty.size > 0) this.#pump();
  }

  close(code: number, reason: string): void {
    if (this.ws.readyState === WebSocket.OPEN || this.ws.readyState === WebSocket.CONNECTING) this.ws.close(code, reason);
  }

  #hold(m: MailboxId, seq: number, bytes: Uint8Array): void {
    // While the pump runs (the drain on subscribe) it owns the order: page it at the round.
    if (this.#pumping || this.#heldInStore.has(m) || this.#heldBytes + bytes.length > HOLD_BYTES) this.#heldInStore.add(m);
    else {
      this.#held.push({ m, seq, bytes });
      this.#heldBytes += bytes.length;
    }
    this.#rounds.hold(this);
  }

  #push(m: MailboxId, seq: number, bytes: Uint8Array): void {
    this.#sinceDrained++;
    this.#cursors.set(m, seq);
    this.#rounds.noteSize(bytes.length, this.deviceId ?? `conn:${this.conn}`);
    corkForTurn(this.ws);
    this.ws.send(bytes, { binary: true });
    if (this.#ctx.observer) observe(this.#ctx, { kind: 'push', conn: this.conn, mailboxId: m, size: bytes.length });
  }

  #pump(): void {
    if (this.#pumping) return;
    this.#pumping = true;
    this.#runPump().catch((e: unknown) => {
      this.#ctx.internalError(e);
      this.close(1011, 'INTERNAL');
    });
  }

  async #runPump(): Promise<void> {
    try {
      for (;;) {
        await this.#pumpDirty();
        if (!this.open) return;
        // An offer may have marked a mailbox since the pump's last look: this check and the
        // `finally` below run in one synchronous step, so nothing is left dirty unpumped.
        if (this.#dirty.size > 0) continue;
        if (!this.#drainedOwed) return;
        if (this.#sinceDrained < this.#floor) {
          // Cover keeps to the bound as the backlog does; what arrives meanwhile is pumped first,
          // and counts towards the floor like any push before "drained".
          if (this.ws.bufferedAmount > this.#highWater) await this.#waitForDrain();
          else this.#pushCover();
          continue;
        }
        this.#drainedOwed = false;
        this.ws.send('{"type":"drained"}');
        return;
      }
    } finally {
      // Synchronously after the last check of #dirty: an offer arriving later starts a new pump.
      this.#pumping = false;
    }
  }

  /** Pages every dirty mailbox from the store, pausing while the socket's buffer is full. */
  async #pumpDirty(): Promise<void> {
    while (this.#dirty.size > 0 && this.open) {
      const m = this.#dirty.values().next().value as MailboxId;
      this.#dirty.delete(m);
      const cursor = this.#cursors.get(m);
      if (cursor === undefined) continue;
      const page = await this.#ctx.store.listEnvelopes(m, cursor, PAGE);
      if (!this.open) return;
      for (const e of page) {
        if (e.seq <= (this.#cursors.get(m) ?? Infinity)) continue;
        this.#push(m, e.seq, e.bytes);
        // Within the page too: a page of large envelopes must not overrun the bound.
        if (this.ws.bufferedAmount > this.#highWater) await this.#waitForDrain();
        if (!this.open) return;
      }
      // A full page may mean more; re-adding moves it to the back, so mailboxes take turns.
      if (page.length === PAGE) this.#dirty.add(m);
    }
  }

  /** One cover envelope towards the floor, sent as a real push is; the client drops and acks it. */
  #pushCover(): void {
    this.#sinceDrained++;
    const cover = this.#rounds.coverEnvelope();
    corkForTurn(this.ws);
    this.ws.send(cover, { binary: true });
    // For the metadata bench's trace: a push with no mailbox, which only the link sees.
    if (this.#ctx.observer) observe(this.#ctx, { kind: 'push', conn: this.conn, size: cover.length });
  }

  async #waitForDrain(): Promise<void> {
    while (this.open && this.ws.bufferedAmount > this.#lowWater) await new Promise((r) => setTimeout(r, 2));
  }
}
