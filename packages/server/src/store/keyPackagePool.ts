/**
 * @module keyPackagePool
 * Unclaimed KeyPackages, in their own SQLite file beside the relay's database. A KeyPackage
 * names its device and derives its future mailbox, so it must be gone from every file before
 * that mailbox exists. The relay's database runs in WAL mode, where a deleted row survives in
 * older frames until a checkpoint truncates the log; this file runs with a rollback journal
 * (deleted when each transaction commits) and secure_delete=ON (deleted cells and freed pages
 * zeroed in place). So once `take` resolves, the KeyPackage is in no file at all, and the
 * claim's mailbox is written only after that (sqliteRelayStore.ts).
 */
import Database from 'better-sqlite3';
import { join } from 'node:path';
import type { DeviceId } from '@hardline/protocol';
import { createPrivateFile } from './dataDirAccess.ts';
import { TurnBatcher } from './turnBatcher.ts';

export const KEYPACKAGE_FILE_NAME = 'keypackages.db';

export type PooledKeyPackage = { readonly keyPackage: Uint8Array; readonly readCapHash: Uint8Array };

export class KeyPackagePool {
  readonly #db: Database.Database;
  readonly #batcher: TurnBatcher;
  readonly #s;

  constructor(dataDir: string) {
    const path = join(dataDir, KEYPACKAGE_FILE_NAME);
    createPrivateFile(path);
    const db = new Database(path);
    // DELETE: the journal, which holds a page's old image (a KeyPackage being deleted), is
    // unlinked at COMMIT. PERSIST or WAL would keep that image in a file.
    db.pragma('journal_mode = DELETE');
    db.pragma('synchronous = FULL');
    db.pragma('secure_delete = ON');
    // Statement journals and sorts stay in memory, never in a temporary file.
    db.pragma('temp_store = MEMORY');
    db.exec(`
      CREATE TABLE IF NOT EXISTS keypackages (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        device_id TEXT NOT NULL,
        kp BLOB NOT NULL,
        read_cap_hash BLOB NOT NULL
      );
      CREATE INDEX IF NOT EXISTS keypackages_device ON keypackages(device_id, seq);
    `);
    this.#db = db;
    this.#batcher = new TurnBatcher(db);
    this.#s = {
      insert: db.prepare('INSERT INTO keypackages (device_id, kp, read_cap_hash) VALUES (?, ?, ?)'),
      count: db.prepare<[string], { n: number }>('SELECT count(*) AS n FROM keypackages WHERE device_id = ?'),
      oldest: db.prepare<[string], { seq: number; kp: Buffer; read_cap_hash: Buffer }>(
        'SELECT seq, kp, read_cap_hash FROM keypackages WHERE device_id = ? ORDER BY seq LIMIT 1',
      ),
      delete: db.prepare('DELETE FROM keypackages WHERE seq = ?'),
      deleteDevice: db.prepare('DELETE FROM keypackages WHERE device_id = ?'),
    };
  }

  add(deviceId: DeviceId, keyPackages: readonly PooledKeyPackage[]): Promise<void> {
    return this.#batcher.enqueue(() => {
      for (const k of keyPackages) this.#s.insert.run(deviceId, Buffer.from(k.keyPackage), Buffer.from(k.readCapHash));
    }, true);
  }

  /** At start only: KeyPackages moved out of an older relay database, in their old order. */
  adopt(rows: readonly { readonly deviceId: string; readonly kp: Buffer; readonly readCapHash: Buffer }[]): void {
    this.#db.transaction(() => {
      for (const r of rows) this.#s.insert.run(r.deviceId, r.kp, r.readCapHash);
    })();
  }

  count(deviceId: DeviceId): number {
    return this.#s.count.get(deviceId)?.n ?? 0;
  }

  /** Removes and returns the device's oldest KeyPackage; resolves once the removal is committed. */
  take(deviceId: DeviceId): Promise<PooledKeyPackage | undefined> {
    return this.#batcher.enqueue(() => {
      const row = this.#s.oldest.get(deviceId);
      if (!row) return undefined;
      this.#s.delete.run(row.seq);
      return { keyPackage: new Uint8Array(row.kp), readCapHash: new Uint8Array(row.read_cap_hash) };
    }, true);
  }

  deleteDevice(deviceId: DeviceId): Promise<void> {
    return this.#batcher.enqueue(() => {
      this.#s.deleteDevice.run(deviceId);
    });
  }

  close(): void {
    this.#batcher.flush();
    this.#db.close();
  }
}
