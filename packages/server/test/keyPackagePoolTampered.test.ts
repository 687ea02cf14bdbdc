/**
 * @module keyPackagePoolTampered.test
 * The KeyPackage pool (store/keyPackagePool.ts) against someone who can write keypackages.db
 * while the relay runs: each sealed row is bound to its device and to whether it is last-resort
 * (AES-GCM associated data), so a row moved to another device, or relabelled last-resort or
 * back, is never handed out as that device's. A mixed upload replaces the device's old
 * last-resort row in the file, not only in what `take` picks.
 */
import Database from 'better-sqlite3';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { DeviceId } from '@hardline/protocol';
import { KEYPACKAGE_FILE_NAME, KeyPackagePool } from '../src/store/keyPackagePool.ts';
import { tmpDir } from './support/tmpDir.ts';

const ALICE = 'a1'.repeat(16) as DeviceId;
const MALLORY = 'ee'.repeat(16) as DeviceId;

const pools: KeyPackagePool[] = [];
afterEach(() => {
  for (const p of pools.splice(0)) p.close();
});

function newPool() {
  const dir = tmpDir();
  const pool = new KeyPackagePool(dir);
  pools.push(pool);
  /** Runs SQL on the pool's file from a second connection, as someone with write access would. */
  const tamper = (sql: string, ...params: unknown[]) => {
    const db = new Database(join(dir, KEYPACKAGE_FILE_NAME));
    try {
      return db.prepare(sql).run(...params);
    } finally {
      db.close();
    }
  };
  const rows = (sql: string, ...params: unknown[]) => {
    const db = new Database(join(dir, KEYPACKAGE_FILE_NAME), { readonly: true });
    try {
      return db.prepare(sql).all(...params);
    } finally {
      db.close();
    }
  };
  return { pool, tamper, rows };
}

/** What a claim of `device` hands out, or the error it fails with. */
async function claimOf(pool: KeyPackagePool, device: DeviceId): Promise<string | undefined | Error> {
  try {
    const k = await pool.take(device);
    return k && Buffer.from(k.keyPackage).toString();
  } catch (e) {
    return e as Error;
  }
}

describe('a row moved to another device', () => {
  it("is not handed out as the other device's KeyPackage", async () => {
    const { pool, tamper } = newPool();
    await pool.add(ALICE, [{ keyPackage: Buffer.from('alice-kp'), readCapHash: randomBytes(32) }]);
    expect(tamper('UPDATE keypackages SET device_id = ? WHERE device_id = ?', MALLORY, ALICE).changes).toBe(1);
    expect(await claimOf(pool, MALLORY)).toBeInstanceOf(Error);
  });

  it("nor is a last-resort row, with its read secret", async () => {
    const { pool, tamper } = newPool();
    await pool.add(ALICE, [{ keyPackage: Buffer.from('alice-last'), readCapHash: randomBytes(32), lastResortReadSecret: randomBytes(32) }]);
    tamper('UPDATE keypackages SET device_id = ? WHERE device_id = ?', MALLORY, ALICE);
    expect(pool.hasLastResort(MALLORY)).toBe(true);
    expect(await claimOf(pool, MALLORY)).toBeInstanceOf(Error);
  });
});

describe('a row relabelled', () => {
  it('from normal to last-resort is not opened as a last-resort KeyPackage', async () => {
    const { pool, tamper } = newPool();
    await pool.add(ALICE, [{ keyPackage: Buffer.from(`normal-${'x'.repeat(80)}`), readCapHash: randomBytes(32) }]);
    tamper('UPDATE keypackages SET last_resort = 1');
    expect(await claimOf(pool, ALICE)).toBeInstanceOf(Error);
  });

  it('from last-resort to normal is not opened as a normal one', async () => {
    const { pool, tamper } = newPool();
    await pool.add(ALICE, [{ keyPackage: Buffer.from('last'), readCapHash: randomBytes(32), lastResortReadSecret: randomBytes(32) }]);
    tamper('UPDATE keypackages SET last_resort = 0');
    expect(await claimOf(pool, ALICE)).toBeInstanceOf(Error);
  });
});

describe('a new last-resort KeyPackage', () => {
  it("uploaded with normal ones replaces the device's old last-resort row in the file", async () => {
    const { pool, rows } = newPool();
    const secret1 = randomBytes(32);
    await pool.add(ALICE, [{ keyPackage: Buffer.from('last-1'), readCapHash: randomBytes(32), lastResortReadSecret: secret1 }]);
    const secret2 = randomBytes(32);
    await pool.add(ALICE, [
      { keyPackage: Buffer.from('normal'), readCapHash: randomBytes(32) },
      { keyPackage: Buffer.from('last-2'), readCapHash: randomBytes(32), lastResortReadSecret: secret2 },
    ]);
    expect(rows('SELECT last_resort FROM keypackages WHERE device_id = ? ORDER BY seq', ALICE)).toEqual([{ last_resort: 0 }, { last_resort: 1 }]);
    expect(pool.count(ALICE)).toBe(1);
    expect(await claimOf(pool, ALICE)).toBe('normal');
    const last = await pool.take(ALICE);
    expect(Buffer.from(last!.keyPackage).toString()).toBe('last-2');
    expect(Buffer.from(last!.lastResortReadSecret!)).toEqual(secret2);
  });

  it('uploaded alone, without normal ones, leaves the normal rows alone', async () => {
    const { pool, rows } = newPool();
    await pool.add(ALICE, [{ keyPackage: Buffer.from('normal'), readCapHash: randomBytes(32) }]);
    await pool.add(ALICE, [{ keyPackage: Buffer.from('last'), readCapHash: randomBytes(32), lastResortReadSecret: randomBytes(32) }]);
    expect(rows('SELECT last_resort FROM keypackages ORDER BY seq')).toEqual([{ last_resort: 0 }, { last_resort: 1 }]);
    // A batch of normal ones alone keeps the last-resort row.
    await pool.add(ALICE, [{ keyPackage: Buffer.from('normal-2'), readCapHash: randomBytes(32) }]);
    expect(pool.hasLastResort(ALICE)).toBe(true);
  });
});
