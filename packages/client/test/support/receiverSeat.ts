/**
 * @module test/support/receiverSeat
 * Bob's device as the envelope receiver (envelopeReceiver.ts) sees it, and alice as the other
 * member of a real MLS group, whose envelopes the test hands over in whatever order, number and
 * shape an attacker on the relay (or a member) chooses. The engine's plumbing (directory,
 * rotation, controls) is a recorder: the receiver's own rules are what is under test.
 */
import { randomBytes } from 'node:crypto';
import type { CiphersuiteImpl, ClientState } from 'ts-mls';
import {
  boxSeal,
  commitChanges,
  createConversationGroup,
  DEFAULT_SUITE,
  decodeKeyPackage,
  encodeAppMessage,
  encodeBundle,
  encodeRoster,
  encryptApplication,
  exportSecret,
  joinFromWelcome,
  loadSuite,
  members,
  openEnvelope,
  PayloadKind,
  sealEnvelope,
  toHex,
  type Envelope,
  type EnvelopeId,
  type Handle,
  type MailboxId,
  type Roster,
  type RosterDevice,
} from '@hardline/protocol';
import { certifiedOrg } from '../../../protocol/test/support/certifiedDevices.ts';
import type { Conversation, DeviceState } from '../../src/deviceState.ts';
import { EnvelopeReceiver, type ReceivedMessage, type ReceiverHost } from '../../src/envelopeReceiver.ts';
import { SealKeys } from '../../src/sealKeys.ts';

let impl: CiphersuiteImpl | undefined;

const hex = (n: number) => randomBytes(n).toString('hex');
const device = (deviceId: string, handle: string): RosterDevice => ({ deviceId: deviceId as RosterDevice['deviceId'], handle: handle as Handle, mailboxId: hex(16) as MailboxId, sendCap: hex(32) });

export type Seat = Awaited<ReturnType<typeof seatBob>>;

/** Alice's group with bob's device in it, at epoch 1; bob's receiver on his side. */
export async function seatBob(opts: { adopt?: () => boolean } = {}) {
  impl ??= await loadSuite(DEFAULT_SUITE);
  const suite = impl;
  const org = certifiedOrg(suite);
  const a = await org.device('alice', 1);
  const b = await org.device('bob', 2);
  const created = await createConversationGroup(new Uint8Array(16).fill(9), a.kp, suite, org.config);
  const added = await commitChanges(created, { add: [decodeKeyPackage(b.kp.bytes)] }, suite);
  let aliceMls: ClientState = added.newState;
  let bobMls: ClientState = await joinFromWelcome(added.welcome!, b.kp, suite, org.config);

  const sealSecret = hex(32);
  const bobDevice = device(b.who.deviceId, 'bob');
  const roster: Roster = { v: 1, kind: 'group', name: 'team', members: ['alice', 'bob'] as Handle[], devices: [device(a.who.deviceId, 'alice'), bobDevice], sealSecrets: [sealSecret] };
  const conv: Conversation = { id: toHex(bobMls.groupContext.groupId), roster, mlsState: '', mailbox: { id: bobDevice.mailboxId, readCap: hex(32) }, pending: [], messages: [], left: false };
  const state = { handle: 'bob', deviceId: b.who.deviceId, seen: [], keyPackages: {}, conversations: { [conv.id]: conv } } as unknown as DeviceState;
  const calls = { refreshDirectory: 0, adopt: 0 };
  /** What refreshing the directory brings (a pin the commit needed, say); a test may replace it. */
  let onRefresh: () => Promise<void> = async () => undefined;
  const seal = new SealKeys();
  const host: ReceiverHost = {
    state,
    impl: suite,
    config: org.config,
    seal,
    keyPackages: {} as never,
    rotation: {
      conversationOf: () => undefined,
      adopt: () => (calls.adopt++, opts.adopt?.() ?? false),
      unpark: () => [],
      park: () => undefined,
    } as never,
    trust: { advanceLinks: async () => undefined } as never,
    kt: { onPeerHead: async () => undefined },
    self: { accept: async () => undefined } as never,
    controls: { receive: () => undefined } as never,
    conversations: () => Object.values(state.conversations),
    conversationName: (c) => c.roster.name,
    refreshDirectory: async () => {
      calls.refreshDirectory++;
      await onRefresh();
    },
    mls: () => bobMls,
    setMls: (_c, s) => {
      bobMls = s;
    },
  };
  const receiver = new EnvelopeReceiver(host);

  /** Seals `body` to bob's mailbox under the conversation's seal secret, as any member can. */
  const sealToBob = (kind: PayloadKind, body: Uint8Array, secret = sealSecret): Promise<Envelope> =>
    seal.conversation(secret, bobDevice.mailboxId).then((k) => sealEnvelope(k, bobDevice.mailboxId, hex(16) as EnvelopeId, kind, body));

  const alice = {
    /** A text message in alice's current epoch. */
    async say(text: string, id = hex(8)): Promise<Envelope> {
      const r = await encryptApplication(aliceMls, encodeAppMessage({ t: 'text', id, text, sentAt: new Date().toISOString() }), suite);
      aliceMls = r.newState;
      return sealToBob(PayloadKind.MLS, r.message);
    },
    /** A commit (with the roster boxed under the new epoch), moving the group one epoch on. */
    async commit(changes: Parameters<typeof commitChanges>[1] = {}): Promise<Envelope> {
      const r = await commitChanges(aliceMls, changes, suite);
      aliceMls = r.newState;
      const rosterBox = await boxSeal(await exportSecret(r.newState, 'hardline/v1/roster', 32, suite), encodeRoster(conv.roster));
      return sealToBob(PayloadKind.COMMIT_BUNDLE, encodeBundle({ mls: r.commit, rosterBox }));
    },
    /** A commit removing bob's device from the group. */
    async removeBob(): Promise<Envelope> {
      const leaf = members(aliceMls).find((m) => m.id.handle === 'bob')!.leafIndex;
      return alice.commit({ removeLeaves: [leaf] });
    },
    /** A new member's device, for a commit that adds it. */
    async newDevice(handle: string, n: number) {
      return decodeKeyPackage((await org.device(handle, n)).kp.bytes);
    },
    epoch: () => aliceMls.groupContext.epoch,
  };

  const received: ReceivedMessage[] = [];
  return {
    org,
    conv,
    state,
    calls,
    receiver,
    alice,
    sealToBob,
    received,
    bobEpoch: () => bobMls.groupContext.epoch,
    onRefresh: (f: () => Promise<void>) => {
      onRefresh = f;
    },
    /** The relay delivers `env` to bob's device; true when it was for one of his mailboxes. */
    deliver: (env: Envelope) => receiver.process(env, received),
    /** The same sealed body again under a fresh envelope id: to the relay, a new envelope. */
    sealAgain: async (env: Envelope): Promise<Envelope> => {
      const opened = await openEnvelope(await seal.conversation(sealSecret, bobDevice.mailboxId), env);
      return sealToBob(opened.kind, opened.body.slice());
    },
    texts: () => received.map((m) => m.text),
  };
}
