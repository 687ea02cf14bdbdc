/**
 * @module frozenCommits
 * Every state the relay's data folder passes through around each commit, as a copy taken at
 * an instant (the relay frozen by SIGSTOP, a filesystem snapshot) can catch it, made on
 * purpose rather than hit by chance. While armed, each `wal_checkpoint(TRUNCATE)` on one
 * SQLite file first reads the file and its WAL (which then holds the commit just made) and
 * lays out, beside the whole commit:
 * - the commit cut short after each of its frames: SQLite writes a commit's frames in
 *   page-number order, so a writer stopped part way leaves the lower pages only;
 * - the checkpoint stopped after each page it copied into the main file, also in page-number
 *   order, with the WAL still whole.
 * `skipCheckpoints` leaves the WAL to grow instead (the per-commit checkpoint removed), to show
 * what the carver finds then; only whole states are laid out.
 */
import Database from 'better-sqlite3';
import { existsSync, readFileSync } from 'node:fs';
import type { DiskFile } from '../../../../test/support/carveDisk.ts';

type Pragma = (this: Database.Database, source: string, options?: Database.PragmaOptions) => unknown;

export type FrozenState = { readonly label: string; readonly files: readonly DiskFile[] };

const WAL_HEADER = 32;
const FRAME_HEADER = 24;

export function freezeAroundCommits(dbPath: string, { skipCheckpoints = false } = {}): { readonly states: readonly FrozenState[]; restore(): void } {
  const proto = Database.prototype as unknown as { pragma: Pragma };
  const real = proto.pragma;
  const states: FrozenState[] = [];
  let commit = 0;
  proto.pragma = function (this: Database.Database, source: string, options?: Database.PragmaOptions) {
    if (this.name !== dbPath || source !== 'wal_checkpoint(TRUNCATE)') return real.call(this, source, options);
    if (existsSync(`${dbPath}-wal`)) {
      const found = statesOf(`commit ${commit++}`, readFileSync(dbPath), readFileSync(`${dbPath}-wal`));
      // A WAL left to grow holds every commit so far: its whole state is enough.
      states.push(...(skipCheckpoints ? found.slice(0, 1) : found));
    }
    return skipCheckpoints ? [] : real.call(this, source, options);
  };
  return { states, restore: () => void (proto.pragma = real) };
}

function statesOf(label: string, main: Buffer, wal: Buffer): FrozenState[] {
  if (wal.length <= WAL_HEADER) return [];
  const pageSize = wal.readUInt32BE(8);
  const frameSize = FRAME_HEADER + pageSize;
  const frames = Math.floor((wal.length - WAL_HEADER) / frameSize);
  const at = (name: string, bytes: Buffer): DiskFile => ({ name, bytes });
  const states: FrozenState[] = [{ label: `${label}, whole`, files: [at('relay.db', main), at('relay.db-wal', wal)] }];
  for (let k = 1; k < frames; k++) {
    states.push({ label: `${label}, cut after frame ${k} of ${frames}`, files: [at('relay.db', main), at('relay.db-wal', wal.subarray(0, WAL_HEADER + k * frameSize))] });
  }
  // The checkpoint copies each page's newest image, lowest page first.
  const newest = new Map<number, Buffer>();
  for (let k = 0; k < frames; k++) {
    const off = WAL_HEADER + k * frameSize;
    newest.set(wal.readUInt32BE(off), wal.subarray(off + FRAME_HEADER, off + frameSize));
  }
  const order = [...newest.keys()].sort((a, b) => a - b);
  for (let k = 1; k <= order.length; k++) {
    const done = order.slice(0, k);
    const copy = Buffer.alloc(Math.max(main.length, Math.max(...done) * pageSize));
    main.copy(copy);
    for (const pgno of done) newest.get(pgno)!.copy(copy, (pgno - 1) * pageSize);
    states.push({ label: `${label}, checkpoint stopped after page ${k} of ${order.length}`, files: [at('relay.db', copy), at('relay.db-wal', wal)] });
  }
  return states;
}
