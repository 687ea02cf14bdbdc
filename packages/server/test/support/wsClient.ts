/**
 * @module wsClient
 * A WebSocket test client that queues every frame, so a test can await "the next text frame of
 * type X", "the next binary frame" or the close code without racing the socket.
 */
import WebSocket from 'ws';

type Frame = { readonly binary: boolean; readonly data: Buffer };

export class TestSocket {
  readonly ws: WebSocket;
  readonly frames: Frame[] = [];
  closeCode: number | undefined;
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

  async binary(timeoutMs = 5000): Promise<Buffer> {
    return (await this.take((f) => f.binary, timeoutMs)).data;
  }

  closed(timeoutMs = 5000): Promise<number> {
    return this.#until(() => this.closeCode, timeoutMs);
  }

  send(data: string | Uint8Array): void {
    this.ws.send(data);
  }

  sendJson(v: unknown): void {
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
