/**
 * @module keyPackagePool
 * Unclaimed KeyPackages, in their own SQLite file beside the relay's database.
 *
 * A KeyPackage names its device and derives its future mailbox's id (and its read capability's
 * hash matches that mailbox's row), so a copy of the disk holding both a KeyPackage and its
 * mailbox links the two. Three things keep that from ever happening:
 * - Rows are sealed (AES-256-GCM, node:crypto) under a key made at start and held only in
 *   this process's memory. No file ever holds a KeyPackage or its read capability's hash in
 *   the clear, so even a copy that spans a claim (an unclaimed KeyPackage read before, its
 *   mailbox after) cannot derive anything. The price: after a restart the old rows cannot be
 *   opened and are dropped; each device uploads new ones on its next sync (docs/protocol.md §8).
 * - A claimed row is gone from every file before its mailbox exists: this file uses a rollback
 *   journal (truncated to zero bytes when each transaction commits) and secure_delete=ON
 *   (deleted cells and freed pages zeroed in place), where the relay's WAL would keep old
 *   images. So even with the key, a claimed KeyPackage could not be found afterwards.
 * - The pool has no mailbox column, and the relay's database no device-side row changes in a
 *   claim's commit (sqliteRelayStore.ts).
 *
 * A device's last-resort KeyPackage (RFC 9420 §16.8) is the exception to "a claim removes it":
 * it stays until the device replaces it, and is handed out only when the device has no other.
 * It is sealed like the rest, with the read secret its claims' mailboxes are derived from
 * (protocol lastResortKeyPackage.ts), so its row gives a copy of the disk nothing either.
 */
import type Database from 'better-sqlite3';
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { join } from 'node:path';
import type { DeviceId } from '@hardline/protocol';
import { openPrivateDatabase } from './privateDatabase.ts';
import { TurnBatcher } from './turnBatcher.ts';

export const KEYPACKAGE_FILE_NAME = 'keypackages.db';

const NONCE = 12;
const TAG = 16;
const CAP_HASH = 32;

export type PooledKeyPackage = {
  readonly keyPackage: Uint8Array;
  readonly readCapHash: Uint8Array;
  /** Set only on a last-resort KeyPackage: 32 bytes its claims' read capabilities come from. */
  readonly lastResortReadSecret?: Uint8Array;
};

export class KeyPackagePool {
  /** Never written anywhere: rows sealed under it die with the process. */
  readonly #key = randomBytes(32);
  readonly #db: Database.Database;
  readonly #batcher: TurnBatcher;
  readonly #s;
  /** Rows from an earlier start, unreadable and dropped at open. */
  readonly discarded: number;

  constructor(dataDir: string) {
    const db = openPrivateDatabase(join(dataDir, KEYPACKAGE_FILE_NAME), { journal: 'erasing' });
    const old = db.prepare<[], { one: number }>("SELECT 1 AS one FROM sqlite_master WHERE name = 'keypackages'").get();
    this.discarded = old ? (db.prepare<[], { n: number }>('SELECT count(*) AS n FROM keypackages').get()?.n ?? 0) : 0;
    if (old) {
      db.exec('DROP TABLE keypackages');
      db.exec('VACUUM');
    }
    db.exec(`
      CREATE TABLE keypackages (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        device_id TEXT NOT NULL,
        last_resort INTEGER NOT NULL DEFAULT 0,
        sealed BLOB NOT NULL
      );
      CREATE INDEX keypackages_device ON keypackages(device_id, seq);
    `);
    this.#db = db;
    this.#batcher = new TurnBatcher(db);
    this.#s = {
      insert: db.prepare('INSERT INTO keypackages (device_id, last_resort, sealed) VALUES (?, ?, ?)'),
      count: db.prepare<[string], { n: number }>('SELECT count(*) AS n FROM keypackages WHERE device_id = ? AND last_resort = 0'),
      oldest: db.prepare<[string], { seq: number; sealed: Buffer }>('SELECT seq, sealed FROM keypackages WHERE device_id = ? AND last_resort = 0 ORDER BY seq LIMIT 1'),
      lastResort: db.prepare<[string], { sealed: Buffer }>('SELECT sealed FROM keypackages WHERE device_id = ? AND last_resort = 1 ORDER BY seq DESC LIMIT 1'),
      deleteLastResort: db.prepare('DELETE FROM keypackages WHERE device_id = ? AND last_resort = 1'),
      delete: db.prepare('DELETE FROM keypackages WHERE seq = ?'),
      deleteDevice: db.prepare('DELETE FROM keypackages WHERE device_id = ?'),
    };
  }

  /**
   * nonce || ciphertext(readCapHash || [readSecret] || keyPackage) || tag; the device id and
   * whether it is last-resort (which says how long the prefix is) are bound as AAD.
   */
  #seal(deviceId: string, k: PooledKeyPackage): Buffer {
    const nonce = randomBytes(NONCE);
    const c = createCipheriv('aes-256-gcm', this.#key, nonce).setAAD(aad(deviceId, k.lastResortReadSecret !== undefined));
    const prefix = k.lastResortReadSecret ? [c.update(k.readCapHash), c.update(k.lastResortReadSecret)] : [c.update(k.readCapHash)];
    const body = Buffer.concat([...prefix, c.update(k.keyPackage), c.final()]);
    return Buffer.concat([nonce, body, c.getAuthTag()]);
  }

  #open(deviceId: string, sealed: Buffer, lastResort: boolean): PooledKeyPackage {
    const d = createDecipheriv('aes-256-gcm', this.#key, sealed.subarray(0, NONCE)).setAAD(aad(deviceId, lastResort));
    d.setAuthTag(sealed.subarray(sealed.length - TAG));
    const plain = Buffer.concat([d.update(sealed.subarray(NONCE, sealed.length - TAG)), d.final()]);
    const readCapHash = new Uint8Array(plain.subarray(0, CAP_HASH));
    if (!lastResort) return { readCapHash, keyPackage: new Uint8Array(plain.subarray(CAP_HASH)) };
    return { readCapHash, lastResortReadSecret: new Uint8Array(plain.subarray(CAP_HASH, 2 * CAP_HASH)), keyPackage: new Uint8Array(plain.subarray(2 * CAP_HASH)) };
  }

  /** A last-resort KeyPackage in the batch replaces the device's earlier one, in the same commit. */
  add(deviceId: DeviceId, keyPackages: readonly PooledKeyPackage[]): Promise<void> {
    const sealed = keyPackages.map((k) => ({ lastResort: k.lastResortReadSecret !== undefined, sealed: this.#seal(deviceId, k) }));
    return this.#batcher.enqueue(() => {
      if (sealed.some((k) => k.lastResort)) this.#s.deleteLastResort.run(deviceId);
      for (const k of sealed) this.#s.insert.run(deviceId, k.lastResort ? 1 : 0, k.sealed);
    }, true);
  }

  /** At start only: KeyPackages moved out of an older relay database, in their old order. */
  adopt(rows: readonly { readonly deviceId: string; readonly kp: Buffer; readonly readCapHash: Buffer }[]): void {
    this.#db.transaction(() => {
      for (const r of rows) this.#s.insert.run(r.deviceId, 0, this.#seal(r.deviceId, { keyPackage: r.kp, readCapHash: r.readCapHash }));
    })();
  }

  /** The device's KeyPackages other than its last-resort one. */
  count(deviceId: DeviceId): number {
    return this.#s.count.get(deviceId)?.n ?? 0;
  }

  hasLastResort(deviceId: DeviceId): boolean {
    return this.#s.lastResort.get(deviceId) !== undefined;
  }

  /**
   * Removes and returns the device's oldest KeyPackage, resolving once the removal is
   * committed; with none left, returns its last-resort one, which stays.
   */
  take(deviceId: DeviceId): Promise<PooledKeyPackage | undefined> {
    return this.#batcher.enqueue(() => {
      const row = this.#s.oldest.get(deviceId);
      if (!row) {
        const last = this.#s.lastResort.get(deviceId);
        return last && this.#open(deviceId, last.sealed, true);
      }
      this.#s.delete.run(row.seq);
      return this.#open(deviceId, row.sealed, false);
    }, true);
  }

  deleteDevice(deviceId: DeviceId): Promise<void> {
    return this.#batcher.enqueue(() => {
      this.#s.deleteDevice.run(deviceId);
    });
  }

  close(): void {
    this.#batcher.drain();
    this.#db.close();
  }
}

function aad(deviceId: string, lastResort: boolean): Buffer {
  return Buffer.from(lastResort ? `${deviceId}/last-resort` : deviceId);
}
