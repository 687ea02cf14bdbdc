/**
 * @module envelopeReceiver
 * What one envelope from the inbox does to this device: a Welcome joins a conversation; a
 * conversation's envelope is unsealed and fed to MLS (a commit, an application message, or one
 * for a later epoch, buffered until its commit arrives). inboxRound.ts drives it a batch at a
 * time; what HardlineClient lends (MLS state, the directory, the services that take controls
 * and gossip) comes in through ReceiverHost.
 */
import { boxOpen, decodeAppMessage, decodeBundle, decodeKeyPackage, decodeRoster, exportSecret, fromBase64Url, HardlineError, joinFromWelcome, openEnvelope, PayloadKind, processIncoming, toBase64Url, toHex, type Envelope, type Handle, type MailboxId } from '@hardline/protocol';
import type { CiphersuiteImpl, ClientConfig, ClientState } from 'ts-mls';
import { MAX_MESSAGES_PER_CONVERSATION, type Conversation, type DeviceState, type ReceivedControl, type StoredMessage } from './deviceState.ts';
import { acceptRoster } from './conversationSettings.ts';
import type { ConversationControls } from './conversationControls.ts';
import type { IdentityTrust } from './identityTrust.ts';
import type { KeyPackageSupply } from './keyPackageSupply.ts';
import type { KeyTransparency } from './keyTransparency.ts';
import type { MailboxRotation } from './mailboxRotation.ts';
import type { SealKeys } from './sealKeys.ts';
import type { SelfConversation } from './selfConversation.ts';
import { acceptTextPart } from './textParts.ts';

export type ReceivedMessage = {
  conversation: string;
  from: Handle;
  text: string;
  sentAt: string;
  receivedAt: string;
};

export type ReceiverHost = {
  readonly state: DeviceState;
  readonly impl: CiphersuiteImpl;
  readonly config: ClientConfig;
  readonly seal: SealKeys;
  readonly keyPackages: KeyPackageSupply;
  readonly rotation: MailboxRotation;
  readonly trust: Pick<IdentityTrust, 'advanceLinks'>;
  readonly kt: Pick<KeyTransparency, 'onPeerHead'>;
  readonly self: Pick<SelfConversation, 'accept'>;
  readonly controls: Pick<ConversationControls, 'receive'>;
  conversations(): Conversation[];
  conversationName(c: Conversation): string;
  refreshDirectory(): Promise<unknown>;
  mls(c: Conversation): ClientState;
  setMls(c: Conversation, s: ClientState): void;
};

export class EnvelopeReceiver {
  private readonly seenSet: Set<string>;
  /** The running sync's listener for receipts, timers and call signalling. */
  onControl: ((c: ReceivedControl) => void) | undefined;
  /** A Welcome joined a conversation through a mailbox this sync did not subscribe to (last resort). */
  joinedUnsubscribed = false;

  constructor(private readonly host: ReceiverHost) {
    this.seenSet = new Set(host.state.seen);
  }

  /** False when the envelope was for no mailbox of this device (the relay's cover): nothing to keep. */
  async process(env: Envelope, received: ReceivedMessage[], onMessage?: (m: ReceivedMessage) => void): Promise<boolean> {
    const h = this.host;
    const conv = h.conversations().find((c) => c.mailbox.id === env.mailboxId) ?? h.rotation.conversationOf(env.mailboxId);
    const kp = conv ? undefined : h.state.keyPackages[env.mailboxId];
    // Cover pushed by the relay names a random mailbox: dropped (and acknowledged with its batch)
    // without a place in `seen`, which it would otherwise fill, pushing out real entries.
    if (!conv && !kp) return false;
    const seenKey = `${env.mailboxId}:${env.envelopeId}`;
    if (this.seenSet.has(seenKey)) return false;
    this.seenSet.add(seenKey);
    h.state.seen.push(seenKey);
    try {
      if (conv) await this.processConversationEnvelope(conv, env, received, onMessage);
      // Not a Welcome: a conversation's envelope that overtook the commit moving this device here.
      else if (kp) await this.processWelcome(env, kp).catch(() => h.rotation.park(env));
    } catch (e) {
      // A bad envelope must not block the mailbox behind it; it is dropped and acknowledged.
      if (!(e instanceof HardlineError)) throw e;
    }
    return true;
  }

  private async processWelcome(env: Envelope, kp: DeviceState['keyPackages'][MailboxId]): Promise<void> {
    const h = this.host;
    const kpBytes = fromBase64Url(kp.publicBytes);
    const opened = await openEnvelope(await h.seal.keyPackage(kpBytes, env.mailboxId), env);
    if (opened.kind !== PayloadKind.WELCOME_BUNDLE) return;
    const bundle = decodeBundle(opened.body);
    const own = {
      publicPackage: decodeKeyPackage(kpBytes),
      privatePackage: {
        initPrivateKey: fromBase64Url(kp.initPrivateKey),
        hpkePrivateKey: fromBase64Url(kp.hpkePrivateKey),
        signaturePrivateKey: fromBase64Url(h.state.signKey),
      },
    };
    let mls: ClientState;
    try {
      mls = await joinFromWelcome(bundle.mls, own, h.impl, h.config);
    } catch {
      // A device just linked may not have its answer (and so its own identity key) yet.
      await h.refreshDirectory();
      await h.trust.advanceLinks();
      mls = await joinFromWelcome(bundle.mls, own, h.impl, h.config);
    }
    const roster = decodeRoster(await boxOpen(await exportSecret(mls, 'hardline/v1/roster', 32, h.impl), bundle.rosterBox));
    const id = toHex(mls.groupContext.groupId);
    const mailbox = h.keyPackages.joined(env.mailboxId, kp, roster);
    if (h.state.conversations[id]) return;
    if (mailbox.id !== env.mailboxId) this.joinedUnsubscribed = true;
    const conv: Conversation = { id, roster, mlsState: '', mailbox, pending: [], messages: [], left: false };
    h.setMls(conv, mls);
    h.state.conversations[id] = conv;
  }

  private async openConversation(conv: Conversation, env: Envelope) {
    let lastError: unknown;
    for (const secret of conv.roster.sealSecrets) {
      try {
        return await openEnvelope(await this.host.seal.conversation(secret, env.mailboxId), env);
      } catch (e) {
        lastError = e;
      }
    }
    throw lastError instanceof HardlineError ? lastError : new HardlineError('CRYPTO', 'envelope did not unseal');
  }

  private async processConversationEnvelope(conv: Conversation, env: Envelope, received: ReceivedMessage[], onMessage?: (m: ReceivedMessage) => void): Promise<void> {
    const opened = await this.openConversation(conv, env);
    if (opened.kind === PayloadKind.COVER || opened.kind === PayloadKind.WELCOME_BUNDLE) return;
    await this.handleMls(conv, opened.kind, opened.body, received, onMessage);
    // A commit may unlock buffered messages for the next epoch.
    for (let progressed = true; progressed && conv.pending.length > 0; ) {
      progressed = false;
      const epoch = this.host.mls(conv).groupContext.epoch.toString();
      const ready = conv.pending.filter((p) => p.epoch === epoch);
      if (ready.length === 0) break;
      conv.pending = conv.pending.filter((p) => p.epoch !== epoch);
      for (const p of ready) {
        const raw = fromBase64Url(p.bytes, 70_000);
        await this.handleMls(conv, raw[0] as PayloadKind, raw.subarray(1), received, onMessage).catch(() => undefined);
        progressed = true;
      }
    }
  }

  private async handleMls(conv: Conversation, kind: PayloadKind, body: Uint8Array, received: ReceivedMessage[], onMessage?: (m: ReceivedMessage) => void): Promise<void> {
    const h = this.host;
    const bundle = kind === PayloadKind.COMMIT_BUNDLE ? decodeBundle(body) : undefined;
    const mlsBytes = bundle ? bundle.mls : body;
    const state = h.mls(conv);
    let r;
    try {
      r = await processIncoming(state, mlsBytes, h.impl);
    } catch (e) {
      if (!(e instanceof HardlineError) || e.code !== 'CRYPTO') throw e;
      // A commit may add a device we have not seen yet: refresh the directory once and retry.
      await h.refreshDirectory();
      r = await processIncoming(state, mlsBytes, h.impl);
    }
    if (r.kind === 'stale') return;
    if (r.kind === 'future') {
      if (conv.pending.length < 10_000) {
        const raw = new Uint8Array(body.length + 1);
        raw[0] = kind;
        raw.set(body, 1);
        conv.pending.push({ epoch: r.epoch.toString(), bytes: toBase64Url(raw) });
      }
      return;
    }
    h.setMls(conv, r.newState);
    if (r.kind === 'commit') {
      if (r.removedSelf) {
        conv.left = true;
        return;
      }
      if (bundle) {
        const before = conv.roster;
        conv.roster = acceptRoster(before, decodeRoster(await boxOpen(await exportSecret(r.newState, 'hardline/v1/roster', 32, h.impl), bundle.rosterBox)), r.committer?.handle);
        // This device's new mailbox, when the commit removed someone (mailboxRotation.ts).
        if (h.rotation.adopt(conv, before)) this.joinedUnsubscribed = true;
        for (const early of h.rotation.unpark(conv)) await this.processConversationEnvelope(conv, early, received, onMessage).catch(() => undefined);
      }
      return;
    }
    const app = decodeAppMessage(r.data);
    if (app.t === 'text' && app.th) await h.kt.onPeerHead(app.th, r.sender.handle, app.lk);
    if (app.t === 'book-key') return h.self.accept(conv, r.sender.handle, app);
    if (app.t !== 'text') {
      const control = h.controls.receive(conv, r.sender.handle, r.sender.deviceId, app);
      if (control) this.onControl?.(control);
      return;
    }
    if (conv.messages.some((m) => m.id === app.id && m.from === r.sender.handle)) return;
    const whole = acceptTextPart(conv, r.sender.handle, app, new Date().toISOString());
    if (!whole) return;
    const stored: StoredMessage = { id: whole.id, from: r.sender.handle, text: whole.text, sentAt: whole.sentAt, receivedAt: new Date().toISOString(), shown: false };
    conv.messages.push(stored);
    if (conv.messages.length > MAX_MESSAGES_PER_CONVERSATION) conv.messages.splice(0, conv.messages.length - MAX_MESSAGES_PER_CONVERSATION);
    const out = { conversation: h.conversationName(conv), from: stored.from, text: stored.text, sentAt: stored.sentAt, receivedAt: stored.receivedAt };
    received.push(out);
    onMessage?.(out);
  }
}
