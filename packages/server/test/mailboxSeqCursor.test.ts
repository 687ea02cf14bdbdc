/**
 * @module mailboxSeqCursor.test
 * A reader's cursor is the last seq pushed to it, and seq now counts within the mailbox from a
 * counter in memory (store/mailboxSeqs.ts). These check what AUTOINCREMENT used to guarantee:
 * a live reader who acknowledged the newest envelope still gets the next one (MAX(seq) + 1
 * would hand out the acknowledged seq again, at or below the cursor, and the reader would skip
 * it), counters of read mailboxes survive a sweep, a restart keeps each mailbox's order, and a
 * slot taken by another mailbox's row moves the mailbox to a new run instead of failing.
 */
import Database from 'better-sqlite3';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import type { MailboxId } from '@hardline/protocol';
import { MailboxSeqs } from '../src/store/mailboxSeqs.ts';
import { SQLITE_FILE_NAME, SqliteRelayStore } from '../src/store/sqliteRelayStore.ts';
import { enrolDevice, openSession } from './support/enrolDevice.ts';
import { createMailbox, newEnvelopeId, newMailboxCaps, postFrame, type TestMailbox } from './support/envelopes.ts';
import { call } from './support/httpApi.ts';
import { startTestRelay, type TestRelay } from './support/testRelay.ts';
import { tmpDir } from './support/tmpDir.ts';
import { openInbox } from './support/wsClient.ts';

async function post(relay: TestRelay, m: TestMailbox, text: string) {
  const p = postFrame(m, text);
  expect((await call(relay.url, 'POST', '/v1/post', p.frame)).status).toBe(200);
  return p;
}

async function held(relay: TestRelay, m: TestMailbox): Promise<string[]> {
  return (await relay.store.listEnvelopes(m.id, 0, 100)).map((e) => e.envelopeId);
}

it('a live reader that acknowledged the newest envelope still gets the next one', async () => {
  const relay = await startTestRelay();
  const bob = await enrolDevice(relay.url, relay.adminToken, 'bob');
  const m = await createMailbox(relay.store);
  const { socket } = await openInbox(relay.url, bob.token, [m]);
  await socket.json('drained');

  // One waiting, the newest acknowledged: MAX(seq) + 1 would reuse the newest one's seq.
  const older = await post(relay, m, 'older');
  const newest = await post(relay, m, 'newest');
  expect(await socket.binary()).toEqual(Buffer.from(older.envelopeBytes));
  expect(await socket.binary()).toEqual(Buffer.from(newest.envelopeBytes));
  socket.sendJson({ type: 'ack', items: [[m.id, newest.envelopeId]] });
  await expect.poll(() => held(relay, m)).toEqual([older.envelopeId]);
  const next = await post(relay, m, 'next');
  expect(await socket.binary()).toEqual(Buffer.from(next.envelopeBytes));

  // Drained, again and again: each time the mailbox is empty and the reader's cursor stands
  // at the acknowledged seq.
  socket.sendJson({ type: 'ack', items: [[m.id, older.envelopeId], [m.id, next.envelopeId]] });
  for (let round = 0; round < 8; round++) {
    await expect.poll(() => held(relay, m)).toEqual([]);
    const p = await post(relay, m, `round ${round}`);
    expect(await socket.binary()).toEqual(Buffer.from(p.envelopeBytes));
    socket.sendJson({ type: 'ack', items: [[m.id, p.envelopeId]] });
  }
  socket.close();
});

it('keeps the order within each mailbox across a restart', async () => {
  const dataDir = tmpDir();
  const first = await startTestRelay({ dataDir });
  const bob = await enrolDevice(first.url, first.adminToken, 'bob');
  const a = await createMailbox(first.store);
  const b = await createMailbox(first.store);
  const sent: Record<string, string[]> = { [a.id]: [], [b.id]: [] };
  for (const [m, text] of [[a, 'a1'], [b, 'b1'], [a, 'a2'], [a, 'a3'], [b, 'b2']] as const) sent[m.id]!.push((await post(first, m, text)).envelopeId);
  // The newest of `a` is picked up before the restart: the next seq must still follow a2.
  await first.store.ackEnvelopes([[a.id, sent[a.id]!.pop()! as never]], Date.now());
  await first.close();

  const second = await startTestRelay({ dataDir });
  for (const [m, text] of [[b, 'b3'], [a, 'a4'], [a, 'a5']] as const) sent[m.id]!.push((await post(second, m, text)).envelopeId);
  for (const m of [a, b]) {
    const stored = await second.store.listEnvelopes(m.id, 0, 100);
    expect(stored.map((e) => e.envelopeId)).toEqual(sent[m.id]);
    for (let i = 1; i < stored.length; i++) expect(stored[i]!.seq).toBeGreaterThan(stored[i - 1]!.seq);
  }
  // And a reader gets them in that order.
  const session = await openSession(second.url, bob.deviceId, bob.keys);
  const { socket } = await openInbox(second.url, session.body.token, [a]);
  const pushed = (await socket.drain()).envelopes.map((e) => e.subarray(17, 33).toString('hex'));
  expect(pushed).toEqual(sent[a.id]);
  socket.close();
});

it('sweeps only the counters of mailboxes no inbox reads', () => {
  const read = new Set<MailboxId>(['aa' as MailboxId]);
  const seqs = new MailboxSeqs(2);
  seqs.holdFor({ hasReader: (m) => read.has(m) });
  const none = () => undefined;
  const first = seqs.peek('aa' as MailboxId, none);
  seqs.advance('aa' as MailboxId, first);
  seqs.peek('bb' as MailboxId, none);
  // Past the bound: the sweep drops bb (unread), keeps aa, whose reader's cursor is first.seq.
  seqs.peek('cc' as MailboxId, none);
  expect(seqs.size).toBe(2);
  // aa's rows were acknowledged (none stored), yet its next seq follows the cursor.
  expect(seqs.peek('aa' as MailboxId, none)).toEqual({ seq: first.seq + 1, slot: first.slot + 1n });
  expect(seqs.peek('bb' as MailboxId, () => ({ seq: 7, slot: 70n }))).toEqual({ seq: 8, slot: 71n });
});

it('moves a mailbox to a new run of slots when its next slot is taken, and loses nothing', async () => {
  const dir = tmpDir();
  const store = new SqliteRelayStore(dir, { notice: () => {} });
  const a = newMailboxCaps();
  const b = newMailboxCaps();
  const first = newEnvelopeId();
  expect(await store.putEnvelope(a.id, first, randomBytes(64), Date.now())).toMatchObject({ status: 'stored' });
  // Another mailbox's row at the slot a's next envelope would take (two random runs meeting).
  const other = new Database(join(dir, SQLITE_FILE_NAME));
  const { slot } = other.prepare('SELECT slot FROM envelopes').safeIntegers(true).get() as { slot: bigint };
  other.prepare('INSERT INTO envelopes (slot, mailbox_id, seq, envelope_id, body) VALUES (?, ?, 1, ?, ?)').run(slot + 1n, Buffer.from(b.id, 'hex'), randomBytes(16), randomBytes(64));
  other.close();
  const second = newEnvelopeId();
  expect(await store.putEnvelope(a.id, second, randomBytes(64), Date.now())).toMatchObject({ status: 'stored' });
  const third = newEnvelopeId();
  expect(await store.putEnvelope(a.id, third, randomBytes(64), Date.now())).toMatchObject({ status: 'stored' });
  expect((await store.listEnvelopes(a.id, 0, 10)).map((e) => e.envelopeId)).toEqual([first, second, third]);
  await store.close();
});
