/**
 * Issue 10.1 from the attacker's side: someone with an enrolled device's Privacy Pass tokens
 * claims every KeyPackage of a device. Alice's messages to that person still go out, through
 * the device's last-resort KeyPackage (RFC 9420 §16.8): 0 lost, 0 conversations jammed, and
 * two senders who came in that way do not share a mailbox at the relay. A member device with
 * no KeyPackages at all (a hostile member's device that uploads none) cannot jam a group either:
 * the committer adds whom it can. Real engines, a real relay, SQLite.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HardlineClient, RelayApi, type DeviceState, type Transport } from '@hardline/client';
import { nodeClientOptions, nodeTransport } from '@hardline/client/node';
import { startRelay } from '@hardline/server';
import { enrolDevice } from '../../packages/server/test/support/enrolDevice.ts';
import { claimAllKeyPackages } from '../support/anonymousAttacker.ts';
import { tempDir } from '../support/cliHarness.ts';
import { readTexts } from '../support/clients.ts';
import { tokenPurse } from '../support/privacyPassTokens.ts';

let relay: Awaited<ReturnType<typeof startRelay>>;
const opened: HardlineClient[] = [];
/** The attacker's tokens: any enrolled device can fetch some (an insider, or a stolen session). */
let pay: () => Promise<string>;

/** Clients that retry a failed claim at once, so the test need not wait out the backoff. */
async function enrolNow(handle: string, existing?: HardlineClient, transport: Transport = nodeTransport): Promise<HardlineClient> {
  const code = existing ? await existing.createLinkCode() : (await new RelayApi(new URL(relay.url), nodeTransport).adminInvite(relay.adminToken!)).code;
  const c = await HardlineClient.register({ ...nodeClientOptions(tempDir(handle)), transport, claimRetryMs: 0 }, { server: relay.url, code, handle });
  opened.push(c);
  return c;
}

/** A hostile member's modified client: it never uploads a KeyPackage while `withhold` is set. */
function withholdingUploads(gate: { withhold: boolean }): Transport {
  return {
    ...nodeTransport,
    fetch: async (input, init) => {
      const url = String(input instanceof Request ? input.url : input);
      if (gate.withhold && init?.method === 'POST' && url.endsWith('/v1/keypackages')) return new Response(JSON.stringify({ count: 0, lastResort: false }), { status: 200 });
      return nodeTransport.fetch(input, init);
    },
  };
}

beforeAll(async () => {
  relay = await startRelay({ port: 0, dataDir: tempDir('relay-exhaust') });
  pay = tokenPurse(relay.url, (await enrolDevice(relay.url, relay.adminToken!, 'mallory')).token, 64);
}, 60_000);

afterAll(async () => {
  for (const c of opened) c.close();
  await relay?.close();
});

describe('KeyPackage exhaustion', () => {
  it('loses no message and jams no conversation: the last-resort KeyPackage carries it', async () => {
    const alice = await enrolNow('alice');
    const carol = await enrolNow('carol');
    const bob = await enrolNow('bob');
    // Every normal KeyPackage of carol's, and of alice's own (her new chat's mailbox comes from one).
    expect(await claimAllKeyPackages(relay.url, carol.deviceId, 1_000, pay)).toBe(20);
    expect(await claimAllKeyPackages(relay.url, alice.deviceId, 1_000, pay)).toBe(20);

    const first = await alice.send('carol', 'first');
    expect(first.waiting).toBeUndefined();
    expect(await readTexts(carol)).toEqual(['first']);
    // The used last-resort package is replaced at once (kept a while for Welcomes on their way).
    const lastResorts = Object.values((carol as unknown as { state: DeviceState }).state.keyPackages).filter((k) => k.lastResortSecret !== undefined);
    expect(lastResorts.map((k) => [k.used === true, k.retiredAt !== undefined])).toEqual([[true, true], [false, false]]);
    await alice.send('carol', 'second');
    expect(await readTexts(carol)).toEqual(['second']);
    await carol.send('alice', 'reply');
    expect(await readTexts(alice)).toEqual(['reply']);

    // Carol replaced the used last-resort package; the attacker drains her again, and bob comes in the same way.
    expect(await claimAllKeyPackages(relay.url, carol.deviceId, 1_000, pay)).toBe(20);
    await bob.send('carol', 'from bob');
    expect(await readTexts(carol)).toEqual(['from bob']);
    await alice.send('carol', 'third');
    expect(await readTexts(carol)).toEqual(['third']);
    expect(await readTexts(carol)).toEqual([]);
    // Two conversations that came in through last-resort packages: two mailboxes, not one.
    const mailboxes = carol.conversations().map((c) => c.mailbox.id);
    expect(new Set(mailboxes).size).toBe(2);
    expect(alice.pendingOutbox() + bob.pendingOutbox() + carol.pendingOutbox()).toBe(0);
  }, 90_000);

  it('a member device with no KeyPackages cannot jam a group: the others are added', async () => {
    const alice = await enrolNow('amira');
    const bob = await enrolNow('bram');
    const dave = await enrolNow('dirk');
    const gate = { withhold: true };
    const bob2 = await enrolNow('bram', bob, withholdingUploads(gate));
    await bob2.sync();
    await alice.groupCreate('crew', ['bram', 'dirk']);
    await alice.send('crew', 'to the crew');
    expect(await readTexts(bob)).toEqual(['to the crew']);
    expect(await readTexts(dave)).toEqual(['to the crew']);
    // Alice keeps sending, with no CONFLICT, while bob2 has nothing to claim, not even a last resort.
    await alice.send('crew', 'still going');
    expect(await readTexts(dave)).toEqual(['still going']);
    // bob2 uploads after all, and the next commit adds it.
    gate.withhold = false;
    await bob2.sync();
    await alice.send('crew', 'bob2 joins');
    expect(await readTexts(bob2)).toEqual(['bob2 joins']);
    expect(await readTexts(bob)).toEqual(['still going', 'bob2 joins']);
  }, 90_000);
});
