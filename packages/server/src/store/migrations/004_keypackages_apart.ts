/**
 * @module 004_keypackages_apart
 * KeyPackages move to their own file (keyPackagePool.ts): in this WAL-mode database a claimed
 * KeyPackage outlived its deletion in older WAL frames, beside the mailbox it became. The store
 * copies any rows into the pool before this runs, then vacuums and truncates the WAL.
 */
import type Database from 'better-sqlite3';

export function migration004KeyPackagesApart(db: Database.Database): void {
  db.exec('DROP INDEX IF EXISTS keypackages_device; DROP TABLE IF EXISTS keypackages;');
}
