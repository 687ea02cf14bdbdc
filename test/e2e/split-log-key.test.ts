/**
 * Issue 9.6, key transparency, against a relay that splits people from the very first contact:
 * to alice it names a log key of its own (`GET /v1/org`) and serves her a whole log signed with
 * it, consistent in itself, while bob gets the honest log. No consistency proof is ever asked
 * across the two, since neither device can verify the other's heads under its own key; so the
 * gossip carries the sender's log key, and a head under another log key than one's own is a
 * split view ('different-log-key'), caught at the next message between the two honest devices.
 * And an invite that names the log key's fingerprint catches the substitution at registration,
 * before the code is spent; a linked device gets the log key from the device that links it.
 */
import { join } from 'node:path';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HardlineClient } from '@hardline/client';
import { nodeClientOptions, nodeTransport } from '@hardline/client/node';
import { logKeyFingerprint, newLogKey, parseOrgKeyPair, splitInviteCode } from '@hardline/protocol';
import { cli, jsonLines, tempDir } from '../support/cliHarness.ts';
import { enrol, readTexts } from '../support/clients.ts';
import { forkLogFor } from '../support/forkedLog.ts';
import { gossipUnderLogKey } from '../support/hostileClient.ts';
import { orgInvite } from '../support/orgConsole.ts';
import { startTestRelay, type TestRelay } from '../support/testRelay.ts';

let relay: TestRelay;
const relayLog = newLogKey();
const aliceHome = tempDir('alice');
let alice: HardlineClient;
let bob: HardlineClient;
const opened: HardlineClient[] = [];
let orgKey: ReturnType<typeof parseOrgKeyPair>;

beforeAll(async () => {
  relay = await startTestRelay('relay-split-log-key');
  // From alice's registration on, the relay answers her from a log of its own, under its own key.
  const fork = forkLogFor(relay, nodeTransport, { logKey: relayLog });
  alice = await enrol(relay.url, relay.adminToken!, 'alice', { home: aliceHome, client: { transport: fork.transport } });
  bob = await enrol(relay.url, relay.adminToken!, 'bob');
  opened.push(alice, bob);
}, 60_000);

afterAll(async () => {
  for (const c of opened) c.close();
  await relay?.close();
});

describe('a relay that gives alice another log key than bob from the first contact', () => {
  it('is caught at the next message between them, by each side', async () => {
    await alice.sync();
    await bob.sync();
    // Each one's log is consistent with itself, under the key each pinned: nothing to see yet.
    expect(alice.splitView()).toBeUndefined();
    expect(bob.splitView()).toBeUndefined();

    await alice.send('bob', 'hello bob');
    expect(await readTexts(bob)).toEqual(['hello bob']);
    expect(bob.splitView()).toMatchObject({ code: 'SPLIT_VIEW', reason: 'different-log-key', via: 'gossip', from: 'alice', theirLogKey: relayLog.publicKey });
    expect(bob.splitView()!.ourLogKey).not.toBe(relayLog.publicKey);

    await bob.send('alice', 'hello alice');
    expect(await readTexts(alice)).toEqual(['hello alice']);
    expect(alice.splitView()).toMatchObject({ code: 'SPLIT_VIEW', reason: 'different-log-key', via: 'gossip', from: 'bob', ourLogKey: relayLog.publicKey });

    // `hardline read --json` on alice's device names the reason, like every split view.
    alice.close();
    const read = await cli(['--home', aliceHome, 'read', '--json']);
    expect(read.code).toBe(0);
    expect(jsonLines(read.stdout)).toContainEqual(expect.objectContaining({ warning: 'split-view', code: 'SPLIT_VIEW', reason: 'different-log-key', from: 'bob' }));
  });

  it('a head that the sender\'s stated log key did not sign is junk, not a split view', async () => {
    const carol = await enrol(relay.url, relay.adminToken!, 'carol');
    const dan = await enrol(relay.url, relay.adminToken!, 'dan');
    opened.push(carol, dan);
    await carol.sync();
    // A modified client names a log key that did not sign the head it sends: nothing proves two logs.
    gossipUnderLogKey(dan, newLogKey().publicKey);
    await dan.send('carol', 'hi');
    expect(await readTexts(carol)).toEqual(['hi']);
    expect(carol.splitView()).toBeUndefined();
  });
});

describe('a device linked behind a relay that names it another log key', () => {
  it('never completes the link: the other device\'s answer names the log key it pinned', async () => {
    const gina = await enrol(relay.url, relay.adminToken!, 'gina');
    opened.push(gina);
    const code = await gina.createLinkCode();
    const fork = forkLogFor(relay, nodeTransport, { logKey: newLogKey() });
    const added = await HardlineClient.register({ ...nodeClientOptions(tempDir('gina-2')), transport: fork.transport }, { server: relay.url, code, handle: 'gina' });
    opened.push(added);
    await gina.sync();
    await expect(added.sync()).rejects.toMatchObject({ code: 'CRYPTO', message: expect.stringMatching(/another key-transparency log key than your other device/) });
    // It stays uncertified, so nobody encrypts to it, and it says so again at every sync.
    await expect(added.sync()).rejects.toMatchObject({ code: 'CRYPTO' });
  });
});

describe('an invite that names the log key', () => {
  it('`hardline admin invite` names the log key the relay showed the security team', async () => {
    const dir = tempDir('console');
    const keyFile = join(dir, 'org.key');
    expect((await cli(['admin', 'key', 'create', '--out', keyFile, '--name', 'Acme'])).code).toBe(0);
    const install = await cli(['admin', 'key', 'install', '--server', relay.url, '--org-key', keyFile, '--token', relay.adminToken!]);
    expect(install.code, install.stderr).toBe(0);
    const made = await cli(['admin', 'invite', '--server', relay.url, '--org-key', keyFile, '--handle', 'frank']);
    expect(made.code, made.stderr).toBe(0);
    const code = made.stdout.trim().split('\n').at(-1)!;
    const { logKey } = (await (await fetch(new URL('/v1/org', relay.url))).json()) as { logKey: string };
    expect(splitInviteCode(code).logFingerprint).toBe(logKeyFingerprint(logKey));
    const frank = await HardlineClient.register(nodeClientOptions(tempDir('frank')), { server: relay.url, code, handle: 'frank' });
    opened.push(frank);
    orgKey = parseOrgKeyPair(JSON.parse(readFileSync(keyFile, 'utf8')));
  });

  it('refuses a relay that names another log key at registration, before the code is spent', async () => {
    const code = await orgInvite(relay, orgKey, 'erin');
    const fork = forkLogFor(relay, nodeTransport, { logKey: newLogKey() });
    await expect(
      HardlineClient.register({ ...nodeClientOptions(tempDir('erin-x')), transport: fork.transport }, { server: relay.url, code, handle: 'erin' }),
    ).rejects.toMatchObject({ code: 'CRYPTO', message: expect.stringMatching(/log key your invite names/) });
    // The honest relay accepts the same code: the device pins the log key the invite names.
    const erin = await HardlineClient.register(nodeClientOptions(tempDir('erin')), { server: relay.url, code, handle: 'erin' });
    opened.push(erin);
    await erin.sync();
    expect(erin.splitView()).toBeUndefined();
  });
});
