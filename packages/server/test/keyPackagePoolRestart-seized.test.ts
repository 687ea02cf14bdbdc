/**
 * @module keyPackagePoolRestart-seized.test
 * A restarted relay and the KeyPackages of its previous run (store/keyPackagePool.ts). Their
 * sealing key lived only in the old process's memory, so the new one cannot open them: it drops
 * them at open, counts them for the operator's notice, and leaves no sealed row of the old run
 * in the file, where a later copy of the disk would find them beside the new run's mailboxes.
 */
import Database from 'better-sqlite3';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { DeviceId } from '@hardline/protocol';
import { KEYPACKAGE_FILE_NAME, KeyPackagePool } from '../src/store/keyPackagePool.ts';
import { tmpDir } from './support/tmpDir.ts';

const ALICE = 'a1'.repeat(16) as DeviceId;
const BOB = 'b2'.repeat(16) as DeviceId;

function kp(): { keyPackage: Uint8Array; readCapHash: Uint8Array } {
  return { keyPackage: randomBytes(200), readCapHash: randomBytes(32) };
}

/** The sealed rows as a copy of the disk holds them. */
function sealedRows(dir: string): Buffer[] {
  const db = new Database(join(dir, KEYPACKAGE_FILE_NAME), { readonly: true });
  try {
    return db.prepare<[], { sealed: Buffer }>('SELECT sealed FROM keypackages').all().map((r) => r.sealed);
  } finally {
    db.close();
  }
}

describe('a restarted relay and the previous run\'s KeyPackages', () => {
  it('drops them at open and counts them', async () => {
    const dir = tmpDir();
    const first = new KeyPackagePool(dir);
    await first.add(ALICE, [kp(), kp()]);
    await first.add(BOB, [kp()]);
    expect(first.discarded).toBe(0);
    first.close();

    const second = new KeyPackagePool(dir);
    try {
      expect(second.discarded).toBe(3);
      expect(second.count(ALICE)).toBe(0);
      expect(await second.take(BOB)).toBeUndefined();
      // The new run's own uploads work as on a fresh disk.
      await second.add(ALICE, [kp()]);
      expect(second.count(ALICE)).toBe(1);
    } finally {
      second.close();
    }
  });

  it('leaves no byte of an old sealed row in the file', async () => {
    const dir = tmpDir();
    const first = new KeyPackagePool(dir);
    await first.add(ALICE, [kp(), kp(), kp()]);
    first.close();
    const old = sealedRows(dir);
    expect(old).toHaveLength(3);
    const before = readFileSync(join(dir, KEYPACKAGE_FILE_NAME));
    // The check below can fail: the rows are in the file before the restart.
    expect(old.every((s) => before.includes(s))).toBe(true);

    new KeyPackagePool(dir).close();
    const after = readFileSync(join(dir, KEYPACKAGE_FILE_NAME));
    for (const s of old) expect(after.includes(s.subarray(0, 48))).toBe(false);
  });

  it('gives the freed pages back, so the file\'s size does not tell how many there were', async () => {
    const dir = tmpDir();
    const first = new KeyPackagePool(dir);
    await first.add(ALICE, Array.from({ length: 200 }, kp));
    first.close();
    const full = readFileSync(join(dir, KEYPACKAGE_FILE_NAME)).length;
    const fresh = tmpDir();
    new KeyPackagePool(fresh).close();
    const empty = readFileSync(join(fresh, KEYPACKAGE_FILE_NAME)).length;
    expect(full).toBeGreaterThan(empty * 4);

    new KeyPackagePool(dir).close();
    expect(readFileSync(join(dir, KEYPACKAGE_FILE_NAME)).length).toBe(empty);
  });

  it('starts empty on an empty data folder, with nothing to count', () => {
    const pool = new KeyPackagePool(tmpDir());
    try {
      expect(pool.discarded).toBe(0);
    } finally {
      pool.close();
    }
  });
});
