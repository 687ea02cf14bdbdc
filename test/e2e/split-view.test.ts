/**
 * Issue 9.6, key transparency, from the hostile relay's side, with real engines, a real relay
 * and SQLite. The relay forks its log for alice: to her alone it shows a key of its own as
 * carol's (carol enrols after the fork, so alice's first contact with carol pins whatever she
 * is shown), in a log that is consistent in itself and signed with the relay's real log key.
 * Nobody notices until alice and bob exchange a message: each message carries the sender's
 * latest tree head, and the receiver cannot reconcile it with its own (SPLIT_VIEW). And a key
 * the relay shows but never logs is refused outright.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HardlineClient } from '@hardline/client';
import { nodeTransport } from '@hardline/client/node';
import { newIdentityKey } from '@hardline/protocol';
import { cli, jsonLines, tempDir } from '../support/cliHarness.ts';
import { enrol, readTexts } from '../support/clients.ts';
import { forkLogFor, rewriteLoggedKey, type LogFork } from '../support/forkedLog.ts';
import { swapIdentityKey } from '../support/hostileRelay.ts';
import { startPair, type Pair } from '../support/pair.ts';
import { startTestRelay, type TestRelay } from '../support/testRelay.ts';

let pair: Pair;
let relay: TestRelay;
let fork: LogFork;
const aliceHome = tempDir('alice');
let alice: HardlineClient;
let bob: HardlineClient;

beforeAll(async () => {
  const forkedForAlice = (r: TestRelay) => {
    fork = forkLogFor(r, nodeTransport);
    return { home: aliceHome, client: { transport: fork.transport } };
  };
  ({ relay, alice, bob } = pair = await startPair('relay-split-view', { alice: forkedForAlice }));
}, 60_000);

afterAll(() => pair?.close());

describe('a relay that shows alice a different log than bob (a split view)', () => {
  it('is caught at the next message between them, by each side', async () => {
    const forged = newIdentityKey().publicKey;
    fork.showKey('carol', forged);
    const carol = await enrol(relay.url, relay.adminToken!, 'carol');
    pair.opened.push(carol);
    await alice.sync();
    await bob.sync();
    // The attack has worked so far: alice pinned the relay's key for carol, bob the real one,
    // and each one's log is consistent with itself, so neither has noticed anything.
    expect(alice.identityOf('carol')?.key).toBe(forged);
    expect(bob.identityOf('carol')?.key).not.toBe(forged);
    expect(alice.splitView()).toBeUndefined();
    expect(bob.splitView()).toBeUndefined();

    await alice.send('bob', 'hello bob');
    expect(await readTexts(bob)).toEqual(['hello bob']);
    expect(bob.splitView()).toMatchObject({ code: 'SPLIT_VIEW', via: 'gossip', from: 'alice' });

    await bob.send('alice', 'hello alice');
    expect(await readTexts(alice)).toEqual(['hello alice']);
    expect(alice.splitView()).toMatchObject({ code: 'SPLIT_VIEW', via: 'gossip', from: 'bob' });
    // The report holds both signed heads: evidence anyone can check against the log key.
    const report = alice.splitView()!;
    expect(report.ours.rootHash).not.toBe(report.theirs.rootHash);

    // `hardline read --json` on alice's device reports it, like the identity warnings. (The CLI
    // talks to the relay without the fork: the relay's honest heads do not join alice's either,
    // and with the split view on record the device carries on under its own head.)
    alice.close();
    if (process.env.HARDLINE_MUTATION) return; // Mutation run: the CLI child process would load the unmutated sources.
    const read = await cli(['--home', aliceHome, 'read', '--json']);
    expect(read.code).toBe(0);
    expect(jsonLines(read.stdout)).toContainEqual(expect.objectContaining({ warning: 'split-view', code: 'SPLIT_VIEW', from: 'bob' }));
  });
});

describe('a key that the relay shows but never logs', () => {
  it('is refused: no pin, and its devices are reported as not in the log', async () => {
    const dave = await enrol(relay.url, relay.adminToken!, 'dave');
    pair.opened.push(dave);
    // Before anyone has looked dave up, the relay shows its own key for him, unlogged.
    swapIdentityKey(relay, 'dave', newIdentityKey().publicKey, { logged: false });
    await bob.sync();
    expect(bob.identityOf('dave')).toBeUndefined();
    expect(bob.unverifiableDevices()).toContainEqual({ handle: 'dave', deviceId: dave.deviceId, reason: 'not-in-log' });
    expect(bob.directory().find((u) => u.handle === 'dave')?.identityKey).toBeUndefined();
    // Nothing of bob's goes to dave's key: no device of his is trusted.
    // No device of dave's is trusted, so the message waits on bob's device: nothing is encrypted to the relay's key.
    await expect(bob.send('dave', 'to the relay?')).rejects.toMatchObject({ code: 'UNAVAILABLE' });
    expect(await readTexts(dave)).toEqual([]);
  });
});

describe('a relay that rewrites an entry it logged earlier', () => {
  it('cannot prove its new head consistent with the one a device holds: SPLIT_VIEW, once, then the device carries on under its own head', async () => {
    const other = await startTestRelay('relay-rewrite');
    try {
      const erin = await enrol(other.url, other.adminToken!, 'erin');
      const finn = await enrol(other.url, other.adminToken!, 'finn');
      await erin.sync();
      const forged = newIdentityKey().publicKey;
      rewriteLoggedKey(other, 'finn', forged);
      swapIdentityKey(other, 'finn', forged, { logged: false });
      await expect(erin.sync()).rejects.toMatchObject({ code: 'SPLIT_VIEW' });
      expect(erin.splitView()).toMatchObject({ code: 'SPLIT_VIEW', via: 'relay' });
      // The key from the rewritten history is never taken, and the device still works.
      await erin.sync();
      expect(erin.identityOf('finn')?.key).not.toBe(forged);
      expect(erin.identityOf('finn')?.changedTo).toBeUndefined();
      erin.close();
      finn.close();
    } finally {
      await other.close();
    }
  });
});
