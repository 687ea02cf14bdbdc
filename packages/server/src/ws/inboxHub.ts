/**
 * @module inboxHub
 * In-memory routing from mailboxes and devices to open inbox connections. It is the only place
 * that links a mailbox to a device, and it lives only as long as the connection: nothing of it
 * is written to disk.
 */
import { timingSafeEqual } from 'node:crypto';
import type { DeviceId, MailboxId } from '@hardline/protocol';
import type { MailboxRecord } from '../store/relayStore.ts';
import type { InboxConnection } from './inboxConnection.ts';
import type { PushRounds } from './pushRounds.ts';
import type { PostWake } from '../push/wakeUps.ts';

export class InboxHub {
  /** When live pushes go out (pushRounds.ts): every authenticated inbox takes part. */
  readonly rounds: PushRounds;
  readonly #byMailbox = new Map<MailboxId, Set<InboxConnection>>();
  /** Subscriptions to mailboxes whose KeyPackage is not claimed yet, with the read capability hash. */
  readonly #pending = new Map<MailboxId, Map<InboxConnection, Buffer>>();
  readonly #byDevice = new Map<DeviceId, Set<InboxConnection>>();

  constructor(rounds: PushRounds) {
    this.rounds = rounds;
  }

  attachDevice(conn: InboxConnection, deviceId: DeviceId): void {
    this.rounds.join(conn);
    let set = this.#byDevice.get(deviceId);
    if (!set) this.#byDevice.set(deviceId, (set = new Set()));
    set.add(conn);
  }

  subscribe(conn: InboxConnection, mailboxId: MailboxId): void {
    let set = this.#byMailbox.get(mailboxId);
    if (!set) this.#byMailbox.set(mailboxId, (set = new Set()));
    set.add(conn);
  }

  subscribePending(conn: InboxConnection, mailboxId: MailboxId, readCapHash: Buffer): void {
    let map = this.#pending.get(mailboxId);
    if (!map) this.#pending.set(mailboxId, (map = new Map()));
    map.set(conn, readCapHash);
  }

  /** Whether an open inbox reads the mailbox now; if not, a post wakes its device (push/wakeUps.ts). */
  hasReader(mailboxId: MailboxId): boolean {
    return this.#byMailbox.has(mailboxId);
  }

  /** Called after the envelope's transaction committed; `now`: the post asked for no wait (a call's). */
  envelopeStored(mailboxId: MailboxId, seq: number, bytes: Uint8Array, wake: PostWake = 'now'): void {
    const set = this.#byMailbox.get(mailboxId);
    if (set) for (const conn of set) conn.offer(mailboxId, seq, bytes, wake === 'now');
  }

  /** Called after a claim committed: waiting subscribers with the right read capability go live. */
  mailboxCreated(mailbox: MailboxRecord): void {
    const waiting = this.#pending.get(mailbox.id);
    if (!waiting) return;
    this.#pending.delete(mailbox.id);
    const stored = Buffer.from(mailbox.readCapHash);
    for (const [conn, capHash] of waiting) {
      if (capHash.length === stored.length && timingSafeEqual(capHash, stored)) {
        this.subscribe(conn, mailbox.id);
        conn.activate(mailbox.id);
      } else {
        conn.forgetPending(mailbox.id);
      }
    }
  }

  closeDevice(deviceId: DeviceId, code: number, reason: string): void {
    for (const conn of this.#byDevice.get(deviceId) ?? []) conn.close(code, reason);
  }

  /**
   * How many keys each index holds. A closed connection must leave none behind (see detach):
   * otherwise anyone who opens and closes inboxes grows the relay's memory without bound.
   */
  get size(): { readonly mailboxes: number; readonly pending: number; readonly devices: number } {
    return { mailboxes: this.#byMailbox.size, pending: this.#pending.size, devices: this.#byDevice.size };
  }

  /** Forget every trace of a closed connection. */
  detach(conn: InboxConnection): void {
    this.rounds.leave(conn);
    for (const m of conn.mailboxes()) {
      const set = this.#byMailbox.get(m);
      set?.delete(conn);
      if (set && set.size === 0) this.#byMailbox.delete(m);
    }
    for (const m of conn.pendingMailboxes()) {
      const map = this.#pending.get(m);
      map?.delete(conn);
      if (map && map.size === 0) this.#pending.delete(m);
    }
    if (conn.deviceId) {
      const set = this.#byDevice.get(conn.deviceId);
      set?.delete(conn);
      if (set && set.size === 0) this.#byDevice.delete(conn.deviceId);
    }
  }
}
