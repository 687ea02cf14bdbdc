/**
 * @module inboxConnection
 * Delivery to one authenticated inbox socket. The database is the source of truth and each
 * subscribed mailbox has a cursor (the last seq pushed). A live push goes straight out when
 * the socket keeps up; otherwise the mailbox is marked dirty and a pump pages the backlog from
 * the store in seq order, pausing while the socket's send buffer is full. So a reader gets
 * every envelope once per connection, in order, and a slow reader costs the relay a cursor,
 * not a queue.
 */
import type { DeviceId, MailboxId } from '@hardline/protocol';
import WebSocket from 'ws';
import { observe, type RelayContext } from '../relayContext.ts';
import { corkForTurn } from './corkForTurn.ts';

const PAGE = 512;

export class InboxConnection {
  readonly ws: WebSocket;
  readonly conn: number;
  deviceId: DeviceId | undefined;
  readonly #ctx: RelayContext;
  readonly #cursors = new Map<MailboxId, number>();
  readonly #pending = new Set<MailboxId>();
  readonly #dirty = new Set<MailboxId>();
  #pumping = false;
  #drainedOwed = false;
  /** Stop pushing above this many unsent bytes (limits.maxSocketSendBuffer); resume below #lowWater. */
  readonly #highWater: number;
  readonly #lowWater: number;

  constructor(ctx: RelayContext, ws: WebSocket, conn: number) {
    this.#ctx = ctx;
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

  /** A committed envelope for a mailbox this connection may be subscribed to. */
  offer(m: MailboxId, seq: number, bytes: Uint8Array): void {
    const cursor = this.#cursors.get(m);
    if (cursor === undefined || seq <= cursor || !this.open) return;
    if (this.#pumping || this.ws.bufferedAmount > this.#highWater) {
      this.#dirty.add(m);
      this.#pump();
      return;
    }
    this.#push(m, seq, bytes);
  }

  close(code: number, reason: string): void {
    if (this.ws.readyState === WebSocket.OPEN || this.ws.readyState === WebSocket.CONNECTING) this.ws.close(code, reason);
  }

  #push(m: MailboxId, seq: number, bytes: Uint8Array): void {
    this.#cursors.set(m, seq);
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
      if (this.#drainedOwed && this.open) {
        this.#drainedOwed = false;
        this.ws.send('{"type":"drained"}');
      }
    } finally {
      // Synchronously after the last check of #dirty: an offer arriving later starts a new pump.
      this.#pumping = false;
    }
  }

  async #waitForDrain(): Promise<void> {
    while (this.open && this.ws.bufferedAmount > this.#lowWater) await new Promise((r) => setTimeout(r, 2));
  }
}
