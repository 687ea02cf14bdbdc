/**
 * @module partnerTally
 * Running totals for one conversation partner in one person's log. Records stream past once
 * and are folded in here; this is the only mutable state in the analysis, kept mutable because
 * copying it per record would make a million-record log cost a million copies.
 */
import { HOURS_PER_WEEK, heatmapCell, localHourIndex } from './activityPatterns.ts';
import type { CallRecord, PartnerKey } from './callRecord.ts';

export type PartnerTally = {
  readonly partner: PartnerKey;
  /** First name the log itself gave this partner. */
  name: string | undefined;
  contacts: number;
  calls: number;
  sms: number;
  incoming: number;
  outgoing: number;
  missed: number;
  talkSec: number;
  firstMs: number;
  lastMs: number;
  /** Contacts per heatmap cell (weekday × 24 + hour), in the owner's wall-clock time. */
  readonly heatmap: Uint32Array;
  /** Contacts per absolute local hour: the source of weeks, gaps and bursts. */
  readonly hourCounts: Map<number, number>;
};

export function newPartnerTally(partner: PartnerKey): PartnerTally {
  return {
    partner, name: undefined, contacts: 0, calls: 0, sms: 0, incoming: 0, outgoing: 0, missed: 0, talkSec: 0,
    firstMs: Infinity, lastMs: -Infinity, heatmap: new Uint32Array(HOURS_PER_WEEK), hourCounts: new Map(),
  };
}

/** Folds one record in; returns the record's local hour index for the caller's own totals. */
export function addToTally(tally: PartnerTally, record: CallRecord, utcOffsetMinutes: number): number {
  tally.contacts++;
  if (record.kind === 'sms') tally.sms++;
  else tally.calls++;
  if (record.direction === 'in') tally.incoming++;
  else if (record.direction === 'out') tally.outgoing++;
  else if (record.direction === 'missed') tally.missed++;
  tally.talkSec += record.durationSec;
  if (record.timeMs < tally.firstMs) tally.firstMs = record.timeMs;
  if (record.timeMs > tally.lastMs) tally.lastMs = record.timeMs;
  if (tally.name === undefined && record.name !== undefined) tally.name = record.name;
  const hour = localHourIndex(record.timeMs, utcOffsetMinutes);
  tally.heatmap[heatmapCell(hour)]! += 1;
  tally.hourCounts.set(hour, (tally.hourCounts.get(hour) ?? 0) + 1);
  return hour;
}
