/**
 * @module profileUpdate.test
 * updateProfile (sqliteRelayStore.ts) changes only the fields it is given: a device that
 * renames its user must not wipe the phone number or email that person chose to publish. And
 * the fields it is given change together or not at all: a write that fails midway (a full disk,
 * stood in for here by a trigger that aborts the email's update) leaves the profile as it was,
 * not renamed with its old email.
 */
import Database from 'better-sqlite3';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import type { DeviceId, Handle, UserId } from '@hardline/protocol';
import { SQLITE_FILE_NAME, SqliteRelayStore } from '../src/store/sqliteRelayStore.ts';
import { tmpDir } from './support/tmpDir.ts';

const id = <T>(): T => randomBytes(16).toString('hex') as T;

async function enrolled(store: SqliteRelayStore, handle: string): Promise<UserId> {
  const codeHash = randomBytes(32);
  const now = Date.now();
  await store.createCode({ hash: codeHash, kind: 'invite', expiresAt: now + 86_400_000 });
  const r = await store.enrol({ codeHash, handle: handle as Handle, displayName: handle, publicKey: randomBytes(32), newUserId: id<UserId>(), newDeviceId: id<DeviceId>(), now });
  return r.userId;
}

async function profileOf(store: SqliteRelayStore, userId: UserId) {
  const u = (await store.listDirectory()).find((x) => x.userId === userId)!;
  return { displayName: u.displayName, phone: u.phone, email: u.email };
}

it('a profile update leaves the phone and email alone when it does not name them', async () => {
  const store = new SqliteRelayStore(tmpDir(), { notice: () => {} });
  const alice = await enrolled(store, 'alice');
  expect(await store.updateProfile(alice, { phone: '+41 79 000 00 00', email: 'alice@example.org' })).toBe(true);
  expect(await store.updateProfile(alice, { displayName: 'Alice B.' })).toBe(true);
  expect(await profileOf(store, alice)).toEqual({ displayName: 'Alice B.', phone: '+41 79 000 00 00', email: 'alice@example.org' });
  await store.close();
});

it('a profile update that fails midway changes nothing', async () => {
  const dir = tmpDir();
  const store = new SqliteRelayStore(dir, { notice: () => {} });
  const alice = await enrolled(store, 'alice');
  expect(await store.updateProfile(alice, { phone: '+41 79 000 00 00', email: 'alice@example.org' })).toBe(true);
  const other = new Database(join(dir, SQLITE_FILE_NAME));
  other.exec("CREATE TRIGGER fail_email BEFORE UPDATE OF email ON users BEGIN SELECT RAISE(ABORT, 'disk full (simulated)'); END");
  other.close();
  await expect(store.updateProfile(alice, { displayName: 'Mallory', phone: '+1 555 0100', email: 'x@example.org' })).rejects.toThrow(/simulated/);
  expect(await profileOf(store, alice)).toEqual({ displayName: 'alice', phone: '+41 79 000 00 00', email: 'alice@example.org' });
  await store.close();
});
