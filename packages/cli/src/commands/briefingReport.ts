/**
 * @module commands/briefingReport
 * The morning briefing as plain text (terminal) and as one self-contained HTML page, ready to
 * email. Both show only what the relay's briefing holds: counts, device ids, handles and days.
 */
type Briefing = {
  day: string;
  periodDays: number;
  policyVersion: number;
  counts: { enrolments: number; identityKeyChanges: number; failedEnrolments: number; failedUnlocks?: number; revocations: number };
  relayRefusals: Record<string, number>;
  devicesOnOldPolicy: { deviceId: string; handle: string; policyVersion: number }[];
  devicesNotSeen: { deviceId: string; handle: string; lastSeenOn: string | null }[];
  notSeenDays: number;
};

const escape = (s: unknown): string => String(s).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

function rows(b: Briefing): [string, string][] {
  return [
    ['Enrolments', String(b.counts.enrolments)],
    ['Identity-key changes (re-enrolments)', String(b.counts.identityKeyChanges)],
    ['Failed enrolment attempts', String(b.counts.failedEnrolments)],
    ['Failed app-lock unlocks', String(b.counts.failedUnlocks ?? 0)],
    ['Revocations', String(b.counts.revocations)],
    ['Relay refusals (abuse, quota)', Object.entries(b.relayRefusals).map(([k, n]) => `${k} ${n}`).join(', ') || 'none'],
    ['Policy version', String(b.policyVersion)],
  ];
}

export function briefingText(b: Briefing): string {
  const lines = [`Hardline morning briefing, ${b.day} (last ${b.periodDays * 24} h)`, ...rows(b).map(([k, v]) => `  ${k}: ${v}`)];
  lines.push(`  Devices on an old policy: ${b.devicesOnOldPolicy.length}`);
  for (const d of b.devicesOnOldPolicy) lines.push(`    ${d.handle}  ${d.deviceId}  applied v${d.policyVersion}`);
  lines.push(`  Devices not seen for ${b.notSeenDays} days or more: ${b.devicesNotSeen.length}`);
  for (const d of b.devicesNotSeen) lines.push(`    ${d.handle}  ${d.deviceId}  last seen ${d.lastSeenOn ?? 'never'}`);
  return lines.join('\n');
}

export function briefingHtml(b: Briefing): string {
  const table = (head: string[], body: string[][]) =>
    `<table><tr>${head.map((h) => `<th>${escape(h)}</th>`).join('')}</tr>${body.map((r) => `<tr>${r.map((c) => `<td>${escape(c)}</td>`).join('')}</tr>`).join('')}</table>`;
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Hardline briefing ${escape(b.day)}</title>
<style>body{font:15px/1.4 system-ui,sans-serif;max-width:40em;margin:2em auto;color:#111}table{border-collapse:collapse;margin:0 0 1.5em}td,th{border:1px solid #999;padding:.3em .6em;text-align:left}</style></head>
<body><h1>Morning briefing, ${escape(b.day)}</h1><p>The last ${b.periodDays * 24} hours. Counts only: no content, nothing about who talks to whom.</p>
${table(['Event', 'Count'], rows(b))}
<h2>Devices on an old policy (${b.devicesOnOldPolicy.length})</h2>
${table(['Handle', 'Device', 'Applied version'], b.devicesOnOldPolicy.map((d) => [d.handle, d.deviceId, `v${d.policyVersion}`]))}
<h2>Devices not seen for ${b.notSeenDays} days or more (${b.devicesNotSeen.length})</h2>
${table(['Handle', 'Device', 'Last seen'], b.devicesNotSeen.map((d) => [d.handle, d.deviceId, d.lastSeenOn ?? 'never']))}
</body></html>
`;
}
