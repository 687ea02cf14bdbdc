/**
 * @module poster
 * Posts envelopes on the anonymous path (WS /v1/post). It never authenticates: a fresh
 * connection carries only send capabilities, so the relay cannot tie a post to an account.
 * Posts are pipelined; each resolves when the relay reports the envelope durably committed.
 *
 * A post on a `later` poster (`/v1/post?wake=later`) lets the relay time the recipient's push
 * wake-up by the recipient's privacy level (server push/wakeUps.ts): the send scheduler's
 * slots post that way. Any other post (a call's signal) wakes the recipient at once.
 */
import { decodePostReply, encodePostFrame, HardlineError, type Envelope, type EnvelopeId } from '@hardline/protocol';
import { wsUrl } from './relayUrl.ts';
import { toBytes, type Transport, type WebSocketLike } from './transport.ts';

/** Long enough to keep a burst (a group fan-out, call signalling) on one connection. */
const IDLE_CLOSE_MS = 200;

export type OutgoingPost = { readonly sendCap: Uint8Array; readonly envelope: Envelope };

/**
 * Refusals that pass with time (docs/protocol.md §6, "Quotas"): the relay kept nothing of the
 * envelope and lost nothing it held, so the caller keeps it queued (flushOutbox does) and posts
 * it again later. The message says why, and that waiting is the remedy.
 */
const LATER: Readonly<Record<string, string>> = {
  MAILBOX_FULL: "the recipient's mailbox on the relay is full until their device picks up its messages; it will be sent again later",
  DISK_FULL: "the relay's disk is nearly full; it will be sent again later",
};

/**
 * A post that failed for now: the relay was unreachable, or refused it for a quota that frees up
 * with time. The envelope stays queued; receiving must go on meanwhile (a recipient away for
 * long must not stop the sender from reading its own messages).
 */
export function postWaits(e: unknown): boolean {
  // AWAITING_INVITE: held on this device until the org's chain shows its invite (ingressRoute.ts).
  return e instanceof HardlineError && (e.code === 'UNAVAILABLE' || e.code === 'AWAITING_INVITE' || e.code in LATER);
}

function refusal(code: string): string {
  const later = LATER[code];
  return later ? `relay refused envelope (${code}): ${later}` : `relay refused envelope: ${code}`;
}

export class Poster {
  private ws: WebSocketLike | undefined;
  private opening: Promise<WebSocketLike> | undefined;
  private idleTimer: ReturnType<typeof setTimeout> | undefined;
  private openingWs: WebSocketLike | undefined;
  private readonly waiting = new Map<EnvelopeId, { ws: WebSocketLike; resolve: () => void; reject: (e: Error) => void }[]>();

  private sibling: Poster | undefined;

  constructor(
    private readonly base: URL,
    private readonly transport: Transport,
    private readonly wake: 'now' | 'later' = 'now',
  ) {}

  /** The same, on connections of its own whose posts may wake their recipients later. */
  later(): Poster {
    if (this.wake === 'later') return this;
    return (this.sibling ??= new Poster(this.base, this.transport, 'later'));
  }

  private open(): Promise<WebSocketLike> {
    if (this.ws && this.ws.readyState === 1) return Promise.resolve(this.ws);
    if (this.opening) return this.opening;
    this.opening = new Promise<WebSocketLike>((resolve, reject) => {
      const ws = this.transport.openWebSocket(wsUrl(this.base, this.wake === 'later' ? '/v1/post?wake=later' : '/v1/post'));
      ws.binaryType = 'arraybuffer';
      this.openingWs = ws;
      ws.onopen = () => {
        this.ws = ws;
        this.opening = undefined;
        this.openingWs = undefined;
        resolve(ws);
      };
      ws.onerror = () => undefined;
      ws.onclose = (ev) => {
        // An idle-closed connection may close after a fresh one took its place: touch only its own.
        if (this.ws === ws) this.ws = undefined;
        if (this.openingWs === ws) {
          this.opening = undefined;
          this.openingWs = undefined;
        }
        const err = new HardlineError('UNAVAILABLE', `posting connection closed (${ev.code})`);
        reject(err);
        this.failAll(ws, err);
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
        else w.reject(new HardlineError(reply.code as never, refusal(reply.code)));
        if (this.waiting.size === 0) this.scheduleIdleClose(ws);
      };
    });
    return this.opening;
  }

  private failAll(ws: WebSocketLike, err: Error): void {
    for (const [id, list] of this.waiting) {
      const keep = list.filter((w) => w.ws !== ws);
      for (const w of list) if (w.ws === ws) w.reject(err);
      if (keep.length === 0) this.waiting.delete(id);
      else this.waiting.set(id, keep);
    }
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
      list.push({ ws, resolve, reject });
      this.waiting.set(p.envelope.envelopeId, list);
    });
    ws.send(encodePostFrame(p.sendCap, p.envelope));
    return done;
  }

  /**
   * One anonymous connection carrying many posts would tie them together as one sender's, so a
   * connection is closed once its burst is answered, and the next send opens a fresh one.
   */
  private scheduleIdleClose(ws: WebSocketLike): void {
    if (this.idleTimer) clearTimeout(this.idleTimer);
    this.idleTimer = setTimeout(() => {
      this.idleTimer = undefined;
      if (this.ws === ws && this.waiting.size === 0) {
        this.ws = undefined;
        ws.close(1000);
      }
    }, IDLE_CLOSE_MS);
  }

  close(): void {
    this.sibling?.close();
    if (this.idleTimer) clearTimeout(this.idleTimer);
    this.ws?.close(1000);
    this.ws = undefined;
  }
}
