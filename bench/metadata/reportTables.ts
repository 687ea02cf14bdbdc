/**
 * @module reportTables
 * The benchmark's results as plain-text tables (stdout, and pasted into BENCHMARKS.md).
 */
import type { AttackResult } from './attackEvaluation.ts';
import type { BenchmarkResult } from './benchmarkRun.ts';
import { DAY_SECONDS } from './dailyRhythm.ts';

export function table(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: readonly string[]): string => `| ${cells.map((c, i) => c.padEnd(widths[i]!)).join(' | ')} |`;
  return [line(header), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...rows.map(line)].join('\n');
}

const f2 = (x: number): string => x.toFixed(2);

function reachedCell(r: AttackResult, lastMessages: number): string {
  if (!r.reached) return `not reached (> ${lastMessages} msgs)`;
  return `${r.reached.messages} msgs / ${(r.reached.seconds / DAY_SECONDS).toFixed(2)} d`;
}

export function resultsTable(b: BenchmarkResult): string {
  const rows = b.results.map((r) => [
    r.view.system,
    r.view.adversary,
    r.attack,
    f2(r.final.p5),
    f2(r.final.p10),
    reachedCell(r, r.final.messages),
  ]);
  return table(['system', 'adversary', 'attack', 'P@5', 'P@10', 'to reach P@5 ≥ 0.8 (and stay)'], rows);
}

export function summaryLines(b: BenchmarkResult): string {
  const c = b.config;
  const s = b.run.stats;
  const principalMessages = b.results[0]?.final.messages ?? 0;
  const failures = Object.entries(s.failures).map(([k, v]) => `${k}×${v}`).join(', ') || 'none';
  return [
    `population: principal + ${c.users} users, ${b.population.edges.length} contact edges, ${b.population.groups.length} groups, ${c.days} simulated days (seed ${c.seed})`,
    `traffic: ${b.schedule.messages.length} messages and calls (${principalMessages} sent or received by the principal), ${s.actions} device actions (${s.sends} sends, ${s.actions - s.sends} polls, pushes to held-open inboxes, receipts, call signals and TURN fetches)`,
    `devices: ${b.webApp.isWebApp.filter(Boolean).length} web app (inbox held open while the tab is, receipts batched 5–30 s), ${b.webApp.isWebApp.filter((w) => !w).length} CLI pollers; ${b.webApp.actions.filter((a) => a.kind === 'receipt').length} receipts`,
    `real run: ${s.users} real HardlineClient devices on one real relay; setup ${(s.setupMs / 1000).toFixed(1)} s, traffic ${(s.runMs / 1000).toFixed(1)} s wall; ${b.run.trace.length} observer events; client errors: ${failures}`,
    `ground truth top 10: ${b.truth.ranked.slice(0, 10).map((h) => `${h} (${b.truth.counts.get(h)})`).join(', ')}`,
    `chance: P@5 = ${b.chance.p5.toFixed(3)}, P@10 = ${b.chance.p10.toFixed(3)} (k/N, N = ${c.users} candidates); ranking by overall message volume alone: P@5 = ${f2(b.volumeOnly.p5)}, P@10 = ${f2(b.volumeOnly.p10)}`,
  ].join('\n');
}

export function seizureLines(b: BenchmarkResult): string {
  const z = b.seizure;
  return [
    `seized at ${(z.atSeconds / DAY_SECONDS).toFixed(2)} d: ${z.users} users/devices, ${z.mailboxes} mailboxes, ${z.envelopes} envelopes awaiting pickup, ${z.unclaimedKeyPackages} unclaimed KeyPackages`,
    `mailboxes tied to a device: ${z.linkedMailboxes}; device credentials beyond live KeyPackage rows in the raw files: ${z.strayCredentials}, of which carved back into mailbox↔device links: ${z.carvedLinks}; columns with a time, address or sender: ${z.suspiciousColumns.join(', ') || 'none'}`,
  ].join('\n');
}
