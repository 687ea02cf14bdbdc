/**
 * @module connectionLimits.test
 * Connection floods from an attacker with no account, each from both sides: the flood is held
 * at its cap, and a legitimate client on another address is served while it lasts.
 *  - idle TCP connections: a per-address and a relay-wide cap, the over-cap socket destroyed;
 *  - idle anonymous WebSockets (4,067 of them exhausted the descriptors on main): a cap on
 *    sockets without a session, 503 + Retry-After, auth and idle timeouts;
 *  - slow headers: destroyed (not ended, which left 1,000 in FIN_WAIT_2) at the header timeout;
 *  - per-socket memory: the first inbox frame is bounded before authentication;
 *  - `hardline server --limits FILE`.
 * The attacker connects from 127.0.0.2 and up (all of 127/8 is loopback on Linux); the
 * legitimate client from 127.0.0.1.
 */
import { spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { get } from 'node:https';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { connectionCap } from '../src/limits/fileDescriptors.ts';
import { SourceLimits, sourceKey } from '../src/limits/sourceLimits.ts';
import { DEFAULT_LIMITS, resolveLimits } from '../src/limits/relayLimits.ts';
import { FIRST_FRAME_BOUND } from '../src/ws/inboxSocket.ts';
import { BIN } from '../../../test/support/cliHarness.ts';
import { idleWebSockets, rawCall, RawConnection, relayStillHolds, slowHeaders } from '../../../test/support/anonymousAttacker.ts';
import { enrolDevice } from './support/enrolDevice.ts';
import { createMailbox, postFrame } from './support/envelopes.ts';
import { haveOpenssl, selfSignedCert } from './support/selfSignedCert.ts';
import { startTestRelay } from './support/testRelay.ts';
import { waitFor } from './support/waitFor.ts';
import { openInbox, TestSocket } from './support/wsClient.ts';
import { tmpDir } from './support/tmpDir.ts';

const LEGIT = '127.0.0.1';
const ATTACKER = '127.0.0.2';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Opens `n` idle connections; returns them once the relay has had time to drop the over-cap ones. */
async function idleConnections(url: string, n: number, localAddress: string): Promise<RawConnection[]> {
  const conns = Array.from({ length: n }, () => new RawConnection(url, { localAddress }));
  await Promise.all(conns.map((c) => c.connected().catch(() => undefined)));
  await sleep(300);
  return conns;
}

const stillOpen = (conns: readonly RawConnection[]) => conns.filter((c) => !c.socket.destroyed && !c.ended).length;

describe('source addresses', () => {
  it('folds IPv4-mapped addresses and cuts IPv6 to its /64', () => {
    expect(sourceKey('::ffff:203.0.113.9')).toBe('203.0.113.9');
    expect(sourceKey('203.0.113.9')).toBe('203.0.113.9');
    expect(sourceKey('2001:db8:1:2:aaaa::1')).toBe('2001:db8:1:2::/64');
    expect(sourceKey('2001:db8:1:2:bbbb:cccc:dddd:eeee')).toBe('2001:db8:1:2::/64');
    expect(sourceKey('2001:db8::1')).toBe('2001:db8:0:0::/64');
    expect(sourceKey('::1')).toBe('0:0:0:0::/64');
    expect(sourceKey(undefined)).toBe('?');
  });

  it('reserves against both caps, releases once, and forgets an address that holds nothing', () => {
    const s = new SourceLimits({ ...DEFAULT_LIMITS, maxConnections: 3, maxConnectionsPerAddress: 2 });
    const a1 = s.reserve('connections', 'a');
    const a2 = s.reserve('connections', 'a');
    expect(s.reserve('connections', 'a')).toBe('source');
    const b1 = s.reserve('connections', 'b');
    expect(s.reserve('connections', 'c')).toBe('relay');
    if (typeof a1 === 'string' || typeof a2 === 'string' || typeof b1 === 'string') throw new Error('refused');
    a1.release();
    a1.release();
    expect(s.totals()).toMatchObject({ connections: 2, sources: 2 });
    a2.release();
    b1.release();
    expect(s.totals()).toMatchObject({ connections: 0, sources: 0 });
  });

  it('keeps the connection cap under the open-file limit unless the operator set it', () => {
    expect(connectionCap(16_384, false, 4_096)).toEqual({ cap: 3_840, lowered: true });
    expect(connectionCap(16_384, true, 4_096)).toEqual({ cap: 16_384, lowered: false });
    expect(connectionCap(16_384, false, 1_048_576)).toEqual({ cap: 16_384, lowered: false });
    expect(connectionCap(16_384, false, undefined)).toEqual({ cap: 16_384, lowered: false });
  });

  it('refuses unknown limits and non-positive values', () => {
    expect(() => resolveLimits({ maxConnection: 5 })).toThrow(/unknown limit/);
    expect(() => resolveLimits({ headerTimeoutMs: 0 })).toThrow(/positive/);
    expect(resolveLimits({ headerTimeoutMs: 5 }).headerTimeoutMs).toBe(5);
  });
});

describe('idle connection floods', () => {
  it('holds one address at its cap and serves another address meanwhile', async () => {
    const relay = await startTestRelay({ limits: { maxConnectionsPerAddress: 20, maxConnections: 100 } });
    const flood = await idleConnections(relay.url, 30, ATTACKER);
    try {
      // The relay kept 20 and destroyed the 10 over the cap without a word.
      expect(stillOpen(flood)).toBe(20);
      expect(flood.filter((c) => c.socket.destroyed || c.ended).every((c) => c.bytesSent === 0)).toBe(true);
      expect((await rawCall(relay.url, 'GET', '/v1/org', undefined, LEGIT)).status).toBe(200);
      // A request from the flooding address on a new connection is dropped as well.
      await expect(rawCall(relay.url, 'GET', '/v1/org', undefined, ATTACKER)).rejects.toThrow(/no answer/);
    } finally {
      for (const c of flood) c.destroy();
    }
    // The counts follow the sockets: once the flood is gone, the address is served again.
    await sleep(100);
    expect((await rawCall(relay.url, 'GET', '/v1/org', undefined, ATTACKER)).status).toBe(200);
  });

  it('holds the relay-wide cap against many addresses; the relay serves again once they go', async () => {
    const relay = await startTestRelay({ limits: { maxConnectionsPerAddress: 20, maxConnections: 30 } });
    const a = await idleConnections(relay.url, 20, '127.0.0.2');
    const b = await idleConnections(relay.url, 20, '127.0.0.3');
    expect(stillOpen(a) + stillOpen(b)).toBe(30);
    await expect(rawCall(relay.url, 'GET', '/v1/org', undefined, LEGIT)).rejects.toThrow(/no answer/);
    for (const c of b) c.destroy();
    await sleep(100);
    expect((await rawCall(relay.url, 'GET', '/v1/org', undefined, LEGIT)).status).toBe(200);
    for (const c of a) c.destroy();
  });
});

describe('anonymous WebSocket floods', () => {
  it('4,067 idle anonymous WebSockets from one address: 128 open, the rest refused, /v1/org still answers', async () => {
    // Default limits: the figure from main, where these used up every file descriptor.
    const relay = await startTestRelay();
    const flood = await idleWebSockets(relay.url, '/v1/post', 4_067, { localAddress: ATTACKER });
    try {
      expect(flood.open).toHaveLength(DEFAULT_LIMITS.maxAnonymousSocketsPerAddress);
      expect(flood.refused).toHaveLength(4_067 - DEFAULT_LIMITS.maxAnonymousSocketsPerAddress);
      expect(flood.refused.every((s) => s === 503)).toBe(true);
      expect((await rawCall(relay.url, 'GET', '/v1/org', undefined, LEGIT)).status).toBe(200);
    } finally {
      flood.close();
    }
  }, 120_000);

  it('refuses past the cap with 503, a JSON error and Retry-After; a device still reads and posts', async () => {
    const relay = await startTestRelay({ limits: { maxAnonymousSockets: 40, maxAnonymousSocketsPerAddress: 30 } });
    const bob = await enrolDevice(relay.url, relay.adminToken, 'bob');
    const posts = await idleWebSockets(relay.url, '/v1/post', 25, { localAddress: ATTACKER });
    const inboxes = await idleWebSockets(relay.url, '/v1/inbox', 10, { localAddress: ATTACKER });
    try {
      // 30 per address: 25 post sockets and 5 unauthenticated inboxes.
      expect(posts.open.length + inboxes.open.length).toBe(30);
      expect(inboxes.refused).toEqual([503, 503, 503, 503, 503]);
      // What a refused upgrade says, read raw.
      const raw = new RawConnection(relay.url, { localAddress: ATTACKER });
      await raw.connected();
      raw.write(`GET /v1/post HTTP/1.1\r\nHost: ${new URL(relay.url).host}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n`);
      const refused = await raw.answer;
      expect(refused?.status).toBe(503);
      expect(refused?.headers['retry-after']).toMatch(/^\d+$/);
      expect(refused?.body).toMatchObject({ error: { code: 'UNAVAILABLE' } });
      await raw.closed;
      // The legitimate device (another address) authenticates its inbox and posts meanwhile.
      const m = await createMailbox(relay.store);
      const { socket: inbox } = await openInbox(relay.url, bob.token, [m]);
      await inbox.json('drained');
      const poster = await TestSocket.open(relay.url, '/v1/post');
      const p = postFrame(m, 'during the flood');
      poster.send(p.frame);
      expect((await poster.binary())[0]).toBe(0);
      expect(Buffer.compare(await inbox.binary(), Buffer.from(p.envelopeBytes))).toBe(0);
      // Once authenticated, an inbox no longer counts as anonymous: 9 more from the device's
      // address fit beside its own post socket (40 relay-wide, 30 held by the attacker).
      const more = await idleWebSockets(relay.url, '/v1/inbox', 9);
      expect(more.open).toHaveLength(9);
      more.close();
      inbox.close();
      poster.close();
    } finally {
      posts.close();
      inboxes.close();
    }
  });

  it('closes inboxes that never authenticate and post sockets left idle', async () => {
    const relay = await startTestRelay({ limits: { wsAuthTimeoutMs: 300, postSocketIdleMs: 300 } });
    const inbox = await TestSocket.open(relay.url, '/v1/inbox');
    const post = await TestSocket.open(relay.url, '/v1/post');
    expect(await inbox.closed(3_000)).toBe(4401);
    expect(await post.closed(3_000)).toBe(1000);
    // The slots are free again: a socket past the timeouts holds nothing.
    const again = await TestSocket.open(relay.url, '/v1/post');
    again.close();
  });

  it('bounds the first inbox frame before authentication, and lets a pipelined subscribe through after it', async () => {
    const relay = await startTestRelay();
    const bob = await enrolDevice(relay.url, relay.adminToken, 'bob');
    // An anonymous socket cannot make the relay hold a 1 MiB partial frame: refused on its header.
    const hog = await TestSocket.open(relay.url, '/v1/inbox');
    hog.send('x'.repeat(FIRST_FRAME_BOUND + 1));
    expect(await hog.closed()).toBe(1009);
    // A device's auth frame, then at once a large subscribe (8,000 mailboxes, ~0.9 MiB).
    const ws = new WebSocket(relay.url.replace(/^http/, 'ws') + '/v1/inbox');
    const subscribed = new Promise<any>((resolve, reject) => {
      ws.on('message', (d, binary) => {
        if (!binary) {
          const msg = JSON.parse(d.toString());
          if (msg.type === 'subscribed') resolve(msg);
        }
      });
      ws.on('close', (code) => reject(new Error(`closed ${code}`)));
    });
    await new Promise((r) => ws.once('open', r));
    const mailboxes = Array.from({ length: 8_000 }, (_, i) => ({ id: i.toString(16).padStart(32, '0'), readCap: 'ab'.repeat(32) }));
    ws.send(JSON.stringify({ type: 'auth', token: bob.token }));
    ws.send(JSON.stringify({ type: 'subscribe', mailboxes }));
    expect((await subscribed).ok).toHaveLength(8_000);
    ws.terminate();
  });
});

describe('slow headers', () => {
  it('destroys slow-header sockets at the header timeout (none left half open), and serves others meanwhile', async () => {
    const relay = await startTestRelay({ limits: { headerTimeoutMs: 300, maxConnectionsPerAddress: 100 } });
    // The attacker never closes its side: an end() from the relay would leave each half open.
    const flood = await slowHeaders(relay.url, 100, { localAddress: ATTACKER, allowHalfOpen: true });
    expect((await rawCall(relay.url, 'GET', '/v1/org', undefined, LEGIT)).status).toBe(200);
    await waitFor(() => flood.every((c) => c.ended || c.socket.destroyed), 5_000);
    // The relay's side is gone, not half open: a byte written after its FIN is reset.
    const held = await Promise.all(flood.map((c) => relayStillHolds(c)));
    expect(held.filter(Boolean)).toHaveLength(0);
    const answers = await Promise.all(flood.map((c) => c.answer));
    expect(answers.every((a) => a === undefined || a.status === 408)).toBe(true);
    for (const c of flood) c.destroy();
    // And the address's count went down with them: 100 fresh connections fit again.
    const again = await slowHeaders(relay.url, 100, { localAddress: ATTACKER });
    await sleep(100);
    expect(again.filter((c) => !c.socket.destroyed && !c.ended)).toHaveLength(100);
    for (const c of again) c.destroy();
  });

  it('destroys connections that send nothing at all at the header timeout', async () => {
    // Well past idleConnections' own 300 ms settle, so the "all open" check does not race the
    // timeout on a loaded machine (it did at 300 ms: CI under load saw some already closed).
    const relay = await startTestRelay({ limits: { headerTimeoutMs: 1_500 } });
    const silent = await idleConnections(relay.url, 20, ATTACKER);
    expect(stillOpen(silent)).toBe(20);
    await waitFor(() => silent.every((c) => c.ended || c.socket.destroyed), 8_000);
    for (const c of silent) c.destroy();
  });

  it('a legitimate request that takes its time within the timeout is served', async () => {
    const relay = await startTestRelay({ limits: { headerTimeoutMs: 1_000 } });
    const c = new RawConnection(relay.url);
    await c.connected();
    c.write(`GET /v1/org HTTP/1.1\r\nHost: ${new URL(relay.url).host}\r\n`);
    await sleep(300);
    c.write('Connection: close\r\n\r\n');
    expect((await c.answer)?.status).toBe(200);
    c.destroy();
  });
});

describe('over TLS', () => {
  it.runIf(haveOpenssl())('caps connections before the handshake and destroys a handshake that never finishes', async () => {
    const { cert, key } = selfSignedCert();
    const relay = await startTestRelay({ tlsCert: cert, tlsKey: key, limits: { maxConnectionsPerAddress: 5, headerTimeoutMs: 500 } });
    // Plain TCP, no ClientHello: the sixth is dropped at once, the five at the handshake timeout.
    const flood = await idleConnections(relay.url, 6, ATTACKER);
    expect(stillOpen(flood)).toBe(5);
    const status = await new Promise<number>((resolve, reject) => {
      get(`${relay.url}/v1/org`, { ca: readFileSync(cert), localAddress: LEGIT }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      }).on('error', reject);
    });
    expect(status).toBe(200);
    await waitFor(() => stillOpen(flood) === 0, 3_000);
    for (const c of flood) c.destroy();
  });
});

describe('ordinary volume under the default limits', () => {
  it('a week offline in busy groups: 5,000 pipelined posts on one socket, then the backlog over one inbox', async () => {
    const relay = await startTestRelay();
    const bob = await enrolDevice(relay.url, relay.adminToken, 'bob');
    const mailboxes = await Promise.all(Array.from({ length: 200 }, () => createMailbox(relay.store)));
    const frames = mailboxes.flatMap((m) => Array.from({ length: 25 }, (_, i) => postFrame(m, `message ${i}`)));
    // The senders' side: one burst, pipelined without waiting (paced by the relay, never refused).
    const poster = await TestSocket.open(relay.url, '/v1/post');
    for (const f of frames) poster.send(f.frame);
    const replies = [];
    for (let i = 0; i < frames.length; i++) replies.push((await poster.binary(20_000))[0]);
    expect(replies.filter((r) => r === 0)).toHaveLength(frames.length);
    poster.close();
    // The device back online: every envelope, then drained, on one inbox socket.
    const { socket, subscribed } = await openInbox(relay.url, bob.token, mailboxes);
    expect(subscribed.ok).toHaveLength(200);
    let got = 0;
    while (got < frames.length) {
      await socket.binary(20_000);
      got++;
    }
    await socket.json('drained', 20_000);
    socket.close();
  }, 60_000);
});

describe('hardline server --limits FILE', () => {
  it('feeds the relay its limits, and refuses a file with an unknown limit', async () => {
    const dir = tmpDir();
    const file = join(dir, 'limits.json');
    writeFileSync(file, JSON.stringify({ maxConnectionsPerAddress: 3 }));
    const child = spawn(process.execPath, [BIN, 'server', '--port', '0', '--data', join(dir, 'data'), '--turn', 'off', '--limits', file], { stdio: ['ignore', 'pipe', 'pipe'] });
    try {
      const url = await new Promise<string>((resolve, reject) => {
        let out = '';
        child.stdout!.on('data', (d) => {
          out += d;
          const m = /listening on (\S+)/.exec(out);
          if (m) resolve(m[1]!);
        });
        child.once('exit', (code) => reject(new Error(`server exited ${code}`)));
      });
      const held = await idleConnections(url, 5, ATTACKER);
      expect(stillOpen(held)).toBe(3);
      expect((await rawCall(url, 'GET', '/v1/org', undefined, LEGIT)).status).toBe(200);
      for (const c of held) c.destroy();
    } finally {
      child.kill('SIGTERM');
      await new Promise((r) => child.once('exit', r));
    }

    writeFileSync(file, JSON.stringify({ maxConections: 3 }));
    const bad = spawn(process.execPath, [BIN, 'server', '--port', '0', '--data', join(dir, 'data2'), '--turn', 'off', '--limits', file], { stdio: ['ignore', 'pipe', 'pipe'] });
    let err = '';
    bad.stderr!.on('data', (d) => (err += d));
    expect(await new Promise((r) => bad.once('exit', r))).toBe(2);
    expect(err).toMatch(/unknown limit "maxConections"/);
  }, 60_000);
});
