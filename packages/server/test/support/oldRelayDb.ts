/**
 * @module oldRelayDb
 * A relay.db as an older relay left it: every migration before `upTo` applied, and
 * `user_version` saying so, so that the store opened on the folder runs `upTo` and the rest
 * on the rows the test puts in first. What an operator's upgrade starts from.
 */
import Database from 'better-sqlite3';
import { join } from 'node:path';
import { MIGRATIONS } from '../../src/store/migrations/index.ts';
import { SQLITE_FILE_NAME } from '../../src/store/sqliteRelayStore.ts';

export function oldRelayDb(dir: string, upTo: (typeof MIGRATIONS)[number]): Database.Database {
  const db = new Database(join(dir, SQLITE_FILE_NAME));
  db.pragma('journal_mode = WAL');
  const before = MIGRATIONS.indexOf(upTo);
  if (before < 0) throw new Error('not a listed migration');
  for (let v = 0; v < before; v++) {
    MIGRATIONS[v]!(db);
    db.pragma(`user_version = ${v + 1}`);
  }
  return db;
}
