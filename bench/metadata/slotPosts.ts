/**
 * @module slotPosts
 * The driver's side of the simulated send scheduler (simulatedScheduler.ts), with the real
 * client and relay:
 * - each device's client runs at the level under test with its own scheduler stopped (the
 *   driver closes it after every action), so whatever the client leaves for a slot (texts,
 *   receipts, welcomes) stays queued in its state exactly as the client queued it, and what it
 *   posts at once (call signalling, membership commits) goes at once, as in the app;
 * - at a slot, the oldest queued envelope is posted through the client's own Poster on a fresh
 *   connection, and leaves the queue, as Outbox.flush does for one slot;
 * - the delay each text waited (queued → posted) is recorded: the level's added latency.
 */
import { HardlineError, decodeEnvelope, fromBase64Url, fromHex, type Envelope } from '@hardline/protocol';
import { Poster, type DeviceState, type HardlineClient, type QueuedPost, type Transport } from '@hardline/client';
import type { MemoryStateStore } from './memoryStateStore.ts';
import type { Random } from './random.ts';

/**
 * The client's flush with its scheduler stopped rejects with UNAVAILABLE once it has queued:
 * here that means "left for a slot", and the simulated scheduler posts it.
 */
export async function leftForSlot<T>(client: HardlineClient, run: () => Promise<T>): Promise<T | undefined> {
  try {
    return await run();
  } catch (e) {
    if (e instanceof HardlineError && e.code === 'UNAVAILABLE' && client.pendingOutbox() > 0) return undefined;
    throw e;
  }
}

export async function deviceState(store: MemoryStateStore): Promise<DeviceState> {
  const s = await store.load();
  if (!s) throw new Error('device has no state');
  return s;
}

/** Posts the oldest queued envelope on a connection of its own; returns it, or throws (it stays queued). */
export async function postOldest(store: MemoryStateStore, relayUrl: string, transport: Transport): Promise<Envelope> {
  const state = await deviceState(store);
  const head = state.outbox[0]!;
  const envelope = decodeEnvelope(fromBase64Url(head.envelope, 70_000));
  // As the scheduler's slots post: marked so that a push wake-up may wait (packages/client/src/poster.ts).
  const poster = new Poster(new URL(relayUrl), transport, 'later');
  try {
    await poster.post({ sendCap: fromHex(head.sendCap, 32), envelope });
  } finally {
    poster.close();
  }
  state.outbox = state.outbox.filter((p) => p !== head);
  return envelope;
}

/** One of the device's own conversation mailboxes, at random, as coverEnvelope picks it. */
export function coverMailbox(client: HardlineClient, rng: Random): string | undefined {
  const own = client.conversations().flatMap((c) => {
    const me = c.left ? undefined : c.roster.devices.find((d) => d.deviceId === client.deviceId);
    return me ? [me.mailboxId] : [];
  });
  return own.length === 0 ? undefined : rng.pick(own);
}

/** Queued → posted, per text message, in simulated seconds. */
export class PostDelays {
  /** Per device: its tracked queued entries and the message each belongs to. */
  private readonly waiting = new Map<number, Map<QueuedPost, number>>();
  private readonly messages = new Map<number, { queuedAt: number; left: number; last: number }>();
  readonly delays: number[] = [];

  /** The envelopes a send queued on `user` (those not in `before`) carry simulated message `message`. */
  queued(user: number, state: DeviceState, before: ReadonlySet<QueuedPost>, message: number, at: number): void {
    const mine = state.outbox.filter((p) => !before.has(p));
    if (mine.length === 0) return;
    const w = this.waiting.get(user) ?? this.waiting.set(user, new Map()).get(user)!;
    for (const p of mine) w.set(p, message);
    this.messages.set(message, { queuedAt: at, left: mine.length, last: at });
  }

  /** Every tracked envelope no longer queued on `user` was posted by `at`. */
  settle(user: number, state: DeviceState, at: number): void {
    const w = this.waiting.get(user);
    if (!w || w.size === 0) return;
    const still = new Set(state.outbox);
    for (const [p, message] of w) {
      if (still.has(p)) continue;
      w.delete(p);
      const m = this.messages.get(message)!;
      m.left--;
      m.last = Math.max(m.last, at);
      if (m.left === 0) {
        this.messages.delete(message);
        this.delays.push(m.last - m.queuedAt);
      }
    }
  }
}
