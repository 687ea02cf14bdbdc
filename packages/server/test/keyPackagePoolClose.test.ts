/**
 * @module keyPackagePoolClose.test
 * Closing the KeyPackage pool (store/keyPackagePool.ts), as a relay shutting down does: a
 * KeyPackage whose upload was still in the write batch reaches the file before the handle
 * goes, and no descriptor of the pool's file stays open, so that a stopped relay (or a test
 * suite that starts hundreds) does not leak one per start and run out.
 */
import Database from 'better-sqlite3';
import { randomBytes } from 'node:crypto';
import { readdirSync, readlinkSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { DeviceId } from '@hardline/protocol';
import { KEYPACKAGE_FILE_NAME, KeyPackagePool } from '../src/store/keyPackagePool.ts';
import { tmpDir } from './support/tmpDir.ts';

const ALICE = 'a1'.repeat(16) as DeviceId;

/** This process's open descriptors that point into `dir` (Linux: /proc/self/fd). */
function descriptorsInto(dir: string): string[] {
  const out: string[] = [];
  for (const fd of readdirSync('/proc/self/fd')) {
    try {
      const target = readlinkSync(`/proc/self/fd/${fd}`);
      if (target.startsWith(dir)) out.push(target);
    } catch {
      // The descriptor readdir itself used, closed by now.
    }
  }
  return out;
}

describe.runIf(process.platform === 'linux')('closing the KeyPackage pool', () => {
  it('releases every descriptor of its file', async () => {
    const dir = tmpDir();
    const pool = new KeyPackagePool(dir);
    await pool.add(ALICE, [{ keyPackage: Buffer.from('kp'), readCapHash: randomBytes(32) }]);
    expect(descriptorsInto(dir).some((p) => p.endsWith(KEYPACKAGE_FILE_NAME))).toBe(true);
    pool.close();
    expect(descriptorsInto(dir)).toEqual([]);
  });

  it('writes an upload still in the batch before it lets go', async () => {
    const dir = tmpDir();
    const pool = new KeyPackagePool(dir);
    const upload = pool.add(ALICE, [{ keyPackage: Buffer.from('kp'), readCapHash: randomBytes(32) }]);
    pool.close();
    await upload;
    const db = new Database(join(dir, KEYPACKAGE_FILE_NAME), { readonly: true });
    try {
      expect(db.prepare('SELECT count(*) AS n FROM keypackages').get()).toEqual({ n: 1 });
    } finally {
      db.close();
    }
  });
});
