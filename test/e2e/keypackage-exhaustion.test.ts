/**
 * Issue 10.1 from the attacker's side: a stranger claims every KeyPackage of a device
 * anonymously. Alice's message to that person is never reported as sent and never lost; her
 * next sends are not jammed; once the device uploads fresh KeyPackages, everything queued
 * arrives, once. A member device with no KeyPackages cannot jam a group either: the committer
 * adds whom it can. Real engines, a real relay, SQLite.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HardlineClient, QueuedError, RelayApi } from '@hardline/client';
import { nodeClientOptions, nodeTransport } from '@hardline/client/node';
import { startRelay } from '@hardline/server';
import { claimAllKeyPackages } from '../support/anonymousAttacker.ts';
import { tempDir } from '../support/cliHarness.ts';
import { readTexts } from '../support/clients.ts';

let relay: Awaited<ReturnType<typeof startRelay>>;
const opened: HardlineClient[] = [];

/** Clients that retry a failed claim at once, so the test need not wait out the backoff. */
async function enrolNow(handle: string, existing?: HardlineClient): Promise<HardlineClient> {
  const code = existing ? await existing.createLinkCode() : (await new RelayApi(new URL(relay.url), nodeTransport).adminInvite(relay.adminToken!)).code;
  const c = await HardlineClient.register({ ...nodeClientOptions(tempDir(handle)), claimRetryMs: 0 }, { server: relay.url, code, handle });
  opened.push(c);
  return c;
}

beforeAll(async () => {
  relay = await startRelay({ port: 0, dataDir: tempDir('relay-exhaust') });
}, 60_000);

afterAll(async () => {
  for (const c of opened) c.close();
  await relay?.close();
});

describe('KeyPackage exhaustion by a stranger', () => {
  it('loses no message and jams no conversation', async () => {
    const alice = await enrolNow('alice');
    const carol = await enrolNow('carol');
    expect(await claimAllKeyPackages(relay.url, carol.deviceId)).toBeGreaterThan(0);

    // Never reported as sent: nobody's device could take it.
    await expect(alice.send('carol', 'first')).rejects.toBeInstanceOf(QueuedError);
    // Not jammed: the next send says the same, not CONFLICT.
    await expect(alice.send('carol', 'second')).rejects.toBeInstanceOf(QueuedError);
    const conv = alice.conversations().find((c) => c.roster.kind === 'direct')!;
    expect(conv.messages.filter((m) => m.waiting).map((m) => m.text)).toEqual(['first', 'second']);

    // Carol comes online: her device uploads fresh KeyPackages.
    await carol.sync();
    await alice.sync();
    await alice.reconcile(conv);
    expect(conv.messages.some((m) => m.waiting)).toBe(false);
    expect(await readTexts(carol)).toEqual(['first', 'second']);
    await alice.send('carol', 'third');
    expect(await readTexts(carol)).toEqual(['third']);
    expect(await readTexts(carol)).toEqual([]);
  }, 60_000);

  it('a member device with no KeyPackages cannot jam a group: the others are added', async () => {
    const alice = await enrolNow('amira');
    const bob = await enrolNow('bram');
    const dave = await enrolNow('dirk');
    const bob2 = await enrolNow('bram', bob);
    await claimAllKeyPackages(relay.url, bob2.deviceId);
    await alice.groupCreate('crew', ['bram', 'dirk']);
    await alice.send('crew', 'to the crew');
    expect(await readTexts(bob)).toEqual(['to the crew']);
    expect(await readTexts(dave)).toEqual(['to the crew']);
    // Alice keeps sending, with no CONFLICT, while bob2 has nothing to claim.
    await alice.send('crew', 'still going');
    expect(await readTexts(dave)).toEqual(['still going']);
    // bob2 uploads again and the next commit adds it.
    await bob2.sync();
    await alice.send('crew', 'bob2 joins');
    expect(await readTexts(bob2)).toEqual(['bob2 joins']);
  }, 60_000);
});
