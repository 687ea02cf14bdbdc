/**
 * Issue 9.6, the attack inclusion and gossip cannot catch: a relay that logs a false identity
 * key for bob openly, in the one log everyone sees, so that alice (who pinned bob's real key)
 * sees a change and a newcomer (carol) pins the false key on first contact. Bob's own devices
 * read the log for entries under his handle and report the one his identity key did not make,
 * in the client and in `hardline read --json`. A relay that sends the monitor other entries
 * than its tree head commits to is refused.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HardlineClient } from '@hardline/client';
import { nodeClientOptions, nodeTransport } from '@hardline/client/node';
import { newIdentityKey } from '@hardline/protocol';
import { cli, jsonLines, tempDir } from '../support/cliHarness.ts';
import { enrol, readTexts } from '../support/clients.ts';
import { forkLogFor } from '../support/forkedLog.ts';
import { swapIdentityKey } from '../support/hostileRelay.ts';
import { startPair, type Pair } from '../support/pair.ts';
import type { TestRelay } from '../support/testRelay.ts';

let pair: Pair;
let relay: TestRelay;
let alice: HardlineClient;
let bob: HardlineClient;
const bobHome = tempDir('bob');

beforeAll(async () => {
  ({ relay, alice, bob } = pair = await startPair('relay-key-log-monitor', { bob: { home: bobHome } }));
}, 60_000);

afterAll(() => pair?.close());

describe('a relay that logs a false key for bob openly', () => {
  it('is reported by bob\'s own device, which reads the log for entries under his handle', async () => {
    expect(bob.foreignLogEntries()).toEqual([]);
    const forged = swapIdentityKey(relay, 'bob', newIdentityKey().publicKey, { logged: true });
    await alice.sync();
    // Everyone else sees it as a logged change: alice's sends are held, as for a re-enrolment.
    expect(alice.identityOf('bob')?.changedTo).toBe(forged);
    await bob.sync();
    expect(bob.foreignLogEntries()).toEqual([expect.objectContaining({ what: 'identity-key' })]);

    bob.close();
    if (process.env.HARDLINE_MUTATION) return; // Mutation run: the CLI child process would load the unmutated sources.
    const read = await cli(['--home', bobHome, 'read', '--json']);
    expect(read.code).toBe(0);
    expect(jsonLines(read.stdout)).toContainEqual(expect.objectContaining({ warning: 'own-name-logged', what: 'identity-key' }));
  });
});

describe('a relay whose log entries are not the ones its tree head commits to', () => {
  it('is refused by the monitor (CRYPTO), before anything from that head is used', async () => {
    const fork = forkLogFor(relay, nodeTransport);
    fork.honestEntries = true;
    const dana = await enrol(relay.url, relay.adminToken!, 'dana', { client: { transport: fork.transport } });
    pair.opened.push(dana);
    await dana.sync();
    // The relay shows dana a key of its own for a newcomer, in heads and proofs, but serves
    // the honest entries to her monitor.
    const forged = newIdentityKey().publicKey;
    fork.showKey('erin', forged);
    pair.opened.push(await enrol(relay.url, relay.adminToken!, 'erin'));
    await expect(dana.sync()).rejects.toMatchObject({ code: 'CRYPTO' });
    expect(dana.identityOf('erin')).toBeUndefined();
  });
});

describe('device state from before key transparency', () => {
  it('opens, pins the log key on its next sync, and goes on talking', async () => {
    const home = tempDir('gina');
    (await enrol(relay.url, relay.adminToken!, 'gina', { home })).close();
    // The state as the previous version saved it: no `transparency` field at all.
    const store = nodeClientOptions(home).store;
    const { transparency: _, ...old } = (await store.load())!;
    await store.save(old);
    const gina = await HardlineClient.open(nodeClientOptions(home));
    pair.opened.push(gina);
    await gina.send('alice', 'from an older state');
    expect(await readTexts(alice)).toContain('from an older state');
    expect((await store.load())!.transparency?.logKey).toMatch(/^[A-Za-z0-9_-]{43}$/);
  });
});
