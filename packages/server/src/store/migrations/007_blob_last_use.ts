/**
 * @module 007_blob_last_use
 * The day each blob was last read or written with its capability, so that blobs nobody uses
 * any more are deleted (`blobIdleDays`, docs/protocol.md §6). A day number, like every time
 * stored beside something anonymous: it says which day, never which second. Blobs that exist
 * at upgrade count as used that day, so none idles out sooner than a full period after it.
 *
 * Safe to run twice (the column and index are added only when missing): migrations are
 * numbered by position, and 006 may land after this one.
 */
import type Database from 'better-sqlite3';
import { dayNumber } from '../day.ts';

export function migration007BlobLastUse(db: Database.Database): void {
  const columns = db.prepare<[], { name: string }>('PRAGMA table_info(blobs)').all();
  if (!columns.some((c) => c.name === 'last_day')) {
    db.exec('ALTER TABLE blobs ADD COLUMN last_day INTEGER NOT NULL DEFAULT 0');
    db.prepare('UPDATE blobs SET last_day = ?').run(dayNumber(Date.now()));
  }
  db.exec('CREATE INDEX IF NOT EXISTS blobs_last_day ON blobs(last_day)');
}
