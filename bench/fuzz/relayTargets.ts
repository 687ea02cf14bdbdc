/**
 * @module bench/fuzz/relayTargets
 * Fuzz targets for the relay's network surface, against an in-process relay on 127.0.0.1 with a
 * real SQLite store: random and mutated requests to every HTTP route (no token, a device
 * session, the admin token, a wrong token), random and mutated frames on `WS /v1/post`, and
 * random frame sequences on `WS /v1/inbox`. Allowed outcomes: a 2xx, or a 4xx whose body is
 * `{"error":{"code","message"}}` with a code other than INTERNAL; a post reply that decodes,
 * never with INTERNAL; an inbox socket that closes with a code from the spec table (never 1011).
 */
import { request, Agent } from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import WebSocket from 'ws';
import { decodePostReply, encodeEnvelope, encodePostFrame, type EnvelopeId, type MailboxId } from '@hardline/protocol';
import { startRelay } from '../../packages/server/src/startRelay.ts';
import { allRoutes } from '../../packages/server/src/routes/allRoutes.ts';
import { newDeviceKeys } from '../../packages/server/test/support/deviceKeys.ts';
import { call } from '../../packages/server/test/support/httpApi.ts';
import { bytesNear, FuzzEscape, target, textNear, type FuzzTarget } from './fuzzTarget.ts';

export type RelayFuzz = { readonly targets: FuzzTarget[]; close(): Promise<void> };

/** Close codes an inbox socket may end with (wireError.ts table, REVOKED, ws's own 1009). */
const INBOX_CLOSE_CODES = new Set([4400, 4401, 4403, 4003, 1009]);
const MAILBOX = '0123456789abcdef0123456789abcdef' as MailboxId;
const ENVELOPE_ID = 'fedcba9876543210fedcba9876543210' as EnvelopeId;

type HttpInput = { route: number; method: string; param: string; auth: 'none' | 'session' | 'admin' | 'wrong'; body: Uint8Array | undefined; json: boolean };

export async function relayTargets(): Promise<RelayFuzz> {
  const dataDir = mkdtempSync(join(tmpdir(), 'hl-fuzz-'));
  const relay = await startRelay({ port: 0, dataDir, webRoot: false, log: () => undefined });
  const admin = relay.adminToken!;
  const session = await enrolSession(relay.url, admin);
  const agent = new Agent({ keepAlive: true, maxSockets: 4 });
  const host = new URL(relay.url);
  const tokens = { none: undefined, session: session.token, admin, wrong: 'x'.repeat(43) } as const;

  const enc = new TextEncoder();
  const postFrame = encodePostFrame(new Uint8Array(32).fill(9), { mailboxId: MAILBOX, envelopeId: ENVELOPE_ID, payload: new Uint8Array(256).fill(1) });
  const jsonSeeds = [
    { deviceId: session.deviceId },
    { code: 'abc-def', handle: 'carol', displayName: 'Carol', signaturePublicKey: 'A'.repeat(43), nonce: 'B'.repeat(43), signature: 'C'.repeat(86) },
    { handle: 'dave' },
    { token: 'ab'.repeat(32) },
    { keyPackages: ['AAAA'], readCapHashes: ['A'.repeat(43)] },
    { deviceId: session.deviceId, count: 2 },
    { displayName: 'Eve', phone: '+31620000003', email: 'e@example.org' },
    { version: 1, data: 'AAAA', capHash: 'A'.repeat(43) },
  ].map((o) => enc.encode(JSON.stringify(o)));

  const httpInput: fc.Arbitrary<HttpInput> = fc.record({
    route: fc.nat({ max: allRoutes.length }),
    // Mostly the route's own method (which reaches its handler), sometimes another one.
    method: fc.oneof({ arbitrary: fc.constant('route'), weight: 4 }, { arbitrary: fc.constantFrom('GET', 'POST', 'PUT', 'DELETE', 'PATCH'), weight: 1 }),
    param: fc.oneof(fc.constant('0'.repeat(32)), fc.stringMatching(/^[0-9a-f]{1,40}$/), fc.string({ maxLength: 80 }).map(encodeURIComponent), fc.constantFrom('%', '%zz', '..', '%00', session.deviceId)),
    auth: fc.constantFrom('none', 'session', 'admin', 'wrong'),
    body: fc.option(fc.oneof(bytesNear([...jsonSeeds, postFrame], 600), fc.json().map((j) => enc.encode(j))), { nil: undefined }),
    json: fc.boolean(),
  });

  const http = target<HttpInput>({
    name: 'relay HTTP (every route)',
    runs: 100_000,
    input: httpInput,
    async check(i) {
      const route = allRoutes[i.route];
      // One index past the table: a path no route has.
      const path = route ? route.path.replace(/:[a-z]+/gi, () => i.param) : `/v1/${i.param}`;
      // The revoke routes would end the fuzzer's own session with its own id; the rest of the run
      // would then only see UNAUTHENTICATED. Its own id is still tried on every other route.
      const method = i.method === 'route' ? (route?.method ?? 'GET') : i.method;
      if (path.includes(session.deviceId) && path.includes('revoke')) return;
      const res = await send(agent, host, method, path, tokens[i.auth], i.body, i.json);
      checkHttp(method, path, res);
    },
  });

  let postSocket: WebSocket | undefined;
  const postInput = fc.record({ frame: bytesNear([postFrame], 512), text: fc.boolean() });
  const post = target({
    name: 'relay WS /v1/post',
    runs: 60_000,
    input: postInput,
    async check({ frame, text }) {
      postSocket ??= await openSocket(relay.url, '/v1/post');
      const ws = postSocket;
      const reply = await new Promise<{ data?: Buffer; close?: number }>((resolve) => {
        const onMessage = (data: Buffer) => done({ data });
        const onClose = (code: number) => done({ close: code });
        const done = (r: { data?: Buffer; close?: number }) => {
          ws.off('message', onMessage);
          ws.off('close', onClose);
          resolve(r);
        };
        ws.on('message', onMessage);
        ws.on('close', onClose);
        ws.send(text ? new TextDecoder().decode(frame) : frame, { binary: !text });
      });
      if (reply.close !== undefined) {
        postSocket = undefined;
        if (reply.close !== 1009) throw new FuzzEscape(`post socket closed with ${reply.close}`);
        return;
      }
      const r = decodePostReply(new Uint8Array(reply.data!));
      if (r.status === 'rejected' && r.code === 'INTERNAL') throw new FuzzEscape('post reply INTERNAL');
    },
  });

  const inboxSeeds = [
    JSON.stringify({ type: 'subscribe', mailboxes: [{ id: MAILBOX, readCap: 'A'.repeat(43) }] }),
    JSON.stringify({ type: 'ack', items: [[MAILBOX, ENVELOPE_ID]] }),
    JSON.stringify({ type: 'auth', token: session.token }),
  ];
  const inboxInput = fc.record({
    auth: fc.oneof(fc.constant(JSON.stringify({ type: 'auth', token: session.token })), textNear(inboxSeeds, 100)),
    frames: fc.array(fc.oneof(textNear(inboxSeeds, 200), fc.uint8Array({ maxLength: 64 })), { maxLength: 3 }),
  });
  const inbox = target({
    name: 'relay WS /v1/inbox',
    runs: 10_000,
    input: inboxInput,
    async check({ auth, frames }) {
      const ws = await openSocket(relay.url, '/v1/inbox');
      const errors: string[] = [];
      ws.on('message', (data, binary) => {
        if (binary) return;
        const m = JSON.parse(String(data)) as { type?: string; error?: { code?: string } };
        if (m.type === 'error') errors.push(m.error?.code ?? '(no code)');
      });
      const closed = new Promise<number>((resolve) => ws.on('close', (code) => resolve(code)));
      ws.send(auth);
      for (const f of frames) ws.send(f, { binary: typeof f !== 'string' });
      // Always invalid: every socket ends here if nothing before ended it.
      ws.send('x');
      const timer = new Promise<number>((resolve) => setTimeout(() => resolve(-1), 5_000).unref());
      const code = await Promise.race([closed, timer]);
      if (code === -1) {
        ws.terminate();
        throw new FuzzEscape('inbox socket did not close after an invalid frame');
      }
      if (!INBOX_CLOSE_CODES.has(code)) throw new FuzzEscape(`inbox socket closed with ${code}`);
      if (errors.includes('INTERNAL') || errors.includes('(no code)')) throw new FuzzEscape(`inbox error frame ${errors.join(',')}`);
    },
  });

  return {
    targets: [http, post, inbox],
    async close() {
      postSocket?.terminate();
      agent.destroy();
      await relay.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

async function enrolSession(url: string, admin: string): Promise<{ deviceId: string; token: string }> {
  const keys = newDeviceKeys();
  const { body: inv } = await call(url, 'POST', '/v1/admin/invites', {}, admin);
  const { body: ch } = await call(url, 'POST', '/v1/enrol/challenge');
  const handle = 'fuzzer';
  const signature = keys.sign(`hardline/v1/enrol\n${ch.nonce}\n${inv.code}\n${handle}\n${keys.publicKeyB64}`);
  const e = await call(url, 'POST', '/v1/enrol', { code: inv.code, handle, displayName: 'Fuzzer', signaturePublicKey: keys.publicKeyB64, nonce: ch.nonce, signature });
  const deviceId = e.body.deviceId as string;
  const sc = await call(url, 'POST', '/v1/session/challenge', { deviceId });
  const s = await call(url, 'POST', '/v1/session', { deviceId, nonce: sc.body.nonce, signature: keys.sign(`hardline/v1/session\n${sc.body.nonce}\n${deviceId}`) });
  if (s.status !== 200) throw new Error(`fuzz setup: no session (${s.status})`);
  return { deviceId, token: s.body.token as string };
}

type HttpResult = { status: number; text: string };

function send(agent: Agent, host: URL, method: string, path: string, token: string | undefined, body: Uint8Array | undefined, json: boolean): Promise<HttpResult> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string | number> = {};
    if (token !== undefined) headers.authorization = `Bearer ${token}`;
    if (body !== undefined) {
      headers['content-type'] = json ? 'application/json' : 'application/octet-stream';
      headers['content-length'] = body.length;
    }
    const req = request({ agent, host: host.hostname, port: host.port, method, path, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(body === undefined ? undefined : Buffer.from(body));
  });
}

function checkHttp(method: string, path: string, res: HttpResult): void {
  const where = `${method} ${path} -> ${res.status}`;
  if (res.status >= 500 || res.status < 200) throw new FuzzEscape(`${where} ${res.text.slice(0, 200)}`);
  if (res.status < 400) return;
  let body: { error?: { code?: unknown; message?: unknown } };
  try {
    body = JSON.parse(res.text) as typeof body;
  } catch {
    throw new FuzzEscape(`${where}: error body is not JSON`);
  }
  const code = body.error?.code;
  if (typeof code !== 'string' || !/^[A-Z_]+$/.test(code) || typeof body.error?.message !== 'string' || code === 'INTERNAL') {
    throw new FuzzEscape(`${where}: not an error JSON with a code: ${res.text.slice(0, 200)}`);
  }
}

function openSocket(url: string, path: string): Promise<WebSocket> {
  const ws = new WebSocket(url.replace(/^http/, 'ws') + path, { maxPayload: 1 << 22 });
  ws.on('error', () => undefined);
  return new Promise((resolve, reject) => {
    ws.once('open', () => resolve(ws));
    ws.once('close', (code) => reject(new Error(`socket closed before open (${code})`)));
  });
}
