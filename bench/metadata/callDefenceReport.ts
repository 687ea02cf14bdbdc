/**
 * @module callDefenceReport
 * The calls-only run's table (callDefenceRun.ts): per level and defence, what each call attack
 * still pairs and names, and what the defence costs a web-app device.
 */
import { LIFETIME_SPREADS } from './allocationLifetimes.ts';
import { CBR_BYTES_PER_SECOND } from './cbrMedia.ts';
import type { AttackFigures, CallDefenceRun } from './callDefenceRun.ts';
import { COVER_LEGS_PER_OPEN_HOUR } from './coverLegs.ts';

const cell = (f: AttackFigures): string =>
  `${f.pairing.legsPaired.toFixed(1)}/${f.pairing.legs} (${((100 * f.pairing.legsPaired) / Math.max(1, f.pairing.legs)).toFixed(0)}%) | ${f.pairing.principalCallsNamed}/${f.pairing.principalCalls} | ${f.p5.toFixed(2)}`;

export function callDefenceLines(run: CallDefenceRun): string {
  const answered = run.calls.calls.filter((c) => c.answered).length;
  const levels = [...new Set(run.rows.map((r) => r.level))];
  return [
    `calls: ${run.calls.calls.length} (${answered} answered, ${run.legs.length} legs); ${run.webAppDevices} web-app devices, tab open ${run.openHoursPerDeviceDay.toFixed(1)} h a day on average; chance P@5 ${run.chanceP5.toFixed(2)}`,
    `CBR: ${CBR_BYTES_PER_SECOND} B/s each way per leg (Opus 32 kbit/s, 20 ms frames, with SFrame, RTP, SRTP, ChannelData, UDP and IPv4 headers)`,
    ...levels.map((l) => {
      const s = LIFETIME_SPREADS[l];
      return `${l}: lead uniform ${s.lead.min}–${s.lead.max} s before media, tail ${s.tail.min} s + exponential (mean ${s.tail.mean} s) after the hangup; cover legs ${COVER_LEGS_PER_OPEN_HOUR[l]} per open hour`;
    }),
    '',
    '| level | defence | coincidence: legs paired | principal\'s calls named | P@5 | overlap: legs paired | named | P@5 | cover legs | extra TURN MB/device/month | extra allocation h/device/month | extra MB per real leg |',
    '|---|---|---|---|---|---|---|---|---|---|---|---|',
    ...run.rows.map((r) => `| ${r.level} | ${r.defence} | ${cell(r.coincidence)} | ${cell(r.overlap)} | ${r.coverLegs} | ${r.extraMbPerDeviceMonth.toFixed(1)} | ${r.extraAllocationHoursPerDeviceMonth.toFixed(2)} | ${r.extraMbPerLeg.toFixed(2)} |`),
  ].join('\n');
}

const median = (xs: readonly number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 === 1 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};
const share = (f: AttackFigures): number => f.pairing.legsPaired / Math.max(1, f.pairing.legs);

/**
 * The same rows over several seeds (populations, calls and draws): the median of each figure.
 * One seed's principal makes few calls, so his P@5 moves in large steps; the medians say more.
 */
export function callDefenceMedianLines(runs: readonly CallDefenceRun[]): string {
  const keys = runs[0]!.rows.map((r) => [r.level, r.defence] as const);
  const pick = (level: string, defence: string) => runs.map((run) => run.rows.find((r) => r.level === level && r.defence === defence)!);
  const pct = (x: number): string => `${(100 * x).toFixed(0)}%`;
  return [
    `medians over ${runs.length} seeds (legs per seed: ${runs.map((r) => r.legs.length).join(', ')}; chance P@5 ${runs.map((r) => r.chanceP5.toFixed(2)).join(', ')})`,
    '',
    '| level | defence | coincidence: legs paired | P@5 | overlap: legs paired | P@5 | extra TURN MB/device/month | extra allocation h/device/month | extra MB per real leg |',
    '|---|---|---|---|---|---|---|---|---|',
    ...keys.map(([level, defence]) => {
      const rows = pick(level, defence);
      const m = (f: (r: (typeof rows)[number]) => number): number => median(rows.map(f));
      return `| ${level} | ${defence} | ${pct(m((r) => share(r.coincidence)))} | ${m((r) => r.coincidence.p5).toFixed(2)} | ${pct(m((r) => share(r.overlap)))} | ${m((r) => r.overlap.p5).toFixed(2)} | ${m((r) => r.extraMbPerDeviceMonth).toFixed(1)} | ${m((r) => r.extraAllocationHoursPerDeviceMonth).toFixed(2)} | ${m((r) => r.extraMbPerLeg).toFixed(2)} |`;
    }),
  ].join('\n');
}
