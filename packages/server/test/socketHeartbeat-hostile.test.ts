/**
 * @module socketHeartbeat-hostile.test
 * The WebSocket heartbeat and per-socket helpers (server/src/ws: heartbeat.ts, socketBounds.ts),
 * on fake timers, so nothing depends on how fast a loaded machine answers a ping:
 *  - a peer that vanished (a phone off the network) is dropped at the second tick after its
 *    last sign of life, and is not pinged again; a peer that answers pings, or only sends
 *    frames, is kept for good; a socket that opened just before a tick is not dropped by it;
 *    a stopped heartbeat touches nothing;
 *  - a frame bound set on one socket reaches ws's receiver, or says it could not;
 *  - closeSoon sends a close frame to an open socket and drops it if the peer never answers.
 */
import { EventEmitter } from 'node:events';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { WebSocket, WebSocketServer } from 'ws';
import { startHeartbeat } from '../src/ws/heartbeat.ts';
import { closeSoon, setFrameBound } from '../src/ws/socketBounds.ts';

const TICK = 1_000;

class FakeSocket extends EventEmitter {
  pings = 0;
  terminated = false;
  closed: [number, string] | undefined;
  readonly CONNECTING = 0;
  readonly OPEN = 1;
  readonly CLOSING = 2;
  readonly CLOSED = 3;
  constructor(public readyState = 1) {
    super();
  }
  ping(): void {
    this.pings++;
  }
  terminate(): void {
    this.terminated = true;
  }
  close(code: number, reason: string): void {
    this.closed = [code, reason];
  }
}

class FakeServer extends EventEmitter {
  readonly clients = new Set<FakeSocket>();
  connect(s = new FakeSocket()): FakeSocket {
    this.clients.add(s);
    this.emit('connection', s);
    return s;
  }
}

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

const start = (wss: FakeServer) => startHeartbeat(wss as unknown as WebSocketServer, TICK);

describe('the heartbeat', () => {
  it('drops a peer that stopped answering at the second tick, and pings it no more', () => {
    const wss = new FakeServer();
    const stop = start(wss);
    const gone = wss.connect();
    vi.advanceTimersByTime(TICK);
    expect(gone.pings).toBe(1);
    expect(gone.terminated).toBe(false);
    vi.advanceTimersByTime(TICK);
    expect(gone.terminated).toBe(true);
    expect(gone.pings).toBe(1);
    stop();
  });

  it('keeps a peer that answers every ping', () => {
    const wss = new FakeServer();
    const stop = start(wss);
    const s = wss.connect();
    for (let i = 0; i < 5; i++) {
      vi.advanceTimersByTime(TICK);
      s.emit('pong');
    }
    expect(s.terminated).toBe(false);
    expect(s.pings).toBe(5);
    stop();
  });

  it('keeps a busy peer whose frames come instead of its pongs', () => {
    const wss = new FakeServer();
    const stop = start(wss);
    const s = wss.connect();
    for (let i = 0; i < 5; i++) {
      vi.advanceTimersByTime(TICK);
      s.emit('message', Buffer.from('{}'), false);
    }
    expect(s.terminated).toBe(false);
    stop();
  });

  it('does not drop a socket that opened just before a tick', () => {
    const wss = new FakeServer();
    const stop = start(wss);
    vi.advanceTimersByTime(TICK - 1);
    const s = wss.connect();
    vi.advanceTimersByTime(1);
    expect(s.terminated).toBe(false);
    expect(s.pings).toBe(1);
    stop();
  });

  it('once stopped, pings and drops nothing', () => {
    const wss = new FakeServer();
    const stop = start(wss);
    const s = wss.connect();
    stop();
    vi.advanceTimersByTime(5 * TICK);
    expect(s.pings).toBe(0);
    expect(s.terminated).toBe(false);
  });
});

describe('per-socket bounds', () => {
  it("sets the frame bound on ws's receiver, and says when there is none to set", () => {
    const ws = { _receiver: { _maxPayload: 100 } };
    expect(setFrameBound(ws as unknown as WebSocket, 4096)).toBe(true);
    expect(ws._receiver._maxPayload).toBe(4096);
    expect(setFrameBound({} as unknown as WebSocket, 4096)).toBe(false);
    const other = { _receiver: { _maxPayload: '100' } };
    expect(setFrameBound(other as unknown as WebSocket, 4096)).toBe(false);
    expect(other._receiver._maxPayload).toBe('100');
  });

  it('closeSoon: a close frame now, and the socket dropped after the grace if the peer never answers', () => {
    const s = new FakeSocket();
    closeSoon(s as unknown as WebSocket, 1008, 'TOO_MANY_IN_FLIGHT', 500);
    expect(s.closed).toEqual([1008, 'TOO_MANY_IN_FLIGHT']);
    vi.advanceTimersByTime(499);
    expect(s.terminated).toBe(false);
    vi.advanceTimersByTime(1);
    expect(s.terminated).toBe(true);
    // The default grace is a second.
    const t = new FakeSocket();
    closeSoon(t as unknown as WebSocket, 1000, 'IDLE');
    vi.advanceTimersByTime(999);
    expect(t.terminated).toBe(false);
    vi.advanceTimersByTime(1);
    expect(t.terminated).toBe(true);
  });

  it('closeSoon on a socket still opening or closing sends no close frame, but still drops it', () => {
    for (const state of [0, 2]) {
      const s = new FakeSocket(state);
      closeSoon(s as unknown as WebSocket, 1000, 'IDLE', 10);
      expect(s.closed).toBeUndefined();
      vi.advanceTimersByTime(10);
      expect(s.terminated).toBe(true);
    }
  });
});
