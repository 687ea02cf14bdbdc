/**
 * @module levelReport
 * Privacy against cost, one row per privacy level (packages/client/src/privacyLevel.ts), every
 * level a run of its own over the same population and messages: for each Hardline adversary its
 * strongest attack's final P@5, how many of the principal's contacts the live operator needs to
 * reach P@5 ≥ 0.8 against the Signal-like operator, and what the level costs a device.
 */
import type { AttackResult } from './attackEvaluation.ts';
import type { BenchmarkResult } from './benchmarkRun.ts';
import { table } from './reportTables.ts';

const ADVERSARIES = [
  ['network observer (relay link), pushes at once', 'global network observer (relay link), pushes at once'],
  ['network observer (relay link)', 'global network observer (relay link)'],
  ['global observer (relay + TURN)', 'global network observer (relay + TURN links)'],
  ['live operator (trace)', 'live relay+TURN operator (trace)'],
  ['live operator + source IPs', 'live relay+TURN operator + source IPs'],
  ['live operator + IPs, ingress hop', 'live relay+TURN operator + source IPs, ingress hop'],
] as const;

function strongest(results: readonly AttackResult[], system: string, adversaries: readonly string[]): AttackResult | undefined {
  let best: AttackResult | undefined;
  for (const r of results) {
    if (r.view.system !== system || !adversaries.includes(r.view.adversary) || r.attack === 'call coincidence') continue;
    if (!best || r.final.p5 > best.final.p5) best = r;
  }
  return best;
}

/** Fewest contacts any attack needed to reach P@5 ≥ 0.8 and stay (undefined: never within the run). */
function fastest(results: readonly AttackResult[], system: string, adversaries: readonly string[]): number | undefined {
  const reached = results.filter((r) => r.view.system === system && adversaries.includes(r.view.adversary) && r.reached).map((r) => r.reached!.messages);
  return reached.length === 0 ? undefined : Math.min(...reached);
}

/** "107 (1.4×)", or "not reached (> 2.6×)" against the Signal-like operator's contacts. */
export function liveOperatorReach(b: BenchmarkResult, adversary: string): string {
  const signal = fastest(b.results, 'Signal-like', ['live operator', 'live operator + source IPs']);
  const ours = fastest(b.results, 'Hardline', [adversary]);
  const all = b.results[0]?.final.messages ?? 0;
  if (signal === undefined) return ours === undefined ? 'neither reaches it' : `${ours}`;
  return ours === undefined ? `not reached (> ${(all / signal).toFixed(1)}×)` : `${ours} (${(ours / signal).toFixed(1)}×)`;
}

/** A cover push on the wire: the 1 KiB bucket, the envelope header and WebSocket framing. */
const COVER_PUSH_BYTES = 1024 + 33 + 4;

const ms = (s: number): string => `${(s * 1000).toFixed(0)}`;

/** One level's row, computed as soon as its run ends so the run (trace, views) can be dropped. */
export function levelRow(b: BenchmarkResult): string[] {
  const c = b.cost;
  const cells = ADVERSARIES.map(([, a]) => {
    const r = strongest(b.results, 'Hardline', [a]);
    return r ? `${r.final.p5.toFixed(2)} ${r.attack}` : '–';
  });
  return [
    b.level,
    ...cells,
    liveOperatorReach(b, 'live relay+TURN operator (trace)'),
    liveOperatorReach(b, 'live relay+TURN operator + source IPs'),
    liveOperatorReach(b, 'live relay+TURN operator + source IPs, ingress hop'),
    c.addedLatency.n === 0 ? '0 / 0 / 0' : `${ms(c.addedLatency.p50)} / ${ms(c.addedLatency.p95)} / ${ms(c.addedLatency.p99)}`,
    c.coverPerDevicePerDay.toFixed(0),
    `${(c.webAppBytesPerOpenSecond / 1000).toFixed(2)} / ${(c.webAppBytesPerOpenSecondWithConnections / 1000).toFixed(2)}`,
    c.mbPerDevicePerMonth.toFixed(1),
    b.pushRounds.openSeconds === 0 ? '0.00' : ((b.pushRounds.coverPushes * COVER_PUSH_BYTES) / b.pushRounds.openSeconds / 1000).toFixed(2),
  ];
}

export function levelTable(rows: readonly (readonly string[])[]): string {
  return table(
    ['level', ...ADVERSARIES.map(([h]) => `${h} P@5`), 'live op. (trace) to P@5 ≥ 0.8', 'live op. + IPs to P@5 ≥ 0.8', 'live op. + IPs, hop, to P@5 ≥ 0.8', 'added latency p50/p95/p99 ms', 'cover /device/day', 'KB/s open (envelopes / + conns)', 'MB/device/month', 'push-round cover KB/s open'],
    rows,
  );
}
