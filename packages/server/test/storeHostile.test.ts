/**
 * @module storeHostile.test
 * The SQLite store (store/sqliteRelayStore.ts) where its bookkeeping meets an adversary or a
 * failing disk: quotas kept in memory must follow what COMMIT really wrote (a disk that fails
 * at COMMIT must neither let a mailbox overshoot its quota nor lock it as full); the blob space
 * must free what expired and never stop a same-size or shrinking write, even after the operator
 * lowered it; the key-transparency log takes no entry for a device that does not exist; a
 * send-capability hash that merely contains zero bytes is not "retired"; a thief's device
 * replaced by a re-enrolment leaves no KeyPackage behind; a code is good up to its expiry
 * instant and not after; close() writes what was queued; an upgraded relay.db keeps no copy of
 * the KeyPackages it held before they moved to their own file; and each mailbox's rows stay in
 * one run of slots across a restart.
 */
import Database from 'better-sqlite3';
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { DeviceId, EnvelopeId, Handle, MailboxId, UserId } from '@hardline/protocol';
import { MIGRATIONS } from '../src/store/migrations/index.ts';
import { migration004KeyPackagesApart } from '../src/store/migrations/004_keypackages_apart.ts';
import { isRetired } from '../src/store/relayStore.ts';
import { SQLITE_FILE_NAME, SqliteRelayStore } from '../src/store/sqliteRelayStore.ts';
import { failCommitsOn } from './support/failingCommit.ts';
import { tmpDir } from './support/tmpDir.ts';

const DAY = 86_400_000;
const id = <T>(): T => randomBytes(16).toString('hex') as T;
const quiet = { notice: () => {} };

const opened: SqliteRelayStore[] = [];
afterEach(async () => {
  for (const s of opened.splice(0)) await s.close();
});

function newStore(dir = tmpDir()): SqliteRelayStore {
  const s = new SqliteRelayStore(dir, quiet);
  opened.push(s);
  return s;
}

async function enrol(s: SqliteRelayStore, handle: string, codeHandle?: string) {
  const codeHash = randomBytes(32);
  await s.createCode({ hash: codeHash, kind: 'invite', expiresAt: Date.now() + DAY, ...(codeHandle ? { handle: codeHandle as Handle } : {}) });
  return s.enrol({ codeHash, handle: handle as Handle, displayName: handle, publicKey: randomBytes(32), newUserId: id<UserId>(), newDeviceId: id<DeviceId>(), now: Date.now() });
}

/** Whether `needle` occurs anywhere in the data folder's files: what a copy of the disk shows. */
function onDisk(dir: string, needle: Buffer): string[] {
  return [SQLITE_FILE_NAME, `${SQLITE_FILE_NAME}-wal`, `${SQLITE_FILE_NAME}-shm`].filter((f) => existsSync(join(dir, f)) && readFileSync(join(dir, f)).includes(needle));
}

describe('a disk that fails at COMMIT', () => {
  it('does not leave a mailbox counted fuller than it is: the next post after the failure is stored', async () => {
    const s = newStore();
    const m = id<MailboxId>();
    const quota = { maxEnvelopes: 2, maxBytes: 10_000 };
    expect((await s.putEnvelope(m, id<EnvelopeId>(), randomBytes(100), Date.now(), quota)).status).toBe('stored');
    const disk = failCommitsOn(s.path);
    try {
      await expect(s.putEnvelope(m, id<EnvelopeId>(), randomBytes(100), Date.now(), quota)).rejects.toThrow(/simulated/);
    } finally {
      disk.restore();
    }
    expect(await s.mailboxUsage(m)).toEqual({ envelopes: 1, bytes: 100 });
    expect((await s.putEnvelope(m, id<EnvelopeId>(), randomBytes(100), Date.now(), quota)).status).toBe('stored');
    expect((await s.putEnvelope(m, id<EnvelopeId>(), randomBytes(100), Date.now(), quota)).status).toBe('full');
  });

  it('does not let a mailbox overshoot its quota after an acknowledgement that was rolled back', async () => {
    const s = newStore();
    const m = id<MailboxId>();
    const quota = { maxEnvelopes: 2, maxBytes: 10_000 };
    const first = id<EnvelopeId>();
    await s.putEnvelope(m, first, randomBytes(100), Date.now(), quota);
    await s.putEnvelope(m, id<EnvelopeId>(), randomBytes(100), Date.now(), quota);
    const disk = failCommitsOn(s.path);
    try {
      await expect(s.ackEnvelopes([[m, first]], Date.now())).rejects.toThrow(/simulated/);
    } finally {
      disk.restore();
    }
    // The envelope is still there, so the mailbox is still full.
    expect(await s.listEnvelopes(m, 0, 10)).toHaveLength(2);
    expect((await s.putEnvelope(m, id<EnvelopeId>(), randomBytes(100), Date.now(), quota)).status).toBe('full');
    expect(await s.listEnvelopes(m, 0, 10)).toHaveLength(2);
  });

  it('does not leave the blob space counted fuller than it is', async () => {
    const s = newStore();
    const space = { maxBlobs: 2, maxBytes: 10_000 };
    expect((await s.putBlob(id(), randomBytes(32), 0, randomBytes(100), Date.now(), space)).status).toBe('stored');
    const disk = failCommitsOn(s.path);
    try {
      await expect(s.putBlob(id(), randomBytes(32), 0, randomBytes(100), Date.now(), space)).rejects.toThrow(/simulated/);
    } finally {
      disk.restore();
    }
    expect(await s.blobUsage()).toEqual({ blobs: 1, bytes: 100 });
    expect((await s.putBlob(id(), randomBytes(32), 0, randomBytes(100), Date.now(), space)).status).toBe('stored');
  });
});

describe('the blob space', () => {
  it('never refuses a same-size or shrinking write, even after the operator lowered the space below what is held', async () => {
    const s = newStore();
    const cap = randomBytes(32);
    const book = id<string>();
    await s.putBlob(book, cap, 0, randomBytes(300), Date.now(), { maxBlobs: 10, maxBytes: 1000 });
    await s.putBlob(id(), randomBytes(32), 0, randomBytes(300), Date.now(), { maxBlobs: 10, maxBytes: 1000 });
    // Restarted with a smaller space: 600 bytes held, 400 allowed.
    const lowered = { maxBlobs: 10, maxBytes: 400 };
    expect(await s.putBlob(book, cap, 1, randomBytes(300), Date.now(), lowered)).toEqual({ status: 'stored', version: 2 });
    expect(await s.putBlob(book, cap, 2, randomBytes(200), Date.now(), lowered)).toEqual({ status: 'stored', version: 3 });
    expect(await s.putBlob(book, cap, 3, randomBytes(201), Date.now(), lowered)).toEqual({ status: 'full' });
    expect(await s.blobUsage()).toEqual({ blobs: 2, bytes: 500 });
  });

  it('is given back when idle blobs expire, so a full relay takes new blobs again', async () => {
    const s = newStore();
    const now = Date.now();
    const space = { maxBlobs: 2, maxBytes: 10_000 };
    await s.putBlob(id(), randomBytes(32), 0, randomBytes(10), now - 100 * DAY, space);
    await s.putBlob(id(), randomBytes(32), 0, randomBytes(20), now, space);
    expect(await s.blobUsage()).toEqual({ blobs: 2, bytes: 30 });
    expect((await s.putBlob(id(), randomBytes(32), 0, randomBytes(10), now, space)).status).toBe('full');
    expect(await s.prune(now, { blobIdleDays: 90 })).toEqual({ expiredBlobs: 1 });
    expect(await s.blobUsage()).toEqual({ blobs: 1, bytes: 20 });
    expect((await s.putBlob(id(), randomBytes(32), 0, randomBytes(10), now, space)).status).toBe('stored');
  });

  it('a read of a blob that does not exist touches nothing', async () => {
    const s = newStore();
    await expect(s.touchBlob(id(), Date.now())).resolves.toBeUndefined();
    expect(await s.blobUsage()).toEqual({ blobs: 0, bytes: 0 });
  });
});

describe('the key-transparency log', () => {
  it('takes no entry for a certificate or revocation of a device that does not exist', async () => {
    const s = newStore();
    const a = await enrol(s, 'alice');
    const leaf = randomBytes(40);
    await s.setCertificate(id<DeviceId>(), '{"forged":true}', leaf);
    expect(await s.revokeDevice(id<DeviceId>(), '{"forged":true}', leaf)).toBe(false);
    expect(await s.transparencyLog.size()).toBe(0);
    await s.setCertificate(a.deviceId, '{"real":true}', leaf);
    expect(await s.transparencyLog.size()).toBe(1);
    expect(await s.revokeDevice(a.deviceId, '{"real":true}', leaf)).toBe(true);
    expect(await s.transparencyLog.size()).toBe(2);
  });
});

describe('mailboxes', () => {
  it('a send-capability hash that holds zero bytes is a live mailbox; only all 32 zero is retired', async () => {
    const s = newStore();
    const m = id<MailboxId>();
    const hash = randomBytes(32);
    hash[0] = 0;
    hash[31] = 0;
    await s.createMailbox({ id: m, readCapHash: randomBytes(32), sendCapHash: hash });
    expect(isRetired((await s.getMailbox(m))!)).toBe(false);
    expect(isRetired({ id: m, readCapHash: hash, sendCapHash: new Uint8Array(31) })).toBe(false);
    expect(isRetired({ id: m, readCapHash: hash, sendCapHash: new Uint8Array(32) })).toBe(true);
  });

  it("keeps each mailbox's rows in one run of slots across a restart", async () => {
    const dir = tmpDir();
    const m = id<MailboxId>();
    const ids = [id<EnvelopeId>(), id<EnvelopeId>(), id<EnvelopeId>()];
    const first = new SqliteRelayStore(dir, quiet);
    await first.putEnvelope(m, ids[0]!, randomBytes(50), Date.now());
    await first.putEnvelope(m, ids[1]!, randomBytes(50), Date.now());
    await first.close();
    const second = newStore(dir);
    await second.putEnvelope(m, ids[2]!, randomBytes(50), Date.now());
    const listed = await second.listEnvelopes(m, 0, 10);
    expect(listed.map((e) => e.envelopeId)).toEqual(ids);
    const db = new Database(join(dir, SQLITE_FILE_NAME), { readonly: true });
    const slots = (db.prepare('SELECT slot FROM envelopes WHERE mailbox_id = ? ORDER BY seq').safeIntegers(true).all(Buffer.from(m, 'hex')) as { slot: bigint }[]).map((r) => r.slot);
    db.close();
    expect(slots).toEqual([slots[0]!, slots[0]! + 1n, slots[0]! + 2n]);
  });
});

describe('enrolment', () => {
  it('a code is good up to its expiry instant and refused one millisecond after', async () => {
    const s = newStore();
    const now = Date.now();
    const request = (codeHash: Buffer, at: number) => ({ codeHash, handle: id<Handle>().slice(0, 12) as Handle, displayName: 'x', publicKey: randomBytes(32), newUserId: id<UserId>(), newDeviceId: id<DeviceId>(), now: at });
    const late = randomBytes(32);
    await s.createCode({ hash: late, kind: 'invite', expiresAt: now });
    await expect(s.enrol(request(late, now + 1))).rejects.toMatchObject({ relayCode: 'BAD_CODE' });
    const onTime = randomBytes(32);
    await s.createCode({ hash: onTime, kind: 'invite', expiresAt: now });
    await expect(s.enrol(request(onTime, now))).resolves.toMatchObject({ revokedDevices: [] });
  });

  it("a re-enrolment leaves none of the replaced (stolen) devices' KeyPackages to claim", async () => {
    const s = newStore();
    const old = await enrol(s, 'mia');
    await s.addKeyPackages(old.deviceId, [{ keyPackage: Buffer.from('stolen-kp'), readCapHash: randomBytes(32) }, { keyPackage: Buffer.from('stolen-last'), readCapHash: randomBytes(32), lastResortReadSecret: randomBytes(32) }]);
    const again = await enrol(s, 'mia', 'mia');
    expect(again.revokedDevices).toEqual([old.deviceId]);
    expect(await s.countKeyPackages(old.deviceId)).toBe(0);
    expect(await s.hasLastResortKeyPackage(old.deviceId)).toBe(false);
    const mailboxFor = () => ({ id: id<MailboxId>(), sendCapHash: randomBytes(32) });
    const claimMailbox = () => ({ id: id<MailboxId>(), readCapHash: randomBytes(32), sendCapHash: randomBytes(32) });
    expect(await s.claimKeyPackage(old.deviceId, mailboxFor, claimMailbox)).toBeUndefined();
  });

  it('lists only what a device or user has: no empty certificate, revocation, phone, email or identity key', async () => {
    const s = newStore();
    await enrol(s, 'ned');
    const [u] = await s.listDirectory();
    expect(Object.keys(u!).sort()).toEqual(['devices', 'displayName', 'handle', 'userId']);
    expect(Object.keys(u!.devices[0]!).sort()).toEqual(['deviceId', 'publicKey', 'revoked']);
  });
});

describe('close', () => {
  it('writes what was queued before it, and a second close is harmless', async () => {
    const dir = tmpDir();
    const s = new SqliteRelayStore(dir, quiet);
    const m = id<MailboxId>();
    const e = id<EnvelopeId>();
    const device = id<DeviceId>();
    await s.countKeyPackages(device); // the pool is open
    const put = s.putEnvelope(m, e, randomBytes(50), Date.now());
    const kps = s.addKeyPackages(device, [{ keyPackage: Buffer.from('kp'), readCapHash: randomBytes(32) }]);
    await s.close();
    await expect(put).resolves.toMatchObject({ status: 'stored' });
    await expect(kps).resolves.toBeUndefined();
    await expect(s.close()).resolves.toBeUndefined();
    const again = newStore(dir);
    expect((await again.listEnvelopes(m, 0, 10)).map((x) => x.envelopeId)).toEqual([e]);
  });
});

describe('an upgrade from a relay.db that still held KeyPackages', () => {
  it('moves them to the pool in their order and leaves no copy in relay.db or its WAL', async () => {
    const dir = tmpDir();
    const path = join(dir, SQLITE_FILE_NAME);
    const old = new Database(path);
    old.pragma('journal_mode = WAL');
    const before = MIGRATIONS.indexOf(migration004KeyPackagesApart);
    for (let v = 0; v < before; v++) {
      MIGRATIONS[v]!(old);
      old.pragma(`user_version = ${v + 1}`);
    }
    const user = id<UserId>();
    const device = id<DeviceId>();
    old.prepare('INSERT INTO users (id, handle, display_name) VALUES (?, ?, ?)').run(user, 'olga', 'Olga');
    old.prepare('INSERT INTO devices (id, user_id, public_key) VALUES (?, ?, ?)').run(device, user, randomBytes(32));
    const marks = [0, 1, 2].map((i) => Buffer.from(`LEGACY-KEYPACKAGE-${i}-${randomBytes(8).toString('hex')}`));
    const capHashes = marks.map(() => randomBytes(32));
    const insert = old.prepare('INSERT INTO keypackages (device_id, kp, read_cap_hash) VALUES (?, ?, ?)');
    marks.forEach((kp, i) => insert.run(device, kp, capHashes[i]));
    // Many claimed back then, deleted without secure_delete: whole pages went to the free list
    // with their bytes, where the migration's DROP TABLE does not reach.
    const claimedThen = Array.from({ length: 40 }, (_, i) => Buffer.concat([Buffer.from(`CLAIMED-KEYPACKAGE-${i}-${randomBytes(8).toString('hex')}`), randomBytes(900)]));
    const rowsThen = claimedThen.map((kp) => insert.run(device, kp, randomBytes(32)).lastInsertRowid);
    for (const row of rowsThen) old.prepare('DELETE FROM keypackages WHERE seq = ?').run(row);
    old.close();
    expect(onDisk(dir, marks[0]!)).not.toEqual([]);
    expect(claimedThen.filter((kp) => onDisk(dir, kp.subarray(0, 40)).length > 0).length).toBeGreaterThan(20);

    const notices: string[] = [];
    const s = new SqliteRelayStore(dir, { notice: (l) => notices.push(l) });
    opened.push(s);
    expect(await s.countKeyPackages(device)).toBe(3);
    expect(notices.filter((n) => n.includes('KeyPackages'))).toEqual([]);
    // Right after the start, before any write could checkpoint: a copy of the disk now.
    for (const mark of [...marks, ...claimedThen.map((kp) => kp.subarray(0, 40))]) expect(onDisk(dir, mark)).toEqual([]);
    for (const hash of capHashes) expect(onDisk(dir, hash)).toEqual([]);
    const mailboxFor = () => ({ id: id<MailboxId>(), sendCapHash: randomBytes(32) });
    const claimed = [];
    for (let i = 0; i < 3; i++) claimed.push(await s.claimKeyPackage(device, mailboxFor));
    expect(claimed.map((c) => Buffer.from(c!.keyPackage))).toEqual(marks);
    expect(claimed.map((c) => Buffer.from(c!.mailbox.readCapHash))).toEqual(capHashes);
  });
});
