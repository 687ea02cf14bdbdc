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
import { pathToFileURL } from 'node:url';
import WebSocket from 'ws';
import { acker, cpuMs, frame, newMailboxes, openInbox, openWs, percentile, round, rssMb, seqOf, sessionToken, startServer, stopServer, table, type Mailbox } from './relayLab.ts';

// One address stands for many devices here (100 clients, 10,000 idle sockets), so the
// per-address caps are lifted to the global ones; bench/abuse.bench.ts measures the defaults.
const ONE_ADDRESS_IS_MANY_DEVICES = { maxConnectionsPerAddress: 16_384, maxAnonymousSocketsPerAddress: 2_048, maxBodyBytesInFlightPerAddress: 64 * 1024 * 1024 };

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
  process.env.HARDLINE_BENCH_PUSH_ROUNDS = 'off';
  const clients = options.clients ?? 100;
  const window = options.window ?? 16;
  const warmupMs = options.warmupMs ?? 2_000;
  const measureMs = options.measureMs ?? 10_000;
  const mailboxes = newMailboxes(clients);
  const server = await startServer(mailboxes, ONE_ADDRESS_IS_MANY_DEVICES);
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
  const server = await startServer([m], ONE_ADDRESS_IS_MANY_DEVICES);
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
  const server = await startServer(mailboxes, ONE_ADDRESS_IS_MANY_DEVICES);
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
