/**
 * @module costFigures
 * What today's traffic costs a device, from the same run's trace: envelope bytes up (posts) and
 * down (pushes) per device, per day and per month, and per second while a web-app tab is open;
 * and how long a held-open inbox waits between a post and its push (the latency a downstream
 * defence would add to). HTTP requests (directory, tokens, KeyPackages) carry no size in the
 * trace and are left out, so these are lower bounds; the figures a defence must meet are
 * issue 12's (≤ 2 KB/s open, ≤ 150 MB a month, p50 ≤ 2 s and p99 ≤ 10 s added latency).
 */
import { DAY_SECONDS } from './dailyRhythm.ts';
import type { RelayRun } from './relayDriver.ts';
import type { WebAppPlan } from './webAppDevice.ts';

export type CostFigures = {
  readonly bytesPerDevicePerDay: number;
  readonly mbPerDevicePerMonth: number;
  /** Web-app devices: their envelope bytes over the seconds their tab was open. */
  readonly webAppBytesPerOpenSecond: number;
  /** Post → push to a held-open inbox, simulated seconds. */
  readonly pushLatency: { readonly p50: number; readonly p99: number; readonly n: number };
};

const quantile = (sorted: readonly number[], q: number): number => (sorted.length === 0 ? NaN : sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!);

export function costFigures(run: RelayRun, web: WebAppPlan, durationSeconds: number): CostFigures {
  const bytes = new Map<number, number>();
  const lastPost = new Map<string, number>();
  const latencies: number[] = [];
  for (const e of run.trace) {
    const u = run.connUser.get(e.conn);
    if ((e.kind === 'post' || e.kind === 'push') && u !== undefined && u >= 0) bytes.set(u, (bytes.get(u) ?? 0) + (e.size ?? 0));
    if (e.kind === 'post' && e.mailboxId) lastPost.set(e.mailboxId, e.sim);
    if (e.kind === 'push' && e.mailboxId && run.heldOpenConns.has(e.conn) && u !== undefined) {
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
  let openSeconds = 0;
  web.isWebApp.forEach((isWeb, u) => {
    if (!isWeb) return;
    webBytes += bytes.get(u) ?? 0;
    for (const [a, b] of web.open[u]!) openSeconds += Math.min(b, durationSeconds) - a;
  });
  latencies.sort((a, b) => a - b);
  return {
    bytesPerDevicePerDay: perDay,
    mbPerDevicePerMonth: (perDay * 30) / 1e6,
    webAppBytesPerOpenSecond: openSeconds > 0 ? webBytes / openSeconds : 0,
    pushLatency: { p50: quantile(latencies, 0.5), p99: quantile(latencies, 0.99), n: latencies.length },
  };
}
