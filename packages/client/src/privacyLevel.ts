/**
 * @module privacyLevel
 * How far a device decouples its anonymous posts in time (issue 12): `off` posts at once, as
 * before; `balanced` and `strict` post at the send scheduler's Poisson slots, after a quiet
 * period following any authenticated request, each slot on a fresh connection, with cover
 * posts filling idle slots. The org policy's `metadata: high` raises a device to `strict`.
 */
import { HardlineError } from '@hardline/protocol';

export const PrivacyLevels = ['off', 'balanced', 'strict'] as const;
export type PrivacyLevel = (typeof PrivacyLevels)[number];

export type SlotParams = {
  readonly level: PrivacyLevel;
  /** No post goes out sooner than this after an authenticated request began or ended. */
  readonly quietMs: number;
  /** Mean gap between slots while real envelopes wait. */
  readonly busyGapMs: number;
  /** Mean gap between cover slots while nothing waits; undefined: no cover. */
  readonly idleGapMs: number | undefined;
  /** A short-lived process (the CLI) waits at most this long per queued envelope before giving up. */
  readonly maxDelayMs: number;
};

/**
 * Why these numbers: issue 12's budget for the default level is added latency p50 <= 2 s and
 * p99 <= 10 s, and <= 2 KB/s while open (<= 150 MB a month). `balanced` sends real envelopes at
 * a mean gap of 0.8 s after a 0.5 s quiet period, and cover every 12 s on average when idle
 * (one 1 KiB-bucket envelope on a fresh connection: ~0.3 KB/s with its TLS handshake, so that
 * 4 h a day open stays near 150 MB a month; every 5 s measured 0.6 KB/s, 278 MB). `strict` keeps one constant Poisson rate whether or not
 * anything waits, so the slot pattern no longer shows when the person writes: it costs more
 * bytes and more delay. Measured figures: BENCHMARKS.md, "Send scheduler".
 */
export const SLOT_PARAMS: Readonly<Record<PrivacyLevel, SlotParams>> = {
  off: { level: 'off', quietMs: 0, busyGapMs: 0, idleGapMs: undefined, maxDelayMs: 0 },
  balanced: { level: 'balanced', quietMs: 500, busyGapMs: 800, idleGapMs: 12_000, maxDelayMs: 10_000 },
  strict: { level: 'strict', quietMs: 1_500, busyGapMs: 1_500, idleGapMs: 1_500, maxDelayMs: 30_000 },
};

export function parsePrivacyLevel(s: string): PrivacyLevel {
  const level = PrivacyLevels.find((l) => l === s);
  if (!level) throw new HardlineError('VALIDATION', `unknown privacy level "${s}": use ${PrivacyLevels.join(', ')}`);
  return level;
}

/** Where a device keeps its chosen level (DeviceState.extensions). */
export const PRIVACY_EXTENSION = 'privacyLevel';

/** The device's own setting, unless the org policy asks for more (`metadata: high` means strict). */
export function effectiveLevel(device: PrivacyLevel, orgMetadata: 'standard' | 'high' | undefined): PrivacyLevel {
  if (orgMetadata === 'high') return 'strict';
  return device;
}

export function storedLevel(extensions: Record<string, unknown> | undefined, fallback: PrivacyLevel): PrivacyLevel {
  const v = extensions?.[PRIVACY_EXTENSION];
  return typeof v === 'string' && (PrivacyLevels as readonly string[]).includes(v) ? (v as PrivacyLevel) : fallback;
}
