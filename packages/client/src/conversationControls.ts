/**
 * @module conversationControls
 * Everything in a conversation that is not a text: receipts, disappearing-message timers and
 * call signalling, sent end to end like messages and kept, bounded, until the app takes them;
 * and the keys a call's media is encrypted under (SFrame, RFC 9605 §5.2), exported from the
 * conversation's MLS epoch so the relay that carries the call never holds them.
 * HardlineClient delegates here; its public methods stay as they were.
 */
import { encodeAppMessage, encryptApplication, exportSecret, HardlineError, members, PayloadKind, type ConversationControl, type DeviceId, type Handle } from '@hardline/protocol';
import type { CiphersuiteImpl, ClientState } from 'ts-mls';
import { MAX_CONTROLS_PER_CONVERSATION, type Conversation, type DeviceState, type ReceivedControl } from './deviceState.ts';

export type CallKeys = { epoch: bigint; epochSecret: Uint8Array; ownLeafIndex: number; members: { leafIndex: number; handle: Handle; deviceId: DeviceId }[] };

export type ControlsHost = {
  readonly state: DeviceState;
  readonly impl: CiphersuiteImpl;
  conversations(): Conversation[];
  mls(c: Conversation): ClientState;
  setMls(c: Conversation, s: ClientState): void;
  /** `urgent`: queued for the `flushNow` that follows (urgentPosts.ts). */
  fanOut(conv: Conversation, kind: PayloadKind, body: Uint8Array, urgent?: boolean): Promise<void>;
  save(): Promise<void>;
  /** Posts at the scheduler's next slot (or at once with the scheduler off). */
  flushOutbox(): Promise<number>;
  /** Posts now, past the scheduler, what was queued urgent (and what it must not overtake). */
  flushNow(): Promise<number>;
  /** POLICY_FORBIDS unless the org policy allows this device calls. */
  requireCalls(): void;
};

export class ConversationControls {
  constructor(private readonly host: ControlsHost) {}

  private open(conversationId: string): Conversation {
    const conv = this.host.state.conversations[conversationId];
    if (!conv || conv.left) throw new HardlineError('NOT_FOUND', 'no such conversation on this device');
    return conv;
  }

  /**
   * Sends a receipt, timer or call signal to everyone in the conversation. It does not sync
   * first: call signalling must be quick, and a signal in a slightly old epoch still decrypts.
   */
  async send(conversationId: string, message: ConversationControl): Promise<void> {
    const h = this.host;
    const conv = this.open(conversationId);
    // Call signalling keeps call setup within its budget (1.5 s): it posts at once, not at the
    // scheduler's slots; decoupling it is the calls part of issue 12 (docs/protocol.md §7).
    // Only the signal itself (urgentPosts.ts): a signal the victim's app sends by itself when
    // an insider rings must not take the victim's other waiting texts along, unmarked.
    const urgent = message.t === 'call';
    const { newState, message: mls } = await encryptApplication(h.mls(conv), encodeAppMessage(message), h.impl);
    h.setMls(conv, newState);
    await h.fanOut(conv, PayloadKind.MLS, mls, urgent);
    await h.save();
    await (urgent ? h.flushNow() : h.flushOutbox());
  }

  /** Keeps a control that arrived; undefined for a repeat of one already kept. */
  receive(conv: Conversation, from: Handle, fromDevice: DeviceId, message: ConversationControl): ReceivedControl | undefined {
    const control: ReceivedControl = { conversation: conv.id, from, fromDevice, message, receivedAt: new Date().toISOString() };
    const list = (conv.controls ??= []);
    if (list.some((x) => x.message.id === message.id && x.fromDevice === fromDevice)) return undefined;
    list.push(control);
    if (list.length > MAX_CONTROLS_PER_CONVERSATION) list.splice(0, list.length - MAX_CONTROLS_PER_CONVERSATION);
    return control;
  }

  /**
   * Controls received since the last call, oldest first. With `which`, takes only those it
   * selects and leaves the rest (the web app handles call signals live and drops them here).
   */
  async take(which?: (c: ReceivedControl) => boolean): Promise<ReceivedControl[]> {
    const out: ReceivedControl[] = [];
    for (const c of this.host.conversations()) {
      if (c.controls && c.controls.length > 0) {
        const taken = which ? c.controls.filter(which) : c.controls;
        out.push(...taken);
        c.controls = which ? c.controls.filter((x) => !which(x)) : [];
      }
    }
    if (out.length > 0) await this.host.save();
    return out.sort((a, b) => a.receivedAt.localeCompare(b.receivedAt));
  }

  /**
   * What SFrame needs for a call in this conversation (RFC 9605 §5.2): the epoch, its
   * "SFrame 1.0 Secret" exporter value, this device's leaf index, and every member's leaf.
   */
  async callKeys(conversationId: string): Promise<CallKeys> {
    // Calls are keyed from here: a device whose policy forbids calls cannot place or join one.
    this.host.requireCalls();
    const conv = this.open(conversationId);
    const mls = this.host.mls(conv);
    return {
      epoch: mls.groupContext.epoch,
      epochSecret: await exportSecret(mls, 'SFrame 1.0 Secret', 32, this.host.impl),
      ownLeafIndex: mls.privatePath.leafIndex,
      members: members(mls).map((m) => ({ leafIndex: m.leafIndex, handle: m.id.handle, deviceId: m.id.deviceId })),
    };
  }
}
