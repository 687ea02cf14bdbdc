/**
 * @module seizedDatabase.test
 * What a seized relay reveals. After a busy exchange the raw database and WAL bytes are
 * searched for everything that would link people: IPs, capabilities, tokens, plaintext; and
 * the mailbox-side tables are checked for handles and device ids. The schema is checked too:
 * no table may hold both an account column and a mailbox column.
 */
import Database from 'better-sqlite3';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { expect, it } from 'vitest';
import { PAYLOAD_BUCKETS, decodePostReply } from '@hardline/protocol';
import { SQLITE_FILE_NAME } from '../src/store/sqliteRelayStore.ts';
import { enrolDevice, type TestDevice } from './support/enrolDevice.ts';
import { kpMailbox, postFrame, sha256, type TestMailbox } from './support/envelopes.ts';
import { call } from './support/httpApi.ts';
import { newKeyPackages } from './support/keyPackages.ts';
import { startTestRelay } from './support/testRelay.ts';
import { openInbox, TestSocket } from './support/wsClient.ts';
import { tokenPurse } from '../../../test/support/privacyPassTokens.ts';

const MARKER = 'PLAINTEXT-MARKER-7f3a';

function forms(b: Buffer | string): Buffer[] {
  const buf = typeof b === 'string' ? Buffer.from(b) : b;
  const out = [buf];
  if (typeof b !== 'string') out.push(Buffer.from(b.toString('hex')), Buffer.from(b.toString('base64url')));
  return out;
}

it('a seized database holds no link between people', async () => {
  const relay = await startTestRelay();
  const users: TestDevice[] = [];
  for (const h of ['alice', 'bob', 'carol']) users.push(await enrolDevice(relay.url, relay.adminToken, h));
  // Each device uploads KeyPackages; each claims one of every other's: the real mailbox path.
  const readCaps = new Map<string, Buffer[]>();
  const claimedKps: Buffer[] = [];
  for (const u of users) {
    const caps = [randomBytes(32), randomBytes(32), randomBytes(32)];
    readCaps.set(u.deviceId, caps);
    const real = await newKeyPackages(u, caps.length);
    const kps = caps.map((c, i) => ({ keyPackage: real[i]!.toString('base64url'), readCapHash: sha256(c).toString('base64url') }));
    expect((await call(relay.url, 'POST', '/v1/keypackages', { keyPackages: kps }, u.token)).status).toBe(200);
  }
  const mailboxes = new Map<string, TestMailbox[]>();
  const pay = tokenPurse(relay.url, users[0]!.token, 32);
  for (const u of users) {
    const caps = readCaps.get(u.deviceId)!;
    const list: TestMailbox[] = [];
    for (let i = 0; i < 2; i++) {
      const c = await call(relay.url, 'POST', '/v1/keypackages/claim', { deviceId: u.deviceId, token: await pay() });
      const kp = Buffer.from(c.body.keyPackage, 'base64url');
      claimedKps.push(kp);
      list.push(kpMailbox(kp, caps[i]!));
    }
    mailboxes.set(u.deviceId, list);
  }
  // Busy exchange: everyone posts to everyone; readers ack half of what they get.
  const post = await TestSocket.open(relay.url, '/v1/post');
  let n = 0;
  for (let round = 0; round < 20; round++) {
    for (const u of users) for (const m of mailboxes.get(u.deviceId)!) {
      post.send(postFrame(m, `${MARKER} ${round} to ${u.handle}`).frame);
      n++;
    }
  }
  for (let i = 0; i < n; i++) expect(decodePostReply(await post.binary()).status).toBe('accepted');
  for (const u of users) {
    const ms = mailboxes.get(u.deviceId)!;
    const { socket } = await openInbox(relay.url, u.token, ms);
    await socket.json('drained');
    const items = socket.frames.filter((f) => f.binary).slice(0, 20).map((f) => [f.data.subarray(1, 17).toString('hex'), f.data.subarray(17, 33).toString('hex')]);
    socket.sendJson({ type: 'ack', items });
    await new Promise((r) => setTimeout(r, 50));
    socket.close();
  }
  await call(relay.url, 'POST', '/v1/locks', { token: randomBytes(32).toString('hex') });

  const dbPath = join(relay.dataDir, SQLITE_FILE_NAME);
  const files = [dbPath, `${dbPath}-wal`].filter(existsSync);
  const raw = Buffer.concat(files.map((f) => readFileSync(f)));
  const secrets: Buffer[] = [...forms('127.0.0.1'), ...forms(MARKER), ...forms(relay.adminToken)];
  for (const u of users) secrets.push(...forms(u.token));
  for (const caps of readCaps.values()) for (const c of caps) secrets.push(...forms(c));
  for (const list of mailboxes.values()) for (const m of list) secrets.push(...forms(m.sendCap), ...forms(m.readCap));
  for (const s of secrets) expect(raw.includes(s), `found ${s.toString().slice(0, 24)}`).toBe(false);

  const db = new Database(dbPath, { readonly: true });
  const tables = db.prepare<[], { name: string }>("SELECT name FROM sqlite_master WHERE type = 'table'").all().map((t) => t.name);
  for (const t of tables) {
    const cols = db.prepare<[], { name: string }>(`PRAGMA table_info(${t})`).all().map((c) => c.name);
    const account = cols.some((c) => /user|device|handle/.test(c));
    const mailbox = cols.some((c) => /mailbox/.test(c));
    expect(account && mailbox, `${t}: ${cols.join(',')}`).toBe(false);
    expect(cols.some((c) => /ip|addr|time|created|seen/.test(c)), `${t} has a time/address column`).toBe(false);
  }
  const mailboxSide = ['mailboxes', 'envelopes', 'tombstones', 'locks'].flatMap((t) =>
    db.prepare(`SELECT * FROM ${t}`).raw().all().flat() as unknown[],
  );
  const cells = Buffer.concat(mailboxSide.map((v) => (Buffer.isBuffer(v) ? v : Buffer.from(String(v)))));
  for (const u of users) for (const s of [...forms(u.handle), ...forms(u.deviceId), ...forms(Buffer.from(u.deviceId, 'hex')), ...forms(u.userId)]) {
    expect(cells.includes(s)).toBe(false);
  }
  const sizes = db.prepare<[], { n: number }>('SELECT length(body) AS n FROM envelopes').all();
  expect(sizes.length).toBe(n - 60);
  for (const { n: size } of sizes) expect(PAYLOAD_BUCKETS.map((b) => b + 33)).toContain(size);
  db.close();

  // After a clean shutdown (WAL checkpointed), claimed KeyPackages, which named a device and
  // derive a mailbox, are gone from the file, not just unlinked.
  await relay.close();
  const closed = Buffer.concat([dbPath, `${dbPath}-wal`].filter(existsSync).map((f) => readFileSync(f)));
  for (const kp of claimedKps) expect(closed.includes(kp)).toBe(false);
});
