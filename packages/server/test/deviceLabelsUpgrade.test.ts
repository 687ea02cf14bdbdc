/**
 * @module deviceLabelsUpgrade.test
 * Migration 013 from the operator's side: the security team's device list survives the upgrade
 * (enrolment day, last-seen day, policy version), devices enrolled before it show no name rather
 * than an empty one, and the name and platform a device reports afterwards are kept.
 */
import { expect, it } from 'vitest';
import type { DeviceId } from '@hardline/protocol';
import { migration013DeviceLabels } from '../src/store/migrations/013_device_labels.ts';
import { SqliteRelayStore } from '../src/store/sqliteRelayStore.ts';
import { oldRelayDb } from './support/oldRelayDb.ts';
import { tmpDir } from './support/tmpDir.ts';

it('an upgraded relay keeps its device list and stores the names devices report afterwards', async () => {
  const dir = tmpDir();
  const old = oldRelayDb(dir, migration013DeviceLabels);
  const deviceId = 'ab'.repeat(16) as DeviceId;
  old.prepare('INSERT INTO org_devices (device_id, enrolled_day, last_day, policy_version) VALUES (?, ?, ?, ?)').run(deviceId, 20_100, 20_123, 4);
  old.close();

  const store = new SqliteRelayStore(dir, { notice: () => {} });
  try {
    expect(await store.org.devices()).toStrictEqual([{ deviceId, enrolledDay: 20_100, lastSeenDay: 20_123, policyVersion: 4 }]);
    await store.org.setDeviceLabel(deviceId, { name: 'Front desk', platform: 'Firefox on Windows' });
    expect(await store.org.devices()).toStrictEqual([{ deviceId, enrolledDay: 20_100, lastSeenDay: 20_123, policyVersion: 4, name: 'Front desk', platform: 'Firefox on Windows' }]);
  } finally {
    await store.close();
  }
});
