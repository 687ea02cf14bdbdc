/**
 * @module svgCharts
 * Inline SVG charts for the HTML report: the weekday × hour heatmap, the stacked score bars and
 * the influence graph. Drawn as static markup with presentation attributes and CSS classes, so
 * the page needs no script and its strict CSP blocks nothing it uses.
 */
import type { InfluenceReport } from '../influencePaths.ts';
import type { RankedPartner, ScoreFactor } from '../partnerRanking.ts';
import { SCORE_WEIGHTS } from '../partnerRanking.ts';
import { WEEKDAYS } from './formatting.ts';

export const FACTOR_COLOURS: Readonly<Record<ScoreFactor, string>> = {
  frequency: '#2563eb',
  talkTime: '#7c3aed',
  recency: '#0891b2',
  reciprocity: '#059669',
  regularity: '#d97706',
};

export const FACTOR_LABELS: Readonly<Record<ScoreFactor, string>> = {
  frequency: 'Frequency',
  talkTime: 'Talk time',
  recency: 'Recency',
  reciprocity: 'Reciprocity',
  regularity: 'Regularity',
};

export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** Interpolates from pale slate to deep navy; sqrt so that a few busy cells do not wash out the rest. */
function heatColour(value: number, max: number): string {
  if (value === 0 || max === 0) return '#f1f5f9';
  const t = Math.sqrt(value / max);
  const from = [219, 234, 254];
  const to = [30, 58, 138];
  const c = from.map((f, i) => Math.round(f + ((to[i] as number) - f) * t));
  return `rgb(${c.join(',')})`;
}

export function heatmapSvg(cells: readonly number[], options: { compact?: boolean; title?: string } = {}): string {
  const compact = options.compact ?? false;
  const size = compact ? 9 : 22;
  const gap = compact ? 1 : 2;
  const left = compact ? 26 : 40;
  const topPad = compact ? 4 : 20;
  const width = left + 24 * (size + gap);
  const height = topPad + 7 * (size + gap) + (compact ? 12 : 4);
  const max = Math.max(0, ...cells);
  const parts: string[] = [];
  parts.push(`<svg class="heatmap" role="img" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" xmlns="http://www.w3.org/2000/svg">`);
  if (options.title !== undefined) parts.push(`<title>${escapeHtml(options.title)}</title>`);
  WEEKDAYS.forEach((d, w) => {
    parts.push(`<text class="axis" x="${left - 6}" y="${topPad + w * (size + gap) + size * 0.75}" text-anchor="end">${compact ? d.slice(0, 2) : d}</text>`);
    for (let h = 0; h < 24; h++) {
      const v = cells[w * 24 + h] ?? 0;
      parts.push(`<rect x="${left + h * (size + gap)}" y="${topPad + w * (size + gap)}" width="${size}" height="${size}" rx="${compact ? 1 : 3}" fill="${heatColour(v, max)}"><title>${d} ${String(h).padStart(2, '0')}:00 · ${v} contact${v === 1 ? '' : 's'}</title></rect>`);
    }
  });
  for (let h = 0; h < 24; h += compact ? 6 : 3) {
    const y = compact ? topPad + 7 * (size + gap) + 9 : 13;
    parts.push(`<text class="axis" x="${left + h * (size + gap) + size / 2}" y="${y}" text-anchor="middle">${String(h).padStart(2, '0')}</text>`);
  }
  parts.push('</svg>');
  return parts.join('');
}

/** Horizontal bars, one per partner, split into each factor's weighted contribution. */
export function scoreBarsSvg(ranking: readonly RankedPartner[], names: (p: RankedPartner) => string): string {
  const rowH = 24;
  const labelW = 230;
  const barW = 520;
  const width = labelW + barW + 50;
  const height = ranking.length * rowH + 30;
  const parts: string[] = [`<svg class="bars" role="img" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" xmlns="http://www.w3.org/2000/svg">`];
  for (let g = 0; g <= 100; g += 25) {
    const x = labelW + (g / 100) * barW;
    parts.push(`<line class="grid" x1="${x}" x2="${x}" y1="0" y2="${height - 22}"/><text class="axis" x="${x}" y="${height - 8}" text-anchor="middle">${g}</text>`);
  }
  ranking.forEach((p, i) => {
    const y = i * rowH + 4;
    const label = names(p);
    parts.push(`<text class="label" x="${labelW - 10}" y="${y + rowH * 0.6}" text-anchor="end">${escapeHtml(label.length > 34 ? `${label.slice(0, 33)}…` : label)}</text>`);
    let x = labelW;
    for (const k of Object.keys(SCORE_WEIGHTS) as ScoreFactor[]) {
      const w = SCORE_WEIGHTS[k] * p.factors[k] * barW;
      if (w > 0.2) {
        parts.push(`<rect x="${x.toFixed(1)}" y="${y + 3}" width="${w.toFixed(1)}" height="${rowH - 8}" fill="${FACTOR_COLOURS[k]}"><title>${FACTOR_LABELS[k]}: ${Math.round(p.factors[k] * 100)}/100 × ${SCORE_WEIGHTS[k]}</title></rect>`);
      }
      x += w;
    }
    parts.push(`<text class="value" x="${(x + 6).toFixed(1)}" y="${y + rowH * 0.6}">${p.score.toFixed(1)}</text>`);
  });
  parts.push('</svg>');
  return parts.join('');
}

/** Principal in the centre, advisers on an inner ring, their contacts outside; edge width = strength. */
export function influenceGraphSvg(
  principal: string, influence: InfluenceReport, maxContacts: number, name: (key: string, name: string | undefined) => string,
): string {
  const size = 560;
  const c = size / 2;
  const advisers = influence.links;
  const contacts = influence.contacts.slice(0, maxContacts);
  const pos = new Map<string, { x: number; y: number }>();
  advisers.forEach((a, i) => {
    const angle = (2 * Math.PI * i) / advisers.length - Math.PI / 2;
    pos.set(`adv:${a.adviser}`, { x: c + 120 * Math.cos(angle), y: c + 120 * Math.sin(angle) });
  });
  // Place each contact on the outer ring near the advisers it talks to, so that edges stay
  // short and do not cross the principal: sort by the strength-weighted direction of its
  // advisers, then spread evenly in that order.
  const target = contacts.map((k) => {
    let x = 0;
    let y = 0;
    for (const path of k.paths) {
      const a = pos.get(`adv:${path.via}`);
      if (a !== undefined) { x += (a.x - c) * (path.strength + 0.01); y += (a.y - c) * (path.strength + 0.01); }
    }
    return { k, angle: x === 0 && y === 0 ? 0 : Math.atan2(y, x) };
  }).sort((a, b) => a.angle - b.angle);
  const step = (2 * Math.PI) / Math.max(1, target.length);
  // Circular mean of the offsets between each contact's wanted angle and its slot.
  let sin = 0;
  let cos = 0;
  target.forEach((t, i) => { sin += Math.sin(t.angle - i * step); cos += Math.cos(t.angle - i * step); });
  const rotation = Math.atan2(sin, cos);
  target.forEach((t, i) => {
    const angle = rotation + i * step;
    pos.set(`c:${t.k.partner}`, { x: c + 225 * Math.cos(angle), y: c + 225 * Math.sin(angle) });
  });
  const edges: string[] = [];
  const nodes: string[] = [];
  for (const a of advisers) {
    const p = pos.get(`adv:${a.adviser}`) as { x: number; y: number };
    edges.push(`<line class="edge adv${a.assumed ? ' assumed' : ''}" x1="${c}" y1="${c}" x2="${p.x.toFixed(1)}" y2="${p.y.toFixed(1)}" stroke-width="${(1 + a.strength * 5).toFixed(1)}"/>`);
  }
  for (const k of contacts) {
    const p = pos.get(`c:${k.partner}`) as { x: number; y: number };
    if (k.direct > 0) edges.push(`<line class="edge direct" x1="${c}" y1="${c}" x2="${p.x.toFixed(1)}" y2="${p.y.toFixed(1)}" stroke-width="${(0.8 + k.direct * 4).toFixed(1)}"/>`);
    for (const path of k.paths) {
      const a = pos.get(`adv:${path.via}`);
      if (a !== undefined) edges.push(`<line class="edge path" x1="${a.x.toFixed(1)}" y1="${a.y.toFixed(1)}" x2="${p.x.toFixed(1)}" y2="${p.y.toFixed(1)}" stroke-width="${(0.8 + path.strength * 6).toFixed(1)}"/>`);
    }
    const label = name(k.partner, k.name);
    const anchor = p.x < c - 10 ? 'end' : p.x > c + 10 ? 'start' : 'middle';
    const dx = anchor === 'end' ? -11 : anchor === 'start' ? 11 : 0;
    const dy = anchor === 'middle' ? (p.y < c ? -12 : 20) : 4;
    nodes.push(`<circle class="node contact" cx="${p.x.toFixed(1)}" cy="${p.y.toFixed(1)}" r="${(5 + k.influence * 6).toFixed(1)}"><title>${escapeHtml(label)} · influence ${Math.round(k.influence * 100)}</title></circle>`);
    nodes.push(`<text class="nlabel" x="${(p.x + dx).toFixed(1)}" y="${(p.y + dy).toFixed(1)}" text-anchor="${anchor}">${escapeHtml(label.length > 22 ? `${label.slice(0, 21)}…` : label)}</text>`);
  }
  for (const a of advisers) {
    const p = pos.get(`adv:${a.adviser}`) as { x: number; y: number };
    nodes.push(`<circle class="node adviser" cx="${p.x.toFixed(1)}" cy="${p.y.toFixed(1)}" r="13"/><text class="nlabel strong" x="${p.x.toFixed(1)}" y="${(p.y + 28).toFixed(1)}" text-anchor="middle">${escapeHtml(a.adviser)}</text>`);
  }
  nodes.push(`<circle class="node principal" cx="${c}" cy="${c}" r="20"/><text class="nlabel strong" x="${c}" y="${c + 36}" text-anchor="middle">${escapeHtml(principal)}</text>`);
  return `<svg class="graph" role="img" viewBox="-120 0 ${size + 240} ${size}" width="${size + 240}" height="${size}" xmlns="http://www.w3.org/2000/svg"><title>Paths of influence to the principal</title>${edges.join('')}${nodes.join('')}</svg>`;
}

