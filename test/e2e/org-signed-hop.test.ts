/**
 * Issue 12, finding 3, from the hostile relay's side, with real engines, a real relay (SQLite)
 * and real ingress hops: the security team signs the ingress hop into the org policy
 * (org/orgPolicy.ts), and a device sends its anonymous actions through that hop whatever the
 * relay does. Whoever took the relay over wants posters' addresses back: it names a hop of its
 * own in a policy it signs itself, or rewrites the team's signed hop in its store. Neither is
 * followed; a hop the team signs later is, from the next refresh on.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HardlineClient } from '@hardline/client';
import { nodeClientOptions } from '@hardline/client/node';
import { parsePolicy, type OrgKeyPair, type OrgPolicy } from '@hardline/protocol';
import { startIngressHop, type IngressHopHandle } from '@hardline/server';
import { cli, tempDir } from '../support/cliHarness.ts';
import { readTexts } from '../support/clients.ts';
import { enrolInOrg, forgeOrder, installOrgKey, postOrder, rewriteOrders } from '../support/orgConsole.ts';
import { startTestRelay, type TestRelay } from '../support/testRelay.ts';

type CountingHop = { handle: IngressHopHandle; forwarded: number };

let relay: TestRelay;
let key: OrgKeyPair;
let teamHop: CountingHop;
let movedHop: CountingHop;
/** The hop the relay's operator runs: every address it sees is one the operator learns. */
let relayHop: CountingHop;
let alice: HardlineClient;
let bob: HardlineClient;
const aliceHome = tempDir('alice-signed-hop');
let version = 1;

async function countingHop(): Promise<CountingHop> {
  const hop: CountingHop = { handle: undefined as never, forwarded: 0 };
  hop.handle = await startIngressHop({
    target: relay.url,
    port: 0,
    upstream: (send) => (url, body, type, timeout) => {
      hop.forwarded++;
      return send(url, body, type, timeout);
    },
  });
  return hop;
}

async function signPolicy(ingress?: string): Promise<OrgPolicy> {
  const policy = parsePolicy({ version: ++version, groups: [], ...(ingress ? { ingress } : {}) });
  await postOrder(relay, key, 'policy', policy);
  return policy;
}

/** Alice sends to Bob; how many requests each hop forwarded for it. */
async function aliceSends(text: string): Promise<[number, number, number]> {
  const before = [teamHop.forwarded, movedHop.forwarded, relayHop.forwarded];
  await alice.send('bob', text);
  expect(await readTexts(bob)).toContain(text);
  return [teamHop.forwarded - before[0]!, movedHop.forwarded - before[1]!, relayHop.forwarded - before[2]!];
}

beforeAll(async () => {
  relay = await startTestRelay('relay-signed-hop');
  key = await installOrgKey(relay);
  [teamHop, movedHop, relayHop] = [await countingHop(), await countingHop(), await countingHop()];
  alice = await enrolInOrg(relay, key, 'alice', aliceHome);
  bob = await enrolInOrg(relay, key, 'bob');
  await alice.sync();
  await bob.sync();
}, 90_000);

afterAll(async () => {
  for (const c of [alice, bob]) c?.close();
  for (const h of [teamHop, movedHop, relayHop]) await h?.handle.close();
  await relay?.close();
});

describe('the ingress hop in the signed org policy', () => {
  it('before the team names one, the device posts straight to the relay, as it enrolled', async () => {
    expect(alice.orgPolicy().ingress).toBeUndefined();
    // Her invite is in the chain she verified: nothing before it was withheld from her.
    expect(alice.orgPolicy().awaitingInvite).toBe(false);
    expect(await aliceSends('no hop yet')).toEqual([0, 0, 0]);
  });

  it('once the team signs a hop, the next refresh sends every anonymous action through it', async () => {
    await signPolicy(teamHop.handle.url);
    await alice.sync();
    expect(alice.orgPolicy().ingress).toBe(new URL(teamHop.handle.url).toString());
    const [team, moved, rogue] = await aliceSends('through the team hop');
    expect(team).toBeGreaterThan(0);
    expect([moved, rogue]).toEqual([0, 0]);
  });

  it('holds after the device is reopened, before it has asked the relay for anything', async () => {
    alice.close();
    alice = await HardlineClient.open(nodeClientOptions(aliceHome));
    const [team, moved, rogue] = await aliceSends('after a restart');
    expect(team).toBeGreaterThan(0);
    expect([moved, rogue]).toEqual([0, 0]);
  });

  it('follows a hop the team moves, and no hop when the team withdraws it', async () => {
    await signPolicy(movedHop.handle.url);
    await alice.sync();
    const [team, moved] = await aliceSends('through the moved hop');
    expect(moved).toBeGreaterThan(0);
    expect(team).toBe(0);
    await signPolicy(undefined);
    await alice.sync();
    expect(alice.orgPolicy().ingress).toBeUndefined();
    expect(await aliceSends('hop withdrawn by the team')).toEqual([0, 0, 0]);
    await signPolicy(teamHop.handle.url);
    await alice.sync();
  });

  it('a policy the relay signs itself, naming its own hop, is refused and not followed', async () => {
    forgeOrder(relay, 'policy', parsePolicy({ version: ++version, groups: [], ingress: relayHop.handle.url }), undefined, key.publicKey);
    await alice.sync().catch(() => undefined);
    expect(alice.orgPolicy().refused).toBeDefined();
    expect(alice.orgPolicy().ingress).toBe(new URL(teamHop.handle.url).toString());
    const [team, , rogue] = await aliceSends('after the forgery');
    expect(team).toBeGreaterThan(0);
    expect(rogue).toBe(0);
  });

  it('a device that reads a history whose signed hop the relay rewrote refuses that policy, and uses no rogue hop', async () => {
    rewriteOrders(relay, (o) => (o.kind === 'policy' && (o.body as OrgPolicy).ingress ? { ...o, body: { ...(o.body as OrgPolicy), ingress: new URL(relayHop.handle.url).toString() } } : o));
    const carol = await enrolInOrg(relay, key, 'carol');
    try {
      await carol.sync().catch(() => undefined);
      expect(carol.orgPolicy().refused).toBeDefined();
      expect(carol.orgPolicy().ingress).toBeUndefined();
      // The chain breaks before her invite: she still waits for it, and holds her anonymous
      // actions meanwhile (the first message's claims included), the web app and the engine alike.
      expect(carol.orgPolicy().awaitingInvite).toBe(true);
      const before = relayHop.forwarded;
      await expect(carol.send('bob', 'from carol')).rejects.toMatchObject({ code: 'AWAITING_INVITE' });
      expect(relayHop.forwarded).toBe(before);
    } finally {
      carol.close();
    }
  });
});

describe('the security team signing the hop with the CLI', () => {
  it('warns when the relay does not name that hop, since the web app\'s CSP would refuse it', async () => {
    const dir = tempDir('signed-hop-console');
    const keyFile = join(dir, 'org.key');
    writeFileSync(keyFile, JSON.stringify({ ...key, name: 'Test Org' }), { mode: 0o600 });
    const policyFile = join(dir, 'policy.json');
    writeFileSync(policyFile, JSON.stringify({ groups: [], ingress: teamHop.handle.url }));
    // The chain was broken by the forgery above: a fresh relay.
    const fresh = await startTestRelay('relay-signed-hop-cli');
    try {
      await installOrgKey(fresh, key);
      const r = await cli(['admin', 'policy', 'set', policyFile, '--server', fresh.url, '--org-key', keyFile]);
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout).toMatch(/signed and published/);
      expect(r.stderr).toMatch(/relay announces no ingress hop; restart it with --ingress-url/);
    } finally {
      await fresh.close();
    }
  });
});
