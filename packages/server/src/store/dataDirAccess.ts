/**
 * @module dataDirAccess
 * The relay's data folder is for the relay's account alone: 0700, its files 0600. Mailbox
 * capabilities' hashes, ciphertext and the account tables are not for other local users to
 * read or copy. A looser folder (an old deployment, a hand-made directory) is tightened at
 * start and the relay says so; one it cannot tighten (owned by someone else, read-only) is
 * refused, because running on it would leave the data readable.
 */
import { chmodSync, closeSync, mkdirSync, openSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { ErrorCodes, HardlineError } from '@hardline/protocol';

export const DATA_DIR_MODE = 0o700;
export const DATA_FILE_MODE = 0o600;

const octal = (mode: number): string => (mode & 0o777).toString(8).padStart(4, '0');

function tighten(path: string, wanted: number, what: string, notice: (line: string) => void): void {
  const mode = statSync(path).mode & 0o777;
  if ((mode & ~wanted) === 0) return;
  try {
    chmodSync(path, wanted);
  } catch (e) {
    throw new HardlineError(
      ErrorCodes.FORBIDDEN,
      `refusing to start: ${what} ${path} has mode ${octal(mode)} and cannot be changed to ${octal(wanted)} (${(e as NodeJS.ErrnoException).code ?? 'error'}); give it to the relay's account or choose another --data`,
    );
  }
  notice(`${what} ${path} had mode ${octal(mode)}; changed to ${octal(wanted)}`);
}

/** Creates or tightens the data folder; with it 0700, no one else reaches the files inside. */
export function secureDataDir(dir: string, notice: (line: string) => void): void {
  mkdirSync(dir, { recursive: true, mode: DATA_DIR_MODE });
  tighten(dir, DATA_DIR_MODE, 'data folder', notice);
}

/**
 * Tightens every file in the (already private) folder. Run once the database has opened, so
 * that a file that is no database is reported as that alone.
 */
export function secureDataFiles(dir: string, notice: (line: string) => void): void {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.isFile()) tighten(join(dir, entry.name), DATA_FILE_MODE, 'data file', notice);
  }
}

/**
 * Creates a database file with mode 0600 before SQLite opens it: SQLite gives its -wal, -shm
 * and -journal files the main file's mode, so they are 0600 too.
 */
export function createPrivateFile(path: string): void {
  closeSync(openSync(path, 'a', DATA_FILE_MODE));
}
