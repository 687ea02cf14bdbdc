/**
 * @module selfConversation
 * The conversation a user holds with only their own devices: how per-user services (the
 * contact book's key) reach the user's other devices, end to end, without the relay learning
 * what they say. This file finds or creates it, sends into it, and keeps what arrives in a
 * bounded inbox for the services to take. Control messages count only from the user's own
 * devices in their own self conversation: from anyone else they would let a stranger hand this
 * user's devices a key. HardlineClient delegates here; its public methods stay as they were.
 */
import { encodeAppMessage, encryptApplication, PayloadKind, type ControlMessage, type DeviceId, type Handle } from '@hardline/protocol';
import type { CiphersuiteImpl, ClientState } from 'ts-mls';
import { MAX_SELF_INBOX, type Conversation, type DeviceState } from './deviceState.ts';

export type SelfConversationHost = {
  readonly state: DeviceState;
  readonly impl: CiphersuiteImpl;
  conversations(): Conversation[];
  createSelf(): Promise<Conversation>;
  refreshDirectory(): Promise<unknown>;
  reconcile(conv: Conversation): Promise<void>;
  mls(c: Conversation): ClientState;
  setMls(c: Conversation, s: ClientState): void;
  fanOut(conv: Conversation, kind: PayloadKind, body: Uint8Array): Promise<void>;
  save(): Promise<void>;
  flushOutbox(): Promise<number>;
};

export class SelfConversation {
  constructor(private readonly host: SelfConversationHost) {}

  private find(): Conversation | undefined {
    const own = this.host.state.handle;
    // Two devices may each have created one before hearing of the other: any of them will do.
    return this.host
      .conversations()
      .filter((c) => !c.left && c.roster.kind === 'self' && c.roster.members.length === 1 && c.roster.members[0] === own)
      .sort((a, b) => a.id.localeCompare(b.id))[0];
  }

  /**
   * Ensures this user's self conversation exists and holds every active device of the user
   * (creating or reconciling it), and returns the devices it now holds.
   */
  async ensure(): Promise<DeviceId[]> {
    const h = this.host;
    let conv = this.find();
    if (!conv) conv = await h.createSelf();
    else {
      await h.refreshDirectory();
      await h.reconcile(conv);
    }
    return conv.roster.devices.map((d) => d.deviceId);
  }

  /** Sends a control message to this user's other devices, through the self conversation. */
  async send(message: ControlMessage): Promise<void> {
    const h = this.host;
    await this.ensure();
    const conv = this.find()!;
    const { newState, message: mls } = await encryptApplication(h.mls(conv), encodeAppMessage(message), h.impl);
    h.setMls(conv, newState);
    await h.fanOut(conv, PayloadKind.MLS, mls);
    await h.save();
    await h.flushOutbox();
  }

  /** Control messages received from this user's other devices since the last call. */
  async take(): Promise<ControlMessage[]> {
    const s = this.host.state;
    const out = s.selfInbox ?? [];
    if (out.length === 0) return [];
    s.selfInbox = [];
    await this.host.save();
    return out;
  }

  /** Only the user's own devices, in their self conversation, may send control messages. */
  accept(conv: Conversation, from: Handle, m: ControlMessage): void {
    const s = this.host.state;
    if (conv.roster.kind !== 'self' || from !== s.handle || conv.roster.members.some((h) => h !== s.handle)) return;
    const inbox = (s.selfInbox ??= []);
    if (inbox.some((x) => x.id === m.id)) return;
    inbox.push(m);
    if (inbox.length > MAX_SELF_INBOX) inbox.splice(0, inbox.length - MAX_SELF_INBOX);
  }
}
