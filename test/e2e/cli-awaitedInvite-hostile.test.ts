/**
 * The `hardline` command while its device holds its anonymous actions (client ingressRoute.ts):
 * enrolled with an invite naming the org key, at a relay that serves the org's chain cut short
 * before that invite. `send` must say what became of the message (queued, or nothing sent) and
 * why, and exit 5 like any message that waits; once the relay serves the whole chain, the next
 * command sends what was queued.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HardlineClient } from '@hardline/client';
import { parsePolicy, type OrgKeyPair } from '@hardline/protocol';
import { startIngressHop, type IngressHopHandle } from '@hardline/server';
import { cli, tempDir } from '../support/cliHarness.ts';
import { readTexts } from '../support/clients.ts';
import { enrolInOrg, installOrgKey, orgInvite, postOrder, withholdOrders } from '../support/orgConsole.ts';
import { startTestRelay, type TestRelay } from '../support/testRelay.ts';

let relay: TestRelay;
let key: OrgKeyPair;
let hop: IngressHopHandle;
let bob: HardlineClient;

beforeAll(async () => {
  relay = await startTestRelay('cli-held');
  key = await installOrgKey(relay);
  hop = await startIngressHop({ target: relay.url, port: 0 });
  await postOrder(relay, key, 'policy', parsePolicy({ version: 2, groups: [], ingress: hop.url }));
  bob = await enrolInOrg(relay, key, 'bob');
  await bob.sync();
}, 90_000);

afterAll(async () => {
  bob?.close();
  await hop?.close();
  await relay?.close();
});

describe('hardline send while the relay withholds the org chain up to the invite', () => {
  it('says the message is held (queued, or not sent), exits 5, and the next command after the chain is shown sends it', async () => {
    const home = ['--home', tempDir('alice-cli-held')];
    const code = await orgInvite(relay, key, 'alice');
    const cut = withholdOrders(relay, 2);
    const reg = await cli([...home, 'register', '--server', relay.url, '--code', code, '--handle', 'alice']);
    expect(reg.code, reg.stderr).toBe(0);

    const first = await cli([...home, 'send', 'bob', 'first from alice']);
    expect(first.code).toBe(5);
    expect(first.stderr).toMatch(/^hardline: nothing was sent or queued: .*signed orders.*security team.*\(AWAITING_INVITE\)$/m);

    await bob.send('alice', 'hello alice');
    const read = await cli([...home, 'read']);
    expect(read.code, read.stderr).toBe(0);
    expect(read.stdout).toMatch(/hello alice/);
    const reply = await cli([...home, 'send', 'bob', 'held reply']);
    expect(reply.code).toBe(5);
    expect(reply.stderr).toMatch(/^hardline: the message is queued on this device \(1 envelope\(s\)\): .*signed orders.*\(AWAITING_INVITE\)$/m);
    expect(await readTexts(bob)).not.toContain('held reply');

    cut.restore();
    const after = await cli([...home, 'read']);
    expect(after.code, after.stderr).toBe(0);
    expect(await readTexts(bob)).toContain('held reply');
  }, 120_000);
});
