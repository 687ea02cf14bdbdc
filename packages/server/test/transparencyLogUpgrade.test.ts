/**
 * @module transparencyLogUpgrade.test
 * Migration 008 from the operator's side: a relay upgraded from before the key-transparency
 * log must log every identity key, device certificate and revocation it already served, in the
 * directory's order (users by handle, each user's devices in enrolment order). A key the log
 * never got is one a client checking inclusion refuses, or worse, one the relay serves with no
 * trace a monitor could see.
 */
import { randomBytes } from 'node:crypto';
import { expect, it } from 'vitest';
import {
  certificateEntry,
  certifyDevice,
  encodeLogEntry,
  identityKeyEntry,
  leafHash,
  newIdentityKey,
  revocationEntry,
  signRevocation,
  type DeviceId,
  type Handle,
} from '@hardline/protocol';
import { migration008TransparencyLog } from '../src/store/migrations/008_transparency_log.ts';
import { SqliteRelayStore } from '../src/store/sqliteRelayStore.ts';
import { newDeviceKeys } from './support/deviceKeys.ts';
import { oldRelayDb } from './support/oldRelayDb.ts';
import { tmpDir } from './support/tmpDir.ts';

it('an upgrade logs every identity key, certificate and revocation the old relay held, in directory order', async () => {
  const dir = tmpDir();
  const old = oldRelayDb(dir, migration008TransparencyLog);
  const addUser = old.prepare('INSERT INTO users (id, handle, display_name, identity_key) VALUES (?, ?, ?, ?)');
  const addDevice = old.prepare('INSERT INTO devices (id, user_id, public_key, revoked, certificate, revocation) VALUES (?, ?, ?, ?, ?, ?)');
  const expected: Uint8Array[] = [];
  // Inserted out of handle order: the log follows the directory (by handle), not the insertion.
  for (const handle of ['zoe', 'bob'] as Handle[]) {
    const identity = newIdentityKey();
    const userId = randomBytes(16).toString('hex');
    addUser.run(userId, handle, handle, identity.publicKey);
    const entries = [encodeLogEntry(identityKeyEntry(handle, identity.publicKey))];
    for (const revoked of [false, true]) {
      const deviceId = randomBytes(16).toString('hex') as DeviceId;
      const keys = newDeviceKeys();
      const cert = certifyDevice(identity, { handle, deviceId, deviceKey: keys.publicKeyB64 });
      const revocation = revoked ? signRevocation(identity, handle, deviceId) : undefined;
      addDevice.run(deviceId, userId, Buffer.from(keys.publicKeyB64, 'base64url'), revoked ? 1 : 0, JSON.stringify(cert), revocation ? JSON.stringify(revocation) : null);
      entries.push(encodeLogEntry(certificateEntry(cert)));
      if (revocation) entries.push(encodeLogEntry(revocationEntry(revocation)));
    }
    expected.unshift(...entries);
  }
  // A user from before identity keys, with a device from before certificates: nothing to log.
  const legacy = randomBytes(16).toString('hex');
  addUser.run(legacy, 'carol', 'Carol', null);
  addDevice.run(randomBytes(16).toString('hex'), legacy, randomBytes(32), 0, null, null);
  old.close();

  const store = new SqliteRelayStore(dir, { notice: () => {} });
  try {
    const log = store.transparencyLog;
    expect(await log.size()).toBe(expected.length);
    expect((await log.leaves(0, 100)).map((l) => Buffer.from(l).toString('hex'))).toEqual(expected.map((l) => Buffer.from(l).toString('hex')));
    // Every certificate the directory serves has a leaf a client can ask an inclusion proof for.
    for (const leaf of expected) expect(await log.indexOf(leafHash(leaf))).toBeTypeOf('number');
  } finally {
    await store.close();
  }
});
