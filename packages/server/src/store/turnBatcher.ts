/**
 * @module turnBatcher
 * Commits once per event-loop turn. Every write queued during a turn runs inside one SQLite
 * transaction on setImmediate; its promise settles only after COMMIT returned, so nothing is
 * reported accepted before it is durable. One fsync then covers hundreds of writes, which is
 * what makes synchronous=FULL affordable (notes/ceilings.md: 6.3k vs 109k rows/s).
 *
 * Except writes that must stand apart: a job may carry an `apart` key (the store passes one per
 * post connection, store/postSeries.ts), and one commit takes at most one job of each key.
 * Until its checkpoint returns, the WAL shows what one commit wrote, all of it together
 * (docs/protocol.md §8): a group message's fan-out, posted back to back on one connection,
 * would stand there as one sender's k mailboxes. The rest of that key's jobs stay queued, in
 * order, for the next turn's commit, so other connections' writes still share commits with
 * them and the event loop runs in between (a socket with thousands of posts in flight does not
 * hold it for thousands of fsyncs).
 */
import type Database from 'better-sqlite3';

type Job = {
  readonly run: () => unknown;
  /** Multi-statement jobs run in a savepoint so a failure leaves nothing half-written. */
  readonly atomic: boolean;
  /** Queue order: a commit runs its jobs in the order they were queued. */
  readonly seq: number;
  readonly resolve: (value: unknown) => void;
  readonly reject: (error: unknown) => void;
};

/** A key's jobs still to commit, oldest first; `head` saves shifting a long array every turn. */
type KeyQueue = { jobs: Job[]; head: number };

export class TurnBatcher {
  readonly #db: Database.Database;
  readonly #afterCommit: (() => void) | undefined;
  #loose: Job[] = [];
  /**
   * Each `apart` key's queue. A turn takes one job per key without looking at the rest: a
   * socket with thousands of posts in flight costs each turn one job, not a scan of them all
   * (a scan per turn made a flood of posts on a few sockets quadratic in relay CPU).
   */
  readonly #keyed = new Map<object, KeyQueue>();
  #seq = 0;
  #scheduled = false;

  /** `afterCommit` runs after each successful COMMIT, before any promise settles. */
  constructor(db: Database.Database, afterCommit?: () => void) {
    this.#db = db;
    this.#afterCommit = afterCommit;
  }

  /** `apart`: an opaque key; no two jobs of one key are ever committed together. */
  enqueue<T>(run: () => T, atomic = false, apart?: object): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const job: Job = { run, atomic, seq: this.#seq++, resolve: resolve as (value: unknown) => void, reject };
      if (apart === undefined) this.#loose.push(job);
      else {
        const q = this.#keyed.get(apart);
        if (q) q.jobs.push(job);
        else this.#keyed.set(apart, { jobs: [job], head: 0 });
      }
      this.#schedule();
    });
  }

  #schedule(): void {
    if (this.#scheduled) return;
    this.#scheduled = true;
    setImmediate(() => {
      this.#scheduled = false;
      this.flush();
    });
  }

  /**
   * Commits, in one transaction, everything queued so far but the second and later jobs of each
   * `apart` key, which wait for the next turn's commit (scheduled here). Also called before a
   * write that needs a commit of its own.
   */
  flush(): void {
    const batch = this.#take();
    if (this.#keyed.size > 0) this.#schedule();
    if (batch.length > 0) this.#commit(batch);
  }

  /** Commits everything queued, in as many commits as `apart` keys need: on close. */
  drain(): void {
    while (this.#loose.length > 0 || this.#keyed.size > 0) this.#commit(this.#take());
  }

  /** The jobs of the next commit, in queue order; what is left keeps its order. */
  #take(): Job[] {
    const batch = this.#loose;
    this.#loose = [];
    for (const [key, q] of this.#keyed) {
      batch.push(q.jobs[q.head++]!);
      if (q.head === q.jobs.length) this.#keyed.delete(key);
      else if (q.head >= 1024 && q.head * 2 >= q.jobs.length) {
        q.jobs = q.jobs.slice(q.head);
        q.head = 0;
      }
    }
    return batch.sort((a, b) => a.seq - b.seq);
  }

  #commit(batch: readonly Job[]): void {
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
