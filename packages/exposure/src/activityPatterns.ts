/**
 * @module activityPatterns
 * When contact happens: the hour-of-day × weekday heatmap, active weeks and days, the
 * evenness of the gaps between contact days, and bursts. All of it is derived from per-hour
 * counts rather than from every record, so memory grows with the hours a log spans, not with
 * its size, and unsorted logs need no sort.
 */

export const HOURS_PER_WEEK = 168;
const HOUR_MS = 3_600_000;

/** Hours since the epoch in the owner's wall-clock time. */
export function localHourIndex(timeMs: number, utcOffsetMinutes: number): number {
  return Math.floor((timeMs + utcOffsetMinutes * 60_000) / HOUR_MS);
}

/** Heatmap cell for an hour index: weekday (Monday = 0) × 24 + hour of day. */
export function heatmapCell(hourIndex: number): number {
  const day = Math.floor(hourIndex / 24);
  // 1970-01-01 was a Thursday, weekday 3 when Monday is 0.
  const weekday = (((day + 3) % 7) + 7) % 7;
  return weekday * 24 + (((hourIndex % 24) + 24) % 24);
}

/** Monday-based week number of an hour index. */
export function weekOf(hourIndex: number): number {
  return Math.floor((Math.floor(hourIndex / 24) + 3) / 7);
}

export type Burst = {
  readonly startMs: number;
  /** End of the last hour in the burst. */
  readonly endMs: number;
  readonly contacts: number;
};

export type BurstRule = {
  /** At least this many contacts … */
  readonly minContacts: number;
  /** … within this many consecutive clock hours. */
  readonly windowHours: number;
};

export const DEFAULT_BURST_RULE: BurstRule = { minContacts: 5, windowHours: 3 };

/**
 * Bursts: windows of `windowHours` clock hours holding at least `minContacts` contacts,
 * overlapping windows merged. A burst marks an event an observer would notice: a crisis, a
 * decision, a trip. Times are UTC milliseconds (the offset is taken back out).
 */
export function findBursts(hourCounts: ReadonlyMap<number, number>, rule: BurstRule, utcOffsetMinutes: number): Burst[] {
  const hours = [...hourCounts.keys()].sort((a, b) => a - b);
  const bursts: Burst[] = [];
  let lo = 0;
  let sum = 0;
  let current: { start: number; end: number; contacts: number } | undefined;
  for (let hi = 0; hi < hours.length; hi++) {
    const h = hours[hi] as number;
    sum += hourCounts.get(h) ?? 0;
    while ((hours[lo] as number) <= h - rule.windowHours) sum -= hourCounts.get(hours[lo++] as number) ?? 0;
    if (sum < rule.minContacts) continue;
    const start = hours[lo] as number;
    if (current !== undefined && start <= current.end) {
      // Overlapping window: extend, counting only the hours not already in the burst.
      for (let k = lo; k <= hi; k++) {
        const hk = hours[k] as number;
        if (hk > current.end) current.contacts += hourCounts.get(hk) ?? 0;
      }
      current.end = h;
    } else {
      if (current !== undefined) bursts.push(toBurst(current, utcOffsetMinutes));
      current = { start, end: h, contacts: sum };
    }
  }
  if (current !== undefined) bursts.push(toBurst(current, utcOffsetMinutes));
  return bursts;
}

function toBurst(b: { start: number; end: number; contacts: number }, utcOffsetMinutes: number): Burst {
  const offset = utcOffsetMinutes * 60_000;
  return { startMs: b.start * HOUR_MS - offset, endMs: (b.end + 1) * HOUR_MS - offset, contacts: b.contacts };
}

export type Regularity = {
  readonly activeWeeks: number;
  readonly activeDays: number;
  /** 1 / (1 + coefficient of variation of the gaps between contact days); 0 with < 3 days. */
  readonly gapEvenness: number;
};

export function measureRegularity(hourCounts: ReadonlyMap<number, number>): Regularity {
  const weeks = new Set<number>();
  const days = new Set<number>();
  for (const h of hourCounts.keys()) {
    weeks.add(weekOf(h));
    days.add(Math.floor(h / 24));
  }
  const sorted = [...days].sort((a, b) => a - b);
  let gapEvenness = 0;
  if (sorted.length >= 3) {
    const gaps: number[] = [];
    for (let i = 1; i < sorted.length; i++) gaps.push((sorted[i] as number) - (sorted[i - 1] as number));
    const mean = gaps.reduce((a, b) => a + b, 0) / gaps.length;
    const variance = gaps.reduce((a, g) => a + (g - mean) ** 2, 0) / gaps.length;
    gapEvenness = 1 / (1 + Math.sqrt(variance) / mean);
  }
  return { activeWeeks: weeks.size, activeDays: days.size, gapEvenness };
}
