/**
 * @module textSending
 * The send path for text: the name resolved to a conversation (started if it is a first
 * message), the held-identity rule applied, the text encrypted part by part and fanned out, the
 * sent copy stored, then the outbox flushed. Messages that found no other member's device wait
 * in the conversation and go out from `sendWaiting` once a commit adds one. What HardlineClient
 * lends comes in through SendingHost.
 */
import { checkMessageLength, encodeAppMessage, encryptApplication, HardlineError, PayloadKind, randomBytes, textParts, toHex, type TextMessage } from '@hardline/protocol';
import type { CiphersuiteImpl, ClientState } from 'ts-mls';
import type { Conversation, DeviceState, StoredMessage } from './deviceState.ts';
import { resolveTarget } from './conversationLookup.ts';
import type { KeyTransparency } from './keyTransparency.ts';
import { isHeld } from './trustRules.ts';

/** The message is kept on this device and goes out later; nothing was lost. */
export class QueuedError extends HardlineError {
  constructor(message: string) {
    super('UNAVAILABLE', message);
    this.name = 'QueuedError';
  }
}

export type SendingHost = {
  readonly state: DeviceState;
  readonly impl: CiphersuiteImpl;
  /** The latest tree head for the text to carry (keyTransparency.ts). */
  gossip(): ReturnType<KeyTransparency['gossip']>;
  sync(): Promise<unknown>;
  refreshDirectory(): Promise<unknown>;
  createConversation(kind: 'direct', name: string, memberHandles: string[], opts: { flush: false }): Promise<Conversation>;
  reconcile(conv: Conversation, opts: { flush: false }): Promise<void>;
  mls(c: Conversation): ClientState;
  setMls(c: Conversation, s: ClientState): void;
  fanOut(conv: Conversation, kind: PayloadKind, body: Uint8Array): Promise<void>;
  save(): Promise<void>;
  /** Through the send scheduler. */
  flushOutbox(): Promise<number>;
  /** Past the send scheduler, at once. */
  flushNow(): Promise<number>;
};

export class TextSending {
  constructor(private readonly host: SendingHost) {}

  /**
   * Sends text; resolves once the relay has durably accepted every envelope. The sent message is
   * kept in the conversation (already shown), so a UI can list it beside what was received.
   */
  async send(to: string, text: string, opts: { sync?: boolean; now?: boolean } = {}): Promise<StoredMessage> {
    const h = this.host;
    if (text.length === 0) throw new HardlineError('VALIDATION', 'message is empty');
    // Checked before anything is sent or queued, so an over-long message leaves nothing behind.
    checkMessageLength(text);
    let offline = false;
    try {
      if (opts.sync !== false) await h.sync();
      else await h.refreshDirectory();
    } catch (e) {
      // With the relay down, a message to an existing conversation is still encrypted and queued.
      if (!(e instanceof HardlineError && e.code === 'UNAVAILABLE')) throw e;
      offline = true;
    }
    let target = resolveTarget(h.state, to);
    const peer = 'id' in target ? (target.roster.kind === 'direct' ? target.roster.members.find((m) => m !== h.state.handle) : undefined) : target.handle;
    if (peer && isHeld(h.state.pins ?? {}, peer)) {
      throw new HardlineError('IDENTITY_CHANGED', `${peer}'s identity key changed (a re-enrolment, or someone interfering): compare safety numbers, then accept the new key before sending`);
    }
    if (!('id' in target)) {
      if (target.handle === h.state.handle) throw new HardlineError('VALIDATION', 'cannot start a conversation with yourself');
      if (offline) throw new HardlineError('UNAVAILABLE', `the relay is unreachable, and a first message to ${target.handle} needs it; nothing was queued`);
      // The welcomes and the text then leave in one flush, below: if the relay stops answering
      // in between, the text is still queued behind them instead of being lost.
      target = await h.createConversation('direct', '', [target.handle], { flush: false });
    }
    if (!offline) await h.reconcile(target, { flush: false });
    const msg = await this.queueText(target, text);
    // Nobody else's device is in the group yet: the message is kept and sent again once one is.
    const others = target.roster.members.filter((m) => m !== h.state.handle);
    const reachable = others.length === 0 || target.roster.devices.some((d) => d.handle !== h.state.handle);
    const stored: StoredMessage = { id: msg.id, from: h.state.handle, text: msg.text, sentAt: msg.sentAt, receivedAt: msg.sentAt, shown: true, ...(reachable ? {} : { waiting: true }) };
    target.messages.push(stored);
    await h.save();
    // `now` (the CLI's --now) skips the send scheduler: weaker, the post follows the sync at once.
    await (opts.now ? h.flushNow() : h.flushOutbox());
    if (!reachable) {
      throw new QueuedError(`no device of ${others.join(', ')} can be reached yet (none has a KeyPackage left); the message is queued and goes out when one can`);
    }
    return stored;
  }

  /** Encrypts and queues without posting: used by `send` and by bulk senders (tests, bench). */
  async queueText(conv: Conversation, text: string, again?: { id: string; sentAt: string }): Promise<TextMessage> {
    const h = this.host;
    if (conv.left) throw new HardlineError('USAGE', 'this device is no longer in that conversation');
    const msg: TextMessage = { t: 'text', id: again?.id ?? toHex(randomBytes(8)), text, sentAt: again?.sentAt ?? new Date().toISOString(), ...h.gossip() };
    // A long message goes as several parts, each its own MLS message in its own envelope.
    for (const part of textParts(msg)) {
      const { newState, message } = await encryptApplication(h.mls(conv), encodeAppMessage(part), h.impl);
      h.setMls(conv, newState);
      await h.fanOut(conv, PayloadKind.MLS, message);
    }
    return msg;
  }

  /** Messages that found no recipient go out now that the group holds another member's device. */
  async sendWaiting(conv: Conversation): Promise<void> {
    for (const m of conv.messages) {
      if (!m.waiting || m.from !== this.host.state.handle) continue;
      await this.queueText(conv, m.text, m);
      delete m.waiting;
    }
  }
}
