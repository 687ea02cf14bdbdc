/**
 * @module conversationSetup
 * A new conversation: an MLS group holding every active device of the members and of this
 * user, its roster sealed under the group's exporter, and a Welcome queued for each claimed
 * device. Membership changes afterwards are membershipCommits.ts's; it borrows rosterBox and
 * queueWelcomes from here. What HardlineClient lends comes in through SetupHost.
 */
import { boxSeal, commitChanges, createConversationGroup, encodeBundle, encodeRoster, exportSecret, HardlineError, PayloadKind, randomBytes, sealEnvelope, toHex, type DeviceId, type Envelope, type EnvelopeId, type Handle, type Roster, type RosterDevice } from '@hardline/protocol';
import type { CiphersuiteImpl, ClientConfig, ClientState } from 'ts-mls';
import type { Conversation, DeviceState } from './deviceState.ts';
import type { ClaimPacing } from './claimPacing.ts';
import type { ClaimedDevice, KeyPackageSupply } from './keyPackageSupply.ts';
import type { MailboxPool } from './mailboxPool.ts';
import { requireContactAllowed, type OrgState } from './orgPolicy.ts';
import type { DirectoryUser } from './relayApi.ts';
import type { SealKeys } from './sealKeys.ts';
import type { QueueTag } from './urgentPosts.ts';

/** `flush: false` leaves what was queued for the caller's own flush (send queues its text first). */
export type SetupFlush = { readonly flush?: boolean };

export type SetupHost = {
  readonly state: DeviceState;
  readonly impl: CiphersuiteImpl;
  readonly config: ClientConfig;
  readonly seal: SealKeys;
  readonly keyPackages: KeyPackageSupply;
  readonly mailboxPool: MailboxPool;
  readonly pacing: ClaimPacing;
  orgState(): OrgState;
  refreshDirectory(): Promise<unknown>;
  userByHandle(handle: string): DirectoryUser | undefined;
  findGroup(name: string): Conversation | undefined;
  activeDevices(handle: string): DeviceId[];
  setMls(c: Conversation, s: ClientState): void;
  queue(to: { readonly sendCap: string }, envelope: Envelope, tag?: QueueTag): void;
  save(): Promise<void>;
  flushOutbox(): Promise<number>;
};

export class ConversationSetup {
  constructor(private readonly host: SetupHost) {}

  /** Creates a conversation holding every active device of the members and of this user. */
  async create(kind: 'direct' | 'group' | 'self', name: string, memberHandles: string[], opts: SetupFlush = {}): Promise<Conversation> {
    const h = this.host;
    await h.refreshDirectory();
    requireContactAllowed(h.orgState(), h.state.handle, memberHandles.map((m) => m.toLowerCase()));
    const handles = [...new Set([h.state.handle as string, ...memberHandles.map((m) => m.toLowerCase())])];
    for (const m of handles) {
      if (!h.userByHandle(m)) throw new HardlineError('NOT_FOUND', `no user "${m}" in this organisation's directory`);
    }
    if (kind === 'group' && h.findGroup(name)) throw new HardlineError('CONFLICT', `a group named "${name}" already exists`);
    const own = await h.keyPackages.ownPackage();
    const groupId = randomBytes(16);
    let mls = await createConversationGroup(groupId, own, h.impl, h.config);
    // This device's mailbox comes from its pool, and the members' claims are paced (issue 12).
    const mailbox = await h.mailboxPool.take();
    const self: RosterDevice = { deviceId: h.state.deviceId, handle: h.state.handle, mailboxId: mailbox.id, sendCap: mailbox.sendCap };
    const targets = handles.flatMap((m) => h.activeDevices(m)).filter((d) => d !== h.state.deviceId);
    let claimed;
    try {
      claimed = (await h.pacing.each(targets, (d) => h.keyPackages.claimDevice(d))).filter((x) => x !== undefined);
    } catch (e) {
      // Setup failed (the relay refused a claim): the mailbox names nothing yet, so it goes back.
      await h.mailboxPool.giveBack(mailbox);
      throw e;
    }
    const roster: Roster = {
      v: 1,
      kind,
      name,
      members: handles as Handle[],
      devices: [self, ...claimed.map((c) => c.device)],
      sealSecrets: [toHex(randomBytes(32))],
    };
    const conv: Conversation = {
      id: toHex(groupId),
      roster,
      mlsState: '',
      mailbox: { id: mailbox.id, readCap: mailbox.readCap },
      pending: [],
      messages: [],
      left: false,
    };
    if (claimed.length > 0) {
      const out = await commitChanges(mls, { add: claimed.map((c) => c.kp) }, h.impl);
      mls = out.newState;
      // Tagged with the conversation, not urgent: a ring or commit in it right after takes its
      // Welcomes along (marked later), so they never arrive after what they make readable.
      await this.queueWelcomes(mls, roster, claimed, out.welcome!, { conversation: conv.id });
    }
    h.setMls(conv, mls);
    h.state.conversations[conv.id] = conv;
    await h.save();
    if (opts.flush !== false) await h.flushOutbox();
    return conv;
  }

  async rosterBox(mls: ClientState, roster: Roster): Promise<Uint8Array> {
    return boxSeal(await exportSecret(mls, 'hardline/v1/roster', 32, this.host.impl), encodeRoster(roster));
  }

  /** To each KeyPackage's own mailbox, which is not the conversation's when it was a last-resort one. */
  async queueWelcomes(mls: ClientState, roster: Roster, claimed: readonly ClaimedDevice[], welcome: Uint8Array, tag: QueueTag = {}): Promise<void> {
    const body = encodeBundle({ mls: welcome, rosterBox: await this.rosterBox(mls, roster) });
    for (const c of claimed) {
      const key = await this.host.seal.keyPackage(c.bytes, c.welcomeTo.mailboxId);
      const env = await sealEnvelope(key, c.welcomeTo.mailboxId, toHex(randomBytes(16)) as EnvelopeId, PayloadKind.WELCOME_BUNDLE, body);
      this.host.queue(c.welcomeTo, env, tag);
    }
  }
}
