/**
 * @module 005_identity
 * Identity keys and device certificates (protocol identity/). The relay stores and serves them
 * opaque: clients verify them against keys they pinned themselves, so the relay cannot forge a
 * device. A revocation signed by the identity key is kept beside the revoked flag.
 */
import type Database from 'better-sqlite3';

export function migration005Identity(db: Database.Database): void {
  db.exec(`
    ALTER TABLE users ADD COLUMN identity_key TEXT;
    ALTER TABLE devices ADD COLUMN certificate TEXT;
    ALTER TABLE devices ADD COLUMN revocation TEXT;
  `);
}
