/**
 * @module bench/relay
 * Relay throughput, latency, CPU and memory, with the relay in a child process and durable
 * SQLite storage (WAL, synchronous=FULL, one commit per event-loop turn):
 *  - ring: 100 clients, client i posts 1 KiB envelopes into client i+1's mailbox over
 *    WS /v1/post and reads its own over WS /v1/inbox, acking what it gets; at full load
 *    (a window of messages in flight per sender) and at a fixed 2,000 msg/s;
 *  - offline drain: 10,000 stored envelopes to a reconnecting reader;
 *  - idle connections: server RSS with 10,000 authenticated inbox sockets.
 * Run: node --import tsx bench/relay.bench.ts  (RELAY_BENCH_PROF=DIR also writes a CPU profile of the relay)
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createHash, generateKeyPairSync, randomBytes, sign } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import WebSocket from 'ws';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const PAYLOAD = 1024;
const CLK_TCK = 100;

// ---------------------------------------------------------------- server child process

type Server = { readonly url: string; readonly adminToken: string; readonly pid: number; readonly child: ChildProcess; readonly dir: string };
type Mailbox = { readonly id: Buffer; readonly readCap: Buffer; readonly sendCap: Buffer };

const sha256 = (b: Uint8Array): Buffer => createHash('sha256').update(b).digest();

function newMailboxes(n: number): Mailbox[] {
  return Array.from({ length: n }, () => ({ id: randomBytes(16), readCap: randomBytes(32), sendCap: randomBytes(32) }));
}

async function startServer(mailboxes: readonly Mailbox[]): Promise<Server> {
  const dir = mkdtempSync(join(tmpdir(), 'hardline-bench-'));
  const list = join(dir, 'mailboxes.json');
  writeFileSync(list, JSON.stringify(mailboxes.map((m) => ({ id: m.id.toString('hex'), readCapHash: sha256(m.readCap).toString('hex'), sendCapHash: sha256(m.sendCap).toString('hex') }))));
  const child = spawn(process.execPath, [...(process.env.RELAY_BENCH_PROF ? ['--cpu-prof', '--cpu-prof-dir=' + process.env.RELAY_BENCH_PROF] : []), '--import', 'tsx', join(ROOT, 'bench/relayServerProcess.ts'), join(dir, 'data'), list], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const line = await new Promise<string>((resolve, reject) => {
    let buf = '';
    child.stdout!.on('data', (c: Buffer) => {
      buf += c.toString();
      const i = buf.indexOf('\n');
      if (i >= 0) resolve(buf.slice(0, i));
    });
    child.once('exit', (code) => reject(new Error(`relay exited with ${code}`)));
  });
  const info = JSON.parse(line) as { url: string; adminToken: string; pid: number };
  return { ...info, child, dir };
}

async function stopServer(s: Server): Promise<void> {
  const exited = new Promise((r) => s.child.once('exit', r));
  s.child.kill('SIGTERM');
  await exited;
  rmSync(s.dir, { recursive: true, force: true });
}

/** utime + stime of a process, in ms. */
function cpuMs(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / CLK_TCK;
}

function rssMb(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) / 1024 : Number.NaN;
}

// ---------------------------------------------------------------- client helpers

async function post(url: string, path: string, body: unknown, token?: string): Promise<any> {
  const res = await fetch(url + path, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify(body),
  });
  const json = await res.json();
  if (!res.ok) throw new Error(`${path}: ${JSON.stringify(json)}`);
  return json;
}

/** Enrols one device through the real API and opens a session for it. */
async function sessionToken(s: Server): Promise<string> {
  const { publicKey, privateKey } = generateKeyPairSync('ed25519');
  const pub = publicKey.export({ format: 'der', type: 'spki' }).subarray(12).toString('base64url');
  const sig = (m: string) => sign(null, Buffer.from(m), privateKey).toString('base64url');
  const { code } = await post(s.url, '/v1/admin/invites', {}, s.adminToken);
  const handle = `bench${randomBytes(3).toString('hex')}`;
  const ch = await post(s.url, '/v1/enrol/challenge', {});
  const { deviceId } = await post(s.url, '/v1/enrol', { code, handle, displayName: handle, signaturePublicKey: pub, nonce: ch.nonce, signature: sig(`hardline/v1/enrol\n${ch.nonce}\n${code}\n${handle}\n${pub}`) });
  const sc = await post(s.url, '/v1/session/challenge', { deviceId });
  const { token } = await post(s.url, '/v1/session', { deviceId, nonce: sc.nonce, signature: sig(`hardline/v1/session\n${sc.nonce}\n${deviceId}`) });
  return token;
}

function openWs(url: string, path: string): Promise<WebSocket> {
  const ws = new WebSocket(url.replace(/^http/, 'ws') + path, { perMessageDeflate: false, maxPayload: 1 << 27 });
  return new Promise((resolve, reject) => {
    ws.once('open', () => resolve(ws));
    ws.once('error', reject);
  });
}

/** Authenticates and subscribes; resolves when the backlog is drained. `onEnvelope` sees every binary frame. */
async function openInbox(url: string, token: string, mailboxes: readonly Mailbox[], onEnvelope: (b: Buffer) => void): Promise<WebSocket> {
  const ws = await openWs(url, '/v1/inbox');
  const drained = new Promise<void>((resolve, reject) => {
    ws.on('message', (data, binary) => {
      if (binary) onEnvelope(data as Buffer);
      else if (JSON.parse(data.toString()).type === 'drained') resolve();
    });
    ws.once('close', (code) => reject(new Error(`inbox closed ${code}`)));
  });
  ws.send(JSON.stringify({ type: 'auth', token }));
  ws.send(JSON.stringify({ type: 'subscribe', mailboxes: mailboxes.map((m) => ({ id: m.id.toString('hex'), readCap: m.readCap.toString('base64url') })) }));
  await drained;
  return ws;
}

const PAYLOAD_BYTES = randomBytes(PAYLOAD);
let counter = 0;

/** A post frame whose envelope id starts with a 6-byte sequence number, for latency lookup. */
function frame(m: Mailbox): { frame: Buffer; n: number } {
  const n = counter++;
  const f = Buffer.allocUnsafe(32 + 33 + PAYLOAD);
  m.sendCap.copy(f, 0);
  f[32] = 1;
  m.id.copy(f, 33);
  f.writeUIntBE(n, 49, 6);
  randomBytes(10).copy(f, 55);
  PAYLOAD_BYTES.copy(f, 65);
  return { frame: f, n };
}

const seqOf = (envelope: Buffer): number => envelope.readUIntBE(17, 6);

/** Batches acks per event-loop turn, like a real client would. */
function acker(ws: WebSocket): (envelope: Buffer) => void {
  let items: [string, string][] = [];
  return (e) => {
    if (items.length === 0) {
      setImmediate(() => {
        ws.send(JSON.stringify({ type: 'ack', items }));
        items = [];
      });
    }
    items.push([e.subarray(1, 17).toString('hex'), e.subarray(17, 33).toString('hex')]);
  };
}

function percentile(sorted: Float64Array, p: number): number {
  return sorted.length === 0 ? Number.NaN : sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))]!;
}

// ---------------------------------------------------------------- ring scenario

export type RingResult = {
  readonly scenario: string;
  readonly deliveredPerSec: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly cpuMsPer1k: number;
  readonly delivered: number;
};

export type RingOptions = {
  readonly clients?: number;
  /** Messages per second in total; undefined = full load with `window` in flight per sender. */
  readonly rate?: number;
  readonly window?: number;
  readonly warmupMs?: number;
  readonly measureMs?: number;
};

export async function benchRing(options: RingOptions = {}): Promise<RingResult> {
  const clients = options.clients ?? 100;
  const window = options.window ?? 16;
  const warmupMs = options.warmupMs ?? 2_000;
  const measureMs = options.measureMs ?? 10_000;
  const mailboxes = newMailboxes(clients);
  const server = await startServer(mailboxes);
  try {
    const token = await sessionToken(server);
    const sentAt: number[] = [];
    const senderOf: number[] = [];
    const inFlight = new Int32Array(clients);
    const posts = await Promise.all(mailboxes.map(() => openWs(server.url, '/v1/post')));
    let measuring = false;
    let stopped = false;
    const latencies: number[] = [];
    let delivered = 0;

    const send = (i: number): void => {
      const { frame: f, n } = frame(mailboxes[(i + 1) % clients]!);
      sentAt[n] = performance.now();
      senderOf[n] = i;
      inFlight[i]!++;
      posts[i]!.send(f);
    };

    const inboxes = await Promise.all(
      mailboxes.map(async (m) => {
        let ack: ((e: Buffer) => void) | undefined;
        const ws = await openInbox(server.url, token, [m], (e) => {
          ack?.(e);
          const n = seqOf(e);
          if (measuring) {
            latencies.push(performance.now() - sentAt[n]!);
            delivered++;
          }
          const s = senderOf[n]!;
          inFlight[s]!--;
          if (options.rate === undefined && !stopped) send(s);
        });
        ack = acker(ws);
        return ws;
      }),
    );

    let ticker: NodeJS.Timeout | undefined;
    if (options.rate === undefined) {
      for (let i = 0; i < clients; i++) for (let k = 0; k < window; k++) send(i);
    } else {
      const rate = options.rate;
      const start = performance.now();
      let sent = 0;
      let next = 0;
      ticker = setInterval(() => {
        const due = Math.floor(((performance.now() - start) / 1000) * rate);
        for (; sent < due; sent++, next = (next + 1) % clients) send(next);
      }, 2);
    }

    await new Promise((r) => setTimeout(r, warmupMs));
    const cpu0 = cpuMs(server.pid);
    const t0 = performance.now();
    measuring = true;
    await new Promise((r) => setTimeout(r, measureMs));
    measuring = false;
    const elapsed = performance.now() - t0;
    const cpu1 = cpuMs(server.pid);
    stopped = true;
    if (ticker) clearInterval(ticker);
    for (const ws of [...posts, ...inboxes]) ws.terminate();

    const sorted = Float64Array.from(latencies).sort();
    return {
      scenario: options.rate === undefined ? `ring ${clients}, full load (${window} in flight/sender)` : `ring ${clients}, fixed ${options.rate} msg/s`,
      deliveredPerSec: Math.round((delivered / elapsed) * 1000),
      p50Ms: round(percentile(sorted, 0.5)),
      p99Ms: round(percentile(sorted, 0.99)),
      cpuMsPer1k: round(((cpu1 - cpu0) / Math.max(1, delivered)) * 1000),
      delivered,
    };
  } finally {
    await stopServer(server);
  }
}

// ---------------------------------------------------------------- offline drain

export type DrainResult = { readonly envelopes: number; readonly firstMs: number; readonly lastMs: number; readonly perSec: number };

export async function benchOfflineDrain(count = 10_000): Promise<DrainResult> {
  const [m] = newMailboxes(1) as [Mailbox];
  const server = await startServer([m]);
  try {
    const token = await sessionToken(server);
    const ws = await openWs(server.url, '/v1/post');
    let replies = 0;
    const allStored = new Promise<void>((resolve) =>
      ws.on('message', () => {
        if (++replies === count) resolve();
      }),
    );
    for (let i = 0; i < count; i++) ws.send(frame(m).frame);
    await allStored;
    ws.terminate();

    let got = 0;
    let first = 0;
    let last = 0;
    const t0 = performance.now();
    const inbox = await openInbox(server.url, token, [m], () => {
      if (got === 0) first = performance.now() - t0;
      if (++got === count) last = performance.now() - t0;
    });
    inbox.terminate();
    return { envelopes: got, firstMs: round(first), lastMs: round(last), perSec: Math.round((got / last) * 1000) };
  } finally {
    await stopServer(server);
  }
}

// ---------------------------------------------------------------- idle connections

export type IdleResult = { readonly connections: number; readonly rssBeforeMb: number; readonly rssAfterMb: number; readonly perConnKb: number; readonly openSec: number };

export async function benchIdleConnections(count = 10_000): Promise<IdleResult> {
  const mailboxes = newMailboxes(1);
  const server = await startServer(mailboxes);
  const sockets: WebSocket[] = [];
  try {
    // One session token for all sockets: auth is per connection, so the server-side state per
    // socket is the same as with 10,000 devices, and enrolment time stays out of the figure.
    const token = await sessionToken(server);
    const before = rssMb(server.pid);
    const t0 = performance.now();
    const BATCH = 500;
    for (let i = 0; i < count; i += BATCH) {
      const batch = await Promise.all(Array.from({ length: Math.min(BATCH, count - i) }, () => openInbox(server.url, token, [], () => {})));
      sockets.push(...batch);
    }
    const openSec = (performance.now() - t0) / 1000;
    await new Promise((r) => setTimeout(r, 1000));
    const after = rssMb(server.pid);
    return { connections: sockets.length, rssBeforeMb: round(before), rssAfterMb: round(after), perConnKb: round(((after - before) * 1024) / sockets.length), openSec: round(openSec) };
  } finally {
    for (const s of sockets) s.terminate();
    await stopServer(server);
  }
}

// ---------------------------------------------------------------- main

function round(x: number): number {
  return Math.round(x * 100) / 100;
}

function table(rows: readonly Record<string, unknown>[]): string {
  if (rows.length === 0) return '';
  const keys = Object.keys(rows[0]!);
  const cells = [keys, ...rows.map((r) => keys.map((k) => String(r[k])))];
  const widths = keys.map((_, i) => Math.max(...cells.map((c) => c[i]!.length)));
  return cells.map((c, j) => `| ${c.map((v, i) => v.padEnd(widths[i]!)).join(' | ')} |${j === 0 ? `\n| ${widths.map((w) => '-'.repeat(w)).join(' | ')} |` : ''}`).join('\n');
}

export async function runRelayBench(): Promise<void> {
  const full = await benchRing();
  const fixed = await benchRing({ rate: 2_000 });
  console.log('\nRelay ring (1 KiB envelopes, durable SQLite WAL synchronous=FULL, relay in a child process)\n');
  console.log(table([full, fixed]));
  const drain = await benchOfflineDrain();
  console.log('\nOffline drain to a reconnecting reader\n');
  console.log(table([drain]));
  const idle = await benchIdleConnections();
  console.log('\nIdle authenticated inbox WebSockets (server RSS)\n');
  console.log(table([idle]));
}

const entry = process.argv[1];
if (entry !== undefined && import.meta.url === pathToFileURL(entry).href) {
  await runRelayBench();
}
