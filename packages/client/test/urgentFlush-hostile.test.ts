/**
 * @module urgentFlush-hostile.test
 * An insider, mallory, who shares a conversation with the victim, alice (level `balanced`),
 * wants to learn whom alice writes to. alice's texts wait for her send slots and go out marked
 * `later`, so the relay leaves each recipient's wake-up to a random cover wake-up. But a call's
 * signal and a membership commit post at once, unmarked, and each used to take alice's whole
 * outbox with it: mallory rings alice (her app answers `ringing` by itself, even closed) or
 * links a device of his own (alice's app reconciles the conversation, a commit), and alice's
 * waiting text to carol went out then, unmarked: carol's closed app woke within seconds, on
 * mallory's schedule, where an observer on the relay's link sees it (urgentPosts.ts).
 *
 * Real engines and a real relay. alice's own transport notes each post as it leaves: the
 * mailbox it is for, read from the frame, and its wake mark, from the posting connection's
 * URL (`/v1/post?wake=later`). Both tests fail with the urgent flush posting the whole outbox.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Conversation, HardlineClient, Transport } from '@hardline/client';
import { nodeTransport } from '@hardline/client/node';
import { decodePostFrame, type CallOp } from '@hardline/protocol';
import { enrol, linkDevice, readTexts } from '../../../test/support/clients.ts';
import { startTestRelay, type TestRelay } from '../../../test/support/testRelay.ts';

type Post = { readonly mailboxId: string; readonly wake: 'now' | 'later' };

/** alice's transport: every post, as it leaves her device, with its wake mark. */
function postWatch(): { transport: Transport; posts: Post[] } {
  const posts: Post[] = [];
  const transport: Transport = {
    ...nodeTransport,
    openWebSocket(url: string) {
      const ws = nodeTransport.openWebSocket(url);
      const u = new URL(url);
      if (u.pathname !== '/v1/post') return ws;
      const wake = u.searchParams.get('wake') === 'later' ? 'later' : 'now';
      const send = ws.send.bind(ws);
      ws.send = (data: string | Uint8Array) => {
        if (typeof data !== 'string') posts.push({ mailboxId: decodePostFrame(data).envelope.mailboxId, wake });
        send(data);
      };
      return ws;
    },
  };
  return { transport, posts };
}

let relay: TestRelay;
const opened: HardlineClient[] = [];
let alice: HardlineClient;
let mallory: HardlineClient;
let carol: HardlineClient;
let watch: ReturnType<typeof postWatch>;
let toCarol: Conversation;
let toMallory: Conversation;

const mailboxesOf = (conv: Conversation, handle: string) => new Set(conv.roster.devices.filter((d) => d.handle === handle).map((d) => d.mailboxId as string));
const postsTo = (from: number, mailboxes: Set<string>) => watch.posts.slice(from).filter((p) => mailboxes.has(p.mailboxId));
const signal = (op: CallOp, n: number) => ({ t: 'call' as const, id: `sig-${op}-${n}`, callId: `call-${n}`, op, sentAt: new Date().toISOString() });

beforeAll(async () => {
  relay = await startTestRelay('urgent-flush');
  watch = postWatch();
  alice = await enrol(relay.url, relay.adminToken, 'alice', { client: { transport: watch.transport } });
  mallory = await enrol(relay.url, relay.adminToken, 'mallory');
  carol = await enrol(relay.url, relay.adminToken, 'carol');
  opened.push(alice, mallory, carol);
  await alice.setPrivacyLevel('balanced');
  await alice.send('carol', 'hello carol');
  await alice.send('mallory', 'hello mallory');
  toCarol = await alice.directConversation('carol');
  toMallory = await alice.directConversation('mallory');
  expect(await readTexts(carol)).toEqual(['hello carol']);
  expect(await readTexts(mallory)).toEqual(['hello mallory']);
}, 90_000);

afterAll(async () => {
  for (const c of opened) c.close();
  await relay?.close();
});

describe("an insider's urgent post does not take the victim's waiting texts along", () => {
  it("a call's signal (alice's app answering mallory's ring) posts now; her text to carol waits for its slot and goes marked later", async () => {
    const from = watch.posts.length;
    await alice.queueText(toCarol, 'to carol, waiting for a slot');
    // Queued in mallory's conversation before the signal: it goes with it (the signal must not
    // overtake it), marked later, so it wakes no one of its own.
    await alice.queueText(toMallory, 'to mallory, before the ring');
    await alice.sendControl(toMallory.id, signal('ringing', 1));

    // Nothing to carol now (a slot that happened to fall in between would post it marked later).
    expect(postsTo(from, mailboxesOf(toCarol, 'carol')).filter((p) => p.wake === 'now')).toEqual([]);
    const toHim = postsTo(from, mailboxesOf(toMallory, 'mallory'));
    expect(toHim.map((p) => p.wake)).toEqual(['later', 'now']);
    expect(watch.posts.slice(from).filter((p) => p.wake === 'now')).toEqual([toHim[1]]);

    // carol's text goes at alice's next slot, marked later, and arrives.
    await alice.flushOutbox();
    expect(postsTo(from, mailboxesOf(toCarol, 'carol')).map((p) => p.wake)).toEqual(['later']);
    expect(alice.pendingOutbox()).toBe(0);
    expect(await readTexts(carol)).toEqual(['to carol, waiting for a slot']);
    expect(await readTexts(mallory)).toEqual(['to mallory, before the ring']);
    expect((await mallory.takeControls()).map((c) => c.message.id)).toEqual(['sig-ringing-1']);
  }, 60_000);

  it("a new conversation's Welcome goes before a ring in it: the ring takes it along, marked later", async () => {
    // alice starts a conversation with dave and rings him before her next slot: the Welcome
    // that makes the ring readable must not be left for a slot after it.
    const dave = await enrol(relay.url, relay.adminToken, 'dave');
    opened.push(dave);
    const from = watch.posts.length;
    const toDave = await alice.createConversation('direct', '', ['dave'], { flush: false });
    await alice.sendControl(toDave.id, signal('offer', 3));
    // Nothing else was queued: the one post marked later before the ring is dave's Welcome (to
    // his conversation mailbox, or to a last-resort KeyPackage's own).
    const sent = watch.posts.slice(from);
    const ring = sent.findIndex((p) => p.wake === 'now' && mailboxesOf(toDave, 'dave').has(p.mailboxId));
    expect(ring).toBeGreaterThan(0);
    expect(sent.slice(0, ring).map((p) => p.wake)).toEqual(['later']);
    await dave.sync();
    expect(dave.conversation(toDave.id)).toBeDefined();
    expect((await dave.takeControls()).map((c) => c.message.id)).toEqual(['sig-offer-3']);
  }, 60_000);

  it("a membership commit (mallory links a device, alice reconciles) posts now; her text to carol waits for its slot and goes marked later", async () => {
    const malloryTwo = await linkDevice(mallory);
    opened.push(malloryTwo);
    await alice.refreshDirectory();
    const before = new Set(toMallory.roster.devices.map((d) => d.deviceId));
    const his = mailboxesOf(toMallory, 'mallory');
    const from = watch.posts.length;
    await alice.queueText(toCarol, 'to carol, again waiting');
    // Encrypted in the epoch before the commit: it goes with the commit, marked later.
    await alice.queueText(toMallory, 'to mallory, before the commit');
    await alice.reconcile(toMallory);

    const conv = alice.conversation(toMallory.id)!;
    expect(conv.roster.devices.some((d) => !before.has(d.deviceId))).toBe(true);
    expect(postsTo(from, mailboxesOf(toCarol, 'carol')).filter((p) => p.wake === 'now')).toEqual([]);
    // To mallory's first device: the earlier text, marked later, and the commit, now. (His new
    // device's Welcome goes now too, to its KeyPackage's mailbox.)
    expect(postsTo(from, his).map((p) => p.wake)).toEqual(['later', 'now']);
    // The Welcome went with the commit: mallory's new device is in before alice's next slot.
    await malloryTwo.sync();
    expect(malloryTwo.conversation(toMallory.id)).toBeDefined();

    await alice.flushOutbox();
    expect(postsTo(from, mailboxesOf(toCarol, 'carol')).map((p) => p.wake)).toEqual(['later']);
    expect(await readTexts(carol)).toEqual(['to carol, again waiting']);
    // The text from the epoch before the commit still reads after it.
    expect(await readTexts(mallory)).toEqual(['to mallory, before the commit']);
  }, 90_000);
});
