/**
 * @module session/syncLoop
 * Keeps one inbox subscription open (the engine's `sync` with a long wait), so messages arrive
 * in real time. Any other engine operation asks for the lock: the running wait is cut short,
 * the operation runs alone, and listening resumes.
 */
import { HardlineError } from '@hardline/protocol';
import type { HardlineClient, ReceivedControl } from '@hardline/client';
import { Mutex } from './mutex.ts';

export type LinkStatus = 'connecting' | 'online' | 'offline';

export type SyncLoopEvents = {
  /** Something in the engine's state may have changed. */
  changed(): void;
  status(s: LinkStatus): void;
  revoked(): void;
  /** Runs under the lock after each listening round (receipts, expiry, reconcile). */
  afterRound(): Promise<void>;
  /** Call signalling and other controls, the moment they arrive (calls must not wait a round). */
  control?(c: ReceivedControl): void;
};

/**
 * One listening round. Each round also refreshes the directory and pulls the contact book, so
 * this bounds how soon another device's book edit shows here.
 */
const LISTEN_MS = 6_000;
const MAX_BACKOFF_MS = 15_000;

export class SyncLoop {
  private readonly mutex = new Mutex();
  private running = false;
  private current: AbortController | undefined;
  private waiting = 0;
  private wake: (() => void) | undefined;
  private failures = 0;
  /** Exclusive operations waiting that must not wait for afterRound (call signalling). */
  private urgent = 0;
  /** A poke no round has served yet: the next round listens for nothing and goes to afterRound. */
  private poked = false;

  constructor(
    private readonly client: HardlineClient,
    private readonly events: SyncLoopEvents,
  ) {}

  start(): void {
    if (this.running) return;
    this.running = true;
    void this.loop();
  }

  stop(): void {
    this.running = false;
    this.current?.abort();
    this.wake?.();
  }

  /**
   * Ends the current wait early so a new round starts now (after coming back online, say), and
   * has the next round's afterRound run at once. A poke right after an exclusive operation (a
   * contact-book edit) comes between rounds, when there is no wait to cut: without the flag the
   * edit waited a whole listening round before the round's book sync pushed it.
   */
  poke(): void {
    this.poked = true;
    this.current?.abort();
    this.wake?.();
  }

  /**
   * Runs an engine operation alone, interrupting the listening round. `urgent` (call
   * signalling) also defers the interrupted round's afterRound work to the next round, so a
   * ring or an answer does not wait for the contact book's pull.
   */
  async exclusive<T>(fn: (c: HardlineClient) => Promise<T>, opts: { urgent?: boolean } = {}): Promise<T> {
    this.waiting++;
    if (opts.urgent) this.urgent++;
    this.current?.abort();
    try {
      return await this.mutex.run(() => fn(this.client));
    } catch (e) {
      if (e instanceof HardlineError && e.code === 'REVOKED') this.revoke();
      throw e;
    } finally {
      this.waiting--;
      if (opts.urgent) this.urgent--;
      this.events.changed();
    }
  }

  private revoke(): void {
    if (!this.running) return;
    this.running = false;
    this.events.revoked();
  }

  private async loop(): Promise<void> {
    while (this.running) {
      const abort = new AbortController();
      this.current = abort;
      try {
        if (this.failures > 0) this.events.status('connecting');
        await this.mutex.run(async () => {
          if (this.waiting > 0 || !this.running) return;
          await this.client.sync({ waitMs: this.poked ? 0 : LISTEN_MS, signal: abort.signal, onMessage: () => this.events.changed(), onControl: (c) => this.events.control?.(c) });
          // This round's afterRound serves every poke so far; one during it gets a round of its own.
          this.poked = false;
          this.failures = 0;
          this.events.status('online');
          // With call signalling waiting, afterRound waits for the next round instead.
          if (this.urgent === 0) await this.events.afterRound();
        });
        this.events.changed();
      } catch (e) {
        if (e instanceof HardlineError && e.code === 'REVOKED') {
          this.revoke();
          return;
        }
        this.failures++;
        this.events.status('offline');
        await this.pause(Math.min(1000 * 2 ** Math.min(this.failures - 1, 4), MAX_BACKOFF_MS));
      }
      // Let queued exclusive operations take the lock before listening again.
      if (this.waiting > 0) await this.mutex.run(async () => undefined);
    }
  }

  private pause(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const t = setTimeout(done, ms);
      function done() {
        clearTimeout(t);
        resolve();
      }
      this.wake = done;
    });
  }
}
