/**
 * Issue 13, the security team's signed policy, with real engines, a real relay and SQLite: a
 * device in a security group cannot call, export its contacts, link a device or reach people
 * outside its named groups, and its timers are clamped; the relay refuses link codes on its own
 * (raw HTTP, as a modified client would ask); devices report the version they applied.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ContactBookService, type HardlineClient } from '@hardline/client';
import type { OrgKeyPair } from '@hardline/protocol';
import { cli, tempDir } from '../support/cliHarness.ts';
import { linkDevice, readTexts } from '../support/clients.ts';
import { enrolInOrg, installOrgKey, postOrder } from '../support/orgConsole.ts';
import { startTestRelay, type TestRelay } from '../support/testRelay.ts';

let relay: TestRelay;
let key: OrgKeyPair;
let boss: HardlineClient;
let alice: HardlineClient;
let carol: HardlineClient;
let erin: HardlineClient;
const bossHome = tempDir('boss');
const opened: HardlineClient[] = [];

const POLICY = {
  version: 1,
  defaults: {},
  groups: [
    { name: 'principal', members: ['boss'], capabilities: { calls: false, contactExport: false, linking: 'forbidden', contacts: { groups: ['staff'] }, timer: { minSeconds: 3600, maxSeconds: 86_400 } } },
    { name: 'staff', members: ['alice', 'erin'], capabilities: { maxDevices: 2 } },
    { name: 'guarded', members: ['carol'], capabilities: { linking: 'approval' } },
  ],
};

beforeAll(async () => {
  relay = await startTestRelay('relay-org-policy');
  key = await installOrgKey(relay);
  boss = await enrolInOrg(relay, key, 'boss', bossHome);
  alice = await enrolInOrg(relay, key, 'alice');
  carol = await enrolInOrg(relay, key, 'carol');
  erin = await enrolInOrg(relay, key, 'erin');
  opened.push(boss, alice, carol, erin);
  await postOrder(relay, key, 'policy', POLICY as never);
  await boss.sync();
  await alice.sync();
  await carol.sync();
}, 60_000);

afterAll(async () => {
  for (const c of opened) c.close();
  await relay?.close();
});

const rawLinkCode = async (c: HardlineClient) =>
  fetch(new URL('/v1/devices/link-codes', relay.url), { method: 'POST', headers: { authorization: `Bearer ${await c.relay().sessionToken()}`, 'content-type': 'application/json' }, body: '{}' });

describe('a device in a group whose policy forbids', () => {
  it('applies the signed policy', () => {
    expect(boss.orgPolicy()).toMatchObject({ version: 1, orgKey: key.publicKey, capabilities: { calls: false, linking: 'forbidden' } });
    expect(boss.orgPolicy().refused).toBeUndefined();
  });

  it('calls: the engine gives no call keys', async () => {
    const conv = await boss.directConversation('alice');
    await expect(boss.callKeys(conv.id)).rejects.toMatchObject({ code: 'POLICY_FORBIDS' });
    // Alice's policy allows calls: the refusal is the policy's, not the conversation's.
    await alice.sync();
    await expect(alice.callKeys(conv.id)).resolves.toHaveProperty('epoch');
  });

  it('contact-book export: refused in the engine and in the CLI', async () => {
    await expect(ContactBookService.open(boss).then((b) => b.exportVCard())).rejects.toMatchObject({ code: 'POLICY_FORBIDS' });
    if (process.env.HARDLINE_MUTATION) return; // Mutation run: the CLI child process would load the unmutated sources.
    const r = await cli(['--home', bossHome, 'contacts', 'export']);
    expect(r.code).toBe(4);
    expect(r.stderr).toMatch(/not allowed.*POLICY_FORBIDS/);
  });

  it('linking: refused by the engine, and by the relay to a client that skips the check', async () => {
    await expect(boss.createLinkCode()).rejects.toMatchObject({ code: 'POLICY_FORBIDS' });
    const raw = await rawLinkCode(boss);
    expect(raw.status).toBe(403);
    expect((await raw.json()).error.code).toBe('POLICY_FORBIDS');
  });

  it('max devices: the relay refuses a link code beyond the policy\'s maximum', async () => {
    opened.push(await linkDevice(alice));
    const raw = await rawLinkCode(alice);
    expect(raw.status).toBe(403);
    expect((await raw.json()).error).toMatchObject({ code: 'POLICY_FORBIDS', message: expect.stringMatching(/most allowed is 2/) });
  });

  it('max devices: unused link codes count, so a modified client cannot make several at once', async () => {
    expect((await rawLinkCode(erin)).status).toBe(200);
    const second = await rawLinkCode(erin);
    expect(second.status).toBe(403);
    expect((await second.json()).error).toMatchObject({ code: 'POLICY_FORBIDS', message: expect.stringMatching(/unused link code/) });
  });

  it('linking with approval: refused until the security team signs one, which makes one code', async () => {
    await expect(carol.createLinkCode()).rejects.toMatchObject({ code: 'POLICY_FORBIDS' });
    expect((await rawLinkCode(carol)).status).toBe(403);
    await postOrder(relay, key, 'link-approval', { handle: 'carol' as never, expiresAt: new Date(Date.now() + 3_600_000).toISOString() });
    await carol.sync();
    expect(await carol.createLinkCode()).toMatch(/\./);
    // Used up: a modified client asking again gets nothing.
    const again = await rawLinkCode(carol);
    expect(again.status).toBe(403);
    expect((await again.json()).error.code).toBe('POLICY_FORBIDS');
  });

  it('contacts: only members of the named groups', async () => {
    await expect(boss.send('carol', 'hello')).rejects.toMatchObject({ code: 'POLICY_FORBIDS' });
    await boss.send('alice', 'hello alice');
    expect(await readTexts(alice)).toContain('hello alice');
  });

  it('disappearing messages: a timer outside the bounds is clamped', async () => {
    const conv = await boss.directConversation('alice');
    await boss.updateConversation(conv.id, { timerSeconds: 0 });
    expect(boss.conversation(conv.id)?.roster.timer?.seconds).toBe(3600);
    await boss.updateConversation(conv.id, { timerSeconds: 30 * 86_400 });
    expect(boss.conversation(conv.id)?.roster.timer?.seconds).toBe(86_400);
  });

  it('devices report the version they applied; the admin list flags the one that has not', async () => {
    const r = await fetch(new URL('/v1/admin/org/devices', relay.url), { headers: { authorization: `Bearer ${relay.adminToken}` } });
    const { devices } = (await r.json()) as { devices: { handle: string; policyVersion: number; oldPolicy: boolean; lastSeenOn: string }[] };
    expect(devices.find((d) => d.handle === 'boss')).toMatchObject({ policyVersion: 1, oldPolicy: false, lastSeenOn: expect.stringMatching(/^\d{4}-\d{2}-\d{2}$/) });
    // Enrolled, never synced since: it has not applied version 1.
    opened.push(await enrolInOrg(relay, key, 'dave'));
    const again = (await (await fetch(new URL('/v1/admin/org/devices', relay.url), { headers: { authorization: `Bearer ${relay.adminToken}` } })).json()) as { devices: { handle: string; policyVersion: number; oldPolicy: boolean }[] };
    expect(again.devices.find((d) => d.handle === 'dave')).toMatchObject({ policyVersion: 0, oldPolicy: true });
  });
});
