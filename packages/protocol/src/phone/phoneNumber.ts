/**
 * @module phone/phoneNumber
 * Reads a phone number as people and phones write it (`+31 6 1234 5678`, `0612345678`,
 * `0031612345678`, `tel:+31-6-12345678`) and returns one canonical international form, so that
 * two spellings of one number meet. `country` (ISO alpha-2) says how to read numbers written
 * without a country code. Pure string work: runs in the browser and in Node alike.
 */
import { dialPlanFor } from './dialPlans.ts';

/** Numbers this short are service or short codes: kept apart, never given a country code. */
const MAX_SHORT_CODE_DIGITS = 6;

/** `+` and digits only. */
export type E164 = string & { readonly __e164: true };

export type PhoneNumberReading =
  | { readonly kind: 'e164'; readonly number: E164 }
  /** A service or short code, meaningful only inside `country`. */
  | { readonly kind: 'short'; readonly digits: string }
  /** Letters: an alphanumeric SMS sender ("ING", "PostNL"), not a number. */
  | { readonly kind: 'alpha'; readonly text: string }
  | { readonly kind: 'empty' };

/** Drops a `tel:` scheme, an extension and URI parameters: none of them changes who answers. */
export function stripPhoneDecorations(raw: string): string {
  let s = raw.trim();
  if (s.toLowerCase().startsWith('tel:')) s = s.slice(4);
  const cut = s.search(/[;,]|\s*(?:ext\.?|x)\s*\d+$/i);
  if (cut > 0) s = s.slice(0, cut);
  return s;
}

/** Classifies an already stripped number and puts a numeric one into international form. */
export function readPhoneNumber(stripped: string, country: string): PhoneNumberReading {
  // "+31 (0)6 …" writes the trunk prefix in brackets next to the country code: never dialled.
  const s = stripped.replace(/\(0\)/g, '');
  const plus = s.startsWith('+');
  const digits = s.replace(/[\s\-().\/\u00a0+]/g, '');
  if (digits.length === 0) return { kind: 'empty' };
  if (!/^\d+$/.test(digits)) return { kind: 'alpha', text: s };
  if (plus) return e164(digits);
  if (digits.length <= MAX_SHORT_CODE_DIGITS) return { kind: 'short', digits };

  const plan = dialPlanFor(country);
  if (plan === undefined) return e164(digits);
  for (const prefix of plan.internationalPrefixes) {
    if (digits.startsWith(prefix)) return e164(digits.slice(prefix.length));
  }
  if (plan.trunkPrefix !== '' && digits.startsWith(plan.trunkPrefix)) {
    const national = digits.slice(plan.trunkPrefix.length);
    // In North America "1" is both trunk prefix and calling code; only strip it from 11 digits.
    if (plan.nationalLength === undefined || national.length === plan.nationalLength) return e164(plan.callingCode + national);
  }
  if (plan.trunkPrefix === '' || plan.nationalLength === digits.length) return e164(plan.callingCode + digits);
  // Already international but written without '+' (common in exports: "31612345678").
  if (digits.startsWith(plan.callingCode) && digits.length > (plan.nationalLength ?? 9)) return e164(digits);
  return e164(plan.callingCode + digits);
}

/** The international form of a number, or undefined for short codes, letters and blanks. */
export function toE164(raw: string, country: string): E164 | undefined {
  const r = readPhoneNumber(stripPhoneDecorations(raw), country);
  return r.kind === 'e164' ? r.number : undefined;
}

function e164(digits: string): PhoneNumberReading {
  return { kind: 'e164', number: `+${digits}` as E164 };
}
