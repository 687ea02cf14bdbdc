/**
 * @module htmlReport
 * A self-contained HTML report: one file, inline CSS and SVG, no script, no fonts or images to
 * fetch. A strict Content-Security-Policy (default-src 'none', the one style block allowed by
 * its hash) means that even a hostile name in an address book cannot make the page load or
 * run anything, and opening the report tells nobody that it was opened.
 */
import { createHash } from 'node:crypto';
import type { ExposureReport, PersonReport } from '../exposureReport.ts';
import type { RankedPartner, ScoreFactor } from '../partnerRanking.ts';
import { SCORE_WEIGHTS } from '../partnerRanking.ts';
import { writePrivateFile } from '../privateFile.ts';
import { formatDate, formatDateTime, formatOffset, formatTalkTime, partnerLabel, percent, shortPartnerLabel } from './formatting.ts';
import { displayPartnerKey } from '../phoneNumber.ts';
import type { PartnerKey } from '../callRecord.ts';
import { escapeHtml, FACTOR_COLOURS, FACTOR_LABELS, heatmapSvg, influenceGraphSvg, scoreBarsSvg } from './svgCharts.ts';

export type HtmlOptions = {
  /** Partners listed per person (default 20). */
  readonly top?: number;
};

const CSS = `
:root{--ink:#0f172a;--muted:#64748b;--line:#e2e8f0;--panel:#fff;--bg:#f8fafc;--accent:#1e3a8a;--warn:#b91c1c}
*{box-sizing:border-box}
body{margin:0;background:var(--bg);color:var(--ink);font:14px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif}
header{background:linear-gradient(135deg,#0f172a,#1e3a8a);color:#fff;padding:28px 40px 24px}
header h1{margin:0 0 4px;font-size:26px;font-weight:650;letter-spacing:-.01em}
header p{margin:0;color:#cbd5e1}
.banner{background:#fef2f2;color:var(--warn);border-bottom:1px solid #fecaca;padding:8px 40px;font-weight:600;font-size:13px}
main{max-width:1180px;margin:0 auto;padding:24px 40px 60px}
section{background:var(--panel);border:1px solid var(--line);border-radius:10px;padding:20px 24px;margin:0 0 20px}
h2{font-size:18px;margin:0 0 12px}
h3{font-size:15px;margin:18px 0 8px}
.muted{color:var(--muted)}
.cards{display:grid;grid-template-columns:repeat(4,1fr);gap:12px;margin:0 0 20px}
.card{background:var(--panel);border:1px solid var(--line);border-radius:10px;padding:14px 16px}
.card .k{font-size:12px;text-transform:uppercase;letter-spacing:.05em;color:var(--muted)}
.card .v{font-size:22px;font-weight:650;margin-top:2px;overflow:hidden;text-overflow:ellipsis;white-space:nowrap}
.two{display:grid;grid-template-columns:1fr 1fr;gap:20px}
ol.recs{margin:0;padding-left:20px}
ol.recs li{margin:0 0 8px}
ol.recs .who{font-weight:600}
table{border-collapse:collapse;width:100%;font-size:13px}
th,td{padding:6px 6px;border-bottom:1px solid var(--line);text-align:left;vertical-align:middle;white-space:nowrap}
th{font-size:11px;text-transform:uppercase;letter-spacing:.04em;color:var(--muted);font-weight:600}
td.num,th.num{text-align:right;font-variant-numeric:tabular-nums}
td.who{white-space:normal;min-width:170px}
td.who .n1{font-weight:600}
th .sub{text-transform:none;letter-spacing:0;font-weight:400}
td .sub{color:var(--muted);font-size:11px}
td.who .n2,td.dates{color:var(--muted);font-size:12px}
.tablewrap{overflow-x:auto}
.sw-lo{--c:#dbeafe}.sw-hi{--c:#1e3a8a}.sw-direct{--c:#b91c1c}.sw-path{--c:#d97706}.sw-adv{--c:#1e3a8a}
svg.meter{display:inline-block;vertical-align:middle;margin-right:5px}
.legend{display:flex;gap:16px;flex-wrap:wrap;margin:4px 0 10px;font-size:12px;color:var(--muted)}
.legend span::before{content:"";display:inline-block;width:10px;height:10px;border-radius:2px;margin-right:5px;vertical-align:-1px;background:var(--c)}
.sw-frequency{--c:${FACTOR_COLOURS.frequency}}.sw-talkTime{--c:${FACTOR_COLOURS.talkTime}}.sw-recency{--c:${FACTOR_COLOURS.recency}}
.sw-reciprocity{--c:${FACTOR_COLOURS.reciprocity}}.sw-regularity{--c:${FACTOR_COLOURS.regularity}}
svg{max-width:100%;height:auto}
svg text{font:11px system-ui,-apple-system,"Segoe UI",Roboto,Arial,sans-serif;fill:#334155}
svg .axis{fill:#94a3b8;font-size:10px}
svg .label{font-size:12px;fill:#0f172a}
svg .value{font-size:12px;font-weight:600;fill:#0f172a}
svg .grid{stroke:#e2e8f0;stroke-width:1}
svg .edge{stroke:#94a3b8;stroke-opacity:.7}
svg .edge.adv{stroke:#1e3a8a}
svg .edge.assumed{stroke-dasharray:5 4}
svg .edge.direct{stroke:#b91c1c;stroke-opacity:.45}
svg .edge.path{stroke:#d97706;stroke-opacity:.6}
svg .node.principal{fill:#b91c1c}
svg .node.adviser{fill:#1e3a8a}
svg .node.contact{fill:#f59e0b;stroke:#fff;stroke-width:1.5}
svg .nlabel{font-size:11px;fill:#0f172a}
svg .strong{font-weight:650;font-size:12px}
.minis{display:grid;grid-template-columns:repeat(3,1fr);gap:14px}
.mini{border:1px solid var(--line);border-radius:8px;padding:10px 12px}
.mini .t{font-weight:600;font-size:13px;margin-bottom:4px;overflow:hidden;text-overflow:ellipsis;white-space:nowrap}
.mini .s{font-size:12px;color:var(--muted);margin-top:4px}
.formula{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-size:12px;background:#f1f5f9;border-radius:6px;padding:10px 12px;white-space:pre-wrap}
footer{color:var(--muted);font-size:12px;text-align:center;margin-top:20px}
@media print{body{background:#fff}section,.card{break-inside:avoid}}
`.trim();

export function renderHtmlReport(report: ExposureReport, options: HtmlOptions = {}): string {
  const top = options.top ?? 20;
  const principal = report.people[0];
  const off = report.utcOffsetMinutes;
  const styleHash = createHash('sha256').update(CSS).digest('base64');
  const csp = `default-src 'none'; style-src 'sha256-${styleHash}'; img-src 'none'; font-src 'none'; base-uri 'none'; form-action 'none'`;
  const body: string[] = [];
  const totalRecords = report.people.reduce((a, p) => a + p.records, 0);
  const first = Math.min(...report.people.map((p) => p.firstMs));
  const leader = principal?.ranking[0];
  body.push(`<div class="cards">
    ${card('Records analysed', totalRecords.toLocaleString('en-GB'))}
    ${card('Partners of principal', String(principal?.partnerCount ?? 0))}
    ${card('Period', `${formatDate(first, off)} → ${formatDate(report.asOfMs, off)}`)}
    ${card('Top partner', leader === undefined ? '–' : partnerLabel(leader.partner, leader.name))}
  </div>`);
  body.push(`<section><h2>Recommendations</h2><div class="two">
    <div><h3>Move to Hardline first</h3>${recList(report.recommendations.moveToHardline)}</div>
    <div><h3>Brief as likely targets</h3>${recList(report.recommendations.briefAsTargets)}</div>
  </div></section>`);
  for (const person of report.people) body.push(personSection(person, report, top));
  if (report.influence.links.length > 0 && principal !== undefined) body.push(influenceSection(report, principal.label, top));
  body.push(methodSection(report));

  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="referrer" content="no-referrer">
<meta name="robots" content="noindex, nofollow">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Exposure report: ${escapeHtml(principal?.label ?? '')}</title>
<style>${CSS}</style>
</head>
<body>
<div class="banner">SENSITIVE · This report maps who talks to whom. Keep it encrypted, share it with nobody outside the security team, and delete it when done.</div>
<header><h1>Exposure report</h1><p>What an eavesdropper on ${escapeHtml(report.people.map((p) => p.label).join(', '))}'s phone${report.people.length > 1 ? 's' : ''} has learned · as of ${formatDate(report.asOfMs, off)} · times in ${formatOffset(off)}</p></header>
<main>
${body.join('\n')}
<footer>Generated by hardline exposure report on ${formatDateTime(report.generatedAtMs, 0)} UTC. No data left this machine to make it.</footer>
</main>
</body>
</html>
`;
}

/** Writes the report with mode 0600 (see privateFile). */
export function writeHtmlReport(path: string, report: ExposureReport, options: HtmlOptions = {}): void {
  writePrivateFile(path, renderHtmlReport(report, options));
}

function whoCell(partner: PartnerKey | string, name: string | undefined): string {
  const number = displayPartnerKey(partner as PartnerKey);
  return name === undefined || name === '' || name === number
    ? `<span class="n1">${escapeHtml(number)}</span>`
    : `<span class="n1">${escapeHtml(name)}</span><br><span class="n2">${escapeHtml(number)}</span>`;
}

function card(k: string, v: string): string {
  return `<div class="card"><div class="k">${escapeHtml(k)}</div><div class="v" title="${escapeHtml(v)}">${escapeHtml(v)}</div></div>`;
}

function recList(recs: readonly { who: string; name: string | undefined; reason: string }[]): string {
  if (recs.length === 0) return '<p class="muted">Nothing to recommend.</p>';
  return `<ol class="recs">${recs.map((r) => `<li><span class="who">${escapeHtml(partnerLabel(r.who, r.name))}</span><br><span class="muted">${escapeHtml(r.reason)}</span></li>`).join('')}</ol>`;
}

function legend(): string {
  return `<div class="legend">${(Object.keys(SCORE_WEIGHTS) as ScoreFactor[]).map((k) => `<span class="sw-${k}">${FACTOR_LABELS[k]} ×${SCORE_WEIGHTS[k]}</span>`).join('')}</div>`;
}

function meter(k: ScoreFactor, v: number): string {
  // An SVG bar, not a styled <span>: the CSP forbids style attributes.
  const w = Math.max(0, Math.min(1, v)) * 32;
  return `<svg class="meter" width="32" height="6" viewBox="0 0 32 6" aria-hidden="true"><rect width="32" height="6" rx="3" fill="#e2e8f0"/><rect width="${w.toFixed(1)}" height="6" rx="3" fill="${FACTOR_COLOURS[k]}"/></svg>${percent(v)}`;
}

function personSection(person: PersonReport, report: ExposureReport, top: number): string {
  const off = report.utcOffsetMinutes;
  const ranked = person.ranking.slice(0, top);
  const name = (p: RankedPartner): string => partnerLabel(p.partner, p.name);
  const rows = ranked.map((p) => `<tr>
    <td class="num">${p.rank}</td><td class="who">${whoCell(p.partner, p.name)}</td><td class="num"><strong>${p.score.toFixed(1)}</strong></td>
    ${(Object.keys(SCORE_WEIGHTS) as ScoreFactor[]).map((k) => `<td class="num">${meter(k, p.factors[k])}</td>`).join('')}
    <td class="num">${p.contacts}<br><span class="sub">${p.incoming}/${p.outgoing}/${p.missed}</span></td><td class="num">${formatTalkTime(p.talkSec)}</td>
    <td class="num">${p.activeWeeks}/${person.observedWeeks}</td><td class="dates">${formatDate(p.firstMs, off)}<br>${formatDate(p.lastMs, off)}</td><td class="num">${p.bursts.length}</td>
  </tr>`).join('');
  const minis = ranked.slice(0, 6).filter((p) => p.heatmap !== undefined).map((p) => {
    const burst = [...p.bursts].sort((a, b) => b.contacts - a.contacts)[0];
    return `<div class="mini"><div class="t" title="${escapeHtml(name(p))}">#${p.rank} ${escapeHtml(name(p))}</div>${heatmapSvg(p.heatmap ?? [], { compact: true, title: `When ${name(p)} is in contact` })}
      <div class="s">${p.contacts} contacts · ${formatDate(p.firstMs, off)} → ${formatDate(p.lastMs, off)}${burst === undefined ? '' : ` · biggest burst ${burst.contacts} on ${formatDateTime(burst.startMs, off)}`}</div></div>`;
  }).join('');
  const files = person.files.map((f) => `${escapeHtml(f.path.split(/[\\/]/).pop() ?? f.path)} (${f.format}, ${f.records.toLocaleString('en-GB')} records)`).join(', ');
  return `<section>
  <h2>${person.role === 'principal' ? 'Principal' : 'Adviser'}: ${escapeHtml(person.label)}${person.owner === undefined ? '' : ` <span class="muted">${escapeHtml(person.owner)}</span>`}</h2>
  <p class="muted">${person.records.toLocaleString('en-GB')} records with ${person.partnerCount} partners over ${person.observedWeeks} weeks (${formatDate(person.firstMs, off)} → ${formatDate(person.lastMs, off)})${person.withheld > 0 ? `, plus ${person.withheld} with a withheld number` : ''}. Sources: ${files}.</p>
  <h3>Regular conversation partners, as an eavesdropper ranks them</h3>
  ${legend()}
  ${scoreBarsSvg(ranked.slice(0, 12), (p) => shortPartnerLabel(p.partner, p.name))}
  <div class="tablewrap"><table><thead><tr><th class="num">#</th><th>Partner</th><th class="num">Score</th>${(Object.keys(SCORE_WEIGHTS) as ScoreFactor[]).map((k) => `<th class="num">${FACTOR_LABELS[k]}</th>`).join('')}
  <th class="num">Contacts<br><span class="sub">in/out/missed</span></th><th class="num">Talk</th><th class="num">Weeks</th><th>First / last</th><th class="num">Bursts</th></tr></thead><tbody>${rows}</tbody></table></div>
  ${person.ranking.length > top ? `<p class="muted">… and ${person.ranking.length - top} more partners (see --json for all).</p>` : ''}
  <h3>When ${escapeHtml(person.label)} is on the phone (all partners)</h3>
  ${heatmapSvg(person.heatmap, { title: `Contacts by weekday and hour for ${person.label}` })}
  <div class="legend"><span class="sw-lo">fewer contacts</span><span class="sw-hi">more contacts</span><span>· hours in ${formatOffset(off)}</span></div>
  ${minis === '' ? '' : `<h3>Top partners' rhythms</h3><div class="minis">${minis}</div>`}
</section>`;
}

function influenceSection(report: ExposureReport, principal: string, top: number): string {
    const rows = report.influence.contacts.slice(0, top).map((c) => `<tr>
    <td class="num">${c.rank}</td><td class="who">${whoCell(c.partner, c.name)}</td><td class="num"><strong>${percent(c.influence)}</strong></td>
    <td class="num">${percent(c.direct)}</td><td>${escapeHtml(c.reach.join(', '))}</td>
    <td class="who">${c.paths.map((p) => `→ ${escapeHtml(p.via)} → ${escapeHtml(principal)} <span class="muted">(${percent(p.strength)})</span>`).join('<br>')}</td></tr>`).join('');
  const links = report.influence.links.map((l) => `<li><strong>${escapeHtml(l.adviser)}</strong> ↔ ${escapeHtml(principal)}: ${percent(l.strength)}/100${l.assumed ? ' <span class="muted">(assumed: no log shows the tie; give the adviser’s number as label@number=file)</span>' : ''}</li>`).join('');
  return `<section>
  <h2>Paths of influence</h2>
  <p class="muted">Someone who cannot reach ${escapeHtml(principal)} directly looks for people ${escapeHtml(principal)} listens to. Influence combines the direct tie with every two-step path (contact → adviser → ${escapeHtml(principal)}): 1 − (1 − direct) · Π(1 − path), where a path’s strength is the contact’s score with the adviser times the adviser’s tie to ${escapeHtml(principal)}.</p>
  <ul>${links}</ul>
  ${influenceGraphSvg(principal, report.influence, 14, shortPartnerLabel)}
  <div class="legend"><span class="sw-direct">direct tie to ${escapeHtml(principal)}</span><span class="sw-path">contact → adviser</span><span class="sw-adv">adviser ↔ ${escapeHtml(principal)} (dashed: assumed)</span><span>· line width = strength, dot size = influence</span></div>
  <table><thead><tr><th class="num">#</th><th>Contact</th><th class="num">Influence</th><th class="num">Direct</th><th>Talks to</th><th>Two-step paths</th></tr></thead><tbody>${rows}</tbody></table>
</section>`;
}

function methodSection(report: ExposureReport): string {
  return `<section><h2>How to read this</h2>
  <p>Each partner gets five factors between 0 and 100, and the score is their weighted sum:</p>
  <div class="formula">score = 100 × (0.30 frequency + 0.20 talk time + 0.15 recency + 0.15 reciprocity + 0.20 regularity)
frequency   = ln(1 + contacts) / ln(1 + most contacts of any partner)
talk time   = ln(1 + seconds)  / ln(1 + most seconds of any partner)
recency     = 0.5 ^ (days since last contact / 30)
reciprocity = 2 · min(their, our initiations) / (their + our); missed calls count as theirs
regularity  = 0.7 · weeks with contact / weeks observed + 0.3 · evenness of gaps between contact days</div>
  <p>Heatmaps count contacts by weekday and hour in ${formatOffset(report.utcOffsetMinutes)}. A burst is ${'≥'}5 contacts within 3 clock hours. Numbers were read as ${escapeHtml(report.country)} where no country code was written, so +31 6 1234 5678, 0612345678 and 0031612345678 count as one person. None of this needed the content of a single call: it is what a carrier, or anyone tapping one, sees.</p>
</section>`;
}
