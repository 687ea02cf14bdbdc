/**
 * @module console/keptExposure
 * Exposure results the security team chose to keep for the morning briefing: a summary (when,
 * how much the log held, whom to brief first), kept in this browser's localStorage only. The
 * relay never gets it: who the principal talks to is exactly what it must not hold (§7).
 */
import { briefFirst, partnerLabel, type ExposureReport } from '@hardline/exposure/browser';

const KEY = 'hardline-console.kept-exposure';
const MAX_KEPT = 10;
const MAX_NAMES = 5;

export type KeptExposure = {
  readonly keptOn: string;
  readonly records: number;
  readonly partners: number;
  readonly weeks: number;
  readonly briefFirst: readonly string[];
};

export function keptExposures(): KeptExposure[] {
  try {
    const v = JSON.parse(localStorage.getItem(KEY) ?? '[]') as unknown;
    return Array.isArray(v) ? v.filter(isKept).slice(0, MAX_KEPT) : [];
  } catch {
    return []; // a damaged entry is dropped, not shown
  }
}

export function keepExposure(report: ExposureReport, now = new Date()): KeptExposure[] {
  const p = report.people[0]!;
  const kept: KeptExposure = {
    keptOn: now.toISOString().slice(0, 10), records: p.records, partners: p.partnerCount, weeks: p.observedWeeks,
    briefFirst: briefFirst(report, MAX_NAMES).map((t) => partnerLabel(t.who, t.name)),
  };
  const all = [kept, ...keptExposures()].slice(0, MAX_KEPT);
  localStorage.setItem(KEY, JSON.stringify(all));
  return all;
}

export function forgetExposures(): void {
  localStorage.removeItem(KEY);
}

function isKept(v: unknown): v is KeptExposure {
  const k = v as KeptExposure;
  return typeof k === 'object' && k !== null && typeof k.keptOn === 'string' && typeof k.records === 'number'
    && typeof k.partners === 'number' && typeof k.weeks === 'number' && Array.isArray(k.briefFirst) && k.briefFirst.every((n) => typeof n === 'string');
}
