/**
 * @module test/support/hostileRelay
 * A relay that has been taken over: it writes into its own store what suits the attacker. It
 * can mint a link code for anyone and enrol a device of its own under their name, publish a
 * certificate for that device signed by a key of its own, and swap a person's identity key in
 * the directory. None of it needs the person's devices; all of it must fail against clients.
 */
import Database from 'better-sqlite3';
import { randomBytes, createHash } from 'node:crypto';
import { join } from 'node:path';
import { HardlineClient } from '@hardline/client';
import { nodeClientOptions } from '@hardline/client/node';
import { certifyDevice, encodeLogEntry, identityKeyEntry, newIdentityKey, type DeviceId, type Handle, type UserId } from '@hardline/protocol';
import { SQLITE_FILE_NAME, type RelayHandle } from '@hardline/server';
import { appendLogLeaf } from '../../packages/server/src/store/sqliteTransparencyLog.ts';
import { tempDir } from './cliHarness.ts';

type Relay = RelayHandle & { readonly dataDir: string };

async function userIdOf(relay: Relay, handle: string): Promise<UserId> {
  const u = (await relay.store.listDirectory()).find((x) => x.handle === handle);
  if (!u) throw new Error(`no user ${handle}`);
  return u.userId;
}

/**
 * The relay enrols a device of its own under `handle`, with a link code it minted alone (so it
 * has no link secret), and publishes a certificate for it under an identity key of its own.
 */
export async function plantDevice(relay: Relay, handle: string): Promise<HardlineClient> {
  const code = `${randomBytes(10).toString('hex').toUpperCase()}`;
  await relay.store.createCode({ hash: createHash('sha256').update(code).digest(), kind: 'link', userId: await userIdOf(relay, handle), expiresAt: Date.now() + 600_000 });
  const planted = await HardlineClient.register(nodeClientOptions(tempDir(`planted-${handle}`)), { server: relay.url, code, handle });
  await planted.refreshDirectory();
  const forged = certifyDevice(newIdentityKey(), { handle: handle as Handle, deviceId: planted.deviceId as DeviceId, deviceKey: plantedKey(planted) });
  await planted.relay().putCertificate(planted.deviceId, forged);
  return planted;
}

function plantedKey(c: HardlineClient): string {
  const own = c.directory().find((u) => u.handle === c.handle)?.devices.find((d) => d.deviceId === c.deviceId);
  if (own) return own.signaturePublicKey;
  throw new Error('planted device not in its own directory yet');
}

/**
 * Serves another identity key for `handle` from now on, by writing into the relay's database.
 * `logged`: the relay also appends it to its transparency log (so clients accept it as a
 * change, and anyone auditing the log sees it); otherwise the key is shown but never logged.
 */
export function swapIdentityKey(relay: Relay, handle: string, identityKey = newIdentityKey().publicKey, { logged = true } = {}): string {
  const db = new Database(join(relay.dataDir, SQLITE_FILE_NAME));
  try {
    db.prepare('UPDATE users SET identity_key = ? WHERE handle = ?').run(identityKey, handle);
    if (logged) appendLogLeaf(db, encodeLogEntry(identityKeyEntry(handle as Handle, identityKey)));
  } finally {
    db.close();
  }
  return identityKey;
}

/**
 * The relay marks a device revoked on its own word: the revoked flag, with no revocation signed
 * by the owner's identity key (or an org order). Clients must keep the device and say so.
 */
export function revokeUnsigned(relay: Relay, deviceId: string): void {
  const db = new Database(join(relay.dataDir, SQLITE_FILE_NAME));
  try {
    if (db.prepare('UPDATE devices SET revoked = 1, revocation = NULL WHERE id = ?').run(deviceId).changes !== 1) throw new Error(`no device ${deviceId}`);
  } finally {
    db.close();
  }
}
