/**
 * Issue 10 §5 from the removed device's side, with real engines and a real relay. On main a
 * revoked device kept every conversation's roster, so it knew each remaining device's mailbox
 * and send capability, and the relay took its posts there. Now a removal moves every remaining
 * device to a fresh mailbox named only in the new epoch's roster, and each retires its old one:
 * every post the removed device makes with what it knew is refused (NO_MAILBOX), while the
 * others keep talking and lose nothing, including messages sent around the move.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Conversation, HardlineClient, QueuedPost } from '@hardline/client';
import { nodeTransport } from '@hardline/client/node';
import { decodeEnvelope, fromBase64Url } from '@hardline/protocol';
import { startRelay } from '@hardline/server';
import { tempDir } from '../support/cliHarness.ts';
import { enrol as enrolClient, linkDevice, readTexts } from '../support/clients.ts';
import { cuttablePosting } from '../support/cutPosting.ts';
import { postWithKnownCaps, rememberRosters } from '../support/removedDevice.ts';

let relay: Awaited<ReturnType<typeof startRelay>>;
const opened: HardlineClient[] = [];

/** Grace 0: a former mailbox is retired at the first sync after the move, the strictest case. */
const GRACE_0 = { mailboxGraceMs: 0 };

async function enrol(handle: string, net = nodeTransport): Promise<HardlineClient> {
  const c = await enrolClient(relay.url, relay.adminToken!, handle, { client: { ...GRACE_0, transport: net }, displayName: handle });
  opened.push(c);
  return c;
}

async function link(existing: HardlineClient): Promise<HardlineClient> {
  const added = await linkDevice(existing, { home: tempDir(`${existing.handle}-laptop`), client: GRACE_0 });
  opened.push(added);
  return added;
}

const mailboxesOf = (convs: readonly Conversation[]) => new Set(convs.flatMap((c) => c.roster.devices.map((d) => d.mailboxId as string)));

beforeAll(async () => {
  relay = await startRelay({ port: 0, dataDir: tempDir('relay-removed') });
}, 30_000);

afterAll(async () => {
  for (const c of opened) c.close();
  await relay?.close();
});

describe('a revoked device', () => {
  it("cannot post into alice's or bob's mailboxes with what it knew; they lose nothing", async () => {
    const alice = await enrol('alice');
    const bob = await enrol('bob');
    const laptop = await link(alice);
    await alice.ensureSelfConversation();
    await alice.send('bob', 'hello bob');
    expect(await readTexts(bob)).toEqual(['hello bob']);
    await bob.send('alice', 'hello alice');
    expect(await readTexts(alice)).toEqual(['hello alice']);
    expect(await readTexts(laptop)).toEqual(['hello bob', 'hello alice']);

    // The modified client keeps what it knew before the revocation.
    const knew = rememberRosters(laptop.conversations());
    expect(knew.flat().some((d) => d.handle === 'bob')).toBe(true);

    // Around the move: bob encrypts in the old epoch and posts it only after alice moved.
    const direct = bob.conversations().find((c) => c.roster.kind === 'direct')!;
    await bob.queueText(direct, 'sent as alice was moving');
    await alice.revokeDevice(laptop.deviceId);
    await alice.send('bob', 'right after the revocation');
    await alice.sync();
    expect(await readTexts(bob)).toEqual(['right after the revocation']);
    await bob.send('alice', 'after the move');
    expect((await readTexts(alice)).sort()).toEqual(['after the move', 'sent as alice was moving']);

    const tries = await postWithKnownCaps(relay.url, knew, laptop.deviceId);
    expect(tries.length).toBeGreaterThanOrEqual(3);
    expect(tries.map((t) => t.code)).toEqual(tries.map(() => 'NO_MAILBOX'));

    // Everyone remaining has moved: none of the mailboxes the laptop knew is in use.
    const stillKnown = [...mailboxesOf([...alice.conversations(), ...bob.conversations()])].filter((m) => knew.flat().some((d) => d.mailboxId === m && d.deviceId !== laptop.deviceId));
    expect(stillKnown).toEqual([]);
    // Its own engine, posting what it encrypted in its old epochs, gets nowhere either.
    for (const c of laptop.conversations()) await laptop.queueText(c, 'from the revoked laptop');
    await expect(laptop.flushOutbox()).rejects.toThrow();

    await alice.send('bob', 'still talking');
    await bob.send('alice', 'still here');
    expect(await readTexts(bob)).toEqual(['still talking']);
    expect(await readTexts(alice)).toEqual(['still here']);
    expect(bob.pendingOutbox()).toBe(0);
    expect(alice.pendingOutbox()).toBe(0);
  }, 180_000);
});

describe('a member removed from a group', () => {
  it('cannot post into the remaining members\' mailboxes; the group goes on', async () => {
    const dan = await enrol('dan');
    const erin = await enrol('erin');
    const carol = await enrol('carol');
    await dan.groupCreate('team', ['erin', 'carol']);
    await dan.send('team', 'welcome all');
    expect(await readTexts(erin)).toEqual(['welcome all']);
    expect(await readTexts(carol)).toEqual(['welcome all']);
    const knew = rememberRosters(carol.conversations().filter((c) => c.roster.kind === 'group'));

    await dan.groupRemove('team', 'carol');
    await erin.send('team', 'carol is gone');
    await dan.sync();
    await erin.sync();
    expect(await readTexts(dan)).toEqual(['carol is gone']);

    const tries = await postWithKnownCaps(relay.url, knew, carol.deviceId);
    expect(tries).toHaveLength(2);
    expect(tries.map((t) => t.code)).toEqual(['NO_MAILBOX', 'NO_MAILBOX']);

    await dan.send('team', 'just us');
    expect(await readTexts(erin)).toEqual(['just us']);
    await carol.sync();
    expect(await carol.takeUnshown()).toEqual([]);
  }, 180_000);
});

describe('a member who left a group', () => {
  it("cannot post into the others' mailboxes once the last leaf is removed", async () => {
    const ivan = await enrol('ivan');
    const judy = await enrol('judy');
    const kim = await enrol('kim');
    const g = await ivan.groupCreate('club', ['judy', 'kim']);
    await ivan.send('club', 'hi club');
    expect(await readTexts(kim)).toEqual(['hi club']);
    expect(await readTexts(judy)).toEqual(['hi club']);
    // What kim knew when she left: her own leave commit moves nobody (she would learn it).
    await kim.leaveGroup(g.id);
    const knew = rememberRosters(kim.conversations().filter((c) => c.id === g.id).map((c) => ({ ...c, left: false })));
    // Ivan's next send removes kim's last leaf, which moves ivan and judy.
    await ivan.send('club', 'kim has left');
    expect(await readTexts(judy)).toEqual(['kim has left']);
    await ivan.sync();

    const tries = await postWithKnownCaps(relay.url, knew, kim.deviceId);
    expect(tries).toHaveLength(2);
    expect(tries.map((t) => t.code)).toEqual(['NO_MAILBOX', 'NO_MAILBOX']);
    await judy.send('club', 'still here');
    expect(await readTexts(ivan)).toEqual(['still here']);
  }, 180_000);
});

describe('a message that overtakes the commit moving its recipient', () => {
  it('waits on the recipient until the commit comes, and is shown then', async () => {
    const net = cuttablePosting();
    const frank = await enrol('frank', net);
    const gina = await enrol('gina');
    const hank = await enrol('hank');
    await frank.groupCreate('crew', ['gina', 'hank']);
    await frank.send('crew', 'hi crew');
    expect(await readTexts(gina)).toEqual(['hi crew']);
    await hank.sync();

    // Frank's posts are cut while he removes hank and writes on: all of it stays queued.
    net.cut = true;
    await frank.groupRemove('crew', 'hank').catch(() => undefined);
    const crew = frank.conversations().find((c) => c.roster.name === 'crew')!;
    await frank.queueText(crew, 'overtaking the commit').catch(() => undefined);
    const newMailbox = crew.roster.devices.find((d) => d.handle === 'gina')!.mailboxId;
    const internals = frank as unknown as { state: { outbox: QueuedPost[] } };
    const outbox = internals.state.outbox;
    const toNew = outbox.filter((p) => decodeEnvelope(fromBase64Url(p.envelope, 70_000)).mailboxId === newMailbox);
    const rest = outbox.filter((p) => !toNew.includes(p));
    expect(toNew).toHaveLength(1);

    // The network lets the text through first, while gina listens; the commit follows.
    const listening = readTexts(gina, 4_000);
    await new Promise((r) => setTimeout(r, 1_000));
    net.cut = false;
    internals.state.outbox = toNew;
    await frank.flushOutbox();
    await new Promise((r) => setTimeout(r, 1_000));
    internals.state.outbox = rest;
    await frank.flushOutbox();
    const first = await listening;
    expect([...first, ...(await readTexts(gina))]).toEqual(['overtaking the commit']);
  }, 180_000);
});
