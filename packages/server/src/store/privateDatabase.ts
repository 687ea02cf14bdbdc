/**
 * @module privateDatabase
 * Opens one of the relay's SQLite files the one way they are all opened: created 0600 before
 * SQLite touches it (its -wal, -shm and -journal files take that mode), `synchronous = FULL`
 * (a commit acknowledged and then lost in a crash would be a message lost, or a token spent
 * twice), and one of two journals:
 * - `wal`: the relay's own store and the token ledger. Old page images sit in the WAL until a
 *   checkpoint; a store that must not keep them checkpoints after each commit itself.
 * - `erasing`: files whose removed rows must be gone from every file at once (the KeyPackage
 *   pool, the push targets). The rollback journal, which holds a page's old image, is cut to
 *   zero bytes at COMMIT (cheaper than DELETE's unlink; PERSIST or WAL would keep it); deleted
 *   cells and freed pages are zeroed in place (secure_delete); statement journals and sorts
 *   stay in memory, never in a temporary file.
 */
import Database from 'better-sqlite3';
import { createPrivateFile } from './dataDirAccess.ts';

export type PrivateDatabaseOptions = {
  readonly journal: 'wal' | 'erasing';
  /** With `wal`: zero deleted content in the main file too (`erasing` always does). */
  readonly secureDelete?: boolean;
  readonly foreignKeys?: boolean;
};

export function openPrivateDatabase(path: string, { journal, secureDelete = false, foreignKeys = false }: PrivateDatabaseOptions): Database.Database {
  createPrivateFile(path);
  const db = new Database(path);
  try {
    db.pragma(journal === 'wal' ? 'journal_mode = WAL' : 'journal_mode = TRUNCATE');
    db.pragma('synchronous = FULL');
    if (journal === 'erasing' || secureDelete) db.pragma('secure_delete = ON');
    if (journal === 'erasing') db.pragma('temp_store = MEMORY');
    if (foreignKeys) db.pragma('foreign_keys = ON');
    return db;
  } catch (e) {
    // A file that is no database (SQLITE_NOTADB shows at the first pragma) is not left open.
    db.close();
    throw e;
  }
}
