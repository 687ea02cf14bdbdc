/**
 * @module seqCounterHeld.test
 * Who keeps a mailbox's seq counter through a sweep (store/mailboxSeqs.ts). The relay hands its
 * inbox hub to the store (sqliteRelayStore.ts holdSeqsFor), and a mailbox an inbox reads keeps
 * its counter however many other mailboxes are posted to: its reader holds a cursor at the
 * last seq pushed, so an acknowledged and deleted newest envelope must not let the next one
 * start from a fresh random base, below the cursor, where the reader would skip it. A flood of
 * posts to 100,000 other mailboxes (the store's bound) is what an attacker would send to force
 * the sweep. A store with no relay (the CLI) serves no reader and keeps no counter it need not.
 */
import { randomBytes } from 'node:crypto';
import { expect, it } from 'vitest';
import type { EnvelopeId, MailboxId } from '@hardline/protocol';
import { MailboxSeqs } from '../src/store/mailboxSeqs.ts';
import { SqliteRelayStore } from '../src/store/sqliteRelayStore.ts';
import { tmpDir } from './support/tmpDir.ts';

/** The store's bound on seq counters (MAILBOX_CACHE_SIZE in sqliteRelayStore.ts). */
const BOUND = 100_000;

const mailboxId = () => randomBytes(16).toString('hex') as MailboxId;
const envelopeId = () => randomBytes(16).toString('hex') as EnvelopeId;

it('a read mailbox keeps counting up after a flood to other mailboxes forces the sweep', async () => {
  const store = new SqliteRelayStore(tmpDir(), { notice: () => {} });
  const read = mailboxId();
  store.holdSeqsFor({ hasReader: (m) => m === read });
  const now = Date.now();
  const first = envelopeId();
  const stored = await store.putEnvelope(read, first, randomBytes(16), now);
  if (stored.status !== 'stored') throw new Error(`not stored: ${stored.status}`);
  // The reader got it (its cursor is now stored.seq) and acknowledged it: no row is left.
  expect(await store.ackEnvelopes([[read, first]], now)).toBe(1);
  const flood: Promise<unknown>[] = [];
  for (let i = 0; i < BOUND; i++) flood.push(store.putEnvelope(mailboxId(), envelopeId(), Buffer.alloc(1), now));
  await Promise.all(flood);
  const next = await store.putEnvelope(read, envelopeId(), randomBytes(16), now);
  expect(next).toEqual({ status: 'stored', seq: stored.seq + 1 });
  await store.close();
});

it('with no reader at all, the sweep drops every counter', () => {
  const seqs = new MailboxSeqs(2);
  const none = () => undefined;
  seqs.advance('aa' as MailboxId, seqs.peek('aa' as MailboxId, none));
  seqs.peek('bb' as MailboxId, none);
  // Past the bound: nothing can hold a cursor, so only the newcomer's counter is left.
  seqs.peek('cc' as MailboxId, none);
  expect(seqs.size).toBe(1);
});
