/**
 * @module mailboxDelivery.test
 * Posting and reading over real WebSockets: push after commit, ack deletes, idempotent
 * resends, capabilities, pending subscriptions activated by a claim, revocation.
 */
import { randomBytes } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { decodePostReply, toHex } from '@hardline/protocol';
import { enrolDevice, type TestDevice } from './support/enrolDevice.ts';
import { createMailbox, kpMailbox, newEnvelopeId, postFrame, sha256 } from './support/envelopes.ts';
import { call } from './support/httpApi.ts';
import { newKeyPackages } from './support/keyPackages.ts';
import { startTestRelay, type TestRelay } from './support/testRelay.ts';
import { waitFor } from './support/waitFor.ts';
import { openInbox, TestSocket } from './support/wsClient.ts';
import { fetchTokens } from '../../../test/support/privacyPassTokens.ts';

let relay: TestRelay;
let bob: TestDevice;
beforeAll(async () => {
  relay = await startTestRelay();
  bob = await enrolDevice(relay.url, relay.adminToken, 'bob');
});

const envelopeIdOf = (envelope: Buffer) => toHex(envelope.subarray(17, 33));

describe('posting', () => {
  it('accepts an HTTP post once durable and stores it', async () => {
    const m = await createMailbox(relay.store);
    const p = postFrame(m);
    const r = await call(relay.url, 'POST', '/v1/post', p.frame);
    expect(r).toEqual({ status: 200, body: { accepted: p.envelopeId } });
    const stored = await relay.store.listEnvelopes(m.id, 0, 10);
    expect(Buffer.from(stored[0]!.bytes)).toEqual(Buffer.from(p.envelopeBytes));
  });

  it('refuses a wrong send capability and an unknown mailbox', async () => {
    const m = await createMailbox(relay.store);
    const bad = await call(relay.url, 'POST', '/v1/post', postFrame(m, 'x', newEnvelopeId(), randomBytes(32)).frame);
    expect(bad.status).toBe(403);
    expect(bad.body.error.code).toBe('BAD_CAPABILITY');
    const other = { ...m, id: randomBytes(16).toString('hex') as typeof m.id };
    const none = await call(relay.url, 'POST', '/v1/post', postFrame(other).frame);
    expect(none.status).toBe(404);
    expect(none.body.error.code).toBe('NO_MAILBOX');
    expect(await relay.store.listEnvelopes(m.id, 0, 10)).toHaveLength(0);
  });

  it('answers pipelined WS posts in order, rejections included', async () => {
    const m = await createMailbox(relay.store);
    const ws = await TestSocket.open(relay.url, '/v1/post');
    const frames = [postFrame(m), postFrame(m, 'x', newEnvelopeId(), randomBytes(32)), postFrame(m), postFrame(m)];
    for (const f of frames) ws.send(f.frame);
    const replies = [];
    for (let i = 0; i < frames.length; i++) replies.push(decodePostReply(await ws.binary()));
    expect(replies.map((r) => r.envelopeId)).toEqual(frames.map((f) => f.envelopeId));
    expect(replies.map((r) => (r.status === 'rejected' ? r.code : 'ok'))).toEqual(['ok', 'BAD_CAPABILITY', 'ok', 'ok']);
    expect(await relay.store.listEnvelopes(m.id, 0, 10)).toHaveLength(3);
    ws.close();
  });
});

describe('inbox', () => {
  it('pushes the backlog in order, then drained, then live envelopes; ack deletes', async () => {
    const m = await createMailbox(relay.store);
    const backlog = [postFrame(m, 'one'), postFrame(m, 'two'), postFrame(m, 'three')];
    for (const p of backlog) expect((await call(relay.url, 'POST', '/v1/post', p.frame)).status).toBe(200);
    const { socket, subscribed } = await openInbox(relay.url, bob.token, [m]);
    expect(subscribed).toEqual({ type: 'subscribed', ok: [m.id], denied: [], pending: [] });
    // Three real envelopes and one cover make the floor of four (DRAIN_FLOOR).
    expect(await socket.drain()).toEqual({ envelopes: backlog.map((p) => Buffer.from(p.envelopeBytes)), covers: 1 });
    const live = postFrame(m, 'four');
    await call(relay.url, 'POST', '/v1/post', live.frame);
    expect(await socket.binary()).toEqual(Buffer.from(live.envelopeBytes));
    socket.sendJson({ type: 'ack', items: [...backlog, live].map((p) => [m.id, p.envelopeId]) });
    await waitFor(async () => (await relay.store.listEnvelopes(m.id, 0, 10)).length === 0);
    socket.close();
  });

  it('keeps resends idempotent, before and after the ack', async () => {
    const m = await createMailbox(relay.store);
    const p = postFrame(m, 'once');
    const { socket } = await openInbox(relay.url, bob.token, [m]);
    await socket.json('drained');
    for (let i = 0; i < 3; i++) expect((await call(relay.url, 'POST', '/v1/post', p.frame)).body).toEqual({ accepted: p.envelopeId });
    await socket.binary();
    expect(await relay.store.listEnvelopes(m.id, 0, 10)).toHaveLength(1);
    socket.sendJson({ type: 'ack', items: [[m.id, p.envelopeId]] });
    await waitFor(async () => (await relay.store.listEnvelopes(m.id, 0, 10)).length === 0);
    expect((await call(relay.url, 'POST', '/v1/post', p.frame)).body).toEqual({ accepted: p.envelopeId });
    await new Promise((r) => setTimeout(r, 100));
    expect(socket.envelopes).toHaveLength(0);
    expect(await relay.store.listEnvelopes(m.id, 0, 10)).toHaveLength(0);
    socket.close();
  });

  it('denies a wrong read capability and ignores acks for mailboxes not subscribed', async () => {
    const m = await createMailbox(relay.store);
    const p = postFrame(m);
    await call(relay.url, 'POST', '/v1/post', p.frame);
    const { socket, subscribed } = await openInbox(relay.url, bob.token, [{ id: m.id, readCap: randomBytes(32) }]);
    expect(subscribed.denied).toEqual([m.id]);
    await socket.json('drained');
    socket.sendJson({ type: 'ack', items: [[m.id, p.envelopeId]] });
    await new Promise((r) => setTimeout(r, 100));
    expect(socket.envelopes).toHaveLength(0);
    expect(await relay.store.listEnvelopes(m.id, 0, 10)).toHaveLength(1);
    socket.close();
  });

  it('holds a subscription to an unclaimed KeyPackage mailbox and activates it on claim', async () => {
    const [kp] = await newKeyPackages(bob, 1);
    const readCap = randomBytes(32);
    await call(relay.url, 'POST', '/v1/keypackages', { keyPackages: [{ keyPackage: kp!.toString('base64url'), readCapHash: sha256(readCap).toString('base64url') }] }, bob.token);
    const mailbox = kpMailbox(kp!, readCap);
    const { socket, subscribed } = await openInbox(relay.url, bob.token, [mailbox]);
    expect(subscribed).toMatchObject({ ok: [mailbox.id], pending: [mailbox.id] });
    const claim = await call(relay.url, 'POST', '/v1/keypackages/claim', { deviceId: bob.deviceId, token: (await fetchTokens(relay.url, bob.token, 1))[0] });
    const claimed = kpMailbox(Buffer.from(claim.body.keyPackage, 'base64url'), readCap);
    expect(claimed.id).toBe(mailbox.id);
    const welcome = postFrame(claimed, 'welcome');
    expect((await call(relay.url, 'POST', '/v1/post', welcome.frame)).status).toBe(200);
    expect(envelopeIdOf(await socket.binary())).toBe(welcome.envelopeId);
    socket.close();
  });

  it('does not activate a pending subscription with the wrong read capability', async () => {
    const [kp] = await newKeyPackages(bob, 1);
    await call(relay.url, 'POST', '/v1/keypackages', { keyPackages: [{ keyPackage: kp!.toString('base64url'), readCapHash: sha256(randomBytes(32)).toString('hex') }] }, bob.token);
    const guess = kpMailbox(kp!, randomBytes(32));
    const { socket } = await openInbox(relay.url, bob.token, [guess]);
    await call(relay.url, 'POST', '/v1/keypackages/claim', { deviceId: bob.deviceId, token: (await fetchTokens(relay.url, bob.token, 1))[0] });
    await call(relay.url, 'POST', '/v1/post', postFrame(guess).frame);
    await new Promise((r) => setTimeout(r, 100));
    expect(socket.envelopes).toHaveLength(0);
    socket.close();
  });

  it('delivers a large offline backlog in order across pages', async () => {
    const m = await createMailbox(relay.store);
    const post = await TestSocket.open(relay.url, '/v1/post');
    const frames = Array.from({ length: 2000 }, (_, i) => postFrame(m, `n${i}`));
    for (const f of frames) post.send(f.frame);
    for (let i = 0; i < frames.length; i++) await post.binary();
    const { socket } = await openInbox(relay.url, bob.token, [m]);
    for (const f of frames) expect(envelopeIdOf(await socket.binary())).toBe(f.envelopeId);
    await socket.json('drained');
    post.close();
    socket.close();
  });

  it('requires auth first and closes with 4401 otherwise', async () => {
    const s = await TestSocket.open(relay.url, '/v1/inbox');
    s.sendJson({ type: 'subscribe', mailboxes: [] });
    expect(await s.closed()).toBe(4401);
    const t = await TestSocket.open(relay.url, '/v1/inbox');
    t.sendJson({ type: 'auth', token: 'not-a-token' });
    expect(await t.closed()).toBe(4401);
  });

  it('closes a revoked device with 4003 and refuses its re-auth', async () => {
    const carol = await enrolDevice(relay.url, relay.adminToken, 'carol');
    const m = await createMailbox(relay.store);
    const { socket } = await openInbox(relay.url, carol.token, [m]);
    await socket.json('drained');
    await call(relay.url, 'POST', `/v1/admin/devices/${carol.deviceId}/revoke`, {}, relay.adminToken);
    expect(await socket.closed()).toBe(4003);
    const again = await TestSocket.open(relay.url, '/v1/inbox');
    again.sendJson({ type: 'auth', token: carol.token });
    // The token died with the revocation; either close code says "not you any more".
    expect([4401, 4003]).toContain(await again.closed());
  });

  it('drops a connection that stops answering pings', async () => {
    const quick = await startTestRelay({ heartbeatMs: 200 });
    const s = await TestSocket.open(quick.url, '/v1/inbox');
    // ws answers pings automatically; pausing the socket stops the pongs.
    (s.ws as any)._socket.pause();
    await new Promise((r) => setTimeout(r, 700));
    (s.ws as any)._socket.resume();
    expect(await s.closed(3000)).toBeTypeOf('number');
  });
});
