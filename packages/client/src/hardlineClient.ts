/**
 * @module hardlineClient
 * The client engine: device registration, conversations, sending, receiving and group changes,
 * over the relay's anonymous posting path and the device's authenticated inbox. Platform
 * specifics (storage, sockets, crypto provider) are injected, so the same engine runs in Node
 * and in the browser.
 */
import {
  decodeState,
  encodeState,
  fromBase64Url,
  HardlineError,
  PayloadKind,
  certifyDevice,
  type SafetyNumber,
  toBase64Url,
  type DeviceId,
  type Envelope,
  type Handle,
  type Roster,
  type TextMessage,
  type ControlMessage,
  type ConversationControl,
} from '@hardline/protocol';
import type { CiphersuiteImpl, ClientConfig, ClientState, CryptoProvider } from 'ts-mls';
import {
  type ReceivedControl,
  MAX_SEEN,
  type Conversation,
  type DeviceState,
  type StateStore,
  type StoredMessage,
} from './deviceState.ts';
import type { SettingsChange } from './conversationSettings.ts';
import { handshakeVia, requestCertificate } from './deviceLinking.ts';
import { enrolDevice } from './deviceEnrolment.ts';
import { DirectoryRefresh } from './directoryRefresh.ts';
import type { Pin, Unverifiable } from './trustRules.ts';
import { IdentityTrust } from './identityTrust.ts';
import { SelfConversation } from './selfConversation.ts';
import { ConversationControls } from './conversationControls.ts';
import type { Capabilities, ChainBreak } from '@hardline/protocol';
import { awaitingInvite, capabilities, orgStateOf, ORG_EXTENSION, requireCapability, signedIngress, type OrgState } from './orgPolicy.ts';
import { KeyTransparency, type SplitViewReport } from './keyTransparency.ts';
import type { ForeignEntry } from './logMonitor.ts';
import { KeyPackageSupply } from './keyPackageSupply.ts';
import { Outbox } from './outbox.ts';
import type { QueueTag } from './urgentPosts.ts';
import { SendScheduler } from './sendScheduler.ts';
import { effectiveLevel, PRIVACY_EXTENSION, storedLevel, type PrivacyLevel } from './privacyLevel.ts';
import { MembershipCommits } from './membershipCommits.ts';
import { MailboxPool } from './mailboxPool.ts';
import { IngressRoute } from './ingressRoute.ts';
import { RelayApi, type DirectoryUser, type Profile, type ProfileUpdate } from './relayApi.ts';
import { SealKeys } from './sealKeys.ts';
import { findDirect, userByHandle } from './conversationLookup.ts';
import { fanOut } from './conversationFanOut.ts';
import { TextSending } from './textSending.ts';
import { GroupChanges } from './groupChanges.ts';
import { OwnDevices } from './ownDevices.ts';
import { ConversationSetup } from './conversationSetup.ts';
import type { ReceivedMessage } from './envelopeReceiver.ts';
import { InboxRound, type SyncOptions } from './inboxRound.ts';
import { assembleEngine, type EngineHost } from './engineParts.ts';
import type { Transport } from './transport.ts';

export type ClientOptions = {
  store: StateStore;
  transport: Transport;
  cryptoProvider?: CryptoProvider;
  /** Unclaimed KeyPackages to keep at the relay. */
  keyPackageTarget?: number;
  /** How long a former mailbox is read before it is retired (mailboxRotation.ts, ms). */
  mailboxGraceMs?: number;
  /** How long reconcile waits before claiming again for a device that had no KeyPackage left (ms). */
  claimRetryMs?: number;
  /**
   * An ingress hop's URL (`hardline ingress`): posts, claims and blob calls go through it with
   * Oblivious HTTP, so the relay never sees this device's address on them. Overrides the one
   * stored at registration.
   */
  ingress?: string;
  /** The send scheduler's level when the device has none set (privacyLevel.ts); default `off`. */
  privacy?: PrivacyLevel;
  /** How paced KeyPackage claims wait (claimPacing.ts); the metadata bench's runs on its simulated clock. */
  claimSleep?: (ms: number) => Promise<void>;
};

export type { ReceivedMessage } from './envelopeReceiver.ts';
export type { SyncOptions } from './inboxRound.ts';
export { QueuedError } from './textSending.ts';

/** `flush: false` leaves what was queued for the caller's own flush (send queues its text first). */
export type FlushOptions = { readonly flush?: boolean };

export class HardlineClient {
  private state!: DeviceState;
  /** The suite's primitives; test/support/hostileClient.ts forges commits with them. */
  private impl!: CiphersuiteImpl;
  private config!: ClientConfig;
  private api!: RelayApi;
  /** The ingress hop in use and the poster that goes with it (ingressRoute.ts). */
  private route!: IngressRoute;
  private readonly seal = new SealKeys();
  /** The directory's verdict, pins, safety numbers and device linking (identityTrust.ts). */
  private trust!: IdentityTrust;
  /** Inclusion, consistency and gossip of the key-transparency log (keyTransparency.ts; test/support/hostileClient.ts forges its gossip). */
  private kt!: KeyTransparency;
  /** The conversation with only this user's devices, for per-user services (selfConversation.ts). */
  private self!: SelfConversation;
  /** Receipts, timers, call signalling and call keys (conversationControls.ts). */
  private controls!: ConversationControls;
  /** KeyPackages: this device's supply at the relay, and claims of others' (keyPackageSupply.ts). */
  private keyPackages!: KeyPackageSupply;
  /** Own mailboxes claimed in advance (public: tests and the bench refill it at their own moments). */
  mailboxPool!: MailboxPool;
  /** Reconcile and every membership or settings commit (membershipCommits.ts). */
  private membership!: MembershipCommits;
  /** Envelopes sealed and waiting to be posted (outbox.ts). */
  private outbox!: Outbox;
  /** When queued envelopes are posted: Poisson slots with cover, apart from the session (sendScheduler.ts). */
  private scheduler!: SendScheduler;
  /** The org's orders, then the directory through the log to the trust rules; REVOKED and wipes (directoryRefresh.ts). */
  private directoryRefresh!: DirectoryRefresh;
  /** This user's devices: link codes, the list, revocations (ownDevices.ts). */
  private ownDevices!: OwnDevices;
  /** New conversations: the group, its roster box and the Welcomes (conversationSetup.ts). */
  private setup!: ConversationSetup;
  /** The send path for text: resolve, the held-identity rule, encrypt, fan out, store (textSending.ts). */
  private sending!: TextSending;
  /** Create, add, remove, rename or set the timer of, and leave a group (groupChanges.ts). */
  private groups!: GroupChanges;
  /** One sync: the inbox drained, persisted, acknowledged, then the round's upkeep (inboxRound.ts). */
  private round!: InboxRound;

  private constructor(private readonly opts: ClientOptions) {}

  // ---------- lifecycle ----------

  static async open(opts: ClientOptions): Promise<HardlineClient> {
    const c = new HardlineClient(opts);
    const state = await opts.store.load();
    if (!state) throw new HardlineError('USAGE', 'this home has no registered device; run `hardline register` or `hardline device join` first');
    // A device from before identity keys can be certified by nobody (no deployments exist, so
    // the format break is accepted): say so instead of running as a device nobody will trust.
    if (!state.identity && !state.linkWait) {
      throw new HardlineError('OUTDATED_STATE', 'this device was set up by an earlier version of Hardline, before identity keys; ask your security team for an invite for your handle and enrol again');
    }
    await c.attach(state);
    return c;
  }

  /** Enrol a new device with an invite code (new user) or a link code (existing user). */
  static async register(opts: ClientOptions, args: { server: string; code: string; handle: string; displayName?: string; ingress?: string }): Promise<HardlineClient> {
    const enrolled = await enrolDevice(opts, args);
    const c = new HardlineClient(opts);
    await c.attach(enrolled.state);
    if (enrolled.certificate) await c.api.putCertificate(enrolled.device.deviceId, enrolled.certificate);
    else if (enrolled.linkSecret) await requestCertificate(c.api, enrolled.linkSecret, enrolled.device, handshakeVia(enrolled.state));
    await c.replenishKeyPackages();
    return c;
  }

  private async attach(state: DeviceState): Promise<void> {
    this.state = state;
    // A state from before certificates in credentials: its identity key certifies it again.
    if (state.identity && !state.certificate) state.certificate = certifyDevice(state.identity, { handle: state.handle, deviceId: state.deviceId, deviceKey: state.signPub });
    ({
      impl: this.impl,
      config: this.config,
      api: this.api,
      route: this.route,
      scheduler: this.scheduler,
      keyPackages: this.keyPackages,
      mailboxPool: this.mailboxPool,
      outbox: this.outbox,
      membership: this.membership,
      kt: this.kt,
      trust: this.trust,
      directoryRefresh: this.directoryRefresh,
      self: this.self,
      controls: this.controls,
      setup: this.setup,
      sending: this.sending,
      ownDevices: this.ownDevices,
      groups: this.groups,
      round: this.round,
    } = await assembleEngine(this.host(), state));
    // What a restart left queued goes at the next slots, not at the next sync.
    this.scheduler.start();
    this.mailboxPool.start();
  }

  /** The facade's methods the collaborators call back (engineParts.ts). */
  private host(): EngineHost {
    return {
      opts: this.opts,
      seal: this.seal,
      privacyLevel: () => this.privacyLevel(),
      orgState: () => this.orgState(),
      save: () => this.save(),
      sync: () => this.sync(),
      refreshDirectory: () => this.refreshDirectory(),
      replenishKeyPackages: () => this.replenishKeyPackages(),
      requireOrgCapability: (what) => this.requireOrgCapability(what),
      conversations: () => this.conversations(),
      conversationName: (c) => this.conversationName(c),
      createConversation: (k, n, m, o) => this.createConversation(k, n, m, o),
      reconcile: (c, o) => this.reconcile(c, o),
      commitWithLock: (c, m, s, o) => this.commitWithLock(c, m, s, o),
      mls: (c) => this.mls(c),
      setMls: (c, s) => this.setMls(c, s),
      rosterBox: (m, r) => this.rosterBox(m, r),
      fanOut: (c, k, b, r, x, u) => this.fanOut(c, k, b, r, x, u),
      queue: (to, e, t) => this.queue(to, e, t),
      flushOutbox: () => this.flushOutbox(),
    };
  }

  close(): void {
    this.scheduler.stop();
    this.mailboxPool.stop();
    this.route.close();
    this.api.close();
  }

  /** The send scheduler's level: the device's setting, raised by the org policy (privacyLevel.ts). */
  privacyLevel(): PrivacyLevel {
    const own = storedLevel(this.state.extensions, this.opts.privacy ?? 'off');
    return effectiveLevel(own, capabilities(this.orgState(), this.state.handle).metadata);
  }

  /** The device's own level (`hardline settings privacy`); the org policy may raise it. */
  async setPrivacyLevel(level: PrivacyLevel): Promise<void> {
    this.state.extensions = { ...this.state.extensions, [PRIVACY_EXTENSION]: level };
    await this.save();
    this.scheduler.start();
    this.mailboxPool.start();
  }

  /** Cover envelopes this device posted since it opened (tests and the bench). */
  get coverPosted(): number {
    return this.scheduler.coverPosted;
  }

  get deviceId(): DeviceId {
    return this.state.deviceId;
  }
  get handle(): Handle {
    return this.state.handle;
  }
  get server(): string {
    return this.state.server;
  }

  private async save(): Promise<void> {
    if (this.state.seen.length > MAX_SEEN) this.state.seen = this.state.seen.slice(-MAX_SEEN);
    await this.opts.store.save(this.state);
  }

  // ---------- directory ----------

  /** The org's signed orders, then the directory as the key-transparency log proves it, judged by the trust rules (directoryRefresh.ts). */
  refreshDirectory(): Promise<DirectoryUser[]> {
    return this.directoryRefresh.refresh();
  }

  // ---------- the org's signed orders and policy (orgPolicy.ts) ----------

  private orgState(): OrgState {
    return orgStateOf(this.state.extensions?.[ORG_EXTENSION]);
  }

  /** The policy this device applies, the pinned org key, and a break in the relay's order chain if one was seen. */
  orgPolicy(): { capabilities: Capabilities; version: number; orgKey?: string; refused?: ChainBreak; revokedByOrg: readonly DeviceId[]; ingress?: string | null; awaitingInvite: boolean } {
    const s = this.orgState();
    const ingress = signedIngress(s);
    return {
      capabilities: capabilities(s, this.state.handle),
      version: s.policy?.version ?? 0,
      ...(s.key ? { orgKey: s.key } : {}),
      ...(s.refused ? { refused: s.refused } : {}),
      revokedByOrg: s.revoked,
      ...(ingress !== undefined ? { ingress } : {}),
      awaitingInvite: awaitingInvite(s),
    };
  }

  /** For services that act for the user (the contact book's export): POLICY_FORBIDS unless allowed. */
  requireOrgCapability(what: 'calls' | 'contactExport' | 'linking'): void {
    requireCapability(this.orgState(), this.state.handle, what);
  }

  directory(): readonly DirectoryUser[] {
    return this.state.directory;
  }

  // ---------- identity and trust (rules in trustRules.ts) ----------

  /** A split view of the key-transparency log, once detected: the relay is showing people different keys. */
  splitView(): SplitViewReport | undefined {
    return this.trust.splitView();
  }

  /** Key-transparency log entries under this person's handle made with another identity key. */
  foreignLogEntries(): readonly ForeignEntry[] {
    return this.trust.foreignLogEntries();
  }

  /** Devices the directory lists that this client refuses, with why: the app reports them. */
  unverifiableDevices(): readonly Unverifiable[] {
    return this.trust.unverifiableDevices();
  }

  /** Devices the relay says are revoked without a revocation signed by their owner or the org. */
  unsignedRevocations(): readonly { handle: Handle; deviceId: DeviceId }[] {
    return this.trust.unsignedRevocations();
  }

  /** The identity key pinned for a person, and a changed one waiting for acknowledgement. */
  identityOf(handle: string): Pin | undefined {
    return this.trust.identityOf(handle);
  }

  /** The user accepts a person's new identity key: sending resumes, their new devices count. */
  acknowledgeIdentity(handle: string): Promise<void> {
    return this.trust.acknowledgeIdentity(handle);
  }

  /** The safety number with a person, from both identity keys only. */
  safetyNumber(handle: string): SafetyNumber | undefined {
    return this.trust.safetyNumber(handle);
  }

  /** Marks a person verified when `digits` match the safety number; false (and no mark) otherwise. */
  verifyIdentity(handle: string, digits: string): Promise<boolean> {
    return this.trust.verifyIdentity(handle, digits);
  }

  // ---------- key packages (keyPackageSupply.ts) ----------

  async replenishKeyPackages(): Promise<number> {
    return this.keyPackages.replenish();
  }

  // ---------- conversations ----------

  conversations(): Conversation[] {
    return Object.values(this.state.conversations);
  }

  conversationName(c: Conversation): string {
    if (c.roster.kind === 'group') return c.roster.name;
    return c.roster.members.find((m) => m !== this.state.handle) ?? this.state.handle;
  }

  private mls(c: Conversation): ClientState {
    return decodeState(fromBase64Url(c.mlsState, 64 << 20), this.config);
  }

  private setMls(c: Conversation, s: ClientState): void {
    c.mlsState = toBase64Url(encodeState(s));
  }

  /** Creates a conversation holding every active device of the members and of this user. */
  createConversation(kind: 'direct' | 'group' | 'self', name: string, memberHandles: string[], opts: FlushOptions = {}): Promise<Conversation> {
    return this.setup.create(kind, name, memberHandles, opts);
  }

  /** Kept here too: test/support/hostileClient.ts forges commits from the engine's own steps. */
  private rosterBox(mls: ClientState, roster: Roster): Promise<Uint8Array> {
    return this.setup.rosterBox(mls, roster);
  }

  private queue(to: { readonly sendCap: string }, envelope: Envelope, tag?: QueueTag): void {
    this.outbox.queue(to, envelope, tag);
  }

  /**
   * Posts queued envelopes: at once at level `off`, else at the scheduler's next slots (it
   * resolves once they are posted). On failure they stay queued and the error says so.
   */
  flushOutbox(): Promise<number> {
    return this.scheduler.flush();
  }

  pendingOutbox(): number {
    return this.outbox.pending;
  }

  /**
   * Sends text; resolves once the relay has durably accepted every envelope. The sent message is
   * kept in the conversation (already shown), so a UI can list it beside what was received.
   */
  send(to: string, text: string, opts: { sync?: boolean; now?: boolean } = {}): Promise<StoredMessage> {
    return this.sending.send(to, text, opts);
  }

  /** Encrypts and queues without posting: used by `send` and by bulk senders (tests, bench). */
  queueText(conv: Conversation, text: string, again?: { id: string; sentAt: string }): Promise<TextMessage> {
    return this.sending.queueText(conv, text, again);
  }

  /** Deletes messages from this device's copy of a conversation (disappearing messages, "delete for me"). */
  async forgetMessages(conversationId: string, messageIds: readonly string[]): Promise<void> {
    const conv = this.state.conversations[conversationId];
    if (!conv || messageIds.length === 0) return;
    const drop = new Set(messageIds);
    conv.messages = conv.messages.filter((m) => !drop.has(m.id));
    await this.save();
  }

  /** Every collaborator fans out through here (test/support/hostileClient.ts too, to forge commits). */
  private fanOut(conv: Conversation, kind: PayloadKind, body: Uint8Array, roster: Roster = conv.roster, exclude: Set<DeviceId> = new Set(), urgent = false): Promise<void> {
    return fanOut({ state: this.state, seal: this.seal, queue: (to, e, t) => this.queue(to, e, t) }, conv, kind, body, roster, exclude, urgent);
  }

  // ---------- group changes ----------

  groupCreate(name: string, memberHandles: string[]): Promise<Conversation> {
    return this.groups.create(name, memberHandles);
  }

  groupAdd(name: string, handle: string): Promise<void> {
    return this.groups.add(name, handle);
  }

  groupRemove(name: string, handle: string): Promise<void> {
    return this.groups.remove(name, handle);
  }

  /**
   * Renames a group or sets the disappearing timer: a commit carrying the new roster, so every
   * device of every member (and every later one) holds the same settings.
   */
  updateConversation(conversationId: string, change: SettingsChange): Promise<void> {
    return this.groups.update(conversationId, change);
  }

  /**
   * Leaves a group: this user's devices are removed by this device's commit, its own last leaf
   * by the next member device that syncs (groupChanges.ts).
   */
  leaveGroup(conversationId: string): Promise<void> {
    return this.groups.leave(conversationId);
  }

  /** Adds members' new devices and removes revoked ones, so every device of every member is a leaf. */
  async reconcile(conv: Conversation, opts: FlushOptions = {}): Promise<void> {
    return this.membership.reconcile(conv, opts);
  }

  /** Membership and settings commits under the epoch lock (membershipCommits.ts). */
  private commitWithLock(conv: Conversation, newMembers: readonly Handle[], settings?: (r: Roster) => Roster, opts: FlushOptions = {}): Promise<void> {
    return this.membership.commitWithLock(conv, newMembers, settings, opts);
  }

  // ---------- devices ----------

  /**
   * A link code for a new device: the relay's one-time code plus a secret only the two devices
   * see. This device certifies the new one when it answers (on a later sync).
   */
  createLinkCode(): Promise<string> {
    return this.ownDevices.createLinkCode();
  }

  devices(): Promise<{ deviceId: DeviceId; current: boolean; revoked: boolean }[]> {
    return this.ownDevices.list();
  }

  /** Revokes another device of this user under the identity key, then drops it from every conversation. */
  revokeDevice(deviceId: string): Promise<void> {
    return this.ownDevices.revoke(deviceId);
  }

  // ---------- profile and self conversation (hooks for per-user services) ----------

  /** Publishes (or, with null, withdraws) a phone number or email in the org directory. */
  async publishProfile(update: ProfileUpdate): Promise<Profile> {
    const profile = await this.api.updateProfile(update);
    if (update.displayName !== undefined) this.state.displayName = profile.displayName;
    await this.refreshDirectory();
    return profile;
  }

  /** The relay API with this device's session, for services (the contact book's blobs). */
  relay(): RelayApi {
    return this.api;
  }

  /** A service's saved state, as it last stored it (unvalidated: the service decodes it). */
  extensionState(name: string): unknown {
    return this.state.extensions?.[name];
  }

  async saveExtensionState(name: string, value: unknown): Promise<void> {
    this.state.extensions = { ...this.state.extensions, [name]: value };
    await this.save();
  }

  /**
   * Ensures this user's self conversation exists and holds every active device of the user
   * (creating or reconciling it), and returns the devices it now holds.
   */
  ensureSelfConversation(): Promise<DeviceId[]> {
    return this.self.ensure();
  }

  /** Sends a control message to this user's other devices, through the self conversation. */
  sendToSelf(message: ControlMessage): Promise<void> {
    return this.self.send(message);
  }

  /** Control messages received from this user's other devices since the last call. */
  takeSelfMessages(): Promise<ControlMessage[]> {
    return this.self.take();
  }

  // ---------- conversation controls and calls ----------

  conversation(id: string): Conversation | undefined {
    return this.state.conversations[id];
  }

  /**
   * Sends a receipt, timer or call signal to everyone in the conversation. It does not sync
   * first: call signalling must be quick, and a signal in a slightly old epoch still decrypts.
   */
  sendControl(conversationId: string, message: ConversationControl): Promise<void> {
    return this.controls.send(conversationId, message);
  }

  /**
   * Controls received since the last call, oldest first. With `which`, takes only those it
   * selects and leaves the rest (the web app handles call signals live and drops them here).
   */
  takeControls(which?: (c: ReceivedControl) => boolean): Promise<ReceivedControl[]> {
    return this.controls.take(which);
  }

  /**
   * What SFrame needs for a call in this conversation (RFC 9605 §5.2): the epoch, its
   * "SFrame 1.0 Secret" exporter value, this device's leaf index, and every member's leaf.
   */
  callKeys(conversationId: string): Promise<{ epoch: bigint; epochSecret: Uint8Array; ownLeafIndex: number; members: { leafIndex: number; handle: Handle; deviceId: DeviceId }[] }> {
    return this.controls.callKeys(conversationId);
  }

  /** The direct conversation with a handle, creating it if needed (calls start from a contact). */
  async directConversation(handle: string): Promise<Conversation> {
    const h = handle.toLowerCase();
    const existing = findDirect(this.state, h);
    if (existing) return existing;
    await this.refreshDirectory();
    if (!userByHandle(this.state, h)) throw new HardlineError('NOT_FOUND', `no user "${handle}" in this organisation's directory`);
    return this.createConversation('direct', '', [h]);
  }

  // ---------- receiving ----------

  /**
   * Drains the inbox: processes every queued envelope, persists, then acknowledges. With
   * `waitMs`, keeps listening that long for new envelopes.
   */
  sync(opts: SyncOptions = {}): Promise<ReceivedMessage[]> {
    return this.round.sync(opts);
  }

  /** Messages not yet shown to the user, in arrival order; marks them shown. */
  async takeUnshown(): Promise<ReceivedMessage[]> {
    const out: ReceivedMessage[] = [];
    for (const c of this.conversations()) {
      for (const m of c.messages) {
        if (m.shown) continue;
        m.shown = true;
        out.push({ conversation: this.conversationName(c), from: m.from, text: m.text, sentAt: m.sentAt, receivedAt: m.receivedAt });
      }
    }
    out.sort((a, b) => a.receivedAt.localeCompare(b.receivedAt));
    await this.save();
    return out;
  }

  isRevoked(): boolean {
    return this.state.revoked;
  }

}
