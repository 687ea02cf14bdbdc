/**
 * @module migrate
 * Runs the migrations a database has not seen yet, each in its own transaction.
 */
import type Database from 'better-sqlite3';
import { MIGRATIONS } from './migrations/index.ts';

export function migrate(db: Database.Database): void {
  const current = db.pragma('user_version', { simple: true });
  const from = typeof current === 'number' ? current : 0;
  for (let v = from; v < MIGRATIONS.length; v++) {
    const up = MIGRATIONS[v]!;
    db.transaction(() => {
      up(db);
      db.pragma(`user_version = ${v + 1}`);
    })();
  }
}
