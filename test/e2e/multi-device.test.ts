/**
 * Linked devices, revocation, and what the relay holds afterwards: the seized-database check
 * and the bucket-size check run on the trace and the files of the same busy exchange.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HardlineClient } from '@hardline/client';
import { members, decodeState, PAYLOAD_BUCKETS, ENVELOPE_HEADER_SIZE, HardlineError } from '@hardline/protocol';
import { SQLITE_FILE_NAME, startRelay, type ObserverEvent } from '@hardline/server';
import { defaultClientConfig } from 'ts-mls/clientConfig.js';
import { tempDir } from '../support/cliHarness.ts';
import { enrol, linkDevice, readTexts } from '../support/clients.ts';

const dataDir = tempDir('relay-md');
const events: ObserverEvent[] = [];
let relay: Awaited<ReturnType<typeof startRelay>>;
let alice: HardlineClient;
let alice2: HardlineClient;
let bob: HardlineClient;
const plaintexts: string[] = [];

function say(c: HardlineClient, to: string, text: string) {
  plaintexts.push(text);
  return c.send(to, text);
}

beforeAll(async () => {
  relay = await startRelay({ port: 0, dataDir, observer: (e) => events.push(e) });
  alice = await enrol(relay.url, relay.adminToken!, 'alice');
  bob = await enrol(relay.url, relay.adminToken!, 'bob');
}, 60_000);

afterAll(async () => {
  for (const c of [alice, alice2, bob]) c?.close();
  await relay?.close();
});

describe('multi-device', () => {
  it('a linked device receives new messages and can send', async () => {
    await say(alice, 'bob', 'before linking');
    expect(await readTexts(bob)).toEqual(['before linking']);

    alice2 = await linkDevice(alice);
    expect(alice2.handle).toBe('alice');
    // Bob's next send reconciles the group: Alice's new device becomes a leaf.
    await say(bob, 'alice', 'to both of your devices');
    expect(await readTexts(alice)).toEqual(['to both of your devices']);
    expect(await readTexts(alice2)).toEqual(['to both of your devices']);

    await say(alice2, 'bob', 'from the second device');
    expect(await readTexts(bob)).toEqual(['from the second device']);
    // Alice's first device sees what her second device sent.
    expect(await readTexts(alice)).toEqual(['from the second device']);
  }, 120_000);

  it('revoking a device removes it from every group; it cannot read or connect afterwards', async () => {
    await alice.groupCreate('pair', ['bob']);
    await say(alice, 'pair', 'group with all devices');
    expect(await readTexts(alice2)).toEqual(['group with all devices']);
    expect(await readTexts(bob)).toEqual(['group with all devices']);

    await alice.revokeDevice(alice2.deviceId);
    const list = await alice.devices();
    expect(list.find((d) => d.deviceId === alice2.deviceId)?.revoked).toBe(true);

    await say(bob, 'alice', 'after revocation');
    await say(bob, 'pair', 'group after revocation');
    expect(await readTexts(alice)).toEqual(['after revocation', 'group after revocation']);

    // Every conversation Bob holds no longer has the revoked device as a leaf.
    for (const conv of bob.conversations()) {
      const state = decodeState(Buffer.from(conv.mlsState, 'base64url'), defaultClientConfig);
      expect(members(state).map((m) => m.id.deviceId)).not.toContain(alice2.deviceId);
    }
    // The revoked device's connection is refused with a typed error.
    const err = await alice2.sync().catch((e) => e);
    expect(err).toBeInstanceOf(HardlineError);
    expect((err as HardlineError).code).toBe('REVOKED');
    expect(alice2.isRevoked()).toBe(true);
  }, 120_000);
});

describe('what the relay holds', () => {
  it('every envelope it saw is one of the bucket sizes', () => {
    const posts = events.filter((e) => e.kind === 'post');
    expect(posts.length).toBeGreaterThan(10);
    // A post frame is the 32-byte send capability, the envelope header, and a bucket-sized payload.
    const allowed = new Set(PAYLOAD_BUCKETS.map((b) => 32 + ENVELOPE_HEADER_SIZE + b));
    for (const p of posts) expect(allowed.has(p.size!), `post of ${p.size} bytes`).toBe(true);
  });

  it('acknowledged envelopes are deleted: only the revoked device\'s undeliverable ones remain', async () => {
    await alice.sync();
    await bob.sync();
    const db = new Database(join(dataDir, SQLITE_FILE_NAME), { readonly: true });
    try {
      const left = (db.prepare('select distinct hex(mailbox_id) as m from envelopes').all() as { m: string }[]).map((r) => r.m.toLowerCase());
      const revokedMailboxes = new Set(alice2.conversations().map((c) => c.mailbox.id as string));
      for (const m of left) expect(revokedMailboxes.has(m), `undelivered envelopes in ${m}`).toBe(true);
    } finally {
      db.close();
    }
  });

  it('a seized database holds no sender, no IP, no plaintext, and no account next to a mailbox', async () => {
    const files = readdirSync(dataDir).map((f) => join(dataDir, f));
    const raw = Buffer.concat(files.filter((f) => !f.endsWith('.tmp')).map((f) => readFileSync(f)));
    for (const text of plaintexts) expect(raw.includes(Buffer.from(text))).toBe(false);
    expect(raw.includes(Buffer.from('127.0.0.1'))).toBe(false);

    // The relay's database; unclaimed KeyPackages sit sealed in a file of their own.
    const dbFile = join(dataDir, SQLITE_FILE_NAME);
    const db = new Database(dbFile, { readonly: true, fileMustExist: true });
    try {
      const tables = db.prepare("select name from sqlite_master where type = 'table'").all() as { name: string }[];
      const mailboxTables = tables.filter((t) => {
        const cols = (db.prepare(`pragma table_info(${JSON.stringify(t.name)})`).all() as { name: string }[]).map((c) => c.name);
        return cols.some((c) => /mailbox/.test(c));
      });
      expect(mailboxTables.length).toBeGreaterThan(0);
      for (const t of mailboxTables) {
        const cols = (db.prepare(`pragma table_info(${JSON.stringify(t.name)})`).all() as { name: string }[]).map((c) => c.name);
        expect(cols.filter((c) => /device|user|handle|sender|ip|addr/i.test(c)), `${t.name} columns`).toEqual([]);
        // No handle or device id appears anywhere in those tables' bytes.
        const rows = db.prepare(`select * from ${JSON.stringify(t.name)}`).all() as Record<string, unknown>[];
        const blob = Buffer.from(JSON.stringify(rows.map((r) => Object.values(r).map((v) => (Buffer.isBuffer(v) ? v.toString('hex') : v)))));
        for (const needle of ['alice', 'bob', alice.deviceId, bob.deviceId, alice2.deviceId]) {
          expect(blob.includes(Buffer.from(needle)), `${needle} in ${t.name}`).toBe(false);
        }
      }
    } finally {
      db.close();
    }
  });
});
