/**
 * @module costReport
 * Today's cost figures as lines, and the points of the privacy-against-cost chart: each
 * Hardline adversary's strongest attack (final P@5) at today's traffic per open web-app device.
 */
import type { BenchmarkResult } from './benchmarkRun.ts';
import type { CostPoint } from './costChart.ts';

export function costPoints(b: BenchmarkResult, level = 'off'): CostPoint[] {
  const kbPerSecond = b.cost.webAppBytesPerOpenSecondWithConnections / 1000;
  const best = new Map<string, { p5: number; attack: string }>();
  for (const r of b.results) {
    if (r.view.system !== 'Hardline') continue;
    const cur = best.get(r.view.adversary);
    if (!cur || r.final.p5 > cur.p5) best.set(r.view.adversary, { p5: r.final.p5, attack: r.attack });
  }
  return [...best].map(([adversary, { p5, attack }]) => ({ level, adversary, kbPerSecond, p5, attack }));
}

export function costLines(b: BenchmarkResult): string {
  const c = b.cost;
  const ms = (s: number): string => `${(s * 1000).toFixed(0)} ms`;
  const s = b.run.slots;
  return [
    `cost at level ${b.level} (envelope bytes; HTTP requests carry no size in the trace): ${(c.bytesPerDevicePerDay / 1000).toFixed(1)} KB per device per day (${c.mbPerDevicePerMonth.toFixed(2)} MB a month); ${(c.webAppBytesPerOpenSecond / 1000).toFixed(3)} KB/s per web-app device while open, ${(c.webAppBytesPerOpenSecondWithConnections / 1000).toFixed(3)} KB/s with 3.5 KB per posting connection`,
    `post → push to a held-open inbox: p50 ${ms(c.pushLatency.p50)}, p99 ${ms(c.pushLatency.p99)} (${c.pushLatency.n} pushes of real posts)`,
    `send scheduler: texts' added latency (queued → posted) p50 ${ms(c.addedLatency.p50)}, p95 ${ms(c.addedLatency.p95)}, p99 ${ms(c.addedLatency.p99)} (${c.addedLatency.n} texts); ${c.coverPerDevicePerDay.toFixed(0)} cover envelopes per device per day; ${s.deferred} slots moved past a quiet period`,
  ].join('\n');
}
