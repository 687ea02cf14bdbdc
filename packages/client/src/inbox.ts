/**
 * @module inbox
 * The device's authenticated reading connection (WS /v1/inbox). It subscribes with read
 * capabilities, receives envelopes, and acknowledges them only after the caller has durably
 * stored their effect: decrypt, persist, then ack, so a crash can only cause a redelivery
 * (which MLS and the envelope-id set drop), never a loss.
 */
import { decodeEnvelope, HardlineError, toHex, type Envelope, type MailboxId } from '@hardline/protocol';
import { wsUrl } from './relayUrl.ts';
import { toBytes, type Transport, type WebSocketLike } from './transport.ts';

export type InboxEvents = {
  onEnvelope(e: Envelope): void;
  onDrained(): void;
  onClose(err: HardlineError): void;
};

export class Inbox {
  private ws: WebSocketLike | undefined;
  constructor(
    private readonly base: URL,
    private readonly transport: Transport,
  ) {}

  connect(token: string, mailboxes: { id: MailboxId; readCap: Uint8Array }[], events: InboxEvents): Promise<{ denied: string[] }> {
    return new Promise((resolve, reject) => {
      const ws = this.transport.openWebSocket(wsUrl(this.base, '/v1/inbox'));
      this.ws = ws;
      ws.binaryType = 'arraybuffer';
      let subscribed = false;
      ws.onopen = () => {
        ws.send(JSON.stringify({ type: 'auth', token }));
        ws.send(JSON.stringify({ type: 'subscribe', mailboxes: mailboxes.map((m) => ({ id: m.id, readCap: toHex(m.readCap) })) }));
      };
      ws.onerror = () => undefined;
      ws.onclose = (ev) => {
        const code = ev.code === 4003 ? 'REVOKED' : ev.code === 4401 ? 'UNAUTHENTICATED' : 'UNAVAILABLE';
        const err = new HardlineError(code, ev.code === 4003 ? 'this device has been revoked' : `inbox connection closed (${ev.code}${ev.reason ? `: ${ev.reason}` : ''})`);
        if (!subscribed) reject(err);
        events.onClose(err);
      };
      ws.onmessage = (ev) => {
        if (typeof ev.data === 'string') {
          let msg: { type?: string; denied?: string[] };
          try {
            msg = JSON.parse(ev.data);
          } catch {
            return;
          }
          if (msg.type === 'subscribed') {
            subscribed = true;
            resolve({ denied: msg.denied ?? [] });
          } else if (msg.type === 'drained') events.onDrained();
          return;
        }
        const bytes = toBytes(ev.data);
        if (!bytes) return;
        try {
          events.onEnvelope(decodeEnvelope(bytes));
        } catch {
          // A malformed push is the relay's bug, not ours to crash on.
        }
      };
    });
  }

  ack(items: { mailboxId: MailboxId; envelopeId: string }[]): void {
    if (items.length === 0 || !this.ws || this.ws.readyState !== 1) return;
    this.ws.send(JSON.stringify({ type: 'ack', items: items.map((i) => [i.mailboxId, i.envelopeId]) }));
  }

  close(): void {
    this.ws?.close(1000);
    this.ws = undefined;
  }
}
