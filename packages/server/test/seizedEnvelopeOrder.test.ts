/**
 * @module seizedEnvelopeOrder.test
 * The attacker holds a copy of relay.db taken while envelopes wait: group messages fanned out
 * to four mailboxes back to back, unrelated posts in between, some acknowledged. Knowing the
 * true order of arrival, it tries every order the disk offers (each integer column, the
 * table's b-tree order, the page each body sits on) and the fan-outs' neighbourhood. No order
 * may follow arrival across mailboxes, and no fan-out may stand together (docs/protocol.md §7,
 * risk 6).
 */
import Database from 'better-sqlite3';
import { copyFileSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { randomInt } from 'node:crypto';
import { expect, it } from 'vitest';
import { decodePostReply } from '@hardline/protocol';
import { SQLITE_FILE_NAME } from '../src/store/sqliteRelayStore.ts';
import { createMailbox, postFrame, type TestMailbox } from './support/envelopes.ts';
import { call } from './support/httpApi.ts';
import { startTestRelay } from './support/testRelay.ts';
import { tmpDir } from './support/tmpDir.ts';
import { TestSocket } from './support/wsClient.ts';

type Arrival = { readonly mailbox: string; readonly envelopeId: string; readonly bytes: Buffer; readonly t: number; readonly fanOut?: number };

const PAGE = 4096;

/** Of the pairs in different mailboxes that `key` tells apart, the share it puts in arrival order. */
function agreement(rows: readonly Arrival[], key: (a: Arrival) => number): number {
  let agree = 0;
  let pairs = 0;
  for (let i = 0; i < rows.length; i++) {
    for (let j = i + 1; j < rows.length; j++) {
      const a = rows[i]!;
      const b = rows[j]!;
      if (a.mailbox === b.mailbox || key(a) === key(b)) continue;
      pairs++;
      if (key(a) < key(b) === a.t < b.t) agree++;
    }
  }
  return agree / pairs;
}

it('a seized copy orders no envelopes across mailboxes, and no fan-out stands together', async () => {
  const relay = await startTestRelay();
  const group: TestMailbox[] = [];
  const others: TestMailbox[] = [];
  for (let i = 0; i < 4; i++) group.push(await createMailbox(relay.store));
  for (let i = 0; i < 6; i++) others.push(await createMailbox(relay.store));
  const arrivals: Arrival[] = [];
  let t = 0;
  for (let round = 0; round < 14; round++) {
    for (let i = 0; i < 2; i++) {
      const m = others[randomInt(others.length)]!;
      const p = postFrame(m, `unrelated ${round}`);
      expect((await call(relay.url, 'POST', '/v1/post', p.frame)).status).toBe(200);
      arrivals.push({ mailbox: m.id, envelopeId: p.envelopeId, bytes: Buffer.from(p.envelopeBytes), t: t++ });
    }
    // A group message: one envelope per member's mailbox, back to back on one connection.
    const socket = await TestSocket.open(relay.url, '/v1/post');
    const fan = group.map((m) => postFrame(m, `group ${round}`));
    for (const p of fan) socket.send(p.frame);
    for (const _ of fan) expect(decodePostReply(await socket.binary()).status).toBe('accepted');
    socket.close();
    fan.forEach((p, i) => arrivals.push({ mailbox: group[i]!.id, envelopeId: p.envelopeId, bytes: Buffer.from(p.envelopeBytes), t: t++, fanOut: round }));
    // Some are picked up (the newest too), so pages are freed and reused as on a live relay.
    if (round % 3 === 2) {
      const gone = [arrivals.at(-1)!, arrivals[randomInt(arrivals.length - 1)]!];
      await relay.store.ackEnvelopes(gone.map((a) => [a.mailbox as TestMailbox['id'], a.envelopeId as never] as const), Date.now());
    }
  }

  // The seizure: the file as it is on disk (each commit is checkpointed into it).
  const copy = join(tmpDir(), SQLITE_FILE_NAME);
  copyFileSync(join(relay.dataDir, SQLITE_FILE_NAME), copy);
  const raw = readFileSync(copy);
  const db = new Database(copy, { readonly: true });
  try {
    const schema = db.prepare<[], { sql: string }>("SELECT sql FROM sqlite_master WHERE name = 'envelopes'").get()!.sql;
    expect(schema).not.toMatch(/AUTOINCREMENT/i);
    const hasSequence = db.prepare("SELECT 1 FROM sqlite_master WHERE name = 'sqlite_sequence'").get() !== undefined;
    if (hasSequence) expect(db.prepare("SELECT 1 FROM sqlite_sequence WHERE name = 'envelopes'").get()).toBeUndefined();

    // Every stored row, matched to its arrival by its envelope id; rowid order is the b-tree's.
    const rows = db.prepare<[], Record<string, unknown>>('SELECT rowid AS _rowid, * FROM envelopes ORDER BY rowid').all();
    const byId = new Map(arrivals.map((a) => [a.envelopeId, a]));
    const stored = rows.map((r, position) => ({ arrival: byId.get((r.envelope_id as Buffer).toString('hex'))!, row: r, position }));
    expect(stored.length).toBeGreaterThan(60);
    const live = stored.map((s) => s.arrival);

    // Each integer column, the b-tree position of the row, and the page its body sits on.
    const orders = new Map<string, (a: Arrival) => number>();
    const of = new Map(stored.map((s) => [s.arrival, s] as const));
    for (const column of Object.keys(rows[0]!)) {
      if (typeof rows[0]![column] === 'number' || typeof rows[0]![column] === 'bigint') orders.set(column, (a) => Number(of.get(a)!.row[column]));
    }
    orders.set('b-tree position', (a) => of.get(a)!.position);
    orders.set('page of the body', (a) => Math.floor(raw.indexOf(a.bytes.subarray(-64)) / PAGE));
    for (const a of live) expect(raw.indexOf(a.bytes.subarray(-64)), 'body in the file').toBeGreaterThan(0);
    for (const [name, key] of orders) {
      const share = agreement(live, key);
      expect(Math.abs(share - 0.5), `${name} puts ${(share * 100).toFixed(0)}% of cross-mailbox pairs in arrival order`).toBeLessThan(0.25);
    }

    // A fan-out: the same message in four mailboxes. Not at equal or neighbouring seqs, nor rows.
    const fanOuts = new Map<number, { seq: number; position: number }[]>();
    for (const s of stored) {
      if (s.arrival.fanOut === undefined) continue;
      const list = fanOuts.get(s.arrival.fanOut) ?? [];
      list.push({ seq: Number(s.row.seq), position: s.position });
      fanOuts.set(s.arrival.fanOut, list);
    }
    let together = 0;
    for (const list of fanOuts.values()) {
      if (list.length < 2) continue;
      const seqs = list.map((x) => x.seq).sort((a, b) => a - b);
      const positions = list.map((x) => x.position).sort((a, b) => a - b);
      const equalSeqs = new Set(seqs).size < seqs.length;
      const neighbourSeqs = seqs.at(-1)! - seqs[0]! < seqs.length;
      const neighbourRows = positions.at(-1)! - positions[0]! < positions.length;
      if (equalSeqs || neighbourSeqs || neighbourRows) together++;
    }
    // Four random rows among ~70 are neighbours by chance about once in 10,000 fan-outs.
    expect(together, 'fan-outs whose envelopes stand together').toBeLessThanOrEqual(1);
  } finally {
    db.close();
  }
});
