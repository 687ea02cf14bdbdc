/**
 * @module sessionWatch-hold.test
 * The relay operator's seat against the session hold (sessionHold.ts): while claim pacing holds
 * the session, no authenticated request of this device may reach the relay, whatever the relay
 * does to provoke one (a push that the inbox acknowledges, a page that fetches). Anonymous
 * requests pass; held frames go afterwards in the order they were sent, the close last.
 */
import { describe, expect, it } from 'vitest';
import { SessionHold } from '../src/sessionHold.ts';
import { watchSession } from '../src/sessionWatch.ts';
import type { Transport, WebSocketLike } from '../src/transport.ts';

/** What reached the relay, in order. */
function relaySide() {
  const wire: string[] = [];
  const ws: WebSocketLike = {
    binaryType: 'arraybuffer',
    readyState: 1,
    send: (d) => void wire.push(`frame ${String(d)}`),
    close: () => void wire.push('close'),
    onopen: null,
    onclose: null,
    onerror: null,
    onmessage: null,
  };
  const transport: Transport = {
    fetch: (async (input: string) => {
      wire.push(`fetch ${input}`);
      return new Response('{}');
    }) as unknown as typeof fetch,
    openWebSocket: () => ws,
  };
  return { wire, transport };
}

function watched() {
  const hold = new SessionHold();
  let begun = 0;
  const { wire, transport } = relaySide();
  const t = watchSession(transport, { hold, begin: () => (begun++, () => undefined) });
  return { hold, wire, t, begun: () => begun };
}

const tick = () => new Promise((r) => setTimeout(r, 0));

describe('the session hold', () => {
  it('keeps session fetches and inbox frames off the wire until it lets go, then sends them in order', async () => {
    const { hold, wire, t } = watched();
    const inbox = t.openWebSocket('wss://relay.example/v1/inbox');
    const release = hold.hold();
    const fetched = t.fetch('https://relay.example/v1/directory');
    inbox.send('ack 1');
    inbox.send('ack 2');
    inbox.close();
    await tick();
    expect(wire).toEqual([]);
    release();
    await fetched;
    await tick();
    // The fetch and the socket are separate connections: only each one's own order matters.
    expect(wire.filter((w) => !w.startsWith('fetch'))).toEqual(['frame ack 1', 'frame ack 2', 'close']);
    expect(wire).toContain('fetch https://relay.example/v1/directory');
  });

  it('lets anonymous requests through while it holds: the posting socket and Oblivious HTTP', async () => {
    const { hold, wire, t } = watched();
    hold.hold();
    t.openWebSocket('wss://relay.example/v1/post').send('envelope');
    await t.fetch('https://hop.example/', { method: 'POST', headers: { 'content-type': 'message/ohttp-req' } });
    expect(wire).toEqual(['frame envelope', 'fetch https://hop.example/']);
  });

  it('keeps a frame sent after the hold ends behind those it held', async () => {
    const { hold, wire, t } = watched();
    const inbox = t.openWebSocket('wss://relay.example/v1/inbox');
    const release = hold.hold();
    inbox.send('held');
    release();
    inbox.send('after');
    await tick();
    expect(wire).toEqual(['frame held', 'frame after']);
  });

  it('ends only when every hold has let go, and a second release does nothing', async () => {
    const { hold, wire, t } = watched();
    const inbox = t.openWebSocket('wss://relay.example/v1/inbox');
    const a = hold.hold();
    const b = hold.hold();
    inbox.send('ack');
    a();
    a();
    await tick();
    expect(wire).toEqual([]);
    b();
    await tick();
    expect(wire).toEqual(['frame ack']);
    expect(hold.held).toBe(false);
  });

  it('counts each held request as a session request when it goes, not before', async () => {
    const { hold, t, begun } = watched();
    const inbox = t.openWebSocket('wss://relay.example/v1/inbox');
    const opened = begun();
    const release = hold.hold();
    inbox.send('ack');
    await tick();
    expect(begun()).toBe(opened);
    release();
    await tick();
    expect(begun()).toBe(opened + 1);
  });
});
