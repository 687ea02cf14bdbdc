/**
 * @module wsUpgradeTimers-hostile.test
 * What the upgrade router (server/src/ws/upgrade.ts) and the inbox socket's timers promise, seen
 * from a client on a real relay:
 *  - no WebSocket compression is ever negotiated, even when the client offers it: compressed
 *    frame sizes would leak what the frames hold, and a small compressed frame could expand past
 *    the frame bound;
 *  - every socket takes part in the heartbeat from its first tick: it is pinged, not dropped;
 *  - an inbox that authenticated in time is not closed later by the authentication timer;
 *  - a refused upgrade says whether the relay or this address is full.
 */
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { RawConnection } from '../../../test/support/anonymousAttacker.ts';
import { enrolDevice } from './support/enrolDevice.ts';
import { startTestRelay } from './support/testRelay.ts';
import { openInbox, TestSocket } from './support/wsClient.ts';

const sockets: (TestSocket | WebSocket)[] = [];
afterEach(() => {
  for (const s of sockets.splice(0)) (s instanceof TestSocket ? s.ws : s).terminate();
});

describe('the upgrade', () => {
  it('never negotiates compression, on either endpoint', async () => {
    const relay = await startTestRelay();
    for (const path of ['/v1/post', '/v1/inbox']) {
      const ws = new WebSocket(relay.url.replace(/^http/, 'ws') + path, { perMessageDeflate: true });
      sockets.push(ws);
      await new Promise((resolve, reject) => {
        ws.once('open', resolve);
        ws.once('error', reject);
      });
      expect(ws.extensions, path).toBe('');
    }
  });

  it('enrols every socket in the heartbeat: its first tick pings it rather than dropping it', async () => {
    const relay = await startTestRelay({ heartbeatMs: 150 });
    for (const path of ['/v1/post', '/v1/inbox']) {
      const s = await TestSocket.open(relay.url, path);
      sockets.push(s);
      // A socket the heartbeat never saw open is dropped, unpinged, at its first tick.
      const first = await new Promise<string>((resolve) => {
        s.ws.once('ping', () => resolve('ping'));
        s.ws.once('close', () => resolve('close'));
      });
      expect(first, path).toBe('ping');
    }
  });

  async function refusal(url: string): Promise<string> {
    const raw = new RawConnection(url);
    await raw.connected();
    raw.write(`GET /v1/post HTTP/1.1\r\nHost: ${new URL(url).host}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n`);
    const answer = await raw.answer;
    expect(answer?.status).toBe(503);
    return (answer?.body as { error: { message: string } }).error.message;
  }

  it('a refused upgrade says whether the relay or this address is full', async () => {
    const relayFull = await startTestRelay({ limits: { maxAnonymousSockets: 1 } });
    sockets.push(await TestSocket.open(relayFull.url, '/v1/post'));
    expect(await refusal(relayFull.url)).toMatch(/^the relay has too many connections/);
    const addressFull = await startTestRelay({ limits: { maxAnonymousSocketsPerAddress: 1 } });
    sockets.push(await TestSocket.open(addressFull.url, '/v1/post'));
    expect(await refusal(addressFull.url)).toMatch(/from this address/);
  });
});

describe('the authentication timer', () => {
  it('is stopped by a timely auth: the inbox stays open past the timeout', async () => {
    const relay = await startTestRelay({ limits: { wsAuthTimeoutMs: 1_500 } });
    const dev = await enrolDevice(relay.url, relay.adminToken, 'bob');
    const { socket } = await openInbox(relay.url, dev.token, []);
    sockets.push(socket);
    // Past the timeout counted from the socket's opening (the subscribe was answered after the
    // auth, so the auth came in time).
    await new Promise((r) => setTimeout(r, 2_500));
    expect(socket.closeCode).toBeUndefined();
    socket.sendJson({ type: 'subscribe', mailboxes: [] });
    expect((await socket.json('subscribed')).ok).toEqual([]);
  });
});
