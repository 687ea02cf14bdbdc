/**
 * @module turnBatcher
 * Commits once per event-loop turn. Every write queued during a turn runs inside one SQLite
 * transaction on setImmediate; its promise settles only after COMMIT returned, so nothing is
 * reported accepted before it is durable. One fsync then covers hundreds of writes, which is
 * what makes synchronous=FULL affordable (notes/ceilings.md: 6.3k vs 109k rows/s).
 */
import type Database from 'better-sqlite3';

type Job = {
  readonly run: () => unknown;
  /** Multi-statement jobs run in a savepoint so a failure leaves nothing half-written. */
  readonly atomic: boolean;
  readonly resolve: (value: unknown) => void;
  readonly reject: (error: unknown) => void;
};

export class TurnBatcher {
  readonly #db: Database.Database;
  readonly #afterCommit: (() => void) | undefined;
  #queue: Job[] = [];
  #scheduled = false;

  /** `afterCommit` runs after each successful COMMIT, before any promise settles. */
  constructor(db: Database.Database, afterCommit?: () => void) {
    this.#db = db;
    this.#afterCommit = afterCommit;
  }

  enqueue<T>(run: () => T, atomic = false): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.#queue.push({ run, atomic, resolve: resolve as (value: unknown) => void, reject });
      if (!this.#scheduled) {
        this.#scheduled = true;
        setImmediate(() => this.flush());
      }
    });
  }

  /** Runs everything queued so far in one transaction. Also called on close. */
  flush(): void {
    this.#scheduled = false;
    const batch = this.#queue;
    this.#queue = [];
    if (batch.length === 0) return;
    const outcomes: { ok: boolean; value: unknown }[] = new Array(batch.length);
    const db = this.#db;
    try {
      db.exec('BEGIN IMMEDIATE');
      for (let i = 0; i < batch.length; i++) {
        const job = batch[i]!;
        try {
          if (job.atomic) {
            db.exec('SAVEPOINT job');
            try {
              outcomes[i] = { ok: true, value: job.run() };
              db.exec('RELEASE job');
            } catch (e) {
              db.exec('ROLLBACK TO job');
              db.exec('RELEASE job');
              throw e;
            }
          } else {
            outcomes[i] = { ok: true, value: job.run() };
          }
        } catch (e) {
          outcomes[i] = { ok: false, value: e };
        }
      }
      db.exec('COMMIT');
      this.#afterCommit?.();
    } catch (e) {
      if (db.inTransaction) db.exec('ROLLBACK');
      for (const job of batch) job.reject(e);
      return;
    }
    for (let i = 0; i < batch.length; i++) {
      const o = outcomes[i]!;
      if (o.ok) batch[i]!.resolve(o.value);
      else batch[i]!.reject(o.value);
    }
  }
}
