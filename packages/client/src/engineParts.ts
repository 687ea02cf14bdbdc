/**
 * @module engineParts
 * The engine's collaborators for one device state, built and wired together. HardlineClient is
 * the facade over them; this is where each is given what it may use. Most of what a
 * collaborator needs from another is passed as a closure, so that the order of construction
 * does not matter: nothing is called until the engine is open.
 *
 * The trust rules themselves are in trustRules.ts (which device may join, which key is pinned),
 * applied by identityTrust.ts; the send scheduler's timing is in sendScheduler.ts.
 */
import { certifiedAuthenticationService, clientConfigWith, fromBase64Url, loadSuite, parseSuite, type DeviceId, type Envelope, type Handle, type PayloadKind, type Roster } from '@hardline/protocol';
import type { CiphersuiteImpl, ClientConfig, ClientState } from 'ts-mls';
import { ClaimPacing, warmWallet } from './claimPacing.ts';
import { ConversationControls } from './conversationControls.ts';
import { findGroup, userByHandle } from './conversationLookup.ts';
import { ConversationSetup } from './conversationSetup.ts';
import { coverEnvelope } from './coverTraffic.ts';
import type { Conversation, DeviceState } from './deviceState.ts';
import { DirectoryRefresh } from './directoryRefresh.ts';
import { EnvelopeReceiver } from './envelopeReceiver.ts';
import { GroupChanges } from './groupChanges.ts';
import type { ClientOptions, FlushOptions } from './hardlineClient.ts';
import { IdentityTrust } from './identityTrust.ts';
import { InboxRound } from './inboxRound.ts';
import { IngressRoute } from './ingressRoute.ts';
import { KeyPackageSupply } from './keyPackageSupply.ts';
import { KeyTransparency } from './keyTransparency.ts';
import { MailboxPool } from './mailboxPool.ts';
import { MailboxRotation } from './mailboxRotation.ts';
import { MembershipCommits } from './membershipCommits.ts';
import { awaitingInvite, orgRevoked, signedIngress, type OrgState } from './orgPolicy.ts';
import { Outbox } from './outbox.ts';
import { OwnDevices } from './ownDevices.ts';
import { SLOT_PARAMS, type PrivacyLevel } from './privacyLevel.ts';
import { RelayApi, type DirectoryUser } from './relayApi.ts';
import { parseRelayUrl } from './relayUrl.ts';
import type { SealKeys } from './sealKeys.ts';
import { SelfConversation } from './selfConversation.ts';
import { SendScheduler } from './sendScheduler.ts';
import { watchSession } from './sessionWatch.ts';
import { TextSending } from './textSending.ts';
import { TransparencyApi } from './transparencyApi.ts';
import type { Transport } from './transport.ts';
import type { QueueTag } from './urgentPosts.ts';

/** How long reconcile waits before claiming again for a device that had no KeyPackage left. */
const CLAIM_RETRY_MS = 60_000;

/** What the collaborators reach through the facade (its own methods, some private to it). */
export type EngineHost = {
  readonly opts: ClientOptions;
  readonly seal: SealKeys;
  privacyLevel(): PrivacyLevel;
  orgState(): OrgState;
  save(): Promise<void>;
  sync(): Promise<unknown>;
  refreshDirectory(): Promise<DirectoryUser[]>;
  replenishKeyPackages(): Promise<number>;
  requireOrgCapability(what: 'calls'): void;
  conversations(): Conversation[];
  conversationName(c: Conversation): string;
  createConversation(kind: 'direct' | 'group' | 'self', name: string, memberHandles: string[], opts?: FlushOptions): Promise<Conversation>;
  reconcile(conv: Conversation, opts?: FlushOptions): Promise<void>;
  commitWithLock(conv: Conversation, newMembers: readonly Handle[], settings?: (r: Roster) => Roster, opts?: FlushOptions): Promise<void>;
  mls(c: Conversation): ClientState;
  setMls(c: Conversation, s: ClientState): void;
  rosterBox(mls: ClientState, roster: Roster): Promise<Uint8Array>;
  fanOut(conv: Conversation, kind: PayloadKind, body: Uint8Array, roster?: Roster, exclude?: Set<DeviceId>, urgent?: boolean): Promise<void>;
  queue(to: { readonly sendCap: string }, envelope: Envelope, tag?: QueueTag): void;
  flushOutbox(): Promise<number>;
};

export type EngineParts = Awaited<ReturnType<typeof assembleEngine>>;

export async function assembleEngine(host: EngineHost, state: DeviceState) {
  const impl: CiphersuiteImpl = await loadSuite(parseSuite(state.suite), host.opts.cryptoProvider);
  const signKey = fromBase64Url(state.signKey);
  const base = parseRelayUrl(state.server);
  const scheduler: SendScheduler = new SendScheduler({
    outbox: () => outbox,
    params: () => SLOT_PARAMS[host.privacyLevel()],
    cover: () => coverEnvelope(state, host.seal),
    // Each slot its own connection: a WebSocket Poster closed after its one post, or one OHTTP request.
    freshPoster: () => route.freshPoster(),
  });
  const watched: Transport = watchSession(host.opts.transport, scheduler);
  const api: RelayApi = new RelayApi(base, watched, { deviceId: state.deviceId, sign: (m) => impl.signature.sign(signKey, m) });
  const route: IngressRoute = new IngressRoute(api, base, host.opts.transport, { given: host.opts.ingress, signed: () => signedIngress(host.orgState()), registered: state.ingress, awaitingInvite: () => awaitingInvite(host.orgState()) });
  const keyPackages: KeyPackageSupply = new KeyPackageSupply(
    state,
    api,
    impl,
    () => host.save(),
    (id) => trust.handleOf(id),
    (kp) => config.authService.validateCredential(kp.leafNode.credential, kp.leafNode.signaturePublicKey),
    host.opts.keyPackageTarget,
  );
  const params = () => SLOT_PARAMS[host.privacyLevel()];
  const quietLeft = () => scheduler.quietLeft();
  const pacing: ClaimPacing = new ClaimPacing({ params, session: scheduler, warm: (n) => warmWallet(api.claimTokens, n), ...(host.opts.claimSleep ? { sleep: host.opts.claimSleep } : {}) });
  const mailboxPool: MailboxPool = new MailboxPool({ state: () => state, claimOwn: () => keyPackages.claimOwnMailbox(), save: () => host.save(), params, quietLeft, pacing });
  const rotation: MailboxRotation = new MailboxRotation(state, api, keyPackages, host.seal, { pool: mailboxPool, pacing }, host.opts.mailboxGraceMs);
  const outbox: Outbox = new Outbox({ state: () => state, poster: () => route.poster, sortFailures: (b, r) => rotation.sortFailures(b, r), save: () => host.save() });
  const membership: MembershipCommits = new MembershipCommits({
    state,
    impl,
    api,
    keyPackages,
    rotation,
    pacing,
    claimRetryMs: host.opts.claimRetryMs ?? CLAIM_RETRY_MS,
    mls: (c) => host.mls(c),
    setMls: (c, s) => host.setMls(c, s),
    activeDevices: (h) => trust.activeDevices(h),
    rosterBox: (m, r) => host.rosterBox(m, r),
    fanOut: (c, k, b, r, x, u) => host.fanOut(c, k, b, r, x, u),
    queueWelcomes: (m, r, c, w, t) => setup.queueWelcomes(m, r, c, w, t),
    sendWaiting: (c) => sending.sendWaiting(c),
    save: () => host.save(),
    // A commit changes every member's keys, a call's media keys included: held for a send
    // slot, it left the others decrypting nothing for seconds (web-calls, a device revoked
    // mid-call). Commits go at once, like call signalling; the relay pairs a membership change
    // with its claims anyway (docs/protocol.md §7). Only the commit and what it must not
    // overtake go (urgentPosts.ts): the device's other waiting texts keep their slots.
    flushOutbox: () => outbox.flush(true, { urgent: true }),
    sync: () => host.sync(),
  });
  // A leaf is a member only if the certificate in its credential verifies under the identity
  // key pinned for its handle (trustRules.ts); the relay's directory is not asked.
  const config: ClientConfig = clientConfigWith(certifiedAuthenticationService((h) => (h === state.handle ? state.identity?.publicKey : state.pins?.[h]?.key)));
  const kt: KeyTransparency = new KeyTransparency(
    new TransparencyApi(api),
    () => (state.transparency ??= {}),
    () => ({ handle: state.handle, identityKey: state.identity?.publicKey }),
  );
  const trust: IdentityTrust = new IdentityTrust({
    state,
    api,
    kt,
    keyPackages,
    orgRevoked: () => orgRevoked(host.orgState()),
    save: () => host.save(),
    refreshDirectory: () => host.refreshDirectory(),
    replenishKeyPackages: () => host.replenishKeyPackages(),
  });
  trust.judge(state.directory);
  const directoryRefresh: DirectoryRefresh = new DirectoryRefresh({
    state,
    api,
    kt,
    trust,
    store: host.opts.store,
    orgState: () => host.orgState(),
    save: () => host.save(),
    followIngress: () => void route.follow(),
  });
  const self: SelfConversation = new SelfConversation({
    state,
    impl,
    conversations: () => host.conversations(),
    createSelf: () => host.createConversation('self', '', []),
    refreshDirectory: () => host.refreshDirectory(),
    reconcile: (c) => host.reconcile(c),
    mls: (c) => host.mls(c),
    setMls: (c, s) => host.setMls(c, s),
    fanOut: (c, k, b) => host.fanOut(c, k, b),
    save: () => host.save(),
    flushOutbox: () => host.flushOutbox(),
  });
  const controls: ConversationControls = new ConversationControls({
    state,
    impl,
    conversations: () => host.conversations(),
    mls: (c) => host.mls(c),
    setMls: (c, s) => host.setMls(c, s),
    fanOut: (c, k, b, u) => host.fanOut(c, k, b, undefined, undefined, u),
    save: () => host.save(),
    flushOutbox: () => host.flushOutbox(),
    // A call's signal and what it must not overtake, not the whole outbox (urgentPosts.ts).
    flushNow: () => outbox.flush(true, { urgent: true }),
    requireCalls: () => host.requireOrgCapability('calls'),
  });
  const setup: ConversationSetup = new ConversationSetup({
    state,
    impl,
    config,
    seal: host.seal,
    keyPackages,
    mailboxPool,
    pacing,
    orgState: () => host.orgState(),
    refreshDirectory: () => host.refreshDirectory(),
    userByHandle: (h) => userByHandle(state, h),
    findGroup: (n) => findGroup(state, n),
    activeDevices: (h) => trust.activeDevices(h),
    setMls: (c, s) => host.setMls(c, s),
    queue: (to, e, t) => host.queue(to, e, t),
    save: () => host.save(),
    flushOutbox: () => host.flushOutbox(),
  });
  const sending: TextSending = new TextSending({
    state,
    impl,
    gossip: () => kt.gossip(),
    sync: () => host.sync(),
    refreshDirectory: () => host.refreshDirectory(),
    createConversation: (k, n, m, o) => host.createConversation(k, n, m, o),
    reconcile: (c, o) => host.reconcile(c, o),
    mls: (c) => host.mls(c),
    setMls: (c, s) => host.setMls(c, s),
    fanOut: (c, k, b) => host.fanOut(c, k, b),
    save: () => host.save(),
    flushOutbox: () => host.flushOutbox(),
    flushNow: () => outbox.flush(),
  });
  const ownDevices: OwnDevices = new OwnDevices({
    state,
    api,
    orgState: () => host.orgState(),
    conversations: () => host.conversations(),
    refreshDirectory: () => host.refreshDirectory(),
    sync: () => host.sync(),
    reconcile: (c) => host.reconcile(c),
    save: () => host.save(),
  });
  const groups: GroupChanges = new GroupChanges({
    state,
    orgState: () => host.orgState(),
    sync: () => host.sync(),
    createConversation: (k, n, m) => host.createConversation(k, n, m),
    commitWithLock: (c, m, s) => host.commitWithLock(c, m, s),
    save: () => host.save(),
  });
  const receiver: EnvelopeReceiver = new EnvelopeReceiver({
    state,
    impl,
    config,
    seal: host.seal,
    keyPackages,
    rotation,
    trust,
    kt,
    self,
    controls,
    conversations: () => host.conversations(),
    conversationName: (c) => host.conversationName(c),
    refreshDirectory: () => host.refreshDirectory(),
    mls: (c) => host.mls(c),
    setMls: (c, s) => host.setMls(c, s),
  });
  const round: InboxRound = new InboxRound({
    state,
    api,
    transport: watched,
    scheduler,
    trust,
    rotation,
    receiver,
    conversations: () => host.conversations(),
    refreshDirectory: () => host.refreshDirectory(),
    replenishKeyPackages: () => host.replenishKeyPackages(),
    save: () => host.save(),
  });
  return { impl, config, api, route, scheduler, watched, keyPackages, pacing, mailboxPool, rotation, outbox, membership, kt, trust, directoryRefresh, self, controls, setup, sending, ownDevices, groups, receiver, round };
}
