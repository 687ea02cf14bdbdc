/**
 * Issue 9 item 5 from the hostile relay's side: the relay marks bob's laptop revoked on its own
 * word (no revocation signed by bob's identity key, no org order). Alice's client does not drop
 * the laptop: it keeps encrypting to it, and reports the unsigned revocation (engine and
 * `read --json` shape), because a relay that refuses the laptop service is denying it, not
 * removing it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HardlineClient } from '@hardline/client';
import { enrol, linkDevice, readTexts } from '../support/clients.ts';
import { revokeUnsigned } from '../support/hostileRelay.ts';
import { startTestRelay, type TestRelay } from '../support/testRelay.ts';

let relay: TestRelay;
let alice: HardlineClient;
let bob: HardlineClient;
let laptop: HardlineClient;

beforeAll(async () => {
  relay = await startTestRelay('relay-unsigned-revocation');
  alice = await enrol(relay.url, relay.adminToken!, 'alice');
  bob = await enrol(relay.url, relay.adminToken!, 'bob');
  laptop = await linkDevice(bob);
  await alice.send('bob', 'before');
  expect(await readTexts(laptop)).toEqual(['before']);
}, 90_000);

afterAll(async () => {
  for (const c of [alice, bob, laptop]) c?.close();
  await relay?.close();
});

const laptopInAlicesChat = (): boolean =>
  alice
    .conversations()
    .filter((c) => c.roster.kind === 'direct' && c.roster.members.includes('bob' as never))
    .some((c) => c.roster.devices.some((d) => d.deviceId === laptop.deviceId));

describe('a relay that revokes a device without a signature', () => {
  it('does not make alice drop the device, and alice is told', async () => {
    revokeUnsigned(relay, laptop.deviceId);
    await alice.send('bob', 'after the unsigned revocation');
    expect(await readTexts(bob)).toEqual(['before', 'after the unsigned revocation']);
    expect(alice.unsignedRevocations()).toEqual([{ handle: 'bob', deviceId: laptop.deviceId }]);
    // The laptop was not removed from the conversation: alice's roster still holds it.
    expect(laptopInAlicesChat()).toBe(true);
    expect(alice.unverifiableDevices()).toEqual([]);
  });

  it('a revocation bob signs does remove it, and nothing is reported', async () => {
    await bob.revokeDevice(laptop.deviceId);
    await alice.send('bob', 'after the signed revocation');
    expect(await readTexts(bob)).toEqual(['after the signed revocation']);
    expect(alice.unsignedRevocations()).toEqual([]);
    expect(laptopInAlicesChat()).toBe(false);
  });
});
