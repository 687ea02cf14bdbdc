/**
 * @module storeFilesHostile.test
 * Small rules of the store's files and counters, each from the side that would exploit its
 * absence: a file planted in the data folder that is no database is refused without leaving a
 * descriptor open on it (a relay retried in a loop would leak one per attempt); tightening the
 * data folder touches its files, never a folder inside it (a 0600 folder cannot be entered);
 * and the sweep of mailbox seq counters, when most mailboxes have a reader, backs off to twice
 * the size instead of rescanning every counter for each new mailbox (an insider holding many
 * inbox subscriptions would otherwise make each post to a new mailbox cost a full scan).
 */
import { chmodSync, mkdirSync, readdirSync, readlinkSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it, vi } from 'vitest';
import type { MailboxId } from '@hardline/protocol';
import { secureDataDir, secureDataFiles } from '../src/store/dataDirAccess.ts';
import { MailboxSeqs } from '../src/store/mailboxSeqs.ts';
import { openPrivateDatabase } from '../src/store/privateDatabase.ts';
import { SqliteRelayStore } from '../src/store/sqliteRelayStore.ts';
import { tmpDir } from './support/tmpDir.ts';

const mode = (p: string): number => statSync(p).mode & 0o777;

function descriptorsOn(path: string): number {
  let n = 0;
  for (const fd of readdirSync('/proc/self/fd')) {
    try {
      if (readlinkSync(`/proc/self/fd/${fd}`) === path) n++;
    } catch {
      // closed while we looked
    }
  }
  return n;
}

it('a planted file that is no database is refused, and no descriptor stays open on it', () => {
  const path = join(tmpDir(), 'relay.db');
  writeFileSync(path, 'not a database, and long enough to have a header of sorts: '.repeat(4));
  for (let i = 0; i < 3; i++) expect(() => openPrivateDatabase(path, { journal: 'wal' })).toThrow(/not a database/);
  expect(descriptorsOn(path)).toBe(0);
});

it('tightens the files of the data folder, not a folder inside it', () => {
  const dir = join(tmpDir(), 'data');
  mkdirSync(join(dir, 'backups'), { recursive: true });
  chmodSync(dir, 0o755);
  chmodSync(join(dir, 'backups'), 0o750);
  writeFileSync(join(dir, 'relay.db'), '');
  chmodSync(join(dir, 'relay.db'), 0o644);
  const notices: string[] = [];
  secureDataDir(dir, (l) => notices.push(l));
  secureDataFiles(dir, (l) => notices.push(l));
  expect([mode(dir), mode(join(dir, 'relay.db')), mode(join(dir, 'backups'))]).toEqual([0o700, 0o600, 0o750]);
  expect(notices).toEqual([`data folder ${dir} had mode 0755; changed to 0700`, `data file ${join(dir, 'relay.db')} had mode 0644; changed to 0600`]);
  // Already private: nothing to say.
  secureDataDir(dir, (l) => notices.push(l));
  secureDataFiles(dir, (l) => notices.push(l));
  expect(notices).toHaveLength(2);
});

it('a store opened without a notice sink reports a loosened data folder on stderr, one line each', async () => {
  const dir = join(tmpDir(), 'data');
  mkdirSync(dir);
  chmodSync(dir, 0o775);
  const lines: string[] = [];
  const spy = vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
    lines.push(String(chunk));
    return true;
  });
  try {
    await new SqliteRelayStore(dir).close();
  } finally {
    spy.mockRestore();
  }
  expect(lines).toEqual([`data folder ${dir} had mode 0775; changed to 0700\n`]);
});

it('the seq counters of read mailboxes are swept at the bound, then again only at twice the size', () => {
  let asked = 0;
  const seqs = new MailboxSeqs(4);
  seqs.holdFor({
    hasReader: () => {
      asked++;
      return true;
    },
  });
  const none = () => undefined;
  const askedAt: number[] = [];
  for (let i = 0; i < 17; i++) {
    seqs.peek(`m${i}` as MailboxId, none);
    askedAt.push(asked);
  }
  // Sweeps when the 5th (4 held), the 9th (8 held) and the 17th (16 held) mailbox come.
  expect(askedAt).toEqual([0, 0, 0, 0, 4, 4, 4, 4, 12, 12, 12, 12, 12, 12, 12, 12, 28]);
  expect(seqs.size).toBe(17);
});
