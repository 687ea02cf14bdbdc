/**
 * @module sqliteRelayStore.test
 * The shared store suite on real SQLite files, plus SQLite-specific settings.
 */
import Database from 'better-sqlite3';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { MIGRATIONS } from '../src/store/migrations/index.ts';
import { SQLITE_FILE_NAME, SqliteRelayStore } from '../src/store/sqliteRelayStore.ts';
import { runRelayStoreTests } from './relayStore.suite.ts';
import { tmpDir } from './support/tmpDir.ts';

runRelayStoreTests('sqlite', async () => new SqliteRelayStore(tmpDir()));

it('opens in WAL mode with synchronous=FULL and the schema version recorded', async () => {
  const dir = tmpDir();
  const s = new SqliteRelayStore(dir);
  await s.setMeta('suite', 'x');
  await s.close();
  const db = new Database(join(dir, SQLITE_FILE_NAME));
  expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
  expect(db.pragma('user_version', { simple: true })).toBe(MIGRATIONS.length);
  db.close();
  // Reopening runs no migration twice.
  const again = new SqliteRelayStore(dir);
  expect(await again.getMeta('suite')).toBe('x');
  await again.close();
});
