/**
 * @module phoneNumber
 * Turns the many spellings of one phone number into a single canonical key, so that
 * `+31 6 1234 5678`, `0612345678` and `0031612345678` count as one person. An eavesdropper
 * merges these trivially; the report must do the same or it understates the exposure.
 */
import type { PartnerKey } from './callRecord.ts';
import { dialPlanFor } from './phoneCountries.ts';

/** Spellings that phones and exports use for a caller who withheld their number. */
const WITHHELD = new Set(['', '-1', '-2', '-3', 'unknown', 'private', 'anonymous', 'withheld',
  'restricted', 'hidden', 'unavailable', 'null', 'privé', 'onbekend', 'anonym', 'unbekannt']);

/** Numbers this short are service or short codes: kept apart, never given a country code. */
const MAX_SHORT_CODE_DIGITS = 6;

/**
 * Canonical key for a number as written in a log, or `undefined` when the caller is withheld.
 * `country` (ISO alpha-2) says how to read numbers written without a country code.
 */
export function normalisePhoneNumber(raw: string, country: string): PartnerKey | undefined {
  let s = raw.trim();
  if (s.toLowerCase().startsWith('tel:')) s = s.slice(4);
  // Drop a trailing extension or URI parameter; it does not change who answers.
  const cut = s.search(/[;,]|\s*(?:ext\.?|x)\s*\d+$/i);
  if (cut > 0) s = s.slice(0, cut);
  if (WITHHELD.has(s.toLowerCase())) return undefined;
  // "+31 (0)6 …" writes the trunk prefix in brackets next to the country code: never dialled.
  s = s.replace(/\(0\)/g, '');
  const plus = s.startsWith('+');
  const digits = s.replace(/[\s\-().\/\u00a0+]/g, '');
  if (!/^\d+$/.test(digits)) {
    // Alphanumeric SMS senders ("ING", "PostNL") identify an organisation, not a number.
    return (digits.length === 0 ? undefined : `alpha:${s.toLowerCase().replace(/\s+/g, ' ')}`) as PartnerKey | undefined;
  }
  if (plus) return `+${digits}` as PartnerKey;
  if (digits.length <= MAX_SHORT_CODE_DIGITS) return `short:${country.toUpperCase()}:${digits}` as PartnerKey;

  const plan = dialPlanFor(country);
  if (plan === undefined) return `+${digits}` as PartnerKey;
  for (const prefix of plan.internationalPrefixes) {
    if (digits.startsWith(prefix)) return `+${digits.slice(prefix.length)}` as PartnerKey;
  }
  if (plan.trunkPrefix !== '' && digits.startsWith(plan.trunkPrefix)) {
    const national = digits.slice(plan.trunkPrefix.length);
    // In North America "1" is both trunk prefix and calling code; only strip it from 11 digits.
    if (plan.nationalLength === undefined || national.length === plan.nationalLength) {
      return `+${plan.callingCode}${national}` as PartnerKey;
    }
  }
  if (plan.trunkPrefix === '' || plan.nationalLength === digits.length) {
    return `+${plan.callingCode}${digits}` as PartnerKey;
  }
  // Already international but written without '+' (common in exports: "31612345678").
  if (digits.startsWith(plan.callingCode) && digits.length > (plan.nationalLength ?? 9)) {
    return `+${digits}` as PartnerKey;
  }
  return `+${plan.callingCode}${digits}` as PartnerKey;
}

/** Key for a partner that the log names but gives no number for. */
export function nameKey(name: string): PartnerKey {
  return `name:${name.trim().toLowerCase().replace(/\s+/g, ' ')}` as PartnerKey;
}

/** Readable form of a key for tables and reports. */
export function displayPartnerKey(key: PartnerKey): string {
  if (key.startsWith('name:') || key.startsWith('alpha:')) return key.slice(key.indexOf(':') + 1);
  if (key.startsWith('short:')) return key.slice(key.lastIndexOf(':') + 1);
  return key;
}

/**
 * A memoising normaliser: logs repeat the same few hundred numbers millions of times, so
 * caching per raw spelling keeps the per-record cost to one Map lookup.
 */
export function createNumberNormaliser(country: string): (raw: string) => PartnerKey | undefined {
  const cache = new Map<string, PartnerKey | null>();
  return (raw) => {
    const hit = cache.get(raw);
    if (hit !== undefined) return hit ?? undefined;
    const key = normalisePhoneNumber(raw, country);
    // Bound the cache: a log of all-distinct numbers must not grow it without limit.
    if (cache.size > 200_000) cache.clear();
    cache.set(raw, key ?? null);
    return key;
  };
}
