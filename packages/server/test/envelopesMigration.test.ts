/**
 * @module envelopesMigration.test
 * Migration 012 on a relay.db of the layout before it (one AUTOINCREMENT seq across all
 * mailboxes): each mailbox's pending envelopes are renumbered from 1 in their order, the
 * sqlite_sequence row goes, and a copy of the folder taken right after the upgrade holds each
 * envelope once: the old table's pages are zeroed, not left behind beside the new ones. And each
 * mailbox's rows keep one run of slots in their order, which its next envelope goes on from:
 * the store takes the next slot as the newest row's + 1 (mailboxSeqs.ts), so a run laid out
 * any other way sends the mailbox's next envelope off to a new base, apart from its rows.
 */
import Database from 'better-sqlite3';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { expect, it } from 'vitest';
import type { EnvelopeId, MailboxId } from '@hardline/protocol';
import { MIGRATIONS } from '../src/store/migrations/index.ts';
import { migration012EnvelopesPerMailbox } from '../src/store/migrations/012_envelopes_per_mailbox.ts';
import { SQLITE_FILE_NAME, SqliteRelayStore } from '../src/store/sqliteRelayStore.ts';
import { oldRelayDb } from './support/oldRelayDb.ts';
import { tmpDir } from './support/tmpDir.ts';

function count(haystack: Buffer, needle: Buffer): number {
  let n = 0;
  for (let at = haystack.indexOf(needle); at >= 0; at = haystack.indexOf(needle, at + 1)) n++;
  return n;
}

it('renumbers pending envelopes per mailbox and leaves no page of the old table behind', async () => {
  const dir = tmpDir();
  const path = join(dir, SQLITE_FILE_NAME);
  const old = new Database(path);
  old.pragma('journal_mode = WAL');
  old.pragma('secure_delete = ON');
  const before = MIGRATIONS.indexOf(migration012EnvelopesPerMailbox);
  for (let v = 0; v < before; v++) {
    MIGRATIONS[v]!(old);
    old.pragma(`user_version = ${v + 1}`);
  }
  const mailboxes = [randomBytes(16), randomBytes(16), randomBytes(16)];
  const insert = old.prepare('INSERT INTO envelopes (mailbox_id, envelope_id, body) VALUES (?, ?, ?)');
  const rows: { mailbox: Buffer; id: Buffer; body: Buffer }[] = [];
  for (let i = 0; i < 30; i++) {
    const row = { mailbox: mailboxes[i % 3]!, id: randomBytes(16), body: randomBytes(1057) };
    insert.run(row.mailbox, row.id, row.body);
    rows.push(row);
  }
  // Acknowledged before the upgrade (among them the newest of one mailbox): not renumbered.
  const acked = [rows[4]!, rows[29]!];
  for (const r of acked) old.prepare('DELETE FROM envelopes WHERE mailbox_id = ? AND envelope_id = ?').run(r.mailbox, r.id);
  expect(old.prepare("SELECT seq FROM sqlite_sequence WHERE name = 'envelopes'").get()).toEqual({ seq: 30 });
  old.close();

  const store = new SqliteRelayStore(dir, { notice: () => {} });
  try {
    // The copy is taken now, while the upgraded relay runs.
    const raw = Buffer.concat([path, `${path}-wal`].filter(existsSync).map((f) => readFileSync(f)));
    const pending = rows.filter((r) => !acked.includes(r));
    for (const r of pending) expect(count(raw, r.body), 'copies of a pending envelope').toBe(1);
    for (const r of acked) expect(count(raw, r.body)).toBe(0);

    for (const m of mailboxes) {
      const listed = await store.listEnvelopes(m.toString('hex') as MailboxId, 0, 100);
      const mine = pending.filter((r) => r.mailbox.equals(m));
      expect(listed.map((e) => e.envelopeId)).toEqual(mine.map((r) => r.id.toString('hex')));
      expect(listed.map((e) => e.seq)).toEqual(mine.map((_, i) => i + 1));
    }
  } finally {
    await store.close();
  }
  const db = new Database(path, { readonly: true });
  expect(db.pragma('user_version', { simple: true })).toBe(MIGRATIONS.length);
  expect(db.prepare("SELECT 1 FROM sqlite_sequence WHERE name = 'envelopes'").get()).toBeUndefined();
  expect(db.prepare("SELECT sql FROM sqlite_master WHERE name = 'envelopes'").get()).not.toMatchObject({ sql: expect.stringMatching(/AUTOINCREMENT/i) });
  db.close();
});

it("after the upgrade each mailbox's rows stand in one run of slots, in order, and its next envelope goes on from it", async () => {
  const dir = tmpDir();
  const old = oldRelayDb(dir, migration012EnvelopesPerMailbox);
  const mailboxes = [randomBytes(16), randomBytes(16)];
  const insert = old.prepare('INSERT INTO envelopes (mailbox_id, envelope_id, body) VALUES (?, ?, ?)');
  for (let i = 0; i < 8; i++) insert.run(mailboxes[i % 2]!, randomBytes(16), randomBytes(100));
  old.close();

  const store = new SqliteRelayStore(dir, { notice: () => {} });
  try {
    for (const m of mailboxes) {
      const r = await store.putEnvelope(m.toString('hex') as MailboxId, randomBytes(16).toString('hex') as EnvelopeId, randomBytes(100), Date.now());
      expect(r).toMatchObject({ status: 'stored', seq: 5 });
    }
  } finally {
    await store.close();
  }
  const db = new Database(join(dir, SQLITE_FILE_NAME), { readonly: true });
  for (const m of mailboxes) {
    const rows = db.prepare<[Buffer], { seq: bigint; slot: bigint }>('SELECT seq, slot FROM envelopes WHERE mailbox_id = ? ORDER BY seq').safeIntegers(true).all(m);
    expect(rows.map((r) => r.seq)).toEqual([1n, 2n, 3n, 4n, 5n]);
    expect(rows.map((r) => r.slot - rows[0]!.slot)).toEqual([0n, 1n, 2n, 3n, 4n]);
  }
  db.close();
});
