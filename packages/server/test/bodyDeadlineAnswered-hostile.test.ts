/**
 * The body deadline (http/httpHandler.ts `bodyDeadline`) from a client's side, once the body is
 * no longer what is late: a body that arrived whole after the handler started, which the handler
 * never reads, and a handler that answered while the body was still coming. In both the deadline
 * may close the connection but must never write a 408 of its own: not in place of an answer the
 * handler is still working on, and not after an answer already sent on the same connection.
 */
import { connect, type Socket } from 'node:net';
import { afterAll, describe, expect, it } from 'vitest';
import { ok, type Route } from '../src/http/route.ts';
import { startHarness } from './support/handlerHarness.ts';

/** Long enough that the rest of a body sent at once arrives well before it, even under load. */
const DEADLINE_MS = 1_000;

type Gate = { readonly opened: Promise<void>; open: () => void };
function gate(): Gate {
  let open = (): void => {};
  const opened = new Promise<void>((r) => (open = r));
  return { opened, open };
}

let started = gate();
let release = gate();
const routes: Route[] = [
  {
    // Authenticates (here: waits) before it would read the body, and then does not want it.
    method: 'POST',
    path: '/hold',
    handle: async () => {
      started.open();
      await release.opened;
      return ok({ held: true });
    },
  },
  {
    // Starts reading the body but answers without waiting for it.
    method: 'POST',
    path: '/early',
    handle: async (_ctx, req) => {
      void req.bytes().catch(() => undefined);
      return ok({ early: true });
    },
  },
];

const sockets: Socket[] = [];
afterAll(() => {
  for (const s of sockets) s.destroy();
});

/** A raw connection; `received()` is everything the relay sent so far, `closed` when it is gone. */
function open(port: number): { s: Socket; received: () => string; closed: Promise<void> } {
  const s = connect(port, '127.0.0.1');
  sockets.push(s);
  let out = '';
  s.on('data', (c) => (out += c));
  s.on('error', () => undefined);
  const closed = new Promise<void>((r) => s.on('close', () => r()));
  return { s, received: () => out, closed };
}

/** Waits on a timer made after the relay's deadline timer and due later: it fires after it. */
const pastDeadline = (): Promise<void> => new Promise((r) => setTimeout(r, DEADLINE_MS + 300));

describe('a body deadline that passes once the body is no longer late', () => {
  it('a body that arrived whole but unread does not turn a slow answer into a 408', async () => {
    started = gate();
    release = gate();
    const h = await startHarness(routes, { bodyTimeoutMs: DEADLINE_MS });
    const c = open(h.port);
    // Half the body with the headers, so the handler starts before the body is complete.
    c.s.write('POST /hold HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\nContent-Length: 10\r\n\r\n01234');
    await started.opened;
    c.s.write('56789');
    await pastDeadline();
    expect(c.received()).toBe('');
    release.open();
    await c.closed;
    expect(c.received()).toMatch(/^HTTP\/1\.1 200 /);
    expect(c.received()).toContain('{"held":true}');
    expect(c.received()).not.toContain('408');
    expect(h.internalErrors).toEqual([]);
  });

  it('after an answer sent while the body was still coming, no 408 follows it on the connection', async () => {
    const h = await startHarness(routes, { bodyTimeoutMs: DEADLINE_MS });
    const c = open(h.port);
    c.s.write('POST /early HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 100\r\n\r\n{"a":');
    // The body never finishes: the deadline ends the connection, and writes nothing more.
    await c.closed;
    const answer = c.received();
    expect(answer).toMatch(/^HTTP\/1\.1 200 /);
    expect(answer).toContain('{"early":true}');
    expect(answer.match(/HTTP\/1\.1 /g)).toHaveLength(1);
    expect(answer).not.toContain('TIMEOUT');
  });
});
