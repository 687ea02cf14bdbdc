/**
 * Failed app-lock unlocks reach the morning briefing as a bare per-day count (issue 13, point 5),
 * and from a hostile caller's side: no session, no report; garbage and oversized counts are
 * refused and change nothing; a modified client that reports over and over adds at most the
 * per-device daily cap.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_PER_DEVICE_DAY } from '../src/org/unlockFailures.ts';
import { enrolDevice, type TestDevice } from './support/enrolDevice.ts';
import { call } from './support/httpApi.ts';
import { startTestRelay, type TestRelay } from './support/testRelay.ts';

let relay: TestRelay;
let alice: TestDevice;
let bob: TestDevice;

beforeAll(async () => {
  relay = await startTestRelay();
  alice = await enrolDevice(relay.url, relay.adminToken, 'alice');
  bob = await enrolDevice(relay.url, relay.adminToken, 'bob');
});
afterAll(async () => relay?.close());

const report = (count: unknown, token?: string) => call(relay.url, 'POST', '/v1/org/unlock-failures', { count }, token);
const failedUnlocks = async () => ((await call(relay.url, 'GET', '/v1/admin/briefing/7', undefined, relay.adminToken)).body as { counts: { failedUnlocks: number } }).counts.failedUnlocks;

describe('failed unlocks in the briefing', () => {
  it('counts what devices report', async () => {
    expect(await failedUnlocks()).toBe(0);
    expect((await report(2, alice.token)).status).toBe(200);
    expect((await report(1, bob.token)).status).toBe(200);
    expect(await failedUnlocks()).toBe(3);
  });

  it('refuses an anonymous report, and garbage, with nothing counted', async () => {
    expect((await report(5)).status).toBe(401);
    for (const bad of [0, -1, 1.5, '3', null, 101, 1e9]) {
      const r = await report(bad, alice.token);
      expect(r.status, String(bad)).toBe(400);
      expect((r.body as { error: { code: string } }).error.code).toBe('VALIDATION');
    }
    expect(await failedUnlocks()).toBe(3);
  });

  it('a modified client reporting over and over adds at most the daily cap', async () => {
    for (let i = 0; i < 5; i++) expect((await report(100, alice.token)).status).toBe(200);
    expect(await failedUnlocks()).toBe(MAX_PER_DEVICE_DAY + 1);
  });
});
