/**
 * The send scheduler's cost (issue 12), per privacy level (`npm run bench -- scheduler`):
 * added message latency (how much longer `send` takes to have its envelope accepted than at
 * level off) and what one device posts while open: frames and fresh connections per second,
 * idle (cover only) and per message. A real relay and real clients on loopback.
 * SCHED_MESSAGES (default 30) messages per level, then SCHED_IDLE_SECONDS (default 30) idle.
 */
import { HardlineClient, RelayApi, type PrivacyLevel } from '@hardline/client';
import { nodeClientOptions, nodeTransport } from '@hardline/client/node';
import { startRelay, type ObserverEvent } from '@hardline/server';
import { tempDir } from '../test/support/cliHarness.ts';

const MESSAGES = Number(process.env.SCHED_MESSAGES ?? 30);
const IDLE_S = Number(process.env.SCHED_IDLE_SECONDS ?? 30);
/**
 * What a fresh connection costs beyond its frame, both ways: a TLS 1.3 handshake with a short
 * certificate chain (~3 KB) and the WebSocket upgrade (~0.5 KB). An estimate, not measured on
 * loopback (the bench runs without TLS); TLS session resumption would cut most of it.
 */
const CONNECTION_BYTES = 3_500;

/** The p-th percentile of `xs` (nearest rank); NaN for none. */
export const pct = (xs: readonly number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length === 0 ? NaN : s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]!;
};
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export type SchedulerRow = {
  level: PrivacyLevel;
  'added p50 ms': number;
  'added p99 ms': number;
  'idle frames B/s': number;
  'idle conns/s': number;
  'idle B/s incl. connections': number;
  'B per message': number;
  'MB/month, 4 h/day open, 100 msgs/day': number;
};

export async function runSchedulerBench(): Promise<SchedulerRow[]> {
  const trace: ObserverEvent[] = [];
  const relay = await startRelay({ port: 0, dataDir: tempDir('bench-sched'), observer: (e) => trace.push(e) });
  const enrol = async (handle: string) => {
    const { code } = await new RelayApi(new URL(relay.url), nodeTransport).adminInvite(relay.adminToken!);
    return HardlineClient.register(nodeClientOptions(tempDir(`bench-sched-${handle}`)), { server: relay.url, code, handle });
  };
  const alice = await enrol('alice');
  const bob = await enrol('bob');
  await alice.send('bob', 'hello');
  const rows: SchedulerRow[] = [];
  let offMedian = 0;
  try {
    for (const level of ['off', 'balanced', 'strict'] as const) {
      await alice.setPrivacyLevel(level);
      const took: number[] = [];
      const sendFrom = trace.length;
      for (let i = 0; i < MESSAGES; i++) {
        const t0 = performance.now();
        await alice.send('bob', `message ${i}`, { sync: false });
        took.push(performance.now() - t0);
        await sleep(Math.random() * 300);
      }
      const sendPosts = trace.slice(sendFrom).filter((e) => e.kind === 'post');
      if (level === 'off') offMedian = pct(took, 50);
      await bob.sync();
      // Idle: nothing to send, the app open; only cover goes out.
      const idleFrom = trace.length;
      const t0 = Date.now();
      await sleep(IDLE_S * 1000);
      const seconds = (Date.now() - t0) / 1000;
      const idle = trace.slice(idleFrom).filter((e) => e.kind === 'post');
      const idleBytes = idle.reduce((a, e) => a + (e.size ?? 0), 0);
      const idleConns = new Set(idle.map((e) => e.conn)).size;
      const perMessage = (sendPosts.reduce((a, e) => a + (e.size ?? 0), 0) + new Set(sendPosts.map((e) => e.conn)).size * CONNECTION_BYTES) / MESSAGES;
      const idleBps = (idleBytes + idleConns * CONNECTION_BYTES) / seconds;
      const added = took.map((t) => Math.max(0, t - offMedian));
      rows.push({
        level,
        'added p50 ms': Math.round(pct(added, 50)),
        'added p99 ms': Math.round(pct(added, 99)),
        'idle frames B/s': Math.round(idleBytes / seconds),
        'idle conns/s': Math.round((idleConns / seconds) * 100) / 100,
        'idle B/s incl. connections': Math.round(idleBps),
        'B per message': Math.round(perMessage),
        'MB/month, 4 h/day open, 100 msgs/day': Math.round(((idleBps * 4 * 3600 + perMessage * 100) * 30) / 1e6),
      });
    }
  } finally {
    alice.close();
    bob.close();
    await relay.close();
  }
  return rows;
}

export async function runSchedulerSuite(): Promise<void> {
  console.log(`\nSend scheduler per privacy level (${MESSAGES} messages, ${IDLE_S} s idle; a fresh connection counted as ${CONNECTION_BYTES} B)`);
  console.table(await runSchedulerBench());
}
