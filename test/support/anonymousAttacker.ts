/**
 * @module test/support/anonymousAttacker
 * What a stranger with no account can do from the open internet: anonymous requests to the
 * relay's anonymous endpoints, with nothing but a device id (every member and ex-member has all
 * of them, from the directory).
 */
import { generateKeyPairSync, sign } from 'node:crypto';
import { connect, type Socket } from 'node:net';
import WebSocket from 'ws';
import { decodePostReply, encodePostFrame, keyPackageMailbox, type EnvelopeId, type MailboxId } from '@hardline/protocol';
/**
 * Claims a device's KeyPackages until none but its last-resort one is left (or `max`). A stranger has no tokens, so each
 * claim is refused (TOKEN_REQUIRED) and nothing is claimed; an insider passes `pay`, tokens its
 * own device fetched (test/support/privacyPassTokens.ts), and is held to its daily budget.
 */
export async function claimAllKeyPackages(relayUrl: string, deviceId: string, max = 1_000, pay?: () => Promise<string>): Promise<number> {
  let claimed = 0;
  for (; claimed < max; claimed++) {
    const token = pay ? await pay() : undefined;
    const r = await fetch(`${relayUrl}/v1/keypackages/claim`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ deviceId, ...(token ? { token } : {}) }) });
    if (r.status === 404 || (r.status === 401 && !pay)) break;
    if (r.status !== 200) throw new Error(`claim answered ${r.status}`);
    // The device's last-resort KeyPackage (RFC 9420 §16.8): it is never used up, and it comes
    // only once every other one is gone, so that is where "all" ends (not counted).
    if (((await r.json()) as { mailboxNonce?: string }).mailboxNonce) break;
  }
  return claimed;
}

/** Takes an epoch lock and walks away, as a device that crashed or a hostile member would. */
export async function takeLockAndVanish(relayUrl: string, token: string): Promise<number> {
  const r = await fetch(`${relayUrl}/v1/locks`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ token }) });
  return r.status;
}

// ------------------------------------------------------------------ connection and body floods
// Raw sockets, so that the attacker controls every byte and sees exactly what the relay does
// with the connection: answers, ends (FIN, half open) or destroys it.

/** What came back on a raw connection, parsed just enough to assert on. */
export type RawAnswer = { readonly status: number; readonly headers: Readonly<Record<string, string>>; readonly body: any };

export type RawConnectOptions = {
  /** Source address to connect from; any of 127.0.0.0/8 is loopback on Linux. */
  readonly localAddress?: string;
  /** Keep our side open after the relay's FIN, as an attacker that never closes would. */
  readonly allowHalfOpen?: boolean;
};

/** One attacker connection, written to by hand. */
export class RawConnection {
  readonly socket: Socket;
  bytesSent = 0;
  /** The relay's first answer, once complete (undefined if it closed without one). */
  readonly answer: Promise<RawAnswer | undefined>;
  /** Resolves when the socket is fully closed, whoever closed it. */
  readonly closed: Promise<void>;
  /** The relay sent FIN (it ended or destroyed its side). */
  ended = false;
  /** The relay's answer has come in full. */
  answered = false;
  /** The connection was reset (RST): the relay's socket is gone, not just half closed. */
  reset = false;
  #received = Buffer.alloc(0);

  constructor(url: string, options: RawConnectOptions = {}) {
    const u = new URL(url);
    this.socket = connect({ host: u.hostname, port: Number(u.port), allowHalfOpen: options.allowHalfOpen ?? false, ...(options.localAddress ? { localAddress: options.localAddress } : {}) });
    this.socket.on('error', (e: NodeJS.ErrnoException) => {
      if (e.code === 'ECONNRESET' || e.code === 'EPIPE') this.reset = true;
    });
    this.socket.on('end', () => (this.ended = true));
    this.closed = new Promise((resolve) => this.socket.once('close', () => resolve()));
    this.answer = new Promise((resolve) => {
      const tryParse = (): void => {
        const parsed = parseAnswer(this.#received);
        if (parsed) {
          this.socket.off('data', onData);
          this.answered = true;
          resolve(parsed);
        }
      };
      const onData = (chunk: Buffer): void => {
        this.#received = Buffer.concat([this.#received, chunk]);
        tryParse();
      };
      this.socket.on('data', onData);
      this.socket.once('close', () => resolve(parseAnswer(this.#received, true)));
    });
  }

  connected(): Promise<void> {
    return this.socket.connecting ? new Promise((resolve, reject) => {
      this.socket.once('connect', () => resolve());
      this.socket.once('error', reject);
    }) : Promise.resolve();
  }

  /** Writes if the socket still takes data; returns whether it did. */
  write(data: string | Buffer): boolean {
    if (this.socket.destroyed || !this.socket.writable) return false;
    const b = typeof data === 'string' ? Buffer.from(data) : data;
    this.bytesSent += b.length;
    this.socket.write(b);
    return true;
  }

  destroy(): void {
    this.socket.destroy();
  }
}

function parseAnswer(buf: Buffer, final = false): RawAnswer | undefined {
  const end = buf.indexOf('\r\n\r\n');
  if (end < 0) return undefined;
  const lines = buf.subarray(0, end).toString('latin1').split('\r\n');
  const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(lines[0] ?? '')?.[1]);
  if (!Number.isInteger(status)) return undefined;
  const headers: Record<string, string> = {};
  for (const l of lines.slice(1)) {
    const i = l.indexOf(':');
    if (i > 0) headers[l.slice(0, i).trim().toLowerCase()] = l.slice(i + 1).trim();
  }
  const length = Number(headers['content-length'] ?? NaN);
  const rest = buf.subarray(end + 4);
  if (Number.isInteger(length) && rest.length < length && !final) return undefined;
  const text = rest.subarray(0, Number.isInteger(length) ? length : rest.length).toString('utf8');
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    // not JSON: keep the text
  }
  return { status, headers, body };
}

function requestHead(url: string, method: string, path: string, headers: Readonly<Record<string, string | number>>): string {
  const host = new URL(url).host;
  return `${method} ${path} HTTP/1.1\r\nHost: ${host}\r\n${Object.entries(headers)
    .map(([k, v]) => `${k}: ${v}\r\n`)
    .join('')}\r\n`;
}

/**
 * Connections that send the start of a request line and then nothing: the slow-header
 * (slowloris) flood. The relay must destroy them at its header timeout.
 */
export async function slowHeaders(url: string, count: number, options: RawConnectOptions = {}): Promise<RawConnection[]> {
  const conns = Array.from({ length: count }, () => new RawConnection(url, options));
  await Promise.all(conns.map((c) => c.connected().catch(() => undefined)));
  for (const c of conns) c.write(`GET /v1/org HTTP/1.1\r\nHost: ${new URL(url).host}\r\nX-Slow: `);
  return conns;
}

export type SlowBodyOptions = RawConnectOptions & {
  readonly method?: 'POST' | 'PUT';
  /** The Content-Length declared; omit for a chunked body. */
  readonly declared?: number;
  /** Body bytes actually sent before stalling (default: all but the last declared byte). */
  readonly send?: number;
  /** A pause after each 64 KiB, for a body that arrives at a pace (default: as fast as it goes). */
  readonly pauseMs?: number;
  readonly headers?: Readonly<Record<string, string>>;
};

/**
 * A request whose body never finishes: headers declaring a large body, then all of it but the
 * last byte (or `send` bytes), then silence. The relay must size it before reading, reserve its
 * memory or refuse it, and destroy it at its body timeout.
 */
export async function slowBody(url: string, path: string, options: SlowBodyOptions = {}): Promise<RawConnection> {
  const c = new RawConnection(url, options);
  await c.connected();
  const chunked = options.declared === undefined;
  const head = requestHead(url, options.method ?? 'POST', path, {
    'Content-Type': 'application/json',
    ...(chunked ? { 'Transfer-Encoding': 'chunked' } : { 'Content-Length': options.declared! }),
    ...options.headers,
  });
  c.write(head);
  c.bytesSent = 0;
  const total = options.send ?? (options.declared ?? 1 << 20) - 1;
  // A JSON string that never closes, so nothing short of the whole body would parse.
  const piece = Buffer.alloc(64 * 1024, 0x61);
  let sent = 0;
  if (total > 0) {
    const opening = Buffer.from('{"data":"');
    if (chunked) c.write(`${opening.length.toString(16)}\r\n`);
    c.write(opening);
    if (chunked) c.write('\r\n');
    sent = opening.length;
  }
  // Stops once the relay has answered: it refused the body, or it is done with it.
  while (sent < total && c.socket.writable && !c.socket.destroyed && !c.answered) {
    const n = Math.min(piece.length, total - sent);
    if (chunked) c.write(`${n.toString(16)}\r\n`);
    c.write(piece.subarray(0, n));
    if (chunked) c.write('\r\n');
    sent += n;
    // Let the relay answer (and the kernel buffers drain) between pieces.
    if (c.socket.writableLength > 1 << 20) await Promise.race([new Promise((r) => c.socket.once('drain', r)), c.closed, c.answer]);
    if (options.pauseMs) await new Promise((r) => setTimeout(r, options.pauseMs));
  }
  return c;
}

/** `count` slow bodies at once, spread over `sources` local addresses (127.0.0.x). */
export async function slowBodies(url: string, path: string, count: number, options: SlowBodyOptions & { readonly sources?: readonly string[] } = {}): Promise<RawConnection[]> {
  const sources = options.sources ?? [options.localAddress ?? '127.0.0.1'];
  return Promise.all(Array.from({ length: count }, (_, i) => slowBody(url, path, { ...options, localAddress: sources[i % sources.length]! })));
}

/** Tells whether the relay still holds its side of a connection it answered or ended. */
export async function relayStillHolds(c: RawConnection, waitMs = 500): Promise<boolean> {
  // A write to a socket the relay destroyed is answered with RST; a half-open one takes it.
  // The RST is seen on the next write (EPIPE/ECONNRESET), so write twice.
  const deadline = Date.now() + waitMs;
  while (Date.now() < deadline && !c.socket.destroyed && !c.reset) {
    if (c.socket.writable) c.socket.write('x');
    await Promise.race([c.closed, new Promise((r) => setTimeout(r, 50))]);
  }
  return !c.socket.destroyed && !c.reset;
}

export type WebSocketFlood = {
  readonly open: WebSocket[];
  /** HTTP statuses of refused upgrades (e.g. 503), and 0 for a connection dropped without one. */
  readonly refused: number[];
  close(): void;
};

/**
 * `count` WebSockets to `path` that never send anything (or never authenticate): the idle
 * socket flood. Each either opens or is refused; both are reported.
 */
export async function idleWebSockets(url: string, path: '/v1/post' | '/v1/inbox', count: number, options: { readonly localAddress?: string } = {}): Promise<WebSocketFlood> {
  const open: WebSocket[] = [];
  const refused: number[] = [];
  await Promise.all(
    Array.from(
      { length: count },
      () =>
        new Promise<void>((resolve) => {
          let settled = false;
          const settle = (f: () => void): void => {
            if (settled) return;
            settled = true;
            f();
            resolve();
          };
          const ws = new WebSocket(url.replace(/^http/, 'ws') + path, { ...(options.localAddress ? { localAddress: options.localAddress } : {}) });
          ws.on('open', () => settle(() => open.push(ws)));
          ws.on('unexpected-response', (_req, res) =>
            settle(() => {
              refused.push(res.statusCode ?? 0);
              res.resume();
              ws.terminate();
            }),
          );
          ws.on('error', () => settle(() => refused.push(0)));
        }),
    ),
  );
  return { open, refused, close: () => open.forEach((ws) => ws.terminate()) };
}

export type GuessOutcome = { readonly tested: number; readonly throttled: number; readonly other: number; readonly retryAfter: string | undefined };

/**
 * Guesses enrolment codes: each guess is a well-formed enrolment (fresh challenge, valid
 * signature) with a random code, so only the code check can fail it, which is what a guesser
 * must do. `tested` counts wrong-code answers (BAD_CODE), `throttled` 429s.
 */
export async function guessEnrolCodes(url: string, guesses: number, options: { readonly localAddress?: string } = {}): Promise<GuessOutcome> {
  const { publicKey, privateKey } = generateKeyPairSync('ed25519');
  const pub = publicKey.export({ format: 'der', type: 'spki' }).subarray(12).toString('base64url');
  let tested = 0;
  let throttled = 0;
  let other = 0;
  let retryAfter: string | undefined;
  for (let i = 0; i < guesses; i++) {
    const ch = await rawCall(url, 'POST', '/v1/enrol/challenge', undefined, options.localAddress);
    const nonce = (ch.body as { nonce?: string }).nonce ?? '';
    const code = Array.from({ length: 4 }, () => Math.random().toString(36).slice(2, 7).toUpperCase().padEnd(5, 'A')).join('-');
    const handle = 'guess';
    const signature = sign(null, Buffer.from(`hardline/v1/enrol\n${nonce}\n${code}\n${handle}\n${pub}`), privateKey).toString('base64url');
    const r = await rawCall(url, 'POST', '/v1/enrol', { code, handle, signaturePublicKey: pub, nonce, signature }, options.localAddress);
    if (r.status === 429) {
      throttled++;
      retryAfter = r.headers['retry-after'];
    } else if ((r.body as { error?: { code?: string } }).error?.code === 'BAD_CODE') tested++;
    else other++;
  }
  return { tested, throttled, other, retryAfter };
}

/**
 * One HTTP request from a chosen source address, on its own connection: the legitimate client
 * (or the attacker) in tests that need two addresses.
 */
export async function rawCall(url: string, method: 'GET' | 'POST' | 'PUT', path: string, body?: unknown, localAddress?: string, headers: Readonly<Record<string, string>> = {}): Promise<RawAnswer> {
  const c = new RawConnection(url, localAddress ? { localAddress } : {});
  try {
    await c.connected();
    const payload = body === undefined ? Buffer.alloc(0) : Buffer.from(JSON.stringify(body));
    c.write(requestHead(url, method, path, { Connection: 'close', 'Content-Length': payload.length, ...(body === undefined ? {} : { 'Content-Type': 'application/json' }), ...headers }));
    c.write(payload);
    const a = await c.answer;
    if (!a) throw new Error(`no answer to ${method} ${path}`);
    return a;
  } finally {
    c.destroy();
  }
}

// ---------------------------------------------------------------- disk fill (issue 10 §3)

/** What a flood achieved: how much the relay took, and how it refused the rest, by error code. */
export type FloodOutcome = { readonly accepted: number; readonly refused: Readonly<Record<string, number>> };

/** A mailbox as its send capability's holder knows it. */
export type PostTarget = { readonly id: string; readonly sendCap: Uint8Array };

/**
 * Claims one KeyPackage of `deviceId` and returns the mailbox the claim created, with its send
 * capability, derived from the KeyPackage as any claimer derives it (protocol capability.ts).
 * One claim is all the disk-fill flood needs. `token` pays for it where claims cost one.
 */
export async function claimMailbox(relayUrl: string, deviceId: string, token?: string): Promise<PostTarget> {
  const r = await fetch(`${relayUrl}/v1/keypackages/claim`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ deviceId, ...(token ? { token } : {}) }) });
  if (r.status !== 200) throw new Error(`claim answered ${r.status}`);
  const { keyPackage } = (await r.json()) as { keyPackage: string };
  const { mailboxId, sendCap } = keyPackageMailbox(Buffer.from(keyPackage, 'base64url'));
  return { id: mailboxId, sendCap };
}

/**
 * Posts `count` envelopes of `payload` bytes (a bucket size; 65,536 is the largest) into one
 * mailbox over one `WS /v1/post`, `window` in flight, holding nothing but its send capability:
 * the flood that put 36,685 posts of 64 KiB into one mailbox in 30 s (issue 10).
 */
export async function floodMailbox(relayUrl: string, target: PostTarget, count: number, options: { readonly payload?: number; readonly window?: number } = {}): Promise<FloodOutcome> {
  const payload = options.payload ?? 65_536;
  const window = options.window ?? 64;
  const ws = new WebSocket(`${relayUrl.replace(/^http/, 'ws')}/v1/post`);
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
  });
  const refused: Record<string, number> = {};
  let accepted = 0;
  let sent = 0;
  let answered = 0;
  try {
    await new Promise<void>((resolve, reject) => {
      const sendMore = (): void => {
        while (sent < count && sent - answered < window) {
          const envelope = { mailboxId: target.id as MailboxId, envelopeId: randomHex(16) as EnvelopeId, payload: randomFill(new Uint8Array(payload)) };
          ws.send(encodePostFrame(target.sendCap, envelope));
          sent++;
        }
      };
      ws.on('message', (data: Buffer) => {
        const reply = decodePostReply(new Uint8Array(data));
        if (reply.status === 'accepted') accepted++;
        else refused[reply.code] = (refused[reply.code] ?? 0) + 1;
        answered++;
        if (answered === count) resolve();
        else sendMore();
      });
      ws.once('close', (code) => (answered < count ? reject(new Error(`post socket closed (${code}) after ${answered} of ${count} replies`)) : resolve()));
      sendMore();
    });
  } finally {
    ws.close();
  }
  return { accepted, refused };
}

/** A blob as its capability's holder knows it. */
export type OwnedBlob = { readonly id: string; readonly capability: string };

/**
 * Creates `count` blobs of `size` bytes (a blob bucket; 2 MiB is the largest) under fresh ids
 * and capabilities: the flood of 473 anonymous 2 MiB creations in 20 s (issue 10). A stranger
 * has no tokens (`pay` absent); an insider pays with tokens its own device fetched
 * (test/support/privacyPassTokens.ts). Returns the blobs the relay created.
 */
export async function floodBlobs(relayUrl: string, count: number, size: number, pay?: () => Promise<string>): Promise<FloodOutcome & { readonly blobs: readonly OwnedBlob[] }> {
  const refused: Record<string, number> = {};
  const blobs: OwnedBlob[] = [];
  const data = Buffer.from(randomFill(new Uint8Array(size))).toString('base64url');
  // A creation refused before payment leaves the token unspent; the next attempt reuses it, so
  // a relay that charged for refusals would answer TOKEN_SPENT.
  let token: string | undefined;
  for (let i = 0; i < count; i++) {
    const blob = { id: randomHex(16), capability: randomHex(32) };
    token ??= pay ? await pay() : undefined;
    const r = await fetch(`${relayUrl}/v1/blobs/${blob.id}`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json', authorization: `Capability ${blob.capability}` },
      body: JSON.stringify({ version: 0, data, ...(token ? { token } : {}) }),
    });
    const body = (await r.json()) as { error?: { code: string } };
    const code = r.status === 200 ? undefined : (body.error?.code ?? String(r.status));
    if (code === undefined) blobs.push(blob);
    else refused[code] = (refused[code] ?? 0) + 1;
    if (code === undefined || code.startsWith('TOKEN_')) token = undefined;
  }
  return { accepted: blobs.length, refused, blobs };
}

function randomFill(bytes: Uint8Array): Uint8Array {
  // getRandomValues fills at most 64 KiB at a time.
  for (let i = 0; i < bytes.length; i += 65_536) crypto.getRandomValues(bytes.subarray(i, i + 65_536));
  return bytes;
}

function randomHex(n: number): string {
  return Buffer.from(randomFill(new Uint8Array(n))).toString('hex');
}
