/**
 * @module failingCommit
 * A disk that fails at the worst moment: while armed, every `COMMIT` on one SQLite file throws
 * (as SQLITE_FULL or SQLITE_IOERR would), after the writes of the batch already ran inside the
 * transaction. The relay's store then rolls back; what it told clients before that is the test.
 */
import Database from 'better-sqlite3';

type Exec = (this: Database.Database, sql: string) => Database.Database;

export function failCommitsOn(dbPath: string): { readonly failures: number; restore(): void } {
  const proto = Database.prototype as unknown as { exec: Exec };
  const real = proto.exec;
  const state = { failures: 0 };
  proto.exec = function (this: Database.Database, sql: string) {
    if (this.name === dbPath && /^\s*COMMIT\b/i.test(sql)) {
      state.failures++;
      throw new Error('database or disk is full (simulated)');
    }
    return real.call(this, sql);
  };
  return {
    get failures() {
      return state.failures;
    },
    restore: () => {
      proto.exec = real;
    },
  };
}
