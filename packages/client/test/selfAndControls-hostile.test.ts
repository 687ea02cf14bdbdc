/**
 * The self conversation (selfConversation.ts) and conversation controls
 * (conversationControls.ts) from a member's seat. A member may relabel a roster, replay a
 * control id another device used, or flood controls; only the user's own devices in their own
 * self conversation may hand it a key, a repeat from one device is kept once while another
 * device's control with the same id still counts, and both inboxes stay bounded. Real MLS
 * groups; the engine around them is a recorder.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import type { CiphersuiteImpl, ClientState } from 'ts-mls';
import {
  commitChanges,
  createConversationGroup,
  DEFAULT_SUITE,
  decodeKeyPackage,
  exportSecret,
  HardlineError,
  joinFromWelcome,
  loadSuite,
  PayloadKind,
  processIncoming,
  decodeAppMessage,
  type BookKeyMessage,
  type ConversationControl,
  type DeviceId,
  type Handle,
} from '@hardline/protocol';
import { certifiedOrg, deviceIdOf } from '../../protocol/test/support/certifiedDevices.ts';
import type { Conversation, DeviceState, ReceivedControl } from '../src/deviceState.ts';
import { SelfConversation } from '../src/selfConversation.ts';
import { ConversationControls } from '../src/conversationControls.ts';

let impl: CiphersuiteImpl;
let org: ReturnType<typeof certifiedOrg>;
let aliceState: ClientState;
let bobState: ClientState;
beforeAll(async () => {
  impl = await loadSuite(DEFAULT_SUITE);
  org = certifiedOrg(impl);
  const alice = await org.device('alice', 1);
  const bob = await org.device('bob', 2);
  const a = await createConversationGroup(new Uint8Array(16).fill(1), alice.kp, impl, org.config);
  const add = await commitChanges(a, { add: [decodeKeyPackage(bob.kp.bytes)] }, impl);
  aliceState = add.newState;
  bobState = await joinFromWelcome(add.welcome!, bob.kp, impl, org.config);
});

let convN = 0;
function conv(kind: 'self' | 'direct' | 'group', members: string[], over: Partial<Conversation> = {}): Conversation {
  return {
    id: (++convN).toString(16).padStart(32, '0'),
    roster: { v: 1, kind, name: kind === 'group' ? 'g' : '', members: members as Handle[], devices: [{ deviceId: 'd1' as DeviceId, handle: 'alice' as Handle, mailboxId: '00' as never, sendCap: '' }], sealSecrets: [] },
    mlsState: '',
    mailbox: { id: '00' as never, readCap: '' },
    pending: [],
    messages: [],
    left: false,
    ...over,
  };
}

const bookKey = (id: string): BookKeyMessage => ({ t: 'book-key', id, key: 'ab'.repeat(32), generation: 1, sentAt: '2026-12-01T00:00:00.000Z' });

function host(convs: Conversation[], mls: () => ClientState) {
  const state = { handle: 'alice', conversations: Object.fromEntries(convs.map((c) => [c.id, c])) } as unknown as DeviceState;
  const log: string[] = [];
  const sent: { conv: string; kind: PayloadKind; body: Uint8Array }[] = [];
  const set: ClientState[] = [];
  const h = {
    state,
    impl,
    conversations: () => Object.values(state.conversations),
    createSelf: async () => {
      log.push('createSelf');
      const c = conv('self', ['alice']);
      state.conversations[c.id] = c;
      return c;
    },
    refreshDirectory: async () => void log.push('refreshDirectory'),
    reconcile: async (c: Conversation) => void log.push(`reconcile ${c.id}`),
    mls: () => mls(),
    setMls: (_c: Conversation, s: ClientState) => {
      log.push('setMls');
      set.push(s);
    },
    fanOut: async (c: Conversation, kind: PayloadKind, body: Uint8Array) => {
      log.push('fanOut');
      sent.push({ conv: c.id, kind, body });
    },
    save: async () => void log.push('save'),
    flushOutbox: async () => (log.push('flushOutbox'), 0),
    flushNow: async () => (log.push('flushNow'), 0),
    requireCalls: () => void log.push('requireCalls'),
  };
  return { state, log, sent, set, h };
}

describe('SelfConversation.accept: only the user’s own devices, in their own self conversation', () => {
  const cases: [string, Conversation, string][] = [
    ['a direct conversation', conv('direct', ['alice', 'mallory']), 'alice'],
    ['a group', conv('group', ['alice', 'mallory']), 'alice'],
    ['a roster relabelled self but holding another member', conv('self', ['alice', 'mallory']), 'alice'],
    ['a roster relabelled self, member first', conv('self', ['mallory', 'alice']), 'alice'],
    ['the real self conversation, but sent by another handle', conv('self', ['alice']), 'mallory'],
    ['a group left with only this user in it', conv('group', ['alice']), 'alice'],
    ['a direct conversation with only this user in it', conv('direct', ['alice']), 'alice'],
  ];
  for (const [what, c, from] of cases) {
    it(`refuses a key from ${what}`, () => {
      const { state, h } = host([c], () => aliceState);
      new SelfConversation(h).accept(c, from as Handle, bookKey('k1'));
      expect(state.selfInbox ?? []).toEqual([]);
    });
  }

  it('take with nothing ever received: nothing, and no save', async () => {
    const { state, h, log } = host([], () => aliceState);
    expect(state.selfInbox).toBeUndefined();
    expect(await new SelfConversation(h).take()).toEqual([]);
    expect(log).toEqual([]);
  });

  it('keeps each message once, and at most the newest 100', async () => {
    const c = conv('self', ['alice']);
    const { state, h, log } = host([c], () => aliceState);
    const self = new SelfConversation(h);
    self.accept(c, 'alice' as Handle, bookKey('k1'));
    self.accept(c, 'alice' as Handle, bookKey('k1'));
    expect(state.selfInbox).toEqual([bookKey('k1')]);
    for (let i = 2; i <= 102; i++) self.accept(c, 'alice' as Handle, bookKey(`k${i}`));
    expect(state.selfInbox).toHaveLength(100);
    expect(state.selfInbox![0]!.id).toBe('k3');
    expect(state.selfInbox!.at(-1)!.id).toBe('k102');
    // take: everything once, saved; then nothing, and no save.
    const got = await self.take();
    expect(got).toHaveLength(100);
    expect(state.selfInbox).toEqual([]);
    expect(log).toEqual(['save']);
    expect(await self.take()).toEqual([]);
    expect(log).toEqual(['save']);
  });
});

describe('SelfConversation: finding and sending', () => {
  it('creates one when there is none; a left, shared or relabelled one does not count', async () => {
    const left = conv('self', ['alice'], { left: true });
    const shared = conv('self', ['alice', 'mallory']);
    const malloryOnly = conv('self', ['mallory']);
    const group = conv('group', ['alice']);
    const { h, log } = host([left, shared, malloryOnly, group], () => aliceState);
    const devices = await new SelfConversation(h).ensure();
    expect(log).toEqual(['createSelf']);
    expect(devices).toEqual(['d1']);
  });

  it('an existing one is reconciled (after a directory refresh), the lowest id when there are two', async () => {
    const a = conv('self', ['alice']);
    const b = conv('self', ['alice']);
    const { h, log } = host([b, a], () => aliceState);
    await new SelfConversation(h).ensure();
    expect(log).toEqual(['refreshDirectory', `reconcile ${a.id}`]);
  });

  it('send: encrypted in the self conversation’s group, state saved before the post is flushed', async () => {
    const a = conv('self', ['alice']);
    const { h, log, sent, set } = host([a], () => aliceState);
    await new SelfConversation(h).send(bookKey('k9'));
    expect(log).toEqual(['refreshDirectory', `reconcile ${a.id}`, 'setMls', 'fanOut', 'save', 'flushOutbox']);
    expect(sent).toHaveLength(1);
    expect(sent[0]!.conv).toBe(a.id);
    expect(sent[0]!.kind).toBe(PayloadKind.MLS);
    // Bob (the other leaf here) reads exactly the message; the state handed back is the advanced one.
    const r = await processIncoming(bobState, sent[0]!.body, impl);
    expect(decodeAppMessage((r as { data: Uint8Array }).data)).toEqual(bookKey('k9'));
    expect(set[0]).not.toBe(aliceState);
  });
});

describe('ConversationControls', () => {
  const receipt = (id: string): ConversationControl => ({ t: 'receipt', id, ids: ['m1'], sentAt: '2026-12-01T00:00:00.000Z' });
  const call = (id: string): ConversationControl => ({ t: 'call', id, callId: 'c1', op: 'ring', sentAt: '2026-12-01T00:00:00.000Z' });

  it('a control id replayed by another device does not suppress the real one; a repeat from one device is kept once', () => {
    const c = conv('direct', ['alice', 'bob']);
    const { h } = host([c], () => aliceState);
    const controls = new ConversationControls(h);
    expect(controls.receive(c, 'mallory' as Handle, 'dm' as DeviceId, receipt('x'))).toBeDefined();
    const real = controls.receive(c, 'bob' as Handle, 'db' as DeviceId, receipt('x'));
    expect(real).toMatchObject({ conversation: c.id, from: 'bob', fromDevice: 'db', message: receipt('x') });
    expect(controls.receive(c, 'bob' as Handle, 'db' as DeviceId, receipt('x'))).toBeUndefined();
    expect(c.controls).toHaveLength(2);
    expect(Date.parse(real!.receivedAt)).toBeGreaterThan(0);
  });

  it('a flood of controls keeps only the newest 2000', () => {
    const c = conv('direct', ['alice', 'bob']);
    const { h } = host([c], () => aliceState);
    const controls = new ConversationControls(h);
    for (let i = 0; i < 2_003; i++) controls.receive(c, 'bob' as Handle, 'db' as DeviceId, receipt(`r${i}`));
    expect(c.controls).toHaveLength(2_000);
    expect(c.controls![0]!.message.id).toBe('r3');
    expect(c.controls!.at(-1)!.message.id).toBe('r2002');
  });

  it('take: oldest first across conversations, a selection leaves the rest, saved only when something was taken', async () => {
    const c1 = conv('direct', ['alice', 'bob']);
    const c2 = conv('group', ['alice', 'bob']);
    const quiet = conv('direct', ['alice', 'carol']); // never received a control: no list at all
    const { h, log } = host([quiet, c1, c2], () => aliceState);
    const controls = new ConversationControls(h);
    const at = (s: string) => `2026-12-01T00:00:0${s}.000Z`;
    c1.controls = [{ conversation: c1.id, from: 'bob' as Handle, fromDevice: 'db' as DeviceId, message: call('c'), receivedAt: at('3') }];
    c2.controls = [
      { conversation: c2.id, from: 'bob' as Handle, fromDevice: 'db' as DeviceId, message: receipt('a'), receivedAt: at('1') },
      { conversation: c2.id, from: 'bob' as Handle, fromDevice: 'db' as DeviceId, message: call('b'), receivedAt: at('2') },
    ];
    const calls = await controls.take((x: ReceivedControl) => x.message.t === 'call');
    expect(calls.map((x) => x.message.id)).toEqual(['b', 'c']);
    expect(c1.controls).toEqual([]);
    expect(c2.controls!.map((x) => x.message.id)).toEqual(['a']);
    expect(log).toEqual(['save']);
    expect(await controls.take((x) => x.message.t === 'call')).toEqual([]);
    expect(log).toEqual(['save']);
    expect((await controls.take()).map((x) => x.message.id)).toEqual(['a']);
    expect(c2.controls).toEqual([]);
    expect(quiet.controls).toBeUndefined();
    expect(log).toEqual(['save', 'save']);
  });

  it('send: into an open conversation only; a call signal posts at once, a receipt at the scheduler’s slot', async () => {
    const c = conv('direct', ['alice', 'bob']);
    const gone = conv('direct', ['alice', 'bob'], { left: true });
    const { h, log, sent } = host([c, gone], () => aliceState);
    const controls = new ConversationControls(h);
    await expect(controls.send(gone.id, receipt('r'))).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(controls.send('nope', receipt('r'))).rejects.toMatchObject({ code: 'NOT_FOUND' });
    expect(log).toEqual([]);
    await controls.send(c.id, receipt('r'));
    expect(log).toEqual(['setMls', 'fanOut', 'save', 'flushOutbox']);
    log.length = 0;
    await controls.send(c.id, call('k'));
    expect(log).toEqual(['setMls', 'fanOut', 'save', 'flushNow']);
    expect(sent.map((s) => s.kind)).toEqual([PayloadKind.MLS, PayloadKind.MLS]);
    const r = await processIncoming(bobState, sent[0]!.body, impl);
    expect(decodeAppMessage((r as { data: Uint8Array }).data)).toEqual(receipt('r'));
  });

  it('callKeys: the policy first; the epoch’s SFrame exporter secret, this leaf and every member', async () => {
    const c = conv('direct', ['alice', 'bob']);
    const gone = conv('direct', ['alice', 'bob'], { left: true });
    const { h, log } = host([c, gone], () => bobState);
    const forbidden = new ConversationControls({
      ...h,
      requireCalls: () => {
        throw new HardlineError('POLICY_FORBIDS', 'no calls');
      },
    });
    await expect(forbidden.callKeys(c.id)).rejects.toMatchObject({ code: 'POLICY_FORBIDS' });
    const controls = new ConversationControls(h);
    await expect(controls.callKeys(gone.id)).rejects.toMatchObject({ code: 'NOT_FOUND' });
    const k = await controls.callKeys(c.id);
    expect(log).toEqual(['requireCalls', 'requireCalls']);
    expect(k.epoch).toBe(bobState.groupContext.epoch);
    expect(k.epochSecret).toEqual(await exportSecret(bobState, 'SFrame 1.0 Secret', 32, impl));
    expect(k.epochSecret).toHaveLength(32);
    expect(k.ownLeafIndex).toBe(1);
    expect(k.members).toEqual([
      { leafIndex: 0, handle: 'alice', deviceId: deviceIdOf(1) },
      { leafIndex: 1, handle: 'bob', deviceId: deviceIdOf(2) },
    ]);
  });
});
