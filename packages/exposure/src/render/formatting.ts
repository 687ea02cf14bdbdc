/**
 * @module formatting
 * Small value formatters shared by the terminal and HTML renderers, so both say the same thing
 * the same way. Dates are shown in the owners' wall-clock time (the report's UTC offset).
 */
import type { PartnerKey } from '../callRecord.ts';
import { displayPartnerKey } from '../phoneNumber.ts';

export const WEEKDAYS = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'] as const;

export function formatTalkTime(sec: number): string {
  if (sec < 60) return `${Math.round(sec)}s`;
  if (sec < 3600) return `${Math.round(sec / 60)}m`;
  const minutes = Math.round(sec / 60);
  const h = Math.floor(minutes / 60);
  const m = minutes % 60;
  return m === 0 ? `${h}h` : `${h}h${String(m).padStart(2, '0')}`;
}

export function formatDate(ms: number, utcOffsetMinutes: number): string {
  if (!Number.isFinite(ms)) return '–';
  return new Date(ms + utcOffsetMinutes * 60_000).toISOString().slice(0, 10);
}

export function formatDateTime(ms: number, utcOffsetMinutes: number): string {
  if (!Number.isFinite(ms)) return '–';
  return new Date(ms + utcOffsetMinutes * 60_000).toISOString().slice(0, 16).replace('T', ' ');
}

export function formatOffset(minutes: number): string {
  const sign = minutes < 0 ? '-' : '+';
  const a = Math.abs(minutes);
  return `UTC${sign}${String(Math.floor(a / 60)).padStart(2, '0')}:${String(a % 60).padStart(2, '0')}`;
}

/** "Name (+31…)" when a name is known, else the number. */
export function partnerLabel(partner: PartnerKey | string, name: string | undefined): string {
  const shown = displayPartnerKey(partner as PartnerKey);
  return name === undefined || name === '' || name === shown ? shown : `${name} (${shown})`;
}

/** The name alone when known (charts have little room), else the number. */
export function shortPartnerLabel(partner: PartnerKey | string, name: string | undefined): string {
  return name === undefined || name === '' ? displayPartnerKey(partner as PartnerKey) : name;
}

export function percent(x: number): string {
  return `${Math.round(x * 100)}`;
}
