/**
 * @module privateDatabase.test
 * Every SQLite file of the relay is opened by openPrivateDatabase: 0600 from its first byte,
 * journals included, and with the journal its kind of data needs. A store that opened its
 * file another way (WAL where a claimed KeyPackage must vanish, no secure_delete) fails here,
 * before the carved-disk tests have to find the rows it left behind.
 */
import { statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { openPrivateDatabase } from '../src/store/privateDatabase.ts';
import { tmpDir } from './support/tmpDir.ts';

const mode = (p: string): number => statSync(p).mode & 0o777;

function settings(path: string, options: Parameters<typeof openPrivateDatabase>[1]) {
  const db = openPrivateDatabase(path, options);
  try {
    db.exec('CREATE TABLE t (x); INSERT INTO t VALUES (1);');
    const pragma = (name: string) => db.pragma(name, { simple: true });
    return {
      journal: pragma('journal_mode'),
      synchronous: pragma('synchronous'),
      secureDelete: pragma('secure_delete'),
      tempStore: pragma('temp_store'),
    };
  } finally {
    db.close();
  }
}

it('erasing: rollback journal cut at commit, secure_delete, temporary data in memory, file 0600', () => {
  const path = join(tmpDir(), 'erasing.db');
  // synchronous 2 = FULL, temp_store 2 = MEMORY.
  expect(settings(path, { journal: 'erasing' })).toEqual({ journal: 'truncate', synchronous: 2, secureDelete: 1, tempStore: 2 });
  expect(mode(path)).toBe(0o600);
  expect(mode(`${path}-journal`)).toBe(0o600);
});

it('wal: WAL with synchronous FULL; secure_delete only when asked; files 0600', () => {
  const plain = join(tmpDir(), 'plain.db');
  expect(settings(plain, { journal: 'wal' })).toEqual({ journal: 'wal', synchronous: 2, secureDelete: 0, tempStore: 0 });
  const relay = join(tmpDir(), 'relay.db');
  // (better-sqlite3 turns foreign keys on by default; the relay's store asks for them anyway.)
  const db = openPrivateDatabase(relay, { journal: 'wal', secureDelete: true, foreignKeys: true });
  expect([db.pragma('secure_delete', { simple: true }), db.pragma('foreign_keys', { simple: true })]).toEqual([1, 1]);
  db.exec('CREATE TABLE t (x)');
  expect([mode(relay), mode(`${relay}-wal`)]).toEqual([0o600, 0o600]);
  db.close();
});

it('a file that is no database is refused with SQLite\'s error, and not left open', () => {
  const path = join(tmpDir(), 'junk.db');
  writeFileSync(path, 'not a database, and long enough to have a header of sorts: '.repeat(4));
  expect(() => openPrivateDatabase(path, { journal: 'erasing' })).toThrow(/not a database/);
});
