/**
 * @module turnBatcherFaults.test
 * The batcher that makes every write durable before it is answered (store/turnBatcher.ts),
 * where it can go wrong: a multi-statement job that fails half-way must leave nothing of itself
 * while the rest of the batch commits; a database another process holds locked must fail the
 * batch's promises, not throw out of the event loop with the promises left hanging; the
 * after-commit step (the store's WAL checkpoint) runs once per commit, before anyone is
 * answered, and never for an empty turn.
 */
import Database from 'better-sqlite3';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { TurnBatcher } from '../src/store/turnBatcher.ts';
import { tmpDir } from './support/tmpDir.ts';

const dbs: Database.Database[] = [];
afterEach(() => {
  for (const d of dbs.splice(0)) if (d.open) d.close();
});

function newDb(path = join(tmpDir(), 'b.db'), options: Database.Options = {}) {
  const db = new Database(path, options);
  dbs.push(db);
  db.exec('CREATE TABLE IF NOT EXISTS t (x TEXT NOT NULL)');
  return db;
}

const rows = (db: Database.Database) => (db.prepare('SELECT x FROM t ORDER BY rowid').all() as { x: string }[]).map((r) => r.x);

describe('a job that fails half-way', () => {
  it('leaves nothing of itself when atomic, and the rest of the batch commits', async () => {
    const db = newDb();
    const b = new TurnBatcher(db);
    const insert = db.prepare('INSERT INTO t (x) VALUES (?)');
    const before = b.enqueue(() => insert.run('before').changes);
    const half = b.enqueue(() => {
      insert.run('half-1');
      insert.run('half-2');
      throw new Error('second half failed');
    }, true);
    const after = b.enqueue(() => insert.run('after').changes, true);
    await expect(half).rejects.toThrow('second half failed');
    expect(await before).toBe(1);
    expect(await after).toBe(1);
    expect(rows(db)).toEqual(['before', 'after']);
    expect(db.inTransaction).toBe(false);
  });
});

describe('a database held locked by another process', () => {
  it('fails every promise of the batch and commits none of it; the next turn works again', async () => {
    const path = join(tmpDir(), 'locked.db');
    const db = newDb(path, { timeout: 0 });
    const other = newDb(path);
    other.exec('BEGIN IMMEDIATE');
    let afterCommits = 0;
    const b = new TurnBatcher(db, () => afterCommits++);
    const insert = db.prepare('INSERT INTO t (x) VALUES (?)');
    const jobs = [b.enqueue(() => insert.run('a')), b.enqueue(() => insert.run('b'), true)];
    // Flushed by hand so that a throw from flush would show here rather than in setImmediate.
    expect(() => b.flush()).not.toThrow();
    for (const j of jobs) await expect(j).rejects.toMatchObject({ code: 'SQLITE_BUSY' });
    expect(afterCommits).toBe(0);
    other.exec('ROLLBACK');
    await b.enqueue(() => insert.run('c'));
    expect(rows(db)).toEqual(['c']);
    expect(afterCommits).toBe(1);
  });
});

describe('after commit', () => {
  it('runs once per committed turn, before any promise of it settles, and not for an empty turn', async () => {
    const db = newDb();
    const events: string[] = [];
    const b = new TurnBatcher(db, () => events.push(`commit ${rows(db).length}`));
    const insert = db.prepare('INSERT INTO t (x) VALUES (?)');
    const turn = [1, 2, 3].map((i) => b.enqueue(() => insert.run(`r${i}`)).then(() => events.push(`settled ${i}`)));
    await Promise.all(turn);
    expect(events).toEqual(['commit 3', 'settled 1', 'settled 2', 'settled 3']);
    b.flush();
    b.flush();
    expect(events).toHaveLength(4);
    await b.enqueue(() => insert.run('r4'));
    expect(events.at(-1)).toBe('commit 4');
    expect(events.filter((e) => e.startsWith('commit'))).toHaveLength(2);
  });
});
