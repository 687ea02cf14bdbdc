/**
 * @module turnBatcherApart.test
 * Jobs that must stand apart (store/turnBatcher.ts `apart`, one key per post connection): no
 * commit holds two jobs of one key, and they commit in the order queued, each settling after
 * its own COMMIT; jobs without a key, and one job of each other key, still share a commit; a
 * job that fails rejects alone; a drain (the store's close) commits every job left, however
 * many commits that takes.
 */
import Database from 'better-sqlite3';
import { join } from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { newPostSeries } from '../src/store/postSeries.ts';
import { SqliteRelayStore } from '../src/store/sqliteRelayStore.ts';
import { TurnBatcher } from '../src/store/turnBatcher.ts';
import { createMailbox, postFrame } from './support/envelopes.ts';
import { tmpDir } from './support/tmpDir.ts';

const dbs: Database.Database[] = [];
afterEach(() => {
  for (const d of dbs.splice(0)) if (d.open) d.close();
});

/** A batcher on a fresh table, and each commit's new rows, as seen right after its COMMIT. */
function recorded() {
  const db = new Database(join(tmpDir(), 'apart.db'));
  dbs.push(db);
  db.exec('CREATE TABLE t (x TEXT NOT NULL)');
  const all = () => (db.prepare('SELECT x FROM t ORDER BY rowid').all() as { x: string }[]).map((r) => r.x);
  const commits: string[][] = [];
  let seen = 0;
  const batcher = new TurnBatcher(db, () => {
    const rows = all();
    commits.push(rows.slice(seen));
    seen = rows.length;
  });
  const insert = db.prepare('INSERT INTO t (x) VALUES (?)');
  const settled: string[] = [];
  const put = (x: string, apart?: object) =>
    batcher.enqueue(() => {
      insert.run(x);
      return x;
    }, false, apart).then((v) => {
      // What was committed when this job's promise settled: its own commit, not a later one.
      settled.push(`${v} after ${commits.length} commit(s)`);
      return v;
    });
  return { db, batcher, commits, settled, put, insert, all };
}

it('puts one job of a key in each commit, in order, while unkeyed jobs and other keys share the first', async () => {
  const { commits, settled, put } = recorded();
  const a = {};
  const b = {};
  // One event-loop turn: a connection's fan-out of three, another's of two, two unkeyed writes.
  const jobs = [put('a1', a), put('u1'), put('b1', b), put('a2', a), put('b2', b), put('a3', a), put('u2')];
  expect(await Promise.all(jobs)).toEqual(['a1', 'u1', 'b1', 'a2', 'b2', 'a3', 'u2']);
  expect(commits).toEqual([['a1', 'u1', 'b1', 'u2'], ['a2', 'b2'], ['a3']]);
  expect(settled).toEqual(['a1 after 1 commit(s)', 'u1 after 1 commit(s)', 'b1 after 1 commit(s)', 'u2 after 1 commit(s)', 'a2 after 2 commit(s)', 'b2 after 2 commit(s)', 'a3 after 3 commit(s)']);
});

it('lets a keyed job queued in a later turn share the commit of another connection’s waiting job', async () => {
  const { commits, put } = recorded();
  const a = {};
  const first = [put('a1', a), put('a2', a)];
  await first[0];
  // a2 waits for the next commit; b1, queued now, goes into it with a2 (batching across connections).
  const b1 = put('b1', {});
  await Promise.all([...first, b1]);
  expect(commits).toEqual([['a1'], ['a2', 'b1']]);
});

it('rejects only the job that failed; its key’s next job still commits, after it', async () => {
  const { batcher, commits, insert, all } = recorded();
  const a = {};
  const failing = batcher.enqueue(() => {
    insert.run('a1');
    throw new Error('a1 failed');
  }, true, a);
  const next = batcher.enqueue(() => insert.run('a2').changes, false, a);
  const other = batcher.enqueue(() => insert.run('b1').changes, false, {});
  await expect(failing).rejects.toThrow('a1 failed');
  expect(await other).toBe(1);
  expect(await next).toBe(1);
  expect(all()).toEqual(['b1', 'a2']);
  expect(commits).toEqual([['b1'], ['a2']]);
});

it('a flush by hand commits one job of a key and leaves the rest to follow on their own', async () => {
  const { batcher, commits, put } = recorded();
  const a = {};
  const jobs = [put('a1', a), put('a2', a), put('a3', a)];
  batcher.flush();
  expect(commits).toEqual([['a1']]);
  await Promise.all(jobs);
  expect(commits).toEqual([['a1'], ['a2'], ['a3']]);
});

it('a drain, as on close, commits every job left, one of a key per commit, before it returns', async () => {
  const { db, batcher, commits, put } = recorded();
  const a = {};
  const jobs = [put('a1', a), put('u1'), put('a2', a), put('a3', a)];
  batcher.drain();
  expect(commits).toEqual([['a1', 'u1'], ['a2'], ['a3']]);
  db.close();
  expect(await Promise.all(jobs)).toEqual(['a1', 'u1', 'a2', 'a3']);
});

it('the store’s close commits a connection’s envelopes still queued, every one', async () => {
  const store = new SqliteRelayStore(tmpDir(), { notice: () => {} });
  const m = await createMailbox(store);
  const series = newPostSeries();
  const posts = [1, 2, 3].map((i) => {
    const p = postFrame(m, `queued ${i}`);
    return store.putEnvelope(m.id, p.envelopeId, p.envelopeBytes, Date.now(), undefined, series);
  });
  // Closed in the same turn: none of the three has had its commit yet.
  await store.close();
  expect((await Promise.all(posts)).map((r) => r.status)).toEqual(['stored', 'stored', 'stored']);
});

/**
 * A flood on a few post connections (each up to MAX_IN_FLIGHT posts, ws/postSocket.ts): a turn
 * takes one job per key without scanning the rest. When every turn scanned the whole queue,
 * 25 sockets x 4,000 posts cost 4 to 10 s of relay CPU in no-op jobs alone (quadratic), against
 * 0.2 to 1 s now (BENCHMARKS.md, "Relay"). Speed is a benchmark's business, not a test's: this
 * one checks that such a flood commits whole and in order, one job per key per commit.
 */
it('25 keys with 4,000 jobs each: all commit, in order, one per key per commit', async () => {
  const db = new Database(':memory:');
  dbs.push(db);
  let commits = 0;
  const batcher = new TurnBatcher(db, () => void commits++);
  const keys = Array.from({ length: 25 }, () => ({}));
  const order: number[][] = keys.map(() => []);
  const all: Promise<unknown>[] = [];
  for (let i = 0; i < 4_000; i++) keys.forEach((k, j) => all.push(batcher.enqueue(() => order[j]!.push(i), false, k)));
  await Promise.all(all);
  expect(commits).toBe(4_000);
  for (const o of order) expect(o).toEqual(Array.from({ length: 4_000 }, (_, i) => i));
});
