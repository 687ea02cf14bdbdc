/**
 * @module costFigures
 * What today's traffic costs a device, from the same run's trace: envelope bytes up (posts) and
 * down (pushes) per device, per day and per month, and per second while a web-app tab is open;
 * and how long a held-open inbox waits between a post and its push (the latency a downstream
 * defence would add to). HTTP requests (directory, tokens, KeyPackages) carry no size in the
 * trace and are left out, so these are lower bounds; the figures a defence must meet are
 * issue 12's (≤ 2 KB/s open, ≤ 150 MB a month, p50 ≤ 2 s and p99 ≤ 10 s added latency).
 */
import { isModelledConn } from './coverTrace.ts';
import { DAY_SECONDS } from './dailyRhythm.ts';
import type { RelayRun } from './relayDriver.ts';
import { sourceUser } from './traceEvents.ts';
import type { WebAppPlan } from './webAppDevice.ts';

export type CostFigures = {
  readonly bytesPerDevicePerDay: number;
  readonly mbPerDevicePerMonth: number;
  /** Web-app devices: their envelope bytes over the seconds their tab was open. */
  readonly webAppBytesPerOpenSecond: number;
  /** Web-app devices, as above, plus an estimated 3.5 KB per anonymous posting connection (TLS handshake and upgrade). */
  readonly webAppBytesPerOpenSecondWithConnections: number;
  /** Post → push to a held-open inbox, simulated seconds. */
  readonly pushLatency: { readonly p50: number; readonly p99: number; readonly n: number };
  /** What the send scheduler added to each text: queued → last envelope posted, simulated seconds (0 at level off). */
  readonly addedLatency: { readonly p50: number; readonly p95: number; readonly p99: number; readonly n: number };
  /** Cover envelopes per device per day, all devices (the CLI posts none). */
  readonly coverPerDevicePerDay: number;
};

/** scheduler.bench.ts's estimate of a fresh connection beyond its frames, both ways. */
export const CONNECTION_BYTES = 3_500;

/** The q-quantile of already sorted values (NaN when empty). */
export const quantile = (sorted: readonly number[], q: number): number => (sorted.length === 0 ? NaN : sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!);

export function costFigures(run: RelayRun, web: WebAppPlan, durationSeconds: number): CostFigures {
  const bytes = new Map<number, number>();
  const postConns = new Map<number, Set<number>>();
  const lastPost = new Map<string, number>();
  const latencies: number[] = [];
  for (const e of run.trace) {
    const u = sourceUser(run, e.conn);
    if ((e.kind === 'post' || e.kind === 'push') && u !== undefined) bytes.set(u, (bytes.get(u) ?? 0) + (e.size ?? 0));
    if (e.kind === 'post' && e.mailboxId) lastPost.set(e.mailboxId, e.sim);
    if (e.kind === 'post' && u !== undefined) (postConns.get(u) ?? postConns.set(u, new Set()).get(u)!).add(e.conn);
    if (e.kind === 'push' && e.mailboxId && run.heldOpenConns.has(e.conn) && u !== undefined && !isModelledConn(e.conn)) {
      // Only envelopes posted while the tab was open: older ones are the backlog a real tab
      // fetched when it opened, which the driver's rounds drain later.
      const posted = lastPost.get(e.mailboxId);
      const since = web.open[u]?.find(([a, b]) => e.sim >= a && e.sim < b)?.[0];
      if (posted !== undefined && since !== undefined && posted >= since) latencies.push(e.sim - posted);
    }
  }
  const devices = web.isWebApp.length;
  const total = [...bytes.values()].reduce((s, b) => s + b, 0);
  const perDay = total / devices / (durationSeconds / DAY_SECONDS);
  let webBytes = 0;
  let webConns = 0;
  let openSeconds = 0;
  web.isWebApp.forEach((isWeb, u) => {
    if (!isWeb) return;
    webBytes += bytes.get(u) ?? 0;
    webConns += postConns.get(u)?.size ?? 0;
    for (const [a, b] of web.open[u]!) openSeconds += Math.min(b, durationSeconds) - a;
  });
  latencies.sort((a, b) => a - b);
  const added = [...run.slots.postDelays].sort((a, b) => a - b);
  const days = durationSeconds / DAY_SECONDS;
  let cover = 0;
  for (const n of run.slots.coverPerDevice.values()) cover += n;
  return {
    bytesPerDevicePerDay: perDay,
    mbPerDevicePerMonth: (perDay * 30) / 1e6,
    webAppBytesPerOpenSecond: openSeconds > 0 ? webBytes / openSeconds : 0,
    webAppBytesPerOpenSecondWithConnections: openSeconds > 0 ? (webBytes + webConns * CONNECTION_BYTES) / openSeconds : 0,
    pushLatency: { p50: quantile(latencies, 0.5), p99: quantile(latencies, 0.99), n: latencies.length },
    addedLatency: added.length === 0 ? { p50: 0, p95: 0, p99: 0, n: 0 } : { p50: quantile(added, 0.5), p95: quantile(added, 0.95), p99: quantile(added, 0.99), n: added.length },
    coverPerDevicePerDay: cover / devices / days,
  };
}
