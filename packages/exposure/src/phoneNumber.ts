/**
 * @module phoneNumber
 * Turns the many spellings of one phone number into a single canonical key, so that
 * `+31 6 1234 5678`, `0612345678` and `0031612345678` count as one person. An eavesdropper
 * merges these trivially; the report must do the same or it understates the exposure.
 */
import { readPhoneNumber, stripPhoneDecorations } from '@hardline/protocol';
import type { PartnerKey } from './callRecord.ts';

/** Spellings that phones and exports use for a caller who withheld their number. */
const WITHHELD = new Set(['', '-1', '-2', '-3', 'unknown', 'private', 'anonymous', 'withheld',
  'restricted', 'hidden', 'unavailable', 'null', 'privé', 'onbekend', 'anonym', 'unbekannt']);

/**
 * Canonical key for a number as written in a log, or `undefined` when the caller is withheld.
 * `country` (ISO alpha-2) says how to read numbers written without a country code. The number
 * reading itself is the protocol package's, shared with the contact book.
 */
export function normalisePhoneNumber(raw: string, country: string): PartnerKey | undefined {
  const s = stripPhoneDecorations(raw);
  if (WITHHELD.has(s.toLowerCase())) return undefined;
  const r = readPhoneNumber(s, country);
  switch (r.kind) {
    case 'e164':
      return r.number as string as PartnerKey;
    case 'short':
      return `short:${country.toUpperCase()}:${r.digits}` as PartnerKey;
    case 'alpha':
      // Alphanumeric SMS senders ("ING", "PostNL") identify an organisation, not a number.
      return `alpha:${r.text.toLowerCase().replace(/\s+/g, ' ')}` as PartnerKey;
    case 'empty':
      return undefined;
  }
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
