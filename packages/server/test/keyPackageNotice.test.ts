/**
 * @module keyPackageNotice.test
 * A restarted relay cannot open the KeyPackages its previous run sealed (their key lived only
 * in that process's memory), so it drops them (keyPackagePool.ts). The operator must be told
 * how many, once, when the store first opens the pool: without the notice, devices that look
 * unreachable until their next sync would be a mystery.
 */
import { randomBytes } from 'node:crypto';
import { expect, it } from 'vitest';
import type { DeviceId } from '@hardline/protocol';
import { SqliteRelayStore } from '../src/store/sqliteRelayStore.ts';
import { tmpDir } from './support/tmpDir.ts';

const DEVICE = 'c3'.repeat(16) as DeviceId;
const kp = () => ({ keyPackage: randomBytes(200), readCapHash: randomBytes(32) });

it('the previous run\'s discarded KeyPackages are counted in one notice', async () => {
  const dir = tmpDir();
  const firstNotices: string[] = [];
  const first = new SqliteRelayStore(dir, { notice: (l) => firstNotices.push(l) });
  await first.addKeyPackages(DEVICE, [kp(), kp(), kp()]);
  expect(await first.countKeyPackages(DEVICE)).toBe(3);
  await first.close();
  expect(firstNotices).toEqual([]);

  const notices: string[] = [];
  const second = new SqliteRelayStore(dir, { notice: (l) => notices.push(l) });
  expect(await second.countKeyPackages(DEVICE)).toBe(0);
  await second.addKeyPackages(DEVICE, [kp()]);
  expect(await second.countKeyPackages(DEVICE)).toBe(1);
  await second.close();
  expect(notices).toHaveLength(1);
  expect(notices[0]).toMatch(/^dropped 3 KeyPackages sealed by the previous run/);
});
