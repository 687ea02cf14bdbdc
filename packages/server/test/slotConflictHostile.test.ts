/**
 * @module slotConflictHostile.test
 * A mailbox's rows run on from a random slot base (store/mailboxSeqs.ts); when the next slot is
 * taken by another mailbox's row, the store moves the mailbox to a new base once
 * (sqliteRelayStore.ts #insertEnvelope). If the new base is taken too, that is a bug, and it
 * must fail the post loudly: retrying for ever would spin inside the batch, which runs
 * synchronously, and freeze the whole relay. The random source is pinned here so that the new
 * base lands on a taken slot, and only that once: a third base is free, so a store that retried
 * again would store the post and fail this test rather than hang it.
 */
import Database from 'better-sqlite3';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { expect, it, vi } from 'vitest';
import type { EnvelopeId, MailboxId } from '@hardline/protocol';
import { SQLITE_FILE_NAME, SqliteRelayStore } from '../src/store/sqliteRelayStore.ts';
import { tmpDir } from './support/tmpDir.ts';

/** The next slot bases' random bytes, used up one per draw; real randomness once empty. */
const pinned = vi.hoisted(() => ({ slotBytes: [] as Uint8Array[] }));

vi.mock('node:crypto', async (importOriginal) => {
  const real = await importOriginal<typeof import('node:crypto')>();
  const randomBytesPinned = ((size: number, ...rest: unknown[]) =>
    size === 8 && pinned.slotBytes.length > 0 ? Buffer.from(pinned.slotBytes.shift()!) : (real.randomBytes as (...a: unknown[]) => Buffer)(size, ...rest)) as typeof real.randomBytes;
  return { ...real, default: { ...real, randomBytes: randomBytesPinned }, randomBytes: randomBytesPinned };
});

it('a slot still taken after the move to a new base fails the post, and the mailbox goes on afterwards', async () => {
  const dir = tmpDir();
  const store = new SqliteRelayStore(dir, { notice: () => {} });
  const a = randomBytes(16).toString('hex') as MailboxId;
  // The next two slot bases are 2^40 + 1: (bytes >> 2) + 1.
  const bytes = Buffer.alloc(8);
  bytes.writeBigUInt64BE(2n ** 42n);
  pinned.slotBytes = [bytes, bytes];
  const base = 2n ** 40n + 1n;
  try {
    expect(await store.putEnvelope(a, randomBytes(16).toString('hex') as EnvelopeId, randomBytes(32), Date.now())).toMatchObject({ status: 'stored' });
    // Another mailbox's row at a's next slot: a moves to a new base, which is again `base`,
    // a's own first row.
    const other = new Database(join(dir, SQLITE_FILE_NAME));
    other.prepare('INSERT INTO envelopes (slot, mailbox_id, seq, envelope_id, body) VALUES (?, ?, 1, ?, ?)').run(base + 1n, randomBytes(16), randomBytes(16), randomBytes(16));
    other.close();
    await expect(store.putEnvelope(a, randomBytes(16).toString('hex') as EnvelopeId, randomBytes(32), Date.now())).rejects.toMatchObject({ code: 'SQLITE_CONSTRAINT_PRIMARYKEY' });
  } finally {
    pinned.slotBytes = [];
  }
  // With real randomness again, the next post finds a free base.
  expect(await store.putEnvelope(a, randomBytes(16).toString('hex') as EnvelopeId, randomBytes(32), Date.now())).toMatchObject({ status: 'stored' });
  expect(await store.listEnvelopes(a, 0, 10)).toHaveLength(2);
  await store.close();
});
