/**
 * @module 003_blobs
 * Opaque versioned blobs (the encrypted contact book). No column names a user or a device: the
 * id is derived from a key only the owner's devices hold, access is by capability (its hash
 * here), and the content is ciphertext padded to a bucket.
 */
import type Database from 'better-sqlite3';

export function migration003Blobs(db: Database.Database): void {
  db.exec(`
    CREATE TABLE blobs (
      id BLOB PRIMARY KEY,
      cap_hash BLOB NOT NULL,
      version INTEGER NOT NULL,
      data BLOB NOT NULL
    ) WITHOUT ROWID;
  `);
}
