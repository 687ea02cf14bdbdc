/**
 * Issue 13 from the hostile relay's side, with real engines, a real relay and SQLite: the relay
 * writes orders of its own into its store (a revocation, a looser policy) and edits its stored
 * history. Clients verify every order against the org key they pinned from their invite, so
 * they refuse the forgeries; `hardline admin audit` detects a removed or altered entry; the
 * morning briefing holds counts and devices, no content and no contact links.
 */
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HardlineClient } from '@hardline/client';
import { nodeClientOptions } from '@hardline/client/node';
import { joinInviteCode, newOrgKey, parseOrgKeyPair, type OrgKeyPair } from '@hardline/protocol';
import { cli, tempDir } from '../support/cliHarness.ts';
import { readTexts } from '../support/clients.ts';
import { enrolInOrg, forgeOrder, installOrgKey, orgInvite, postOrder, rewriteOrders } from '../support/orgConsole.ts';
import { startTestRelay, type TestRelay } from '../support/testRelay.ts';

type Relay = TestRelay;
const opened: HardlineClient[] = [];
const relays: Relay[] = [];

async function newRelay(name: string): Promise<Relay> {
  const r = await startTestRelay(name);
  relays.push(r);
  return r;
}

afterAll(async () => {
  for (const c of opened) c.close();
  for (const r of relays) await r.close();
});

describe('a relay that forges a revocation, and edits its audit history', () => {
  let relay: Relay;
  let key: OrgKeyPair;
  let keyFile: string;
  let tokenFile: string;
  let alice: HardlineClient;
  let bob: HardlineClient;
  let carol: HardlineClient;
  const audit = (...extra: string[]) => cli(['admin', 'audit', '--jsonl', '--server', relay.url, '--token-file', tokenFile, ...extra]);

  beforeAll(async () => {
    relay = await newRelay('relay-org-hostile');
    const dir = tempDir('console');
    keyFile = join(dir, 'org.key');
    tokenFile = join(dir, 'admin.token');
    writeFileSync(tokenFile, `${relay.adminToken}\n`);
    const created = await cli(['admin', 'key', 'create', '--out', keyFile, '--name', 'Acme']);
    expect(created.code).toBe(0);
    expect(created.stdout).toMatch(/Back it up now, offline/);
    expect(statSync(keyFile).mode & 0o777).toBe(0o600);
    expect((await cli(['admin', 'key', 'install', '--server', relay.url, '--org-key', keyFile, '--token-file', tokenFile])).code).toBe(0);
    key = parseOrgKeyPair(JSON.parse(readFileSync(keyFile, 'utf8')));
    alice = await enrolInOrg(relay, key, 'alice');
    bob = await enrolInOrg(relay, key, 'bob');
    carol = await enrolInOrg(relay, key, 'carol');
    opened.push(alice, bob, carol);
  }, 90_000);

  it('the relay\'s admin token alone no longer makes invites or revokes', async () => {
    const r = await fetch(new URL('/v1/admin/invites', relay.url), { method: 'POST', headers: { authorization: `Bearer ${relay.adminToken}`, 'content-type': 'application/json' }, body: '{}' });
    expect(r.status).toBe(403);
  });

  it('an invite naming another org key is refused before its code is spent', async () => {
    const code = await orgInvite(relay, key, 'dave');
    const wrong = joinInviteCode(code.split('~')[0]!, newOrgKey().publicKey);
    await expect(HardlineClient.register(nodeClientOptions(tempDir('dave-x')), { server: relay.url, code: wrong, handle: 'dave' })).rejects.toMatchObject({ code: 'CRYPTO' });
    const dave = await HardlineClient.register(nodeClientOptions(tempDir('dave')), { server: relay.url, code, handle: 'dave' });
    opened.push(dave);
    expect(dave.orgPolicy().orgKey).toBe(key.publicKey);
  });

  it('a revocation signed by the org key is honoured by clients', async () => {
    const r = await cli(['admin', 'revoke', carol.deviceId, '--handle', 'carol', '--server', relay.url, '--org-key', keyFile]);
    expect(r.code, r.stderr).toBe(0);
    await bob.sync();
    expect(bob.orgPolicy().revokedByOrg).toEqual([carol.deviceId]);
    await expect(bob.send('carol', 'to a revoked device')).rejects.toThrow();
  });

  it('the audit log exports as a hash chain that checks against the org key', async () => {
    const r = await audit('--org-key', keyFile);
    expect(r.code, r.stderr).toBe(0);
    const lines = r.stdout.trim().split('\n').map((l) => JSON.parse(l));
    expect(lines.map((l) => l.kind)).toEqual(['org-key', 'invite', 'invite', 'invite', 'invite', 'revocation']);
    for (let i = 1; i < lines.length; i++) expect(lines[i].prev).toBe(lines[i - 1].hash);
  });

  it('a forged revocation of alice\'s device is refused: bob still reaches her', async () => {
    const forged = forgeOrder(relay, 'revocation', { handle: 'alice' as never, deviceId: alice.deviceId, wipe: true }, newOrgKey(), key.publicKey);
    await bob.send('alice', 'still here');
    expect(await readTexts(alice)).toContain('still here');
    expect(bob.orgPolicy().revokedByOrg).not.toContain(alice.deviceId);
    expect(bob.orgPolicy().refused).toEqual({ seq: forged.seq, reason: 'signature' });
    // The audit export stops at the forgery and fails.
    const r = await audit('--org-key', keyFile);
    expect(r.code).toBe(7);
    expect(r.stderr).toMatch(new RegExp(`broken at order ${forged.seq} \\(signature\\)`));
  });

  it('the audit detects a removed entry and an altered one', async () => {
    rewriteOrders(relay, (o) => (o.seq === 7 ? undefined : o));
    expect((await audit('--org-key', keyFile)).code).toBe(0);
    rewriteOrders(relay, (o) => (o.seq === 3 ? undefined : o));
    const removed = await audit('--org-key', keyFile);
    expect(removed.code).toBe(7);
    expect(removed.stderr).toMatch(/broken at order 3 \(sequence\)/);
    expect(removed.stdout.trim().split('\n')).toHaveLength(2);
    rewriteOrders(relay, (o) => (o.seq === 2 ? { ...o, body: { ...(o.body as object), handle: 'mallory' } as never } : o));
    const altered = await audit('--org-key', keyFile);
    expect(altered.code).toBe(7);
    expect(altered.stderr).toMatch(/broken at order 2 \(signature\)/);
  });

  it('the morning briefing holds counts and devices, no content and no contact links', async () => {
    await expect(HardlineClient.register(nodeClientOptions(tempDir('guess')), { server: relay.url, code: 'AAAAA-BBBBB-CCCCC-DDDDD', handle: 'guess' })).rejects.toThrow();
    const html = join(tempDir('briefing'), 'briefing.html');
    const r = await cli(['admin', 'briefing', '--json', '--html', html, '--server', relay.url, '--token-file', tokenFile]);
    expect(r.code, r.stderr).toBe(0);
    const b = JSON.parse(r.stdout);
    expect(Object.keys(b).sort()).toEqual(['counts', 'day', 'devicesNotSeen', 'devicesOnOldPolicy', 'notSeenDays', 'periodDays', 'policyVersion', 'relayRefusals']);
    expect(b.counts).toEqual({ enrolments: 4, identityKeyChanges: 0, failedEnrolments: 1, failedUnlocks: 0, revocations: 1 });
    expect(b.day).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    const everything = `${r.stdout}\n${readFileSync(html, 'utf8')}`;
    // No content, no conversation or mailbox, and no pair of people: only single devices appear.
    expect(everything).not.toMatch(/still here|to a revoked device|mailbox|conversation|envelope|recipient|sender/i);
    for (const list of [b.devicesOnOldPolicy, b.devicesNotSeen]) for (const d of list) expect(Object.keys(d).every((k) => ['deviceId', 'handle', 'policyVersion', 'lastSeenOn'].includes(k))).toBe(true);
  });
});

describe('a relay that forges a looser policy', () => {
  it('is refused: the device keeps the signed policy and still may not call', async () => {
    const relay = await newRelay('relay-org-policy-forge');
    const key = await installOrgKey(relay);
    const boss = await enrolInOrg(relay, key, 'boss');
    const aide = await enrolInOrg(relay, key, 'aide');
    opened.push(boss, aide);
    await postOrder(relay, key, 'policy', { version: 1, defaults: {}, groups: [{ name: 'principal', members: ['boss'], capabilities: { calls: false, linking: 'forbidden' } }] } as never);
    const conv = await boss.directConversation('aide');
    await expect(boss.callKeys(conv.id)).rejects.toMatchObject({ code: 'POLICY_FORBIDS' });
    const forged = forgeOrder(relay, 'policy', { version: 2, defaults: {}, groups: [] } as never, newOrgKey(), key.publicKey);
    await boss.sync();
    expect(boss.orgPolicy()).toMatchObject({ version: 1, refused: { seq: forged.seq, reason: 'signature' } });
    await expect(boss.callKeys(conv.id)).rejects.toMatchObject({ code: 'POLICY_FORBIDS' });
    await expect(boss.createLinkCode()).rejects.toMatchObject({ code: 'POLICY_FORBIDS' });
  }, 60_000);
});

describe('remote wipe', () => {
  it('a device revoked by a signed order with wipe wipes itself; one the relay forges wipes nothing', async () => {
    const relay = await newRelay('relay-org-wipe');
    const key = await installOrgKey(relay);
    const lostHome = tempDir('lost');
    const keptHome = tempDir('kept');
    const lost = await enrolInOrg(relay, key, 'lost', lostHome);
    const kept = await enrolInOrg(relay, key, 'kept', keptHome);
    opened.push(lost, kept);
    await postOrder(relay, key, 'revocation', { handle: 'lost' as never, deviceId: lost.deviceId, wipe: true });
    await expect(lost.sync()).rejects.toMatchObject({ code: 'REVOKED', message: expect.stringMatching(/wiped/) });
    await expect(HardlineClient.open(nodeClientOptions(lostHome))).rejects.toMatchObject({ code: 'USAGE' });
    // The relay cuts `kept` off by itself and serves a wipe order signed by a key of its own.
    forgeOrder(relay, 'revocation', { handle: 'kept' as never, deviceId: kept.deviceId, wipe: true }, newOrgKey(), key.publicKey);
    await relay.store.revokeDevice(kept.deviceId);
    await expect(kept.sync()).rejects.toMatchObject({ code: 'REVOKED' });
    const reopened = await HardlineClient.open(nodeClientOptions(keptHome));
    opened.push(reopened);
    expect(reopened.deviceId).toBe(kept.deviceId);
  }, 60_000);
});
