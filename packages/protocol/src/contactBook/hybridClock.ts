/**
 * @module contactBook/hybridClock
 * Hybrid logical clocks (Kulkarni et al. 2014): wall-clock milliseconds, a counter for events
 * within one millisecond or behind a clock that went backwards, and the writing device as the
 * final tie-break. Every edit gets a stamp greater than any stamp its device has seen, so an edit
 * made after syncing always beats what it saw, even when the device's wall clock is behind.
 */

export type Hlc = {
  /** Milliseconds since the epoch. */
  readonly t: number;
  readonly c: number;
  /** Short tag of the writing device (hex). */
  readonly d: string;
};

export const HLC_ZERO: Hlc = { t: 0, c: 0, d: '' };
export const MAX_HLC_TIME = 2 ** 48;
export const MAX_HLC_COUNTER = 2 ** 31 - 1;
export const DEVICE_TAG_RE = /^[0-9a-f]{1,32}$/;

export function compareHlc(a: Hlc, b: Hlc): number {
  if (a.t !== b.t) return a.t < b.t ? -1 : 1;
  if (a.c !== b.c) return a.c < b.c ? -1 : 1;
  return a.d < b.d ? -1 : a.d > b.d ? 1 : 0;
}

export function maxHlc(a: Hlc, b: Hlc): Hlc {
  return compareHlc(a, b) >= 0 ? a : b;
}

/** The stamp for a local event: after `last` (everything this device has seen) and not before `now`. */
export function tickHlc(last: Hlc, now: number, device: string): Hlc {
  const t = Math.max(last.t, Math.floor(now));
  return { t, c: t === last.t ? last.c + 1 : 0, d: device };
}

export function isHlc(v: unknown): v is Hlc {
  if (v === null || typeof v !== 'object') return false;
  const h = v as Record<string, unknown>;
  return (
    Number.isSafeInteger(h.t) && (h.t as number) >= 0 && (h.t as number) <= MAX_HLC_TIME &&
    Number.isSafeInteger(h.c) && (h.c as number) >= 0 && (h.c as number) <= MAX_HLC_COUNTER &&
    typeof h.d === 'string' && DEVICE_TAG_RE.test(h.d)
  );
}
