/**
 * @module 012_envelopes_per_mailbox
 * Envelopes numbered within their mailbox (docs/protocol.md §7, risk 6). The old table numbered
 * every envelope from one relay-wide AUTOINCREMENT counter, stored rows in that order and kept
 * its high-water mark in sqlite_sequence: a seized copy showed the order in which envelopes
 * arrived across mailboxes, and a group message's fan-out at consecutive seqs. Now `seq` counts
 * within one mailbox (its next value lives only in memory: mailboxSeqs.ts), and the row's key
 * (`slot`) runs on from a random base per mailbox, so the table's b-tree holds rows by mailbox,
 * in the order of those random bases, not in time order.
 *
 * Why a rowid table with a slot rather than WITHOUT ROWID keyed by (mailbox_id, seq): a WITHOUT
 * ROWID row keeps at most ~1,000 bytes on its leaf page (4 KiB pages), so every envelope of the
 * 1 KiB bucket and up spilled to an overflow page of its own, allocated at its arrival, at the
 * file's end or from the free list: page numbers then followed arrival across mailboxes again
 * (measured once, 300 commits with acks between: 71% of cross-mailbox pairs in arrival order
 * against 50% by chance), and the file grew 2.7 times.
 * A rowid row keeps up to ~4,000 bytes on its leaf.
 *
 * Each mailbox's pending envelopes are renumbered from 1 in their order. The old table's pages,
 * its indexes' and its sqlite_sequence cell are zeroed as they are freed (secure_delete=ON); the
 * store checkpoints the WAL after migrating, so those zeroed images replace the old ones in the
 * file. No VACUUM: it would rewrite the whole database, blobs included, for pages already zero.
 */
import type Database from 'better-sqlite3';
import { randomSlotBase } from '../mailboxSeqs.ts';

export function migration012EnvelopesPerMailbox(db: Database.Database): void {
  db.exec(`
    CREATE TABLE envelopes_per_mailbox (
      slot INTEGER PRIMARY KEY,
      mailbox_id BLOB NOT NULL,
      seq INTEGER NOT NULL,
      envelope_id BLOB NOT NULL,
      body BLOB NOT NULL
    );
  `);
  // One mailbox at a time: its rows in memory, never the whole table.
  const mailboxes = db.prepare<[], { mailbox_id: Buffer }>('SELECT DISTINCT mailbox_id FROM envelopes').all();
  const rowsOf = db.prepare<[Buffer], { envelope_id: Buffer; body: Buffer }>('SELECT envelope_id, body FROM envelopes WHERE mailbox_id = ? ORDER BY seq');
  const insert = db.prepare('INSERT INTO envelopes_per_mailbox (slot, mailbox_id, seq, envelope_id, body) VALUES (?, ?, ?, ?, ?)');
  for (const { mailbox_id: m } of mailboxes) {
    const base = randomSlotBase();
    rowsOf.all(m).forEach((r, i) => insert.run(base + BigInt(i), m, i + 1, r.envelope_id, r.body));
  }
  db.exec(`
    DROP TABLE envelopes;
    -- DROP TABLE already removes the row; said again so that no later edit can keep it.
    DELETE FROM sqlite_sequence WHERE name = 'envelopes';
    ALTER TABLE envelopes_per_mailbox RENAME TO envelopes;
    CREATE UNIQUE INDEX envelopes_id ON envelopes (mailbox_id, envelope_id);
    CREATE UNIQUE INDEX envelopes_mailbox_seq ON envelopes (mailbox_id, seq);
  `);
}
