/**
 * @module postSocketEdges-hostile.test
 * `WS /v1/post` and the upgrade router (server/src/ws: postSocket.ts, upgrade.ts) from an
 * anonymous poster's side:
 *  - a frame too short to name an envelope is answered under the all-zero id, and one just long
 *    enough under its own id (the reply must not echo bytes the frame does not have);
 *  - a socket's `?wake=later` (a send-scheduler slot) holds its posts for the push round, and
 *    only that exact parameter does: a post socket that says nothing, or something close to it,
 *    is a call's signal and goes at once;
 *  - a poster that does not read its replies is dropped once they pass the send-buffer bound;
 *  - the router takes the path before the query, and an inbox that authenticated gives its
 *    anonymous slot back while one that did not keeps it.
 */
import { randomBytes } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { decodeEnvelope, decodePostReply, encodePostFrame, type EnvelopeId, type MailboxId } from '@hardline/protocol';
import { seededRandom } from '../../../bench/metadata/random.ts';
import { DownlinkTap, flushAll } from '../../../test/support/downlinkTap.ts';
import { ManualClock } from '../../../test/support/manualClock.ts';
import { enrolDevice } from './support/enrolDevice.ts';
import { createMailbox, postFrame, sha256, type TestMailbox } from './support/envelopes.ts';
import { startTestRelay, type TestRelay } from './support/testRelay.ts';
import { openInbox, TestSocket } from './support/wsClient.ts';

const ZERO_ID = '0'.repeat(32);
/** Where a post frame carries its envelope id: sendCap[32], version[1], mailbox[16]. */
const ID_OFFSET = 49;

const sockets: TestSocket[] = [];
afterEach(() => {
  for (const s of sockets.splice(0)) s.close();
});
const open = async (relay: TestRelay, path: string): Promise<TestSocket> => {
  const s = await TestSocket.open(relay.url, path);
  sockets.push(s);
  return s;
};

describe('replies to frames too short to name their envelope', () => {
  it('answer under the zero id up to 64 bytes, and under the frame\'s own id from 65', async () => {
    const relay = await startTestRelay();
    const ws = await open(relay, '/v1/post');
    const id = randomBytes(16);
    const at65 = Buffer.concat([randomBytes(ID_OFFSET), id]);
    const at64 = at65.subarray(0, 64);
    ws.send(at64);
    ws.send(at65);
    ws.send('a text frame is no post frame');
    const replies = [decodePostReply(await ws.binary()), decodePostReply(await ws.binary()), decodePostReply(await ws.binary())];
    expect(replies).toEqual([
      { status: 'rejected', envelopeId: ZERO_ID, code: 'DECODE' },
      { status: 'rejected', envelopeId: id.toString('hex'), code: 'DECODE' },
      { status: 'rejected', envelopeId: ZERO_ID, code: 'DECODE' },
    ]);
  });

  it('a text frame carrying a whole valid post frame is still refused, and nothing is stored', async () => {
    const relay = await startTestRelay();
    // Every byte ASCII, so that the text frame carries exactly the post frame's bytes.
    const ascii = (n: number): Buffer => Buffer.from(Array.from(randomBytes(n), (b) => 0x20 + (b % 0x5f)));
    const sendCap = ascii(32);
    const m = { id: ascii(16).toString('hex') as MailboxId, readCap: randomBytes(32), sendCap };
    await relay.store.createMailbox({ id: m.id, readCapHash: sha256(m.readCap), sendCapHash: sha256(sendCap) });
    const envelopeId = ascii(16).toString('hex') as EnvelopeId;
    const frame = Buffer.from(encodePostFrame(sendCap, { mailboxId: m.id, envelopeId, payload: ascii(1024) }));
    expect(frame.every((b) => b < 0x80)).toBe(true);
    const ws = await open(relay, '/v1/post');
    // As binary it would be accepted (checked below on a second copy); as text it is not.
    ws.send(frame.toString('latin1'));
    expect(decodePostReply(await ws.binary())).toMatchObject({ status: 'rejected', code: 'DECODE' });
    expect(await relay.store.listEnvelopes(m.id, 0, 10)).toEqual([]);
    ws.send(frame);
    expect(decodePostReply(await ws.binary())).toEqual({ status: 'accepted', envelopeId });
  });
});

describe('a post socket that asks to wait for a slot', () => {
  const ROUND = 1_000;
  let relay: TestRelay;
  let clock: ManualClock;
  let taps: DownlinkTap[];

  afterEach(async () => {
    await relay.close();
  });

  async function setup(): Promise<{ m: TestMailbox; tap: DownlinkTap }> {
    taps = [];
    const settle = flushAll(taps);
    clock = new ManualClock(() => settle());
    relay = await startTestRelay({ pushRounds: { level: 'balanced', timing: { clock, random: seededRandom(11).next } } });
    const reader = await enrolDevice(relay.url, relay.adminToken, 'reader');
    const m = await createMailbox(relay.store);
    const { socket } = await openInbox(relay.url, reader.token, [m]);
    await socket.json('drained');
    sockets.push(socket);
    const tap = new DownlinkTap(socket.ws, clock);
    taps.push(tap);
    return { m, tap };
  }

  /** Posts over a fresh post socket at `path`; returns whether the push went out before the round. */
  async function pushedAtOnce(m: TestMailbox, tap: DownlinkTap, path: string): Promise<boolean> {
    const ws = await open(relay, path);
    const p = postFrame(m, path);
    ws.send(p.frame);
    expect(decodePostReply(await ws.binary())).toEqual({ status: 'accepted', envelopeId: p.envelopeId });
    await flushAll(taps)();
    const now = tap.downloads.some((f) => decodeEnvelope(new Uint8Array(f.data)).envelopeId === p.envelopeId);
    await clock.advance(ROUND);
    // Either way it is delivered by the round's end.
    expect(tap.downloads.some((f) => decodeEnvelope(new Uint8Array(f.data)).envelopeId === p.envelopeId)).toBe(true);
    return now;
  }

  it('only `wake=later`, as its own parameter, holds the post for the round', async () => {
    const { m, tap } = await setup();
    await clock.advance(ROUND / 3);
    expect(await pushedAtOnce(m, tap, '/v1/post?wake=later')).toBe(false);
    expect(await pushedAtOnce(m, tap, '/v1/post?x=1&wake=later')).toBe(false);
    expect(await pushedAtOnce(m, tap, '/v1/post?wake=later&x=1')).toBe(false);
    expect(await pushedAtOnce(m, tap, '/v1/post')).toBe(true);
    expect(await pushedAtOnce(m, tap, '/v1/post?wake=now')).toBe(true);
    expect(await pushedAtOnce(m, tap, '/v1/post?wake=laterx')).toBe(true);
    expect(await pushedAtOnce(m, tap, '/v1/post?nowake=later')).toBe(true);
    expect(await pushedAtOnce(m, tap, '/v1/post?wake=LATER')).toBe(true);
  });
});

describe('a poster that does not read its replies', () => {
  it('is dropped once its unsent replies pass the send-buffer bound', async () => {
    // A bound of one byte: the first reply already waits in the socket's buffer (corked for the
    // turn) when the relay looks, so it stands for a client that stopped reading long ago.
    const relay = await startTestRelay({ limits: { maxSocketSendBuffer: 1 } });
    const m = await createMailbox(relay.store);
    const ws = await open(relay, '/v1/post');
    ws.send(postFrame(m).frame);
    expect(await ws.closed()).toBe(1006);
  });

  it('under the default bound the same poster is answered', async () => {
    const relay = await startTestRelay();
    const m = await createMailbox(relay.store);
    const ws = await open(relay, '/v1/post');
    const p = postFrame(m);
    ws.send(p.frame);
    expect(decodePostReply(await ws.binary())).toEqual({ status: 'accepted', envelopeId: p.envelopeId });
  });
});

describe('the upgrade router', () => {
  it('routes by path whatever the query says, and refuses paths that only start like an endpoint', async () => {
    const relay = await startTestRelay();
    const m = await createMailbox(relay.store);
    const ws = await open(relay, '/v1/post?anything=1');
    const p = postFrame(m);
    ws.send(p.frame);
    expect(decodePostReply(await ws.binary())).toEqual({ status: 'accepted', envelopeId: p.envelopeId });
    const dev = await enrolDevice(relay.url, relay.adminToken, 'bob');
    const inbox = await open(relay, '/v1/inbox?x=y');
    inbox.sendJson({ type: 'auth', token: dev.token });
    inbox.sendJson({ type: 'subscribe', mailboxes: [{ id: m.id, readCap: m.readCap.toString('base64url') }] });
    expect((await inbox.json('subscribed')).ok).toEqual([m.id]);
    for (const path of ['/v1/posts', '/v1/post/', '/v1/inboxes', '/v1', '/']) {
      await expect(TestSocket.open(relay.url, path), path).rejects.toThrow(/404/);
    }
  });

  it('an inbox holds an anonymous slot until it authenticates, and a closed socket gives its slot back', async () => {
    const relay = await startTestRelay({ limits: { maxAnonymousSocketsPerAddress: 2 } });
    const dev = await enrolDevice(relay.url, relay.adminToken, 'bob');
    const a = await open(relay, '/v1/inbox');
    const b = await open(relay, '/v1/post');
    await expect(TestSocket.open(relay.url, '/v1/post')).rejects.toThrow(/503/);
    // a authenticates: its slot is free for another anonymous socket.
    a.sendJson({ type: 'auth', token: dev.token });
    a.sendJson({ type: 'subscribe', mailboxes: [] });
    await a.json('subscribed');
    const c = await open(relay, '/v1/post');
    await expect(TestSocket.open(relay.url, '/v1/inbox')).rejects.toThrow(/503/);
    // Sockets that close give their slots back, again and again (the relay learns of a close
    // on its own time: retry until it has).
    const whenFree = async (path: string): Promise<TestSocket> => {
      for (let i = 0; ; i++) {
        try {
          return await TestSocket.open(relay.url, path);
        } catch (e) {
          if (i > 200) throw e;
          await new Promise((r) => setTimeout(r, 25));
        }
      }
    };
    b.close();
    c.close();
    for (let i = 0; i < 5; i++) {
      const [x, y] = [await whenFree('/v1/post'), await whenFree('/v1/inbox')];
      x.close();
      y.close();
    }
  });

  it('closing the relay closes every socket it holds', async () => {
    const relay = await startTestRelay();
    const dev = await enrolDevice(relay.url, relay.adminToken, 'bob');
    const post = await TestSocket.open(relay.url, '/v1/post');
    const anon = await TestSocket.open(relay.url, '/v1/inbox');
    const { socket: inbox } = await openInbox(relay.url, dev.token, []);
    await relay.close();
    for (const s of [post, anon, inbox]) expect(await s.closed()).toBeTypeOf('number');
  });
});
