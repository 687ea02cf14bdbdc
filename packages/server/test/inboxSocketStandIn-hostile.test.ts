/**
 * @module inboxSocketStandIn-hostile.test
 * `WS /v1/inbox` (server/src/ws/inboxSocket.ts) against readers that never authenticate,
 * pipeline, leave mid-lookup or ack what is not theirs, on a stand-in socket, a stand-in store
 * whose lookups answer when the test says, and the relay's own hub (its size view shows what a
 * closed reader left behind):
 *  - a socket that never authenticates is closed 4401 `UNAUTHENTICATED` at wsAuthTimeoutMs;
 *  - eight frames awaiting their turn pause the socket (seven do not); it resumes once fewer
 *    than four are left, exactly once;
 *  - a session whose device is gone or revoked by the time the store answers closes `REVOKED`;
 *  - a reader that leaves while the store looks up its device or its mailboxes leaves nothing in
 *    the hub, and its queued frames cost no further lookups;
 *  - acks naming only mailboxes the reader does not read never reach the store (each would be a
 *    write transaction);
 *  - junk is not counted as the relay's fault; a failing store is, once, and closes 1011.
 */
import { beforeEach, afterEach, describe, expect, it, vi } from 'vitest';
import type WebSocket from 'ws';
import { ManualClock } from '../../../test/support/manualClock.ts';
import type { RelayContext } from '../src/relayContext.ts';
import { InboxHub } from '../src/ws/inboxHub.ts';
import { handleInboxSocket } from '../src/ws/inboxSocket.ts';
import { PUSH_ROUND_POLICIES } from '../src/ws/pushRoundPolicy.ts';
import { PushRounds } from '../src/ws/pushRounds.ts';
import { sha256 } from './support/envelopes.ts';
import { StandInSocket } from './support/standInSocket.ts';

const AUTH_MS = 10_000;
const CAP = Buffer.alloc(32, 5);
const M1 = '11'.repeat(16);
const P1 = '22'.repeat(16);

/** A store answer the test releases. */
function later<T>() {
  let release!: (v: T) => void;
  let fail!: (e: unknown) => void;
  const promise = new Promise<T>((res, rej) => ((release = res), (fail = rej)));
  return { promise, release, fail };
}

function reader() {
  const ws = new StandInSocket();
  const hub = new InboxHub(new PushRounds(PUSH_ROUND_POLICIES.off, { clock: new ManualClock(), random: () => 0 }));
  const device = later<{ revoked: boolean } | undefined>();
  const lookups: string[] = [];
  const mailboxAnswers: ReturnType<typeof later<unknown>>[] = [];
  const acks: unknown[] = [];
  const errors: unknown[] = [];
  const store = {
    getDevice: () => device.promise,
    getMailbox: (id: string) => {
      lookups.push(id);
      const a = later<unknown>();
      mailboxAnswers.push(a);
      return a.promise;
    },
    listEnvelopes: async () => [],
    ackEnvelopes: async (items: unknown) => void acks.push(items),
  };
  const ctx = {
    hub,
    store,
    limits: { maxSocketSendBuffer: 1 << 20, wsAuthTimeoutMs: AUTH_MS },
    sessions: { lookup: (t: string) => (t === 'good' ? 'dev-1' : undefined) },
    observer: undefined,
    now: () => 0,
    internalError: (e: unknown) => errors.push(e),
  } as unknown as RelayContext;
  handleInboxSocket(ctx, ws as unknown as WebSocket, 1);
  const send = (v: unknown) => ws.frame(JSON.stringify(v));
  const subscribe = (...ids: string[]) => send({ type: 'subscribe', mailboxes: ids.map((id) => ({ id, readCap: CAP.toString('base64url') })) });
  return { ws, hub, device, lookups, mailboxAnswers, acks, errors, send, subscribe };
}

/** Lets the reader's frame chain run as far as the store's answers allow. */
const settle = async () => {
  for (let i = 0; i < 5; i++) await new Promise<void>((r) => setImmediate(r));
};
const EMPTY = { mailboxes: 0, pending: 0, devices: 0 };

beforeEach(() => vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] }));
afterEach(() => vi.useRealTimers());

describe('a reader that never authenticates', () => {
  it('is closed 4401 UNAUTHENTICATED at wsAuthTimeoutMs, not before', () => {
    const { ws } = reader();
    vi.advanceTimersByTime(AUTH_MS - 1);
    expect(ws.closed).toBeUndefined();
    vi.advanceTimersByTime(1);
    expect(ws.closed).toEqual([4401, 'UNAUTHENTICATED']);
  });
});

describe('a reader that pipelines', () => {
  it('is paused at its 8th unhandled frame, and resumed once, when fewer than 4 are left', async () => {
    const r = reader();
    let answeredAtResume = -1;
    const resume = r.ws.resume.bind(r.ws);
    r.ws.resume = () => {
      answeredAtResume = r.ws.json.filter((j) => j.type === 'subscribed').length;
      resume();
    };
    // The auth waits on the store, so every frame behind it waits too.
    r.send({ type: 'auth', token: 'good' });
    for (let i = 0; i < 6; i++) r.subscribe();
    expect(r.ws.log).toEqual([]);
    r.subscribe();
    expect(r.ws.log).toEqual(['pause']);
    r.device.release({ revoked: false });
    await settle();
    // 8 queued: the auth and 4 subscribes handled leave 3.
    expect(answeredAtResume).toBe(4);
    // (Each drain's cover is corked like any push: only the flow control matters here.)
    expect(r.ws.log.filter((l) => l === 'pause' || l === 'resume')).toEqual(['pause', 'resume']);
    expect(r.ws.json.filter((j) => j.type === 'subscribed')).toHaveLength(7);
  });
});

describe('a session whose device went away', () => {
  for (const [what, answer] of [['revoked', { revoked: true }], ['deleted', undefined]] as const) {
    it(`closes REVOKED when the device is ${what} by the time the store answers`, async () => {
      const r = reader();
      r.send({ type: 'auth', token: 'good' });
      r.device.release(answer);
      await settle();
      expect(r.ws.closed).toEqual([4003, 'REVOKED']);
      expect(r.hub.size).toEqual(EMPTY);
    });
  }
});

describe('a reader that leaves mid-lookup', () => {
  it('while its device is looked up: it is not attached', async () => {
    const r = reader();
    r.send({ type: 'auth', token: 'good' });
    await settle();
    r.ws.end();
    r.device.release({ revoked: false });
    await settle();
    expect(r.hub.size).toEqual(EMPTY);
  });

  it('while its mailboxes are looked up: nothing is left in the hub, and what it queued is not looked up', async () => {
    const r = reader();
    r.send({ type: 'auth', token: 'good' });
    r.device.release({ revoked: false });
    await settle();
    r.subscribe(M1, P1);
    r.subscribe(P1);
    await settle();
    expect(r.lookups).toEqual([M1]);
    r.ws.end();
    // M1 is claimed with this read capability; P1 is not claimed yet.
    r.mailboxAnswers[0]!.release({ id: M1, readCapHash: sha256(CAP) });
    await settle();
    for (const a of r.mailboxAnswers.slice(1)) a.release(undefined);
    await settle();
    expect(r.hub.size).toEqual(EMPTY);
    expect(r.lookups).toEqual([M1]);
  });
});

describe('acks', () => {
  it('naming only mailboxes the reader does not read never reach the store', async () => {
    const r = reader();
    r.send({ type: 'auth', token: 'good' });
    r.device.release({ revoked: false });
    r.send({ type: 'ack', items: [[M1, 'ab'.repeat(16)]] });
    await settle();
    expect(r.acks).toEqual([]);
    expect(r.ws.closed).toBeUndefined();
  });
});

describe('errors', () => {
  it('junk is refused 4400 DECODE and not counted as the relay\'s fault', async () => {
    const r = reader();
    r.ws.frame('{not json');
    await settle();
    expect(r.ws.json).toMatchObject([{ type: 'error', error: { code: 'DECODE' } }]);
    expect(r.ws.closed?.[0]).toBe(4400);
    expect(r.errors).toEqual([]);
  });

  it('a failing store is counted once and closes 1011 INTERNAL', async () => {
    const r = reader();
    r.send({ type: 'auth', token: 'good' });
    const disk = new Error('disk gone');
    r.device.fail(disk);
    await settle();
    expect(r.ws.json).toMatchObject([{ type: 'error', error: { code: 'INTERNAL' } }]);
    expect(r.ws.closed).toEqual([1011, 'INTERNAL']);
    expect(r.errors).toEqual([disk]);
  });
});
