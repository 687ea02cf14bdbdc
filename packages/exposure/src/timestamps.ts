/**
 * @module timestamps
 * Reads the time and duration spellings found in call-log exports. Wall-clock times without a
 * zone are read in the owner's zone (`utcOffsetMinutes`), so that the hour-of-day heatmap shows
 * the hours the owner lived through, not UTC.
 */

const ISO = /^(\d{4})[-/](\d{1,2})[-/](\d{1,2})(?:[T ]+(\d{1,2}):(\d{2})(?::(\d{2})(?:[.,](\d+))?)?)?\s*(Z|[+-]\d{2}:?\d{2})?$/i;
const DMY = /^(\d{1,2})[-/.](\d{1,2})[-/.](\d{2,4})(?:[T ,]+(\d{1,2}):(\d{2})(?::(\d{2}))?\s*([ap]\.?m\.?)?)?$/i;
const EPOCH = /^\d{9,13}(?:\.\d+)?$/;

/**
 * Milliseconds since the epoch, or undefined when the text is not a time we can read.
 * `dayFirst` decides `03/04/2024`: true everywhere except North America.
 */
export function parseTimestamp(text: string, dayFirst: boolean, utcOffsetMinutes: number): number | undefined {
  const s = text.trim();
  if (s === '') return undefined;
  let m = ISO.exec(s);
  if (m !== null) {
    const ms = m[7] === undefined ? 0 : Number(m[7].slice(0, 3).padEnd(3, '0'));
    const wall = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]), Number(m[4] ?? 0), Number(m[5] ?? 0), Number(m[6] ?? 0), ms);
    return checked(wall - zoneOffsetMs(m[8], utcOffsetMinutes));
  }
  if (EPOCH.test(s)) {
    const n = Number(s);
    // 10 digits are seconds until the year 2286; 13 digits are milliseconds.
    return checked(n < 1e11 ? Math.round(n * 1000) : Math.round(n));
  }
  m = DMY.exec(s);
  if (m !== null) {
    let year = Number(m[3]);
    if (year < 100) year += 2000;
    const a = Number(m[1]);
    const b = Number(m[2]);
    const [day, month] = dayFirst ? [a, b] : [b, a];
    let hour = Number(m[4] ?? 0);
    const ampm = m[7]?.[0]?.toLowerCase();
    if (ampm === 'p' && hour < 12) hour += 12;
    if (ampm === 'a' && hour === 12) hour = 0;
    if (month < 1 || month > 12 || day < 1 || day > 31) return undefined;
    const wall = Date.UTC(year, month - 1, day, hour, Number(m[5] ?? 0), Number(m[6] ?? 0));
    return checked(wall - utcOffsetMinutes * 60_000);
  }
  // Last resort for spellings such as "Mon, 01 Jan 2024 10:00:00 GMT".
  const parsed = Date.parse(s);
  return Number.isNaN(parsed) ? undefined : checked(parsed);
}

function zoneOffsetMs(zone: string | undefined, defaultMinutes: number): number {
  if (zone === undefined) return defaultMinutes * 60_000;
  if (zone.toUpperCase() === 'Z') return 0;
  const sign = zone[0] === '-' ? -1 : 1;
  const digits = zone.slice(1).replace(':', '');
  return sign * (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2, 4))) * 60_000;
}

/** Rejects absurd dates (before 1980 or after 2100): they come from mis-detected columns. */
function checked(ms: number): number | undefined {
  return Number.isFinite(ms) && ms >= 315_532_800_000 && ms <= 4_102_444_800_000 ? ms : undefined;
}

const CLOCK = /^(?:(\d+):)?(\d{1,2}):(\d{2})$/;

/** Seconds from "75", "75.0", "1:15" or "0:01:15"; undefined when unreadable. */
export function parseDuration(text: string): number | undefined {
  const s = text.trim();
  if (s === '') return 0;
  const n = Number(s);
  if (Number.isFinite(n) && n >= 0) return n;
  const m = CLOCK.exec(s);
  if (m === null) return undefined;
  return Number(m[1] ?? 0) * 3600 + Number(m[2]) * 60 + Number(m[3]);
}

/** Parses "+01:00", "-0530", "90" (minutes) into minutes east of UTC. */
export function parseUtcOffset(text: string): number | undefined {
  const m = /^([+-])?(\d{1,2}):?(\d{2})$/.exec(text.trim());
  if (m !== null) {
    const minutes = Number(m[2]) * 60 + Number(m[3]);
    return minutes > 14 * 60 ? undefined : (m[1] === '-' ? -minutes : minutes);
  }
  const n = Number(text);
  return Number.isInteger(n) && Math.abs(n) <= 14 * 60 ? n : undefined;
}
