/**
 * @module costChart
 * precision-cost.svg: privacy against cost. One point per privacy level and Hardline adversary:
 * x the relay traffic per web-app device while its tab is open (KB/s), y the final P@5 of that
 * adversary's strongest attack. Today there is one level, "off" (no defence), so each adversary
 * is one point; the defences of issue 12 add their levels as further points on the same axes.
 * Self-contained SVG.
 */
const W = 760;
const H = 420;
const M = { left: 56, right: 300, top: 24, bottom: 48 };
const COLOURS = ['#d62728', '#ff7f0e', '#9467bd', '#1f77b4', '#2ca02c', '#8c564b'];

export type CostPoint = { readonly level: string; readonly adversary: string; readonly kbPerSecond: number; readonly p5: number; readonly attack: string };

const esc = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;');

export function costChart(points: readonly CostPoint[], chance: number): string {
  const maxX = Math.max(0.5, ...points.map((p) => p.kbPerSecond)) * 1.25;
  const x = (v: number): number => M.left + (v / maxX) * (W - M.left - M.right);
  const y = (v: number): number => H - M.bottom - v * (H - M.top - M.bottom);
  const parts = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="sans-serif" font-size="11">`,
    `<rect width="${W}" height="${H}" fill="white"/>`,
  ];
  for (let i = 0; i <= 5; i++) {
    parts.push(`<line x1="${M.left}" x2="${W - M.right}" y1="${y(i / 5)}" y2="${y(i / 5)}" stroke="#ddd"/>`);
    parts.push(`<text x="${M.left - 6}" y="${y(i / 5) + 4}" text-anchor="end">${(i / 5).toFixed(1)}</text>`);
    parts.push(`<text x="${x((maxX * i) / 5)}" y="${H - M.bottom + 16}" text-anchor="middle">${((maxX * i) / 5).toFixed(2)}</text>`);
  }
  parts.push(`<text x="${(M.left + W - M.right) / 2}" y="${H - 10}" text-anchor="middle">relay traffic per web-app device while open (KB/s, 3.5 KB per posting connection; budget 2 KB/s)</text>`);
  parts.push(`<text x="14" y="${(M.top + H - M.bottom) / 2}" transform="rotate(-90 14 ${(M.top + H - M.bottom) / 2})" text-anchor="middle">precision@5 (strongest attack)</text>`);
  parts.push(`<line x1="${M.left}" x2="${W - M.right}" y1="${y(chance)}" y2="${y(chance)}" stroke="#555" stroke-dasharray="4 4"/>`);
  const adversaries = [...new Set(points.map((p) => p.adversary))];
  adversaries.forEach((a, i) => {
    const colour = COLOURS[i % COLOURS.length]!;
    const mine = points.filter((p) => p.adversary === a);
    // Points of one adversary at the same cost would hide each other: spread them a little.
    mine.forEach((p) => parts.push(`<circle cx="${(x(p.kbPerSecond) + (i - adversaries.length / 2) * 4).toFixed(1)}" cy="${y(p.p5).toFixed(1)}" r="5" fill="${colour}"><title>${esc(`${p.level}: ${a} (${p.attack}) ${p.p5.toFixed(2)}`)}</title></circle>`));
    const ly = M.top + 14 + i * 18;
    parts.push(`<circle cx="${W - M.right + 20}" cy="${ly - 4}" r="5" fill="${colour}"/>`);
    parts.push(`<text x="${W - M.right + 32}" y="${ly}">${esc(`${a}: ${mine.map((p) => `${p.level} ${p.p5.toFixed(2)}`).join(', ')}`)}</text>`);
  });
  const ly = M.top + 14 + adversaries.length * 18;
  parts.push(`<line x1="${W - M.right + 10}" x2="${W - M.right + 30}" y1="${ly - 4}" y2="${ly - 4}" stroke="#555" stroke-dasharray="4 4"/>`);
  parts.push(`<text x="${W - M.right + 32}" y="${ly}">chance (${chance.toFixed(3)})</text>`);
  parts.push('</svg>');
  return parts.join('\n');
}
