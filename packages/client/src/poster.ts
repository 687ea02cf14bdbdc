/**
 * @module poster
 * Posts envelopes on the anonymous path (WS /v1/post). It never authenticates: a fresh
 * connection carries only send capabilities, so the relay cannot tie a post to an account.
 * Posts are pipelined; each resolves when the relay reports the envelope durably committed.
 */
import { decodePostReply, encodePostFrame, HardlineError, type Envelope, type EnvelopeId } from '@hardline/protocol';
import { wsUrl } from './relayUrl.ts';
import { toBytes, type Transport, type WebSocketLike } from './transport.ts';

export type OutgoingPost = { readonly sendCap: Uint8Array; readonly envelope: Envelope };

export class Poster {
  private ws: WebSocketLike | undefined;
  private opening: Promise<WebSocketLike> | undefined;
  private readonly waiting = new Map<EnvelopeId, { resolve: () => void; reject: (e: Error) => void }[]>();

  constructor(
    private readonly base: URL,
    private readonly transport: Transport,
  ) {}

  private open(): Promise<WebSocketLike> {
    if (this.ws && this.ws.readyState === 1) return Promise.resolve(this.ws);
    if (this.opening) return this.opening;
    this.opening = new Promise<WebSocketLike>((resolve, reject) => {
      const ws = this.transport.openWebSocket(wsUrl(this.base, '/v1/post'));
      ws.binaryType = 'arraybuffer';
      ws.onopen = () => {
        this.ws = ws;
        this.opening = undefined;
        resolve(ws);
      };
      ws.onerror = () => undefined;
      ws.onclose = (ev) => {
        this.opening = undefined;
        this.ws = undefined;
        const err = new HardlineError('UNAVAILABLE', `posting connection closed (${ev.code})`);
        reject(err);
        this.failAll(err);
      };
      ws.onmessage = (ev) => {
        const bytes = toBytes(ev.data);
        if (!bytes) return;
        let reply;
        try {
          reply = decodePostReply(bytes);
        } catch {
          return;
        }
        const list = this.waiting.get(reply.envelopeId);
        const w = list?.shift();
        if (list && list.length === 0) this.waiting.delete(reply.envelopeId);
        if (!w) return;
        if (reply.status === 'accepted') w.resolve();
        else w.reject(new HardlineError(reply.code as never, `relay refused envelope: ${reply.code}`));
      };
    });
    return this.opening;
  }

  private failAll(err: Error): void {
    for (const list of this.waiting.values()) for (const w of list) w.reject(err);
    this.waiting.clear();
  }

  async post(p: OutgoingPost): Promise<void> {
    let ws: WebSocketLike;
    try {
      ws = await this.open();
    } catch (e) {
      throw e instanceof HardlineError ? e : new HardlineError('UNAVAILABLE', 'relay is unreachable', { cause: e });
    }
    const done = new Promise<void>((resolve, reject) => {
      const list = this.waiting.get(p.envelope.envelopeId) ?? [];
      list.push({ resolve, reject });
      this.waiting.set(p.envelope.envelopeId, list);
    });
    ws.send(encodePostFrame(p.sendCap, p.envelope));
    return done;
  }

  close(): void {
    this.ws?.close(1000);
    this.ws = undefined;
  }
}
