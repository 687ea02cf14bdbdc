/**
 * @module bench/relayLab
 * The lab bench for relay benchmarks (relay.bench.ts, abuse.bench.ts): the relay in a child
 * process (so its CPU and memory are read from /proc apart from the load generator), enrolment
 * through the real API, raw post and inbox sockets, and table printing.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createHash, generateKeyPairSync, randomBytes, sign } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import WebSocket from 'ws';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
export const PAYLOAD = 1024;
const CLK_TCK = 100;

// ---------------------------------------------------------------- server child process

export type Server = { readonly url: string; readonly adminToken: string; readonly pid: number; readonly child: ChildProcess; readonly dir: string };
export type Mailbox = { readonly id: Buffer; readonly readCap: Buffer; readonly sendCap: Buffer };

export const sha256 = (b: Uint8Array): Buffer => createHash('sha256').update(b).digest();

export function newMailboxes(n: number): Mailbox[] {
  return Array.from({ length: n }, () => ({ id: randomBytes(16), readCap: randomBytes(32), sendCap: randomBytes(32) }));
}

/** `limits` overrides the relay's defaults (packages/server/src/limits/relayLimits.ts). */
export async function startServer(mailboxes: readonly Mailbox[], limits: Record<string, number> = {}): Promise<Server> {
  const dir = mkdtempSync(join(tmpdir(), 'hardline-bench-'));
  const list = join(dir, 'mailboxes.json');
  writeFileSync(list, JSON.stringify(mailboxes.map((m) => ({ id: m.id.toString('hex'), readCapHash: sha256(m.readCap).toString('hex'), sendCapHash: sha256(m.sendCap).toString('hex') }))));
  const child = spawn(process.execPath, [...(process.env.RELAY_BENCH_PROF ? ['--cpu-prof', '--cpu-prof-dir=' + process.env.RELAY_BENCH_PROF] : []), '--import', 'tsx', join(ROOT, 'bench/relayServerProcess.ts'), join(dir, 'data'), list], {
    cwd: ROOT,
    env: { ...process.env, HARDLINE_BENCH_LIMITS: JSON.stringify(limits) },
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

export async function stopServer(s: Server): Promise<void> {
  const exited = new Promise((r) => s.child.once('exit', r));
  s.child.kill('SIGTERM');
  await exited;
  rmSync(s.dir, { recursive: true, force: true });
}

/** utime + stime of a process, in ms. */
export function cpuMs(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / CLK_TCK;
}

export function rssMb(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) / 1024 : Number.NaN;
}

// ---------------------------------------------------------------- client helpers

export async function post(url: string, path: string, body: unknown, token?: string): Promise<any> {
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
export async function sessionToken(s: Server): Promise<string> {
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

export function openWs(url: string, path: string): Promise<WebSocket> {
  const ws = new WebSocket(url.replace(/^http/, 'ws') + path, { perMessageDeflate: false, maxPayload: 1 << 27 });
  return new Promise((resolve, reject) => {
    ws.once('open', () => resolve(ws));
    ws.once('error', reject);
  });
}

/** Authenticates and subscribes; resolves when the backlog is drained. `onEnvelope` sees every binary frame. */
export async function openInbox(url: string, token: string, mailboxes: readonly Mailbox[], onEnvelope: (b: Buffer) => void): Promise<WebSocket> {
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
export function frame(m: Mailbox): { frame: Buffer; n: number } {
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

export const seqOf = (envelope: Buffer): number => envelope.readUIntBE(17, 6);

/** Batches acks per event-loop turn, like a real client would. */
export function acker(ws: WebSocket): (envelope: Buffer) => void {
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

export function percentile(sorted: Float64Array, p: number): number {
  return sorted.length === 0 ? Number.NaN : sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))]!;
}

// ---------------------------------------------------------------- printing

export function round(x: number): number {
  return Math.round(x * 100) / 100;
}

export function table(rows: readonly Record<string, unknown>[]): string {
  if (rows.length === 0) return '';
  const keys = Object.keys(rows[0]!);
  const cells = [keys, ...rows.map((r) => keys.map((k) => String(r[k])))];
  const widths = keys.map((_, i) => Math.max(...cells.map((c) => c[i]!.length)));
  return cells.map((c, j) => `| ${c.map((v, i) => v.padEnd(widths[i]!)).join(' | ')} |${j === 0 ? `\n| ${widths.map((w) => '-'.repeat(w)).join(' | ')} |` : ''}`).join('\n');
}

