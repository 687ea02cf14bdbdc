/**
 * @module inboxRound
 * One sync: connect the device's inbox with every mailbox it reads, hand each envelope to the
 * receiver (envelopeReceiver.ts), persist, then acknowledge; with `waitMs`, keep listening. After
 * the round, expire messages, top up KeyPackages and retire former mailboxes. HardlineClient's
 * `sync` delegates here; what it lends comes in through InboxRoundHost.
 */
import { fromHex, HardlineError, type Envelope, type MailboxId } from '@hardline/protocol';
import type { Conversation, DeviceState, ReceivedControl } from './deviceState.ts';
import type { EnvelopeReceiver, ReceivedMessage } from './envelopeReceiver.ts';
import type { IdentityTrust } from './identityTrust.ts';
import { Inbox } from './inbox.ts';
import type { MailboxRotation } from './mailboxRotation.ts';
import { expireMessages } from './messageExpiry.ts';
import { postWaits } from './poster.ts';
import type { RelayApi } from './relayApi.ts';
import { parseRelayUrl } from './relayUrl.ts';
import type { SendScheduler } from './sendScheduler.ts';
import type { Transport } from './transport.ts';

export type SyncOptions = {
  waitMs?: number;
  onMessage?: (m: ReceivedMessage) => void;
  /** Receipts, timers and call signalling, as they arrive (also kept for takeControls). */
  onControl?: (c: ReceivedControl) => void;
  /** Ends a long `waitMs` early (after the backlog is drained), so a caller can run another operation. */
  signal?: AbortSignal;
};

export type InboxRoundHost = {
  readonly state: DeviceState;
  readonly api: RelayApi;
  /** The platform's transport as the scheduler watches it (sessionWatch.ts). */
  readonly transport: Transport;
  readonly scheduler: Pick<SendScheduler, 'kick'>;
  readonly trust: Pick<IdentityTrust, 'advanceLinks'>;
  readonly rotation: MailboxRotation;
  readonly receiver: EnvelopeReceiver;
  conversations(): Conversation[];
  refreshDirectory(): Promise<unknown>;
  replenishKeyPackages(): Promise<number>;
  save(): Promise<void>;
};

export class InboxRound {
  constructor(private readonly host: InboxRoundHost) {}

  /**
   * Drains the inbox: processes every queued envelope, persists, then acknowledges. With
   * `waitMs`, keeps listening that long for new envelopes.
   */
  async sync(opts: SyncOptions = {}): Promise<ReceivedMessage[]> {
    const h = this.host;
    // Queued posts that must wait (relay down, a full mailbox) stay queued; receiving goes on.
    // With the send scheduler on, they go at its slots: receiving does not wait for them.
    await h.scheduler.kick().catch((e) => {
      if (!postWaits(e)) throw e;
    });
    await h.refreshDirectory();
    await h.trust.advanceLinks();
    const token = await h.api.sessionToken().catch(async (e) => {
      if (e instanceof HardlineError && e.code === 'REVOKED') {
        h.state.revoked = true;
        await h.save();
      }
      throw e;
    });
    const subs = [
      ...h.conversations().filter((c) => !c.left).map((c) => ({ id: c.mailbox.id, readCap: fromHex(c.mailbox.readCap, 32) })),
      ...h.rotation.subscriptions(),
      ...Object.entries(h.state.keyPackages).map(([id, kp]) => ({ id: id as MailboxId, readCap: fromHex(kp.readCap, 32) })),
    ];
    const received: ReceivedMessage[] = [];
    h.receiver.onControl = opts.onControl;
    const inbox = new Inbox(parseRelayUrl(h.state.server), h.transport);
    const queue: Envelope[] = [];
    let drained = false;
    let closed: HardlineError | undefined;
    let wake: () => void = () => undefined;
    const deadline = Date.now() + (opts.waitMs ?? 0);
    const onAbort = () => wake();
    opts.signal?.addEventListener('abort', onAbort);
    await inbox.connect(token, subs, {
      onEnvelope: (e) => {
        queue.push(e);
        wake();
      },
      onDrained: () => {
        drained = true;
        wake();
      },
      onClose: (err) => {
        closed = err;
        wake();
      },
    });
    try {
      for (;;) {
        if (queue.length > 0) {
          const batch = queue.splice(0, 256);
          let changed = false;
          for (const env of batch) changed = (await h.receiver.process(env, received, opts.onMessage)) || changed;
          // A batch of the relay's cover alone changes nothing: no save (strict sends one a round).
          if (changed) await h.save();
          inbox.ack(batch.map((e) => ({ mailboxId: e.mailboxId, envelopeId: e.envelopeId })));
          continue;
        }
        if (closed) {
          if (closed.code === 'REVOKED') {
            h.state.revoked = true;
            await h.save();
          }
          throw closed;
        }
        const remaining = opts.signal?.aborted ? 0 : deadline - Date.now();
        if (drained && remaining <= 0) break;
        await new Promise<void>((r) => {
          wake = r;
          if (drained) setTimeout(r, Math.max(remaining, 0));
        });
        wake = () => undefined;
      }
    } finally {
      opts.signal?.removeEventListener('abort', onAbort);
      inbox.close();
      h.receiver.onControl = undefined;
    }
    if (expireMessages(h.state, Date.now())) await h.save();
    await h.replenishKeyPackages().catch(() => undefined);
    // A former mailbox retired now gets one more drain (below) before it is forgotten.
    if (await h.rotation.retireDue().catch(() => false)) h.receiver.joinedUnsubscribed = true;
    if (h.receiver.joinedUnsubscribed) {
      // Joined through a last-resort KeyPackage: the conversation's mailbox is new, and what was
      // posted there after the Welcome waits for a subscription, so read it now, not next time.
      h.receiver.joinedUnsubscribed = false;
      received.push(...(await this.sync({ onMessage: opts.onMessage, onControl: opts.onControl })));
    }
    return received;
  }
}
