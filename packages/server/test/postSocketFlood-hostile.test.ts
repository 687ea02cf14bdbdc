/**
 * @module postSocketFlood-hostile.test
 * `WS /v1/post` (server/src/ws/postSocket.ts) against an anonymous poster who pipelines frames
 * faster than the relay commits them, on a stand-in socket (frames are handed to the relay's
 * handler directly, so the counts are exact and nothing depends on TCP chunking):
 *  - frames awaiting their reply are capped at 10,000 per socket: the 10,001st closes it 1008;
 *  - past 4 MiB of frames awaiting commit the socket is paused (no more bytes read from it), and
 *    resumed once half of that has been answered;
 *  - replies leave in frame order, each exactly once.
 */
import { EventEmitter } from 'node:events';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { decodePostReply } from '@hardline/protocol';
import type WebSocket from 'ws';
import type { RelayContext } from '../src/relayContext.ts';
import { handlePostSocket } from '../src/ws/postSocket.ts';

const MAX_IN_FLIGHT = 10_000;
const MAX_IN_FLIGHT_BYTES = 4 << 20;

class FakeSocket extends EventEmitter {
  readonly OPEN = 1;
  readonly CLOSED = 3;
  readyState = 1;
  bufferedAmount = 0;
  isPaused = false;
  readonly sent: Uint8Array[] = [];
  readonly log: string[] = [];
  closed: [number, string] | undefined;
  send(data: Uint8Array): void {
    this.sent.push(data);
  }
  pause(): void {
    this.isPaused = true;
    this.log.push(`pause@${this.frames}`);
  }
  resume(): void {
    this.isPaused = false;
    this.log.push(`resume@${this.sent.length}`);
  }
  close(code: number, reason: string): void {
    this.closed = [code, reason];
    this.readyState = 2;
  }
  terminate(): void {
    this.readyState = 3;
  }
  frames = 0;
  frame(bytes: Buffer): void {
    this.frames++;
    this.emit('message', bytes, true);
  }
}

function postSocket() {
  const ws = new FakeSocket();
  const ctx = {
    limits: { maxSocketSendBuffer: 4 << 20, postSocketIdleMs: 3_600_000 },
    internalError: () => {},
  } as unknown as RelayContext;
  handlePostSocket(ctx, ws as unknown as WebSocket, 1);
  return ws;
}

/** A frame the relay refuses at decode (it never reaches the store), of `size` bytes, numbered. */
const junk = (i: number, size = 1024): Buffer => {
  const b = Buffer.alloc(size);
  b.writeUInt32BE(i, 49);
  return b;
};

beforeEach(() => {
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
});
afterEach(() => {
  vi.useRealTimers();
});

describe('a poster that pipelines without waiting', () => {
  it('may have 10,000 frames awaiting replies; the 10,001st closes the socket 1008', async () => {
    const ws = postSocket();
    for (let i = 0; i < MAX_IN_FLIGHT; i++) ws.frame(junk(i, 64));
    expect(ws.closed).toBeUndefined();
    ws.frame(junk(MAX_IN_FLIGHT, 64));
    expect(ws.closed).toEqual([1008, 'TOO_MANY_IN_FLIGHT']);
  });

  it('is paused past 4 MiB awaiting commit, and resumed once half of it is answered', async () => {
    const ws = postSocket();
    const n = MAX_IN_FLIGHT_BYTES / 1024;
    for (let i = 0; i < n; i++) ws.frame(junk(i));
    // Exactly 4 MiB in flight: not past the bound.
    expect(ws.isPaused).toBe(false);
    ws.frame(junk(n));
    expect(ws.log).toEqual([`pause@${n + 1}`]);
    await vi.waitFor(() => expect(ws.sent).toHaveLength(n + 1));
    // Resumed when 2 MiB were left in flight: after 2,049 answers, before the 2,049th reply left.
    expect(ws.log).toEqual([`pause@${n + 1}`, `resume@${n + 1 - (n / 2 + 1)}`]);
    expect(ws.isPaused).toBe(false);
    // Every frame answered once, in order, under its own id.
    const ids = ws.sent.map((r) => decodePostReply(r).envelopeId.slice(0, 8));
    expect(ids).toEqual(Array.from({ length: n + 1 }, (_, i) => i.toString(16).padStart(8, '0')));
  });
});
