/**
 * The body reader and the raw answers, driven directly by a client that lies about its body:
 * a Content-Length that is not a number, negative, or over the bound; a chunked body that
 * trickles in and then overshoots; a connection that errors or closes mid-body; a relay whose
 * body budget is spent. The reader must refuse as early as it can, never buffer past the bound,
 * never reserve more than the bound, and always settle (issue 16, mutation testing of
 * server/http; the end-to-end cases are in bodyBounds.test.ts and chunkedBody.test.ts).
 */
import { EventEmitter } from 'node:events';
import type { IncomingMessage } from 'node:http';
import { Duplex } from 'node:stream';
import { TooLargeError } from '@hardline/protocol';
import { describe, expect, it, vi } from 'vitest';
import { RelayError } from '../src/errors/relayError.ts';
import { checkDeclaredLength, readBody } from '../src/http/readBody.ts';
import { rawErrorResponse, rawResponse, refuseSocket } from '../src/http/rawResponse.ts';

type FakeRequest = EventEmitter & { headers: Record<string, string>; complete: boolean };

function fakeRequest(headers: Record<string, string> = {}, complete = false): FakeRequest & IncomingMessage {
  return Object.assign(new EventEmitter(), { headers, complete }) as unknown as FakeRequest & IncomingMessage;
}

/** A reserve function that records what it was asked for and can be told to refuse. */
function budget(refuseAfter = Infinity) {
  const asked: number[] = [];
  const reserve = (bytes: number): void => {
    if (asked.length >= refuseAfter) throw new RelayError('UNAVAILABLE', 'budget spent');
    asked.push(bytes);
  };
  return { asked, reserve };
}

const settled = async (p: Promise<Buffer>) => p.then((b) => ({ ok: b }), (e: unknown) => ({ err: e }));

describe('declared Content-Length', () => {
  it('is refused over the bound before a byte is read, and taken at the bound', () => {
    expect(checkDeclaredLength(fakeRequest({ 'content-length': '10' }), 10)).toBe(10);
    expect(() => checkDeclaredLength(fakeRequest({ 'content-length': '11' }), 10)).toThrow(TooLargeError);
    expect(() => checkDeclaredLength(fakeRequest({ 'content-length': '1e9' }), 10)).toThrow(TooLargeError);
  });

  it('a length that is not a whole number of bytes reserves nothing (the stream bound still holds)', () => {
    expect(checkDeclaredLength(fakeRequest(), 10)).toBeUndefined();
    expect(checkDeclaredLength(fakeRequest({ 'content-length': '0' }), 10)).toBe(0);
    for (const v of ['abc', '-1', '1.5', '-0.5']) expect(checkDeclaredLength(fakeRequest({ 'content-length': v }), 10), v).toBeUndefined();
  });

  it('readBody refuses an over-long declared body by rejecting, never by throwing', async () => {
    const { asked, reserve } = budget();
    const req = fakeRequest({ 'content-length': '101' });
    let p: Promise<Buffer> | undefined;
    expect(() => (p = readBody(req, 100, reserve))).not.toThrow();
    expect((await settled(p!)) as { err: unknown }).toEqual({ err: expect.any(TooLargeError) });
    expect(asked).toEqual([]);
    expect(req.listenerCount('data')).toBe(0);
  });

  it('reserves the declared length up front, once, and nothing more while the body fits it', async () => {
    const { asked, reserve } = budget();
    const req = fakeRequest({ 'content-length': '100' });
    const p = readBody(req, 1000, reserve);
    expect(asked).toEqual([100]);
    req.emit('data', Buffer.alloc(60, 1));
    req.emit('data', Buffer.alloc(40, 2));
    req.emit('end');
    expect(await p).toEqual(Buffer.concat([Buffer.alloc(60, 1), Buffer.alloc(40, 2)]));
    expect(asked).toEqual([100]);
  });

  it('a body already complete reserves nothing up front; an empty one nothing at all', async () => {
    const done = budget();
    const req = fakeRequest({ 'content-length': '5' }, true);
    const p = readBody(req, 1000, done.reserve);
    expect(done.asked).toEqual([]);
    req.emit('data', Buffer.from('hello'));
    req.emit('end');
    expect((await p).toString()).toBe('hello');
    const empty = budget();
    const req0 = fakeRequest({ 'content-length': '0' });
    const p0 = readBody(req0, 1000, empty.reserve);
    req0.emit('end');
    expect(await p0).toEqual(Buffer.alloc(0));
    expect(empty.asked).toEqual([]);
  });

  it('a body larger than it declared is reserved for as it grows, and cut at the bound', async () => {
    const { asked, reserve } = budget();
    const req = fakeRequest({ 'content-length': '10' });
    const p = readBody(req, 100, reserve);
    req.emit('data', Buffer.alloc(10));
    expect(asked).toEqual([10]);
    req.emit('data', Buffer.alloc(1));
    // The step never goes past the bound.
    expect(asked).toEqual([10, 90]);
    req.emit('data', Buffer.alloc(90));
    expect((await settled(p)) as { err: unknown }).toEqual({ err: expect.any(TooLargeError) });
  });

  it('a declared budget refusal is the error the caller sees', async () => {
    const req = fakeRequest({ 'content-length': '50' });
    const r = (await settled(readBody(req, 100, budget(0).reserve))) as { err: RelayError };
    expect(r.err).toBeInstanceOf(RelayError);
    expect(r.err.relayCode).toBe('UNAVAILABLE');
  });
});

describe('chunked body (no Content-Length)', () => {
  it('reserves in 64 KiB steps as it grows, and refuses the first byte past the bound', async () => {
    const { asked, reserve } = budget();
    const req = fakeRequest();
    const p = readBody(req, 1_000_000, reserve);
    expect(asked).toEqual([]);
    req.emit('data', Buffer.alloc(10));
    expect(asked).toEqual([65_536]);
    req.emit('data', Buffer.alloc(65_526)); // exactly the first step
    expect(asked).toEqual([65_536]);
    req.emit('data', Buffer.alloc(1));
    expect(asked).toEqual([65_536, 65_536]);
    // A chunk bigger than a step reserves all of it at once (65 537 + 200 000 in all).
    req.emit('data', Buffer.alloc(200_000));
    expect(asked).toEqual([65_536, 65_536, 134_465]);
    // Up to the bound exactly: the last step is cut at the bound.
    req.emit('data', Buffer.alloc(1_000_000 - 265_537));
    expect(asked).toEqual([65_536, 65_536, 134_465, 734_463]);
    req.emit('data', Buffer.alloc(1));
    expect((await settled(p)) as { err: unknown }).toEqual({ err: expect.any(TooLargeError) });
    // Nothing more is read or reserved once refused.
    expect(req.listenerCount('data')).toBe(0);
    expect(asked.reduce((a, b) => a + b, 0)).toBe(1_000_000);
  });

  it('a small bound is reserved whole at the first byte, never a full step', async () => {
    const { asked, reserve } = budget();
    const req = fakeRequest();
    const p = readBody(req, 1000, reserve);
    req.emit('data', Buffer.alloc(1));
    req.emit('data', Buffer.alloc(999));
    req.emit('end');
    expect(await p).toHaveLength(1000);
    expect(asked).toEqual([1000]);
  });

  it('a body of exactly the bound is read whole; one byte more in one chunk is refused', async () => {
    const req = fakeRequest();
    const p = readBody(req, 100);
    req.emit('data', Buffer.alloc(40, 7));
    req.emit('data', Buffer.alloc(60, 8));
    req.emit('end');
    expect(await p).toEqual(Buffer.concat([Buffer.alloc(40, 7), Buffer.alloc(60, 8)]));
    const over = fakeRequest();
    const q = readBody(over, 100);
    over.emit('data', Buffer.alloc(101));
    over.emit('end');
    expect((await settled(q)) as { err: unknown }).toEqual({ err: expect.any(TooLargeError) });
  });

  it('the budget running out mid-body refuses it with the budget error, and stops reading', async () => {
    const { asked, reserve } = budget(1);
    const req = fakeRequest();
    const p = readBody(req, 1_000_000, reserve);
    req.emit('data', Buffer.alloc(65_536));
    req.emit('data', Buffer.alloc(1));
    const r = (await settled(p)) as { err: RelayError };
    expect(r.err.relayCode).toBe('UNAVAILABLE');
    expect(asked).toEqual([65_536]);
    expect(req.listenerCount('data')).toBe(0);
  });
});

describe('a connection that fails mid-body', () => {
  it('an error on the request rejects with that error', async () => {
    const req = fakeRequest({ 'content-length': '100' });
    const p = readBody(req, 1000);
    req.emit('data', Buffer.alloc(10));
    const boom = new Error('ECONNRESET');
    req.emit('error', boom);
    expect(await settled(p)).toEqual({ err: boom });
    expect(req.listenerCount('data')).toBe(0);
  });

  it('a socket closed before the end rejects as UNAVAILABLE, not with a partial body', async () => {
    const req = fakeRequest({ 'content-length': '100' });
    const p = readBody(req, 1000);
    req.emit('data', Buffer.alloc(10));
    req.emit('close');
    const r = (await settled(p)) as { err: RelayError };
    expect(r.err).toBeInstanceOf(RelayError);
    expect(r.err.relayCode).toBe('UNAVAILABLE');
  });

  it('the close that follows a complete body changes nothing', async () => {
    const req = fakeRequest();
    const p = readBody(req, 1000);
    req.emit('data', Buffer.from('{}'));
    req.emit('end');
    req.emit('close');
    expect((await p).toString()).toBe('{}');
  });

  it('the first failure wins: a later error or close does not replace it', async () => {
    const req = fakeRequest();
    const p = readBody(req, 10);
    req.emit('data', Buffer.alloc(11));
    req.emit('error', new Error('later'));
    req.emit('close');
    expect((await settled(p)) as { err: unknown }).toEqual({ err: expect.any(TooLargeError) });
  });
});

describe('raw answers on a socket', () => {
  const parse = (raw: string) => {
    const [head, body] = raw.split('\r\n\r\n') as [string, string];
    const [status, ...lines] = head.split('\r\n');
    return { status, headers: lines, body };
  };

  it('each parser failure gets its own status and code', () => {
    const timeout = parse(rawErrorResponse('ERR_HTTP_REQUEST_TIMEOUT'));
    expect(timeout.status).toBe('HTTP/1.1 408 Request Timeout');
    expect(JSON.parse(timeout.body).error.code).toBe('TIMEOUT');
    const headers = parse(rawErrorResponse('HPE_HEADER_OVERFLOW'));
    expect(headers.status).toBe('HTTP/1.1 431 Request Header Fields Too Large');
    expect(JSON.parse(headers.body).error.code).toBe('TOO_LARGE');
    for (const code of [undefined, 'HPE_INVALID_METHOD', 'ECONNRESET']) {
      const other = parse(rawErrorResponse(code));
      expect(other.status, code).toBe('HTTP/1.1 400 Bad Request');
      expect(JSON.parse(other.body).error.code).toBe('DECODE');
    }
  });

  it('closes the connection, is never cached, and its length is the body in bytes', () => {
    const r = parse(rawResponse(503, { error: { code: 'UNAVAILABLE', message: 'plein — réessayez' } }, { 'Retry-After': '5' }));
    expect(r.status).toBe('HTTP/1.1 503 Service Unavailable');
    expect(r.headers).toEqual([
      'Connection: close',
      'Content-Type: application/json',
      'Cache-Control: no-store',
      `Content-Length: ${Buffer.byteLength(r.body)}`,
      'Retry-After: 5',
    ]);
    expect(Buffer.byteLength(r.body)).toBeGreaterThan(r.body.length);
    expect(JSON.parse(r.body)).toEqual({ error: { code: 'UNAVAILABLE', message: 'plein — réessayez' } });
    expect(parse(rawResponse(499, { error: { code: 'X', message: '' } })).status).toBe('HTTP/1.1 499 Error');
    expect(parse(rawResponse(421, { error: { code: 'X', message: '' } })).status).toBe('HTTP/1.1 421 Misdirected Request');
  });

  it('refuseSocket writes the answer, then destroys the socket (a peer cannot hold it half open)', async () => {
    const written: Buffer[] = [];
    const socket = new Duplex({
      read() {},
      write(chunk: Buffer, _enc, cb) {
        written.push(chunk);
        cb();
      },
    });
    refuseSocket(socket, 429, { error: { code: 'RATE_LIMITED', message: 'slow down' } });
    await new Promise<void>((resolve) => socket.once('close', () => resolve()));
    expect(socket.destroyed).toBe(true);
    expect(Buffer.concat(written).toString()).toMatch(/^HTTP\/1\.1 429 Too Many Requests\r\n/);
  });

  it('refuseSocket frees the socket as soon as the answer is flushed, not at the grace (a flood of refused peers holds nothing)', async () => {
    const socket = new Duplex({ read() {}, write: (_c, _e, cb) => cb() }); // a peer that takes the answer and never hangs up
    const finished = new Promise<void>((resolve) => socket.once('finish', () => resolve()));
    refuseSocket(socket, 429, { error: { code: 'RATE_LIMITED', message: '' } });
    await finished;
    await new Promise<void>((resolve) => setImmediate(resolve));
    // Flushed, so destroyed now: the 2 s grace timer is only for a peer that never reads.
    expect(socket.destroyed).toBe(true);
  });

  it('refuseSocket destroys a peer that never lets the answer flush, after a grace', () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    try {
      const socket = new Duplex({ read() {}, write() {} }); // never calls back: a stalled peer
      refuseSocket(socket, 400, { error: { code: 'DECODE', message: '' } });
      vi.advanceTimersByTime(1_999);
      expect(socket.destroyed).toBe(false);
      vi.advanceTimersByTime(1);
      expect(socket.destroyed).toBe(true);
    } finally {
      vi.useRealTimers();
    }
  });

  it('refuseSocket leaves a socket that is already gone alone', () => {
    let writes = 0;
    const socket = new Duplex({
      read() {},
      write(_c, _e, cb) {
        writes++;
        cb();
      },
    });
    socket.destroy();
    expect(() => refuseSocket(socket, 400, { error: { code: 'DECODE', message: '' } })).not.toThrow();
    expect(writes).toBe(0);
  });
});
