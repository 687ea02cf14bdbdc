/**
 * @module 008_transparency_log
 * The key-transparency log (docs/protocol.md §2): its leaves in order, and the hash of every
 * complete subtree, so that a tree head or a proof reads O(log n) rows instead of hashing the
 * whole log. Rows are only ever inserted. Identity keys, certificates and revocations stored
 * before this migration are logged now, in the directory's order.
 */
import type Database from 'better-sqlite3';
import { appendLogLeaf } from '../sqliteTransparencyLog.ts';
import { certificateEntry, encodeLogEntry, identityKeyEntry, parseCertificate, parseRevocation, revocationEntry, type Handle } from '@hardline/protocol';

export function migration008TransparencyLog(db: Database.Database): void {
  db.exec(`
    CREATE TABLE transparency_leaves (
      idx INTEGER PRIMARY KEY,
      leaf BLOB NOT NULL,
      leaf_hash BLOB NOT NULL
    );
    CREATE INDEX transparency_leaves_hash ON transparency_leaves(leaf_hash);
    CREATE TABLE transparency_nodes (
      level INTEGER NOT NULL,
      idx INTEGER NOT NULL,
      hash BLOB NOT NULL,
      PRIMARY KEY (level, idx)
    ) WITHOUT ROWID;
  `);
  const users = db.prepare<[], { id: string; handle: string; identity_key: string | null }>('SELECT id, handle, identity_key FROM users ORDER BY handle').all();
  const devices = db.prepare<[string], { certificate: string | null; revocation: string | null }>('SELECT certificate, revocation FROM devices WHERE user_id = ? ORDER BY rowid');
  for (const u of users) {
    if (u.identity_key !== null) appendLogLeaf(db, encodeLogEntry(identityKeyEntry(u.handle as Handle, u.identity_key)));
    for (const d of devices.all(u.id)) {
      if (d.certificate !== null) appendLogLeaf(db, encodeLogEntry(certificateEntry(parseCertificate(JSON.parse(d.certificate)))));
      if (d.revocation !== null) appendLogLeaf(db, encodeLogEntry(revocationEntry(parseRevocation(JSON.parse(d.revocation)))));
    }
  }
}
