/**
 * @module inboxSocketAbuse-hostile.test
 * `WS /v1/inbox` (server/src/ws/inboxSocket.ts, inboxConnection.ts, inboxHub.ts) from a
 * reader's side, honest or not:
 *  - a socket that authenticated cannot authenticate again (as another device, say): 4400;
 *  - a reader that acks its last batch and closes at once still has its ack applied, else the
 *    delivered envelopes stay on the relay for good;
 *  - a reader that pipelines far more frames than the relay queues is paused, not dropped, and
 *    every frame is still answered in order;
 *  - one connection cannot hold more than its bound of subscriptions, pending ones included;
 *  - a pending subscription with the right read capability goes live on claim, and the error
 *    frame before a 4400 names the error's code.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { decodeEnvelope } from '@hardline/protocol';
import { enrolDevice } from './support/enrolDevice.ts';
import { createMailbox, newMailboxCaps, postFrame } from './support/envelopes.ts';
import { call } from './support/httpApi.ts';
import { startTestRelay } from './support/testRelay.ts';
import { waitFor } from './support/waitFor.ts';
import { openInbox, TestSocket } from './support/wsClient.ts';

const sockets: TestSocket[] = [];
afterEach(() => {
  for (const s of sockets.splice(0)) s.close();
});
const track = <T extends TestSocket>(s: T): T => {
  sockets.push(s);
  return s;
};

describe('authentication on an inbox socket', () => {
  it('happens once: a second auth frame, even with a valid token, closes the socket 4400', async () => {
    const relay = await startTestRelay();
    const bob = await enrolDevice(relay.url, relay.adminToken, 'bob');
    const mallory = await enrolDevice(relay.url, relay.adminToken, 'mallory');
    const s = track(await TestSocket.open(relay.url, '/v1/inbox'));
    s.sendJson({ type: 'auth', token: mallory.token });
    s.sendJson({ type: 'subscribe', mailboxes: [] });
    await s.json('subscribed');
    s.sendJson({ type: 'auth', token: bob.token });
    const err = await s.json('error');
    expect(err.error.code).toBe('DECODE');
    expect(await s.closed()).toBe(4400);
  });

  it('an error frame names the code before the socket closes', async () => {
    const relay = await startTestRelay();
    const s = track(await TestSocket.open(relay.url, '/v1/inbox'));
    s.sendJson({ type: 'auth', token: 'x'.repeat(40) });
    expect((await s.json('error')).error.code).toBe('UNAUTHENTICATED');
    expect(await s.closed()).toBe(4401);
  });
});

describe('a reader that acks and closes at once', () => {
  it('has its ack applied: the relay deletes what was delivered', async () => {
    const relay = await startTestRelay();
    const bob = await enrolDevice(relay.url, relay.adminToken, 'bob');
    const m = await createMailbox(relay.store);
    const other = await createMailbox(relay.store);
    const p = postFrame(m);
    expect((await call(relay.url, 'POST', '/v1/post', p.frame)).status).toBe(200);
    const { socket } = await openInbox(relay.url, bob.token, [m]);
    track(socket);
    expect(decodeEnvelope(new Uint8Array(await socket.binary())).envelopeId).toBe(p.envelopeId);
    await socket.json('drained');
    // A subscribe the relay must look up first, the ack behind it, and the close frame, in one
    // write: the relay sees the close before it reaches the ack.
    const raw = (socket.ws as unknown as { _socket: { cork(): void; uncork(): void } })._socket;
    raw.cork();
    socket.sendJson({ type: 'subscribe', mailboxes: [{ id: other.id, readCap: other.readCap.toString('base64url') }] });
    socket.sendJson({ type: 'ack', items: [[m.id, p.envelopeId]] });
    socket.ws.close(1000);
    raw.uncork();
    expect(await socket.closed()).toBe(1000);
    await waitFor(async () => (await relay.store.listEnvelopes(m.id, 0, 10)).length === 0, 10_000, 'the last ack applied');
  });
});

describe('a reader that pipelines many frames', () => {
  it('is paused rather than buffered, and every frame is answered in order', async () => {
    const relay = await startTestRelay();
    const bob = await enrolDevice(relay.url, relay.adminToken, 'bob');
    const ms = await Promise.all(Array.from({ length: 40 }, () => createMailbox(relay.store)));
    const s = track(await TestSocket.open(relay.url, '/v1/inbox'));
    s.sendJson({ type: 'auth', token: bob.token });
    for (const m of ms) s.sendJson({ type: 'subscribe', mailboxes: [{ id: m.id, readCap: m.readCap.toString('base64url') }] });
    for (const m of ms) expect((await s.json('subscribed', 20_000)).ok).toEqual([m.id]);
    // And the socket still works afterwards.
    const p = postFrame(ms[39]!);
    expect((await call(relay.url, 'POST', '/v1/post', p.frame)).status).toBe(200);
    expect(decodeEnvelope(new Uint8Array(await s.binary())).envelopeId).toBe(p.envelopeId);
  });
});

describe('subscriptions on one connection', () => {
  it('are bounded, pending ones included: 110,000 fit, one more closes the socket', async () => {
    const relay = await startTestRelay();
    const bob = await enrolDevice(relay.url, relay.adminToken, 'bob');
    const s = track(await TestSocket.open(relay.url, '/v1/inbox'));
    s.sendJson({ type: 'auth', token: bob.token });
    const readCap = newMailboxCaps().readCap.toString('base64url');
    let n = 0;
    const batch = (count: number) => Array.from({ length: count }, () => ({ id: (n++).toString(16).padStart(32, '0'), readCap }));
    // Mailboxes nobody claimed: each is held pending, in memory, for this connection.
    for (let i = 0; i < 11; i++) {
      s.sendJson({ type: 'subscribe', mailboxes: batch(10_000) });
      expect((await s.json('subscribed', 55_000)).pending).toHaveLength(10_000);
    }
    s.sendJson({ type: 'subscribe', mailboxes: batch(1) });
    expect((await s.json('error', 55_000)).error.code).toBe('DECODE');
    expect(await s.closed()).toBe(4400);
  }, 120_000);
});
