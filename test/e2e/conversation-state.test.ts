/**
 * Conversation settings are conversation state (issue 8.2) and long messages go whole (8.3),
 * with real engines, a real relay and SQLite. The timer and a group's name travel in the roster
 * of every commit and Welcome, so a device linked later and a member added later hold them
 * without anyone changing them again; a member cannot put a timer change in another's name;
 * leaving a group takes the leaver's devices out. A 100,000-character message arrives whole;
 * one character more is refused before anything is queued.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HardlineClient } from '@hardline/client';
import { MAX_MESSAGE_CHARS, type Roster } from '@hardline/protocol';
import { startRelay } from '@hardline/server';
import { tempDir } from '../support/cliHarness.ts';
import { enrol, linkDevice, readTexts } from '../support/clients.ts';
import { enrolCuttable } from '../support/cutPosting.ts';

let relay: Awaited<ReturnType<typeof startRelay>>;
let alice: HardlineClient;
let bob: HardlineClient;
let carol: HardlineClient;
const opened: HardlineClient[] = [];

beforeAll(async () => {
  relay = await startRelay({ port: 0, dataDir: tempDir('relay-state') });
  [alice, bob, carol] = (await Promise.all(['alice', 'bob', 'carol'].map((h) => enrol(relay.url, relay.adminToken!, h)))) as [HardlineClient, HardlineClient, HardlineClient];
  opened.push(alice, bob, carol);
}, 60_000);

afterAll(async () => {
  for (const c of opened) c.close();
  await relay?.close();
});

const direct = (c: HardlineClient, peer: string) => c.conversations().find((x) => !x.left && x.roster.kind === 'direct' && x.roster.members.includes(peer as never))!;

describe('conversation settings are state', () => {
  it('a timer set before a device was linked reaches that device with the Welcome', async () => {
    await alice.send('bob', 'hello');
    await bob.sync();
    await alice.updateConversation(direct(alice, 'bob').id, { timerSeconds: 300 });
    await bob.sync();
    expect(direct(bob, 'alice').roster.timer).toMatchObject({ seconds: 300, by: 'alice' });

    const bob2 = await linkDevice(bob);
    opened.push(bob2);
    // Any member's device adds the new one; alice's does here.
    await alice.sync();
    await alice.reconcile(direct(alice, 'bob'));
    await bob2.sync();
    const joined = direct(bob2, 'alice');
    expect(joined.roster.timer).toMatchObject({ seconds: 300, by: 'alice' });
  });

  it('turning the timer off and renaming a group reach every member', async () => {
    await alice.updateConversation(direct(alice, 'bob').id, { timerSeconds: 0 });
    await bob.sync();
    expect(direct(bob, 'alice').roster.timer?.seconds).toBe(0);

    const g = await alice.groupCreate('harbour', ['bob']);
    await bob.sync();
    await alice.updateConversation(g.id, { name: 'harbour office' });
    await bob.sync();
    expect(bob.conversation(g.id)!.roster.name).toBe('harbour office');
    // A member added later gets the name and the timer with the Welcome.
    await alice.updateConversation(g.id, { timerSeconds: 3600 });
    await alice.groupAdd('harbour office', 'carol');
    await carol.sync();
    expect(carol.conversation(g.id)!.roster).toMatchObject({ name: 'harbour office', timer: { seconds: 3600, by: 'alice' } });
  });

  it('refuses bad settings with clear errors, changing nothing', async () => {
    const g = alice.conversations().find((c) => c.roster.name === 'harbour office')!;
    await expect(alice.updateConversation(g.id, { name: ' ' })).rejects.toMatchObject({ code: 'VALIDATION' });
    await expect(alice.updateConversation(g.id, { name: 'x'.repeat(65) })).rejects.toMatchObject({ code: 'VALIDATION' });
    await expect(alice.updateConversation(g.id, { timerSeconds: -1 })).rejects.toMatchObject({ code: 'VALIDATION' });
    await expect(alice.updateConversation(direct(alice, 'bob').id, { name: 'renamed' })).rejects.toMatchObject({ code: 'VALIDATION' });
    await expect(alice.updateConversation('00'.repeat(16), { timerSeconds: 5 })).rejects.toMatchObject({ code: 'NOT_FOUND' });
    expect(alice.conversation(g.id)!.roster.name).toBe('harbour office');
  });

  it('a member cannot commit a timer change in another member\'s name', async () => {
    const g = alice.conversations().find((c) => c.roster.name === 'harbour office')!;
    await bob.sync();
    // A modified client: bob commits a roster whose timer claims alice set it.
    const forge = (r: Roster): Roster => ({ ...r, timer: { seconds: 5, by: 'alice' as never, at: new Date().toISOString(), id: 'f0f0f0f0f0f0f0f0' } });
    const hostile = bob as unknown as { commitWithLock(conv: unknown, members: readonly string[], settings: (r: Roster) => Roster): Promise<void> };
    const bobConv = bob.conversation(g.id)!;
    await hostile.commitWithLock(bobConv, bobConv.roster.members, forge);
    await alice.sync();
    await carol.sync();
    for (const c of [alice, carol]) expect(c.conversation(g.id)!.roster.timer).toMatchObject({ seconds: 3600, by: 'alice' });
  });

  it('leaving a group takes all of the leaver\'s devices out, and they read nothing after', async () => {
    const g = alice.conversations().find((c) => c.roster.name === 'harbour office')!;
    await carol.sync();
    await carol.leaveGroup(g.id);
    expect(carol.conversation(g.id)!.left).toBe(true);
    await alice.sync();
    expect(alice.conversation(g.id)!.roster.members).not.toContain('carol');
    // The next member device that syncs removes carol's last leaf.
    await alice.reconcile(alice.conversation(g.id)!);
    const keys = await alice.callKeys(g.id);
    expect(keys.members.map((m) => m.handle)).not.toContain('carol');
    await alice.send('harbour office', 'after carol left');
    expect(await readTexts(carol)).not.toContain('after carol left');
    expect(await readTexts(bob)).toContain('after carol left');
    await expect(carol.send('harbour office', 'still here?')).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });
});

describe('long messages', () => {
  it('a message at the limit arrives whole, in several fixed-size envelopes', async () => {
    // Mixed scripts, astral characters and characters JSON escapes, so parts are cut by bytes.
    const unit = 'שלום עולם 👋🏽 "quoted" \\ مرحبا\u0001 ';
    const text = unit.repeat(Math.ceil(MAX_MESSAGE_CHARS / unit.length)).slice(0, MAX_MESSAGE_CHARS - 1) + '.';
    expect(text.length).toBe(MAX_MESSAGE_CHARS);
    await alice.send('bob', text);
    const got = await readTexts(bob);
    expect(got.filter((t) => t.length > 1000)).toEqual([text]);
  });

  it('one character over the limit is refused, naming the limit, and nothing is queued', async () => {
    const before = alice.pendingOutbox();
    const conv = direct(alice, 'bob');
    const count = conv.messages.length;
    await expect(alice.send('bob', 'x'.repeat(MAX_MESSAGE_CHARS + 1))).rejects.toMatchObject({ code: 'VALIDATION', message: expect.stringContaining('100,000') });
    expect(alice.pendingOutbox()).toBe(before);
    expect(conv.messages.length).toBe(count);
  });
});

describe('a message that cannot be posted is queued, never lost', () => {
  it('the first message to someone, when posting is cut after the conversation is made', async () => {
    const { client: erin, net } = await enrolCuttable(relay.url, relay.adminToken!, 'erin');
    opened.push(erin);
    const frank = await enrol(relay.url, relay.adminToken!, 'frank');
    opened.push(frank);
    net.cut = true;
    await expect(erin.send('frank', 'made it through')).rejects.toMatchObject({ code: 'UNAVAILABLE', message: expect.stringContaining('stay queued') });
    expect(direct(erin, 'frank').messages.map((m) => m.text)).toEqual(['made it through']);
    expect(erin.pendingOutbox()).toBeGreaterThan(0);
    net.cut = false;
    await erin.flushOutbox();
    expect(await readTexts(frank)).toEqual(['made it through']);
    expect(await readTexts(frank)).toEqual([]);
  });
});
