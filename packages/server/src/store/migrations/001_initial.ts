/**
 * @module 001_initial
 * The tables of spec §8. Mailbox-side tables (mailboxes, envelopes, tombstones, locks) have no
 * column that names a user or a device, and no time finer than a day. Account-side tables
 * (users, devices, keypackages, codes) have no mailbox column: the only bridge, a KeyPackage
 * row, is deleted in the transaction that creates its mailbox.
 */
import type Database from 'better-sqlite3';

export function migration001Initial(db: Database.Database): void {
  db.exec(`
    CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;

    CREATE TABLE codes (
      hash BLOB PRIMARY KEY,
      kind TEXT NOT NULL CHECK (kind IN ('invite', 'link')),
      user_id TEXT,
      handle TEXT,
      expires_at INTEGER NOT NULL
    ) WITHOUT ROWID;

    CREATE TABLE users (
      id TEXT PRIMARY KEY,
      handle TEXT NOT NULL UNIQUE,
      display_name TEXT NOT NULL
    ) WITHOUT ROWID;

    CREATE TABLE devices (
      id TEXT PRIMARY KEY,
      user_id TEXT NOT NULL REFERENCES users(id),
      public_key BLOB NOT NULL,
      revoked INTEGER NOT NULL DEFAULT 0
    );
    CREATE INDEX devices_user ON devices(user_id);

    CREATE TABLE keypackages (
      seq INTEGER PRIMARY KEY AUTOINCREMENT,
      device_id TEXT NOT NULL REFERENCES devices(id),
      kp BLOB NOT NULL,
      read_cap_hash BLOB NOT NULL
    );
    CREATE INDEX keypackages_device ON keypackages(device_id, seq);

    CREATE TABLE mailboxes (
      id BLOB PRIMARY KEY,
      read_cap_hash BLOB NOT NULL,
      send_cap_hash BLOB NOT NULL
    ) WITHOUT ROWID;

    -- AUTOINCREMENT: seq never goes back, even after the newest row is acknowledged and
    -- deleted, so a reader's "last pushed seq" stays a safe cursor.
    CREATE TABLE envelopes (
      seq INTEGER PRIMARY KEY AUTOINCREMENT,
      mailbox_id BLOB NOT NULL,
      envelope_id BLOB NOT NULL,
      body BLOB NOT NULL
    );
    CREATE UNIQUE INDEX envelopes_id ON envelopes(mailbox_id, envelope_id);
    CREATE INDEX envelopes_mailbox_seq ON envelopes(mailbox_id, seq);

    CREATE TABLE tombstones (hash BLOB PRIMARY KEY, day INTEGER NOT NULL) WITHOUT ROWID;
    CREATE TABLE locks (token BLOB PRIMARY KEY, day INTEGER NOT NULL) WITHOUT ROWID;
  `);
}
