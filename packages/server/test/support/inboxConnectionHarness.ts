/**
 * @module inboxConnectionHarness
 * One inbox connection (src/ws/inboxConnection.ts) with stand-ins the attacker tests steer: a
 * socket whose unsent bytes the test sets, a store whose reads can fail, hang or wait for the
 * test, and the push rounds on a clock the test moves.
 */
import type { MailboxId } from '@hardline/protocol';
import { ManualClock } from '../../../../test/support/manualClock.ts';
import type { RelayContext } from '../../src/relayContext.ts';
import type { StoredEnvelope } from '../../src/store/relayStore.ts';
import { InboxConnection } from '../../src/ws/inboxConnection.ts';
import { PUSH_ROUND_POLICIES } from '../../src/ws/pushRoundPolicy.ts';
import { PushRounds } from '../../src/ws/pushRounds.ts';

/** The drain's padding envelopes the harness's connections made (see `connection`). */
const padding = new WeakSet<Uint8Array>();

/** A socket that only counts: every send adds to the unsent bytes until the test drains them. */
export class SlowSocket {
  readyState = 1;
  bufferedAmount = 0;
  readonly sent: (Uint8Array | string)[] = [];
  /** Each frame's type as the ws library would send it (its default: binary unless a string). */
  readonly binary: boolean[] = [];
  closed: [number, string] | undefined;
  send(data: Uint8Array | string, options?: { binary?: boolean }): void {
    this.sent.push(data);
    this.binary.push({ binary: typeof data !== 'string', ...options }.binary);
    this.bufferedAmount += data.length;
  }
  close(code: number, reason: string): void {
    this.closed = [code, reason];
    this.readyState = 2;
  }
  /** Binary frames sent but the drain's padding, by their first byte (the tests' envelope number). */
  get envelopes(): number[] {
    return this.sent.filter((d): d is Uint8Array => typeof d !== 'string' && !padding.has(d)).map((d) => d[0]!);
  }
  /** Each frame in order: 'cover' for the drain's padding, 'drained', or the envelope number. */
  get wire(): (number | 'cover' | 'drained' | string)[] {
    return this.sent.map((d) => (typeof d === 'string' ? (d === '{"type":"drained"}' ? 'drained' : d) : padding.has(d) ? 'cover' : d[0]!));
  }
  get drained(): number {
    return this.sent.filter((d) => d === '{"type":"drained"}').length;
  }
}

/** An envelope numbered `seq` (its first byte) of `size` bytes. */
export const env = (seq: number, size = 100): StoredEnvelope => {
  const bytes = new Uint8Array(size);
  bytes[0] = seq;
  return { seq, bytes } as unknown as StoredEnvelope;
};

export class Store {
  readonly envelopes: StoredEnvelope[] = [];
  reads = 0;
  stuck = false;
  fail = false;
  /** While set, each read answers (with what the store held when it was asked) only once the test calls `open()`. */
  gated = false;
  readonly #waiting: (() => void)[] = [];
  listEnvelopes(_m: MailboxId, after: number, limit: number): Promise<readonly StoredEnvelope[]> {
    this.reads++;
    if (this.fail) return Promise.reject(new Error('disk gone'));
    if (this.stuck) return new Promise(() => {});
    const page = this.envelopes.filter((e) => e.seq > after).slice(0, limit);
    if (this.gated) return new Promise((r) => this.#waiting.push(() => r(page)));
    return Promise.resolve(page);
  }
  /** Answers every read waiting at the gate. */
  open(): void {
    for (const answer of this.#waiting.splice(0)) answer();
  }
}

/**
 * `drainFloor`: 0 unless given. These tests count the exact frames of paging, backpressure and
 * rounds, which the drain's padding (DRAIN_FLOOR, inboxConnection.ts) would only pad; a relay
 * always pads, and the floor's own tests here pass DRAIN_FLOOR. The padding is the real cover
 * envelope, which SlowSocket tells apart: `envelopes` leaves it out, `wire` names it.
 */
export function connection(opts: { sendBuffer: number; level?: 'off' | 'balanced' | 'strict'; observer?: (e: unknown) => void; drainFloor?: number }) {
  const clock = new ManualClock();
  const policy = PUSH_ROUND_POLICIES[opts.level ?? 'off'];
  const rounds = new PushRounds(policy, { clock, random: () => 0 });
  const coverEnvelope = rounds.coverEnvelope.bind(rounds);
  rounds.coverEnvelope = () => {
    const cover = coverEnvelope();
    padding.add(cover);
    return cover;
  };
  const store = new Store();
  const errors: unknown[] = [];
  const ctx = {
    hub: { rounds },
    limits: { maxSocketSendBuffer: opts.sendBuffer },
    store,
    observer: opts.observer,
    internalError: (e: unknown) => errors.push(e),
  } as unknown as RelayContext;
  const ws = new SlowSocket();
  const conn = new InboxConnection(ctx, ws as never, 1, opts.drainFloor ?? 0);
  return { conn, ws, store, clock, rounds, errors };
}

/** Lets the pump run as far as it can (its waits poll every 2 ms on real timers). */
export const settle = () => new Promise((r) => setTimeout(r, 40));
