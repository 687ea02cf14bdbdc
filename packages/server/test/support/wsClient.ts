/**
 * @module wsClient
 * A WebSocket test client that queues every frame, so a test can await "the next text frame of
 * type X", "the next binary frame" or the close code without racing the socket.
 *
 * On an inbox it reads cover as the real client does: the relay pads each drain to DRAIN_FLOOR
 * envelopes and sends cover at round boundaries (src/ws/inboxConnection.ts, coverPush.ts), each
 * a well-formed envelope for a random mailbox. The client drops an envelope for a mailbox it does
 * not read; here, a binary frame whose mailbox id (envelope.ts: version byte, then the id) is none
 * this socket asked for in a subscribe is cover: `binary()` and `envelopes` pass over it, `covers`
 * lists it, and `drain()` checks the floor. A socket that never subscribed (a post socket) has none.
 */
import { ENVELOPE_HEADER_SIZE, ENVELOPE_VERSION, ID_SIZE } from '@hardline/protocol';
import WebSocket from 'ws';
import { DRAIN_FLOOR } from '../../src/ws/inboxConnection.ts';

type Frame = { readonly binary: boolean; readonly data: Buffer };

export class TestSocket {
  readonly ws: WebSocket;
  readonly frames: Frame[] = [];
  closeCode: number | undefined;
  /** Mailbox ids (hex) this socket asked for in its subscribes, granted or not. */
  readonly subscribedIds = new Set<string>();
  #subscribed = false;
  readonly #waiters: (() => void)[] = [];

  private constructor(ws: WebSocket) {
    this.ws = ws;
    ws.on('message', (data, binary) => {
      this.frames.push({ binary, data: Buffer.isBuffer(data) ? data : Buffer.from(data as ArrayBuffer) });
      this.#wake();
    });
    ws.on('close', (code) => {
      this.closeCode = code;
      this.#wake();
    });
    ws.on('error', () => {});
  }

  static async open(url: string, path: string): Promise<TestSocket> {
    const ws = new WebSocket(url.replace(/^http/, 'ws') + path, { maxPayload: 1 << 27 });
    const s = new TestSocket(ws);
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('error', reject);
    });
    return s;
  }

  #wake(): void {
    for (const w of this.#waiters.splice(0)) w();
  }

  async #until<T>(pick: () => T | undefined, timeoutMs: number): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const v = pick();
      if (v !== undefined) return v;
      if (Date.now() > deadline) throw new Error('timed out waiting for a frame');
      await new Promise<void>((resolve) => {
        this.#waiters.push(resolve);
        setTimeout(resolve, 50);
      });
    }
  }

  /** A binary frame the real client would drop as cover: an envelope for no mailbox it asked for. */
  isCover(f: Frame): boolean {
    if (!f.binary || !this.#subscribed) return false;
    if (f.data.length < ENVELOPE_HEADER_SIZE || f.data[0] !== ENVELOPE_VERSION) return false;
    return !this.subscribedIds.has(f.data.subarray(1, 1 + ID_SIZE).toString('hex'));
  }

  /** Binary frames still queued that are not cover. */
  get envelopes(): Frame[] {
    return this.frames.filter((f) => f.binary && !this.isCover(f));
  }

  /** Cover frames still queued. */
  get covers(): Frame[] {
    return this.frames.filter((f) => this.isCover(f));
  }

  /**
   * Takes everything up to and including the next "drained": checks that the drain carried at
   * least DRAIN_FLOOR envelopes, real and cover, and returns the real ones in order.
   */
  async drain(timeoutMs = 5000): Promise<{ envelopes: Buffer[]; covers: number }> {
    const isDrained = (f: Frame) => !f.binary && JSON.parse(f.data.toString()).type === 'drained';
    const at = await this.#until(() => {
      const i = this.frames.findIndex(isDrained);
      return i < 0 ? undefined : i;
    }, timeoutMs);
    const before = this.frames.splice(0, at + 1).slice(0, at);
    const binary = before.filter((f) => f.binary);
    if (binary.length < DRAIN_FLOOR) throw new Error(`a drain of ${binary.length} envelopes, below the floor of ${DRAIN_FLOOR}`);
    // Text frames before "drained" (replies to earlier requests) stay for the test to take.
    this.frames.unshift(...before.filter((f) => !f.binary));
    return { envelopes: binary.filter((f) => !this.isCover(f)).map((f) => f.data), covers: binary.filter((f) => this.isCover(f)).length };
  }

  /** Removes and returns the first frame matching `pred`. */
  take(pred: (f: Frame) => boolean, timeoutMs = 5000): Promise<Frame> {
    return this.#until(() => {
      const i = this.frames.findIndex(pred);
      return i < 0 ? undefined : this.frames.splice(i, 1)[0];
    }, timeoutMs);
  }

  async json(type: string, timeoutMs = 5000): Promise<any> {
    const f = await this.take((f) => !f.binary && JSON.parse(f.data.toString()).type === type, timeoutMs);
    return JSON.parse(f.data.toString());
  }

  /** The next binary frame that is not cover (cover stays queued, see `covers`). */
  async binary(timeoutMs = 5000): Promise<Buffer> {
    return (await this.take((f) => f.binary && !this.isCover(f), timeoutMs)).data;
  }

  closed(timeoutMs = 5000): Promise<number> {
    return this.#until(() => this.closeCode, timeoutMs);
  }

  send(data: string | Uint8Array): void {
    this.ws.send(data);
  }

  sendJson(v: unknown): void {
    const msg = v as { type?: unknown; mailboxes?: unknown };
    if (msg.type === 'subscribe' && Array.isArray(msg.mailboxes)) {
      this.#subscribed = true;
      for (const m of msg.mailboxes as { id?: unknown }[]) if (typeof m?.id === 'string') this.subscribedIds.add(m.id.toLowerCase());
    }
    this.ws.send(JSON.stringify(v));
  }

  close(): void {
    this.ws.terminate();
  }
}

/** An authenticated inbox, subscribed to `mailboxes`, past its first "drained". */
export async function openInbox(url: string, token: string, mailboxes: readonly { id: string; readCap: Buffer }[]) {
  const s = await TestSocket.open(url, '/v1/inbox');
  s.sendJson({ type: 'auth', token });
  s.sendJson({ type: 'subscribe', mailboxes: mailboxes.map((m) => ({ id: m.id, readCap: m.readCap.toString('base64url') })) });
  const subscribed = await s.json('subscribed');
  return { socket: s, subscribed };
}
