/**
 * @module precisionChart
 * precision.svg: precision@5 against messages the principal exchanged, one line per system and
 * adversary, each showing its strongest attack (highest mean precision over the run), with the
 * chance level dashed. Self-contained SVG, no fonts or scripts fetched.
 */
import type { AttackResult } from './attackEvaluation.ts';
import type { BenchmarkResult } from './benchmarkRun.ts';

const W = 760;
const H = 420;
const M = { left: 56, right: 250, top: 24, bottom: 48 };
const COLOURS = ['#d62728', '#ff7f0e', '#9467bd', '#1f77b4', '#17becf', '#2ca02c', '#8c564b', '#e377c2'];

const esc = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;');

export function strongestPerView(results: readonly AttackResult[]): AttackResult[] {
  const best = new Map<string, AttackResult>();
  const mean = (r: AttackResult): number => r.curve.reduce((s, p) => s + p.p5, 0) / r.curve.length;
  for (const r of results) {
    const key = `${r.view.system}/${r.view.adversary}`;
    const cur = best.get(key);
    if (!cur || mean(r) > mean(cur)) best.set(key, r);
  }
  return [...best.values()];
}

export function precisionChart(b: BenchmarkResult): string {
  const lines = strongestPerView(b.results);
  const maxX = Math.max(1, ...lines.flatMap((l) => l.curve.map((p) => p.messages)));
  const x = (v: number): number => M.left + (v / maxX) * (W - M.left - M.right);
  const y = (v: number): number => H - M.bottom - v * (H - M.top - M.bottom);
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="sans-serif" font-size="11">`,
    `<rect width="${W}" height="${H}" fill="white"/>`,
  ];
  for (let i = 0; i <= 5; i++) {
    const v = i / 5;
    parts.push(`<line x1="${M.left}" x2="${W - M.right}" y1="${y(v)}" y2="${y(v)}" stroke="#ddd"/>`);
    parts.push(`<text x="${M.left - 6}" y="${y(v) + 4}" text-anchor="end">${v.toFixed(1)}</text>`);
  }
  for (let i = 0; i <= 5; i++) {
    const v = Math.round((maxX * i) / 5);
    parts.push(`<text x="${x(v)}" y="${H - M.bottom + 16}" text-anchor="middle">${v}</text>`);
  }
  parts.push(`<text x="${(M.left + W - M.right) / 2}" y="${H - 10}" text-anchor="middle">messages and calls of the principal, observed so far</text>`);
  parts.push(`<text x="14" y="${(M.top + H - M.bottom) / 2}" transform="rotate(-90 14 ${(M.top + H - M.bottom) / 2})" text-anchor="middle">precision@5</text>`);
  parts.push(`<line x1="${M.left}" x2="${W - M.right}" y1="${y(b.chance.p5)}" y2="${y(b.chance.p5)}" stroke="#555" stroke-dasharray="4 4"/>`);
  parts.push(`<line x1="${M.left}" x2="${W - M.right}" y1="${y(0.8)}" y2="${y(0.8)}" stroke="#bbb" stroke-dasharray="1 3"/>`);
  lines.forEach((l, i) => {
    const colour = COLOURS[i % COLOURS.length]!;
    const pts = l.curve.map((p) => `${x(p.messages).toFixed(1)},${y(p.p5).toFixed(1)}`).join(' ');
    parts.push(`<polyline fill="none" stroke="${colour}" stroke-width="2" points="${pts}"/>`);
    const ly = M.top + 14 + i * 18;
    parts.push(`<line x1="${W - M.right + 12}" x2="${W - M.right + 34}" y1="${ly - 4}" y2="${ly - 4}" stroke="${colour}" stroke-width="2"/>`);
    parts.push(`<text x="${W - M.right + 40}" y="${ly}">${esc(`${l.view.system}: ${l.view.adversary} (${l.attack})`)}</text>`);
  });
  const ly = M.top + 14 + lines.length * 18;
  parts.push(`<line x1="${W - M.right + 12}" x2="${W - M.right + 34}" y1="${ly - 4}" y2="${ly - 4}" stroke="#555" stroke-dasharray="4 4"/>`);
  parts.push(`<text x="${W - M.right + 40}" y="${ly}">chance (${b.chance.p5.toFixed(3)})</text>`);
  parts.push('</svg>');
  return parts.join('\n');
}
