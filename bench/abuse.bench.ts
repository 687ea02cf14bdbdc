/**
 * @module bench/abuse
 * `npm run bench -- abuse`: the relay, with its default limits, under each flood of issue 10
 * for ABUSE_SECONDS (default 60) while a legitimate ring of clients keeps messaging. Per flood:
 * the legitimate send→receive p50/p99 and messages lost, the relay's peak RSS, what the attacker
 * got accepted, and how much the data folder grew.
 *
 * The attacker connects from 127.0.0.2–127.0.0.41 (40 addresses, a small botnet; all of 127/8
 * is loopback on Linux), the legitimate clients from 127.0.0.1, so the per-address caps act on
 * the attacker as they would on the internet. Both share the machine's two cores with the relay.
 */
import { randomBytes } from 'node:crypto';
import { readdirSync, statSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { connect, type Socket } from 'node:net';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import WebSocket from 'ws';
import { BLOB_BUCKETS, fromBase64Url } from '../packages/protocol/src/index.ts';
import { MAX_TOKEN_BATCH, requestTokens } from '../packages/protocol/src/tokens/privacyPass.ts';
import { acker, frame, newMailboxes, openInbox, percentile, round, rssMb, seqOf, sessionToken, startServer, stopServer, table, type Mailbox, type Server } from './relayLab.ts';

const FLOOD_MS = Number(process.env.ABUSE_SECONDS ?? 60) * 1000;
const LEGIT_CLIENTS = 10;
const LEGIT_RATE = 50; // messages per second, all clients together
const ATTACK_ADDRESSES = Array.from({ length: 40 }, (_, i) => `127.0.0.${i + 2}`);
let nextAddress = 0;
const attackAddress = (): string => ATTACK_ADDRESSES[nextAddress++ % ATTACK_ADDRESSES.length]!;

type Attack = { readonly ops: number; readonly accepted: number; readonly refusals: Readonly<Record<string, number>> };
type Flood = (server: Server, ctx: { attackerMailbox: Mailbox; attackerSession: string }, until: number) => Promise<Attack>;

// ---------------------------------------------------------------- raw HTTP from a chosen address

type Reply = { status: number; code: string };

function httpFrom(server: Server, method: string, path: string, body: Buffer | undefined, headers: Record<string, string> = {}): Promise<Reply> {
  const url = new URL(path, server.url);
  return new Promise((resolve) => {
    const req = httpRequest(
      { host: url.hostname, port: url.port, path: url.pathname, method, localAddress: attackAddress(), agent: false, headers: { ...headers, ...(body ? { 'content-length': String(body.length) } : {}) } },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          let code = String(res.statusCode);
          try {
            code = (JSON.parse(Buffer.concat(chunks).toString()) as { error?: { code?: string } }).error?.code ?? code;
          } catch {}
          resolve({ status: res.statusCode ?? 0, code });
        });
        res.on('error', () => resolve({ status: 0, code: 'RESET' }));
      },
    );
    req.on('error', (e: NodeJS.ErrnoException) => resolve({ status: 0, code: e.code ?? 'ERROR' }));
    req.end(body);
  });
}

async function hammer(until: number, concurrency: number, once: () => Promise<Reply>): Promise<Attack> {
  let ops = 0;
  let accepted = 0;
  const refusals: Record<string, number> = {};
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (Date.now() < until) {
        const r = await once();
        ops++;
        if (r.status === 200) accepted++;
        else refusals[r.code] = (refusals[r.code] ?? 0) + 1;
        // A refused connection comes back at once; don't spin the load generator's core on it.
        if (r.status === 0) await new Promise((res) => setTimeout(res, 5));
      }
    }),
  );
  return { ops, accepted, refusals };
}

// ---------------------------------------------------------------- the floods

const biggestBlob = BLOB_BUCKETS[BLOB_BUCKETS.length - 1]!;
const blobBody = (token?: string): Buffer => Buffer.from(JSON.stringify({ version: 0, data: randomBytes(biggestBlob).toString('base64url'), ...(token ? { token } : {}) }));
const blobHeaders = (): Record<string, string> => ({ 'content-type': 'application/json', authorization: `Capability ${randomBytes(32).toString('hex')}` });

/** Tokens an enrolled (insider) device fetches over its session, as many as its budget allows. */
async function fetchTokens(server: Server, session: string, count: number, purpose: 'claim' | 'blob'): Promise<string[]> {
  const { publicKey } = (await (await fetch(`${server.url}/v1/tokens/${purpose}/key`)).json()) as { publicKey: string };
  const tokens: string[] = [];
  let batch = MAX_TOKEN_BATCH;
  while (tokens.length < count && batch >= 1) {
    const { request, finish } = await requestTokens(fromBase64Url(publicKey, 256), Math.min(batch, count - tokens.length));
    const r = await fetch(`${server.url}/v1/tokens/${purpose}`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${session}` }, body: JSON.stringify({ request }) });
    // Past the daily budget: ask for fewer, down to one, as an attacker draining it would.
    if (r.status !== 200) batch = Math.floor(batch / 2);
    else tokens.push(...(await finish(((await r.json()) as { response: string }).response)));
  }
  return tokens;
}

const FLOODS: Record<string, Flood> = {
  'none (baseline)': async (_s, _c, until) => {
    await new Promise((r) => setTimeout(r, until - Date.now()));
    return { ops: 0, accepted: 0, refusals: {} };
  },
  'blobs, no tokens (2 MiB each)': (s, _c, until) => hammer(until, 16, () => httpFrom(s, 'PUT', `/v1/blobs/${randomBytes(16).toString('hex')}`, blobBody(), blobHeaders())),
  "blobs, one device's tokens": async (s, c, until) => {
    const tokens = await fetchTokens(s, c.attackerSession, 1_000, 'blob');
    const result = await hammer(until, 8, async () => (tokens.length > 0 ? httpFrom(s, 'PUT', `/v1/blobs/${randomBytes(16).toString('hex')}`, blobBody(tokens.pop()), blobHeaders()) : { status: 0, code: 'NO_TOKENS_LEFT' }));
    return result;
  },
  'claims, no tokens': (s, _c, until) => hammer(until, 16, () => httpFrom(s, 'POST', '/v1/keypackages/claim', Buffer.from(JSON.stringify({ deviceId: randomBytes(16).toString('hex') })), { 'content-type': 'application/json' })),
  // A forged token with the real key id and challenge digest passes every cheap check and costs
  // the relay one VOPRF evaluation to refuse: the most expensive thing a stranger can ask for.
  'claims, forged tokens': async (s, c, until) => {
    const [real] = await fetchTokens(s, c.attackerSession, 1, 'claim');
    const forged = (): string => {
      const t = Buffer.from(real!, 'base64url');
      randomBytes(32).copy(t, 2); // a fresh nonce: not spent, and its authenticator is wrong
      return t.toString('base64url');
    };
    return hammer(until, 16, () => httpFrom(s, 'POST', '/v1/keypackages/claim', Buffer.from(JSON.stringify({ deviceId: randomBytes(16).toString('hex'), token: forged() })), { 'content-type': 'application/json' }));
  },
  'posts of 64 KiB into one claimed mailbox': async (s, c, until) => {
    const payload = randomBytes(65_536);
    const postFrame = (): Buffer => Buffer.concat([c.attackerMailbox.sendCap, Buffer.from([1]), c.attackerMailbox.id, randomBytes(16), payload]);
    return hammer(until, 16, () => httpFrom(s, 'POST', '/v1/post', postFrame(), { 'content-type': 'application/octet-stream' }));
  },
  'slow bodies (400 × 2.8 MB minus one byte)': async (s, _c, until) => {
    let ops = 0;
    const refusals: Record<string, number> = {};
    const url = new URL(s.url);
    const body = randomBytes(2_800_000 - 1);
    await Promise.all(
      Array.from({ length: 400 }, async () => {
        while (Date.now() < until) {
          ops++;
          const outcome = await new Promise<string>((resolve) => {
            const socket = connect({ host: url.hostname, port: Number(url.port), localAddress: attackAddress() });
            socket.on('error', (e: NodeJS.ErrnoException) => resolve(e.code ?? 'ERROR'));
            socket.on('close', () => resolve('CLOSED'));
            socket.on('data', (d: Buffer) => resolve(d.toString().split(' ')[1] ?? 'REPLY'));
            socket.write(`PUT /v1/blobs/${randomBytes(16).toString('hex')} HTTP/1.1\r\nHost: ${url.host}\r\nContent-Type: application/json\r\nContent-Length: 2800000\r\n\r\n`);
            socket.write(body);
            setTimeout(() => socket.destroy(), Math.max(0, until - Date.now()));
          });
          refusals[outcome] = (refusals[outcome] ?? 0) + 1;
          await new Promise((r) => setTimeout(r, 20));
        }
      }),
    );
    return { ops, accepted: 0, refusals };
  },
  'idle sockets (10,000)': async (s, _c, until) => {
    const url = new URL(s.url);
    const open = new Set<Socket>();
    let ops = 0;
    const refusals: Record<string, number> = {};
    const dial = (): void => {
      if (Date.now() >= until) return;
      ops++;
      const socket = connect({ host: url.hostname, port: Number(url.port), localAddress: attackAddress() });
      open.add(socket);
      socket.on('error', (e: NodeJS.ErrnoException) => (refusals[e.code ?? 'ERROR'] = (refusals[e.code ?? 'ERROR'] ?? 0) + 1));
      socket.on('close', () => {
        open.delete(socket);
        refusals.CLOSED_BY_RELAY = (refusals.CLOSED_BY_RELAY ?? 0) + 1;
        // Dial again, as a flood does, but not in a tight loop.
        setTimeout(dial, 100);
      });
    };
    for (let i = 0; i < 10_000; i++) {
      dial();
      if (i % 500 === 499) await new Promise((r) => setTimeout(r, 50));
    }
    await new Promise((r) => setTimeout(r, Math.max(0, until - Date.now())));
    for (const sock of open) sock.destroy();
    return { ops, accepted: 0, refusals };
  },
};

// ---------------------------------------------------------------- legitimate traffic and measurement

function folderBytes(dir: string): number {
  let total = 0;
  for (const f of readdirSync(dir)) total += statSync(join(dir, f)).size;
  return total;
}

export type AbuseRow = {
  readonly flood: string;
  readonly attackerOps: number;
  readonly attackerAccepted: number;
  readonly refusedAs: string;
  readonly diskGrowthMb: number;
  readonly relayPeakRssMb: number;
  readonly legitSent: number;
  readonly legitLost: number;
  readonly legitP50Ms: number;
  readonly legitP99Ms: number;
};

async function runFlood(name: string, flood: Flood): Promise<AbuseRow> {
  const mailboxes = newMailboxes(LEGIT_CLIENTS + 1);
  const attackerMailbox = mailboxes.pop()!;
  const server = await startServer([...mailboxes, attackerMailbox]);
  const dataDir = join(server.dir, 'data');
  try {
    const session = await sessionToken(server);
    const attackerSession = await sessionToken(server);
    // Legitimate: each client posts to the next one's mailbox and reads its own, at a fixed rate.
    const posts = await Promise.all(mailboxes.map(() => new Promise<WebSocket>((resolve, reject) => {
      const ws = new WebSocket(server.url.replace(/^http/, 'ws') + '/v1/post', { perMessageDeflate: false });
      ws.once('open', () => resolve(ws));
      ws.once('error', reject);
    })));
    const sentAt = new Map<number, number>();
    const latencies: number[] = [];
    const inboxes = await Promise.all(
      mailboxes.map(async (m) => {
        let ack: ((e: Buffer) => void) | undefined;
        const ws = await openInbox(server.url, session, [m], (e) => {
          ack?.(e);
          const t = sentAt.get(seqOf(e));
          if (t !== undefined) {
            latencies.push(performance.now() - t);
            sentAt.delete(seqOf(e));
          }
        });
        ack = acker(ws);
        return ws;
      }),
    );
    let sent = 0;
    const start = performance.now();
    let peakRss = rssMb(server.pid);
    const sampler = setInterval(() => (peakRss = Math.max(peakRss, rssMb(server.pid))), 200);
    const ticker = setInterval(() => {
      const due = Math.floor(((performance.now() - start) / 1000) * LEGIT_RATE);
      for (; sent < due; sent++) {
        const i = sent % LEGIT_CLIENTS;
        const f = frame(mailboxes[(i + 1) % LEGIT_CLIENTS]!);
        sentAt.set(f.n, performance.now());
        if (posts[i]!.readyState === WebSocket.OPEN) posts[i]!.send(f.frame);
      }
    }, 5);
    const diskBefore = folderBytes(dataDir);
    const attack = await flood(server, { attackerMailbox, attackerSession }, Date.now() + FLOOD_MS);
    clearInterval(ticker);
    // Grace for messages still in flight when the flood ends.
    await new Promise((r) => setTimeout(r, 3_000));
    clearInterval(sampler);
    const diskAfter = folderBytes(dataDir);
    for (const ws of [...posts, ...inboxes]) ws.terminate();
    const sorted = Float64Array.from(latencies).sort();
    const refusedAs = Object.entries(attack.refusals).sort((a, b) => b[1] - a[1]).slice(0, 3).map(([k, v]) => `${k} ${v}`).join(', ');
    return {
      flood: name,
      attackerOps: attack.ops,
      attackerAccepted: attack.accepted,
      refusedAs: refusedAs || '-',
      diskGrowthMb: round((diskAfter - diskBefore) / 1_048_576),
      relayPeakRssMb: round(peakRss),
      legitSent: sent,
      legitLost: sentAt.size,
      legitP50Ms: round(percentile(sorted, 0.5)),
      legitP99Ms: round(percentile(sorted, 0.99)),
    };
  } finally {
    await stopServer(server);
  }
}

export async function runAbuseBench(only?: readonly string[]): Promise<void> {
  const rows: AbuseRow[] = [];
  for (const [name, flood] of Object.entries(FLOODS)) {
    if (only && only.length > 0 && !only.some((o) => name.startsWith(o))) continue;
    rows.push(await runFlood(name, flood));
    console.error(`abuse: ${name} done`);
  }
  console.log(`\nRelay under floods (${FLOOD_MS / 1000} s each, default limits; legitimate ring of ${LEGIT_CLIENTS} clients at ${LEGIT_RATE} msg/s from 127.0.0.1; attacker from 40 other loopback addresses)\n`);
  console.log(table(rows));
}

const entry = process.argv[1];
if (entry !== undefined && import.meta.url === pathToFileURL(entry).href) {
  await runAbuseBench(process.argv.slice(2));
}
