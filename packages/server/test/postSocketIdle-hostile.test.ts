/**
 * @module postSocketIdle-hostile.test
 * `WS /v1/post` (server/src/ws/postSocket.ts, corkForTurn.ts) against posters that go quiet,
 * leave mid-commit, stop reading, or send junk, on a stand-in socket and a stand-in commit
 * (acceptPost resolves when the test says), with fake timers:
 *  - a socket with nothing in flight for postSocketIdleMs is closed 1000 `IDLE`, not before;
 *    one with a frame still awaiting its commit is never idle, even after later frames were
 *    answered;
 *  - a poster that leaves, with or without frames in flight, leaves no timer behind (each would
 *    hold its socket's memory for the idle period: a cheap way to grow the relay);
 *  - unread replies may reach maxSocketSendBuffer exactly; one byte more drops the poster;
 *  - junk is answered under the frame's own envelope id from 65 bytes on, and is not counted as
 *    the relay's fault; a failing store is, once, and answered INTERNAL;
 *  - replies committed in one turn leave in one corked write.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { decodePostReply, DecodeError, type EnvelopeId } from '@hardline/protocol';
import type WebSocket from 'ws';
import type { RelayContext } from '../src/relayContext.ts';
import { handlePostSocket } from '../src/ws/postSocket.ts';
import { StandInSocket } from './support/standInSocket.ts';

type Commit = { readonly frame: Uint8Array; readonly accept: (id: EnvelopeId) => void; readonly refuse: (e: unknown) => void };
const commits = vi.hoisted(() => [] as Commit[]);
vi.mock('../src/post/acceptPost.ts', () => ({
  acceptPost: (_ctx: unknown, frame: Uint8Array) => new Promise((accept, refuse) => commits.push({ frame, accept, refuse })),
}));

const IDLE_MS = 30_000;
const ID_A = 'aa'.repeat(16) as EnvelopeId;
const ID_B = 'bb'.repeat(16) as EnvelopeId;

function poster(maxSocketSendBuffer = 1 << 20) {
  const ws = new StandInSocket();
  const errors: unknown[] = [];
  const ctx = { limits: { maxSocketSendBuffer, postSocketIdleMs: IDLE_MS }, internalError: (e: unknown) => errors.push(e) } as unknown as RelayContext;
  handlePostSocket(ctx, ws as unknown as WebSocket, 1);
  return { ws, errors, replies: () => ws.sent.map((r) => decodePostReply(r as Uint8Array)) };
}

/** Lets settled commits reach the socket (promise callbacks, then corkForTurn's next tick). */
const turn = () => new Promise<void>((r) => setImmediate(r));

beforeEach(() => {
  commits.length = 0;
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
});
afterEach(() => {
  vi.useRealTimers();
});

describe('a poster that goes quiet', () => {
  it('is closed 1000 IDLE once nothing was in flight for postSocketIdleMs, not a millisecond before', () => {
    const { ws } = poster();
    vi.advanceTimersByTime(IDLE_MS - 1);
    expect(ws.closed).toBeUndefined();
    vi.advanceTimersByTime(1);
    expect(ws.closed).toEqual([1000, 'IDLE']);
  });

  it('is not idle while a frame awaits its commit, even once later frames were answered', async () => {
    const { ws, replies } = poster();
    ws.frame(Buffer.alloc(80, 1));
    ws.frame(Buffer.alloc(80, 2));
    commits[1]!.refuse(new DecodeError('junk'));
    await turn();
    // The second reply waits behind the first: nothing sent, and the socket is not idle.
    expect(ws.sent).toEqual([]);
    vi.advanceTimersByTime(3 * IDLE_MS);
    expect(ws.closed).toBeUndefined();
    commits[0]!.accept(ID_A);
    await turn();
    expect(replies().map((r) => r.status)).toEqual(['accepted', 'rejected']);
    // Everything answered: the idle count starts again from here.
    vi.advanceTimersByTime(IDLE_MS - 1);
    expect(ws.closed).toBeUndefined();
    vi.advanceTimersByTime(1);
    expect(ws.closed).toEqual([1000, 'IDLE']);
  });
});

describe('a poster that leaves', () => {
  it('at once leaves no timer behind', () => {
    const { ws } = poster();
    ws.end();
    expect(vi.getTimerCount()).toBe(0);
  });

  it('with frames in flight leaves no timer behind once they commit, and is sent nothing', async () => {
    const { ws } = poster();
    ws.frame(Buffer.alloc(80, 1));
    ws.end();
    commits[0]!.accept(ID_A);
    await turn();
    expect(ws.sent).toEqual([]);
    expect(vi.getTimerCount()).toBe(0);
  });
});

describe('a poster that does not read its replies', () => {
  it('may leave exactly maxSocketSendBuffer unread; one byte more and it is dropped', async () => {
    const { ws } = poster(100);
    ws.bufferedAmount = 100;
    ws.frame(Buffer.alloc(80, 1));
    commits[0]!.accept(ID_A);
    await turn();
    expect(ws.terminated).toBe(false);
    ws.bufferedAmount = 101;
    ws.frame(Buffer.alloc(80, 2));
    commits[1]!.accept(ID_B);
    await turn();
    expect(ws.terminated).toBe(true);
    expect(ws.sent).toHaveLength(2);
  });
});

describe('refused frames', () => {
  it('are answered under the frame\'s envelope id from 65 bytes on, else under the zero id', async () => {
    const { ws, replies } = poster();
    const at65 = Buffer.concat([Buffer.alloc(49, 7), Buffer.from(ID_B, 'hex')]);
    ws.frame(at65.subarray(0, 64));
    ws.frame(at65);
    ws.frame(Buffer.alloc(1));
    for (const c of commits) c.refuse(new DecodeError('junk'));
    await turn();
    expect(replies().map((r) => r.envelopeId)).toEqual(['0'.repeat(32), ID_B, '0'.repeat(32)]);
  });

  it('are not counted as the relay\'s fault when the poster sent junk; a failing store is, once', async () => {
    const { ws, errors, replies } = poster();
    ws.frame(Buffer.alloc(80, 1));
    ws.frame(Buffer.alloc(80, 2));
    const disk = new Error('disk gone');
    commits[0]!.refuse(new DecodeError('junk'));
    commits[1]!.refuse(disk);
    await turn();
    expect(replies().map((r) => (r.status === 'rejected' ? r.code : r.status))).toEqual(['DECODE', 'INTERNAL']);
    expect(errors).toEqual([disk]);
  });
});

describe('replies committed in one turn', () => {
  it('leave in one corked write, uncorked on the next tick', async () => {
    const { ws } = poster();
    for (let i = 0; i < 3; i++) ws.frame(Buffer.alloc(80, i));
    for (const c of commits) c.accept(ID_A);
    await turn();
    expect(ws.log).toEqual(['cork', 'send', 'send', 'send', 'uncork']);
  });
});
