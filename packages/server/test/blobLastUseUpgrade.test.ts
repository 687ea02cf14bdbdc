/**
 * @module blobLastUseUpgrade.test
 * Migration 007 from the operator's side. An upgrade keeps every blob, counts each as used on
 * the upgrade day, and the daily prune finds idle blobs through the index on that day (a prune
 * that reads every blob grows with the contact books of every user, every day). And it runs
 * safely on a relay.db whose blobs already carry the column: migrations are numbered by
 * position, so a migration landing before 007 (006) makes a relay that already ran it run it
 * again. That second run must neither stop the relay from starting nor reset any blob's idle
 * clock, which would keep blobs nobody uses past `blobIdleDays`.
 */
import Database from 'better-sqlite3';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { DAY_MS, dayNumber } from '../src/store/day.ts';
import { migration007BlobLastUse } from '../src/store/migrations/007_blob_last_use.ts';
import { MIGRATIONS } from '../src/store/migrations/index.ts';
import { SQLITE_FILE_NAME, SqliteRelayStore } from '../src/store/sqliteRelayStore.ts';
import { oldRelayDb } from './support/oldRelayDb.ts';
import { tmpDir } from './support/tmpDir.ts';

const IDLE_DAYS = 30;

function oldBlob(db: Database.Database): { id: string; data: Buffer } {
  const blob = { id: randomBytes(16).toString('hex'), data: randomBytes(64) };
  db.prepare('INSERT INTO blobs (id, cap_hash, version, data) VALUES (?, ?, 3, ?)').run(Buffer.from(blob.id, 'hex'), randomBytes(32), blob.data);
  return blob;
}

it('an upgrade keeps every blob, counts it used that day, and prunes idle blobs through an index', async () => {
  const dir = tmpDir();
  const old = oldRelayDb(dir, migration007BlobLastUse);
  const blob = oldBlob(old);
  old.close();

  const dayBefore = dayNumber(Date.now());
  const store = new SqliteRelayStore(dir, { notice: () => {} });
  const dayAfter = dayNumber(Date.now());
  try {
    expect(Buffer.from((await store.getBlob(blob.id))!.data)).toEqual(blob.data);
    const db = new Database(join(dir, SQLITE_FILE_NAME), { readonly: true });
    try {
      expect(db.prepare<[], { last_day: number }>('SELECT last_day FROM blobs').get()!.last_day).toBeGreaterThanOrEqual(dayBefore);
      expect(db.prepare<[], { last_day: number }>('SELECT last_day FROM blobs').get()!.last_day).toBeLessThanOrEqual(dayAfter);
      // The store's own prune statement (sqliteRelayStore.ts pruneBlobs), as SQLite would run it.
      const plan = db.prepare<[number], { detail: string }>('EXPLAIN QUERY PLAN DELETE FROM blobs WHERE last_day < ?').all(dayAfter - IDLE_DAYS);
      expect(plan.map((p) => p.detail).join('\n')).toMatch(/USING INDEX blobs_last_day/);
    } finally {
      db.close();
    }
  } finally {
    await store.close();
  }
});

it('a relay.db whose blobs already have their last day starts, and keeps every idle clock', async () => {
  const dir = tmpDir();
  const old = oldRelayDb(dir, migration007BlobLastUse);
  // Added before 007's position came round (as by a build where it stood earlier); the version
  // still says 007 has not run.
  migration007BlobLastUse(old);
  const now = Date.now();
  const idle = oldBlob(old);
  const used = oldBlob(old);
  old.prepare('UPDATE blobs SET last_day = ? WHERE id = ?').run(dayNumber(now - (IDLE_DAYS + 5) * DAY_MS), Buffer.from(idle.id, 'hex'));
  old.prepare('UPDATE blobs SET last_day = ? WHERE id = ?').run(dayNumber(now - 2 * DAY_MS), Buffer.from(used.id, 'hex'));
  old.close();

  const store = new SqliteRelayStore(dir, { notice: () => {} });
  try {
    const db = new Database(join(dir, SQLITE_FILE_NAME), { readonly: true });
    expect(db.pragma('user_version', { simple: true })).toBe(MIGRATIONS.length);
    db.close();
    expect(Buffer.from((await store.getBlob(used.id))!.data)).toEqual(used.data);
    expect(Buffer.from((await store.getBlob(idle.id))!.data)).toEqual(idle.data);
    // Idle since before the upgrade: pruned now, not a full period after it.
    expect(await store.prune(now, { blobIdleDays: IDLE_DAYS })).toEqual({ expiredBlobs: 1 });
    expect(await store.getBlob(idle.id)).toBeUndefined();
    expect(await store.getBlob(used.id)).toBeDefined();
  } finally {
    await store.close();
  }
});
