/**
 * @module terminalTable
 * Plain-text rendering for a terminal: the ranked partners with every factor, the influence
 * paths and the recommendations. No colours, so that it survives pipes and log files.
 */
import type { ExposureReport, PersonReport } from '../exposureReport.ts';
import { formatDate, formatOffset, formatTalkTime, partnerLabel, percent, WEEKDAYS } from './formatting.ts';

export type TerminalOptions = {
  /** Partners listed per person (default 15). */
  readonly top?: number;
  /** Terminal width for truncating names (default 120). */
  readonly width?: number;
};

export function renderTerminalTable(report: ExposureReport, options: TerminalOptions = {}): string {
  const top = options.top ?? 15;
  const out: string[] = [];
  out.push(`EXPOSURE REPORT: what an eavesdropper on these phones has learned`);
  out.push(`As of ${formatDate(report.asOfMs, report.utcOffsetMinutes)} · times in ${formatOffset(report.utcOffsetMinutes)} · numbers read as ${report.country}`);
  out.push('Score = 100 × (0.30 frequency + 0.20 talk time + 0.15 recency + 0.15 reciprocity + 0.20 regularity); factors shown 0–100.');
  for (const person of report.people) out.push('', ...renderPerson(person, report, top));
  if (report.influence.contacts.length > 0) {
    out.push('', 'PATHS OF INFLUENCE (contacts of the advisers, most useful to someone seeking influence first)');
    for (const l of report.influence.links) {
      out.push(`  tie ${l.adviser} → principal: ${percent(l.strength)}/100${l.assumed ? ' (assumed: no log shows it; give the adviser\'s number as label@number=file)' : ''}`);
    }
    out.push(table(
      ['#', 'Contact', 'Influence', 'Direct', 'Reach', 'Best path'],
      report.influence.contacts.slice(0, top).map((c) => [
        String(c.rank), partnerLabel(c.partner, c.name), percent(c.influence), percent(c.direct), c.reach.join('+'),
        c.paths[0] === undefined ? '' : `→ ${c.paths[0].via} → principal (${percent(c.paths[0].strength)})`,
      ]),
      options.width,
    ));
  }
  out.push('', 'MOVE TO HARDLINE FIRST');
  report.recommendations.moveToHardline.forEach((r, i) => out.push(`  ${i + 1}. ${partnerLabel(r.who, r.name)}: ${r.reason}`));
  out.push('', 'BRIEF AS LIKELY TARGETS');
  report.recommendations.briefAsTargets.forEach((r, i) => out.push(`  ${i + 1}. ${partnerLabel(r.who, r.name)}: ${r.reason}`));
  return `${out.join('\n')}\n`;
}

function renderPerson(person: PersonReport, report: ExposureReport, top: number): string[] {
  const off = report.utcOffsetMinutes;
  const lines = [
    `${person.role === 'principal' ? 'PRINCIPAL' : 'ADVISER'}: ${person.label}${person.owner === undefined ? '' : ` (${person.owner})`}`,
    `  ${person.records} records, ${person.partnerCount} partners, ${formatDate(person.firstMs, off)} – ${formatDate(person.lastMs, off)} (${person.observedWeeks} weeks)` +
      (person.withheld > 0 ? `, ${person.withheld} withheld-number records` : ''),
    `  busiest: ${busiestCells(person.heatmap)}`,
  ];
  lines.push(table(
    ['#', 'Partner', 'Score', 'Freq', 'Talk', 'Recent', 'Recip', 'Regul', 'Contacts in/out/missed', 'Talk time', 'Weeks', 'First', 'Last', 'Bursts'],
    person.ranking.slice(0, top).map((p) => [
      String(p.rank), partnerLabel(p.partner, p.name), p.score.toFixed(1),
      percent(p.factors.frequency), percent(p.factors.talkTime), percent(p.factors.recency), percent(p.factors.reciprocity), percent(p.factors.regularity),
      `${p.contacts} (${p.incoming}/${p.outgoing}/${p.missed})`, formatTalkTime(p.talkSec), String(p.activeWeeks),
      formatDate(p.firstMs, off), formatDate(p.lastMs, off), String(p.bursts.length),
    ]),
  ));
  if (person.ranking.length > top) lines.push(`  … and ${person.ranking.length - top} more partners`);
  return lines;
}

/** The three busiest weekday-hour cells, e.g. "Mon 09h (41), Tue 09h (38)". */
function busiestCells(heatmap: readonly number[]): string {
  return heatmap
    .map((n, cell) => ({ n, cell }))
    .filter((c) => c.n > 0)
    .sort((a, b) => b.n - a.n)
    .slice(0, 3)
    .map((c) => `${WEEKDAYS[Math.floor(c.cell / 24)]} ${String(c.cell % 24).padStart(2, '0')}h (${c.n})`)
    .join(', ');
}

function table(header: readonly string[], rows: readonly (readonly string[])[], width = 120): string {
  const maxCell = Math.max(20, Math.floor(width / 3));
  const clip = (s: string): string => (s.length > maxCell ? `${s.slice(0, maxCell - 1)}…` : s);
  const all = [header, ...rows].map((r) => r.map(clip));
  const widths = header.map((_, i) => Math.max(...all.map((r) => (r[i] ?? '').length)));
  const numeric = header.map((_, i) => rows.length > 0 && rows.every((r) => /^[\d.]+$/.test(r[i] ?? '')));
  const fmt = (r: readonly string[]): string =>
    '  ' + r.map((c, i) => (numeric[i] ? c.padStart(widths[i] ?? 0) : c.padEnd(widths[i] ?? 0))).join('  ').trimEnd();
  return [fmt(all[0] ?? []), '  ' + widths.map((w) => '─'.repeat(w)).join('  '), ...all.slice(1).map(fmt)].join('\n');
}
