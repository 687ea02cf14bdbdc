/**
 * @module phone/dialPlans
 * Dialling conventions of common countries: enough to turn a nationally written number into
 * its international form. Not a numbering-plan database: we only need two spellings of one
 * number to meet, not to validate numbers. Shared by the exposure report (call logs) and the
 * contact book (matching imported numbers against the directory).
 */

export type DialPlan = {
  /** Country calling code without '+'. */
  readonly callingCode: string;
  /** Prefix dialled before a national number inside the country ('' where the leading 0 is
   * part of the number itself, as in Italy). */
  readonly trunkPrefix: string;
  /** Prefixes dialled to reach another country from inside this one. */
  readonly internationalPrefixes: readonly string[];
  /** Digits in a national significant number, used only for numbers written with neither
   * a trunk nor an international prefix (common in North America). */
  readonly nationalLength?: number;
};

export const DIAL_PLANS = {
  NL: { callingCode: '31', trunkPrefix: '0', internationalPrefixes: ['00'], nationalLength: 9 },
  DE: { callingCode: '49', trunkPrefix: '0', internationalPrefixes: ['00'] },
  GB: { callingCode: '44', trunkPrefix: '0', internationalPrefixes: ['00'], nationalLength: 10 },
  FR: { callingCode: '33', trunkPrefix: '0', internationalPrefixes: ['00'], nationalLength: 9 },
  BE: { callingCode: '32', trunkPrefix: '0', internationalPrefixes: ['00'] },
  LU: { callingCode: '352', trunkPrefix: '', internationalPrefixes: ['00'] },
  US: { callingCode: '1', trunkPrefix: '1', internationalPrefixes: ['011'], nationalLength: 10 },
  CA: { callingCode: '1', trunkPrefix: '1', internationalPrefixes: ['011'], nationalLength: 10 },
  CH: { callingCode: '41', trunkPrefix: '0', internationalPrefixes: ['00'], nationalLength: 9 },
  AT: { callingCode: '43', trunkPrefix: '0', internationalPrefixes: ['00'] },
  IT: { callingCode: '39', trunkPrefix: '', internationalPrefixes: ['00'] },
  ES: { callingCode: '34', trunkPrefix: '', internationalPrefixes: ['00'], nationalLength: 9 },
  PT: { callingCode: '351', trunkPrefix: '', internationalPrefixes: ['00'], nationalLength: 9 },
  SE: { callingCode: '46', trunkPrefix: '0', internationalPrefixes: ['00'] },
  NO: { callingCode: '47', trunkPrefix: '', internationalPrefixes: ['00'], nationalLength: 8 },
  DK: { callingCode: '45', trunkPrefix: '', internationalPrefixes: ['00'], nationalLength: 8 },
  FI: { callingCode: '358', trunkPrefix: '0', internationalPrefixes: ['00', '990', '994', '999'] },
  IE: { callingCode: '353', trunkPrefix: '0', internationalPrefixes: ['00'] },
  PL: { callingCode: '48', trunkPrefix: '', internationalPrefixes: ['00'], nationalLength: 9 },
  CZ: { callingCode: '420', trunkPrefix: '', internationalPrefixes: ['00'], nationalLength: 9 },
  GR: { callingCode: '30', trunkPrefix: '', internationalPrefixes: ['00'], nationalLength: 10 },
  HU: { callingCode: '36', trunkPrefix: '06', internationalPrefixes: ['00'] },
  RO: { callingCode: '40', trunkPrefix: '0', internationalPrefixes: ['00'] },
  UA: { callingCode: '380', trunkPrefix: '0', internationalPrefixes: ['00'] },
  TR: { callingCode: '90', trunkPrefix: '0', internationalPrefixes: ['00'] },
  IL: { callingCode: '972', trunkPrefix: '0', internationalPrefixes: ['00', '01'] },
  RU: { callingCode: '7', trunkPrefix: '8', internationalPrefixes: ['810'] },
  AU: { callingCode: '61', trunkPrefix: '0', internationalPrefixes: ['0011'] },
  NZ: { callingCode: '64', trunkPrefix: '0', internationalPrefixes: ['00'] },
  JP: { callingCode: '81', trunkPrefix: '0', internationalPrefixes: ['010'] },
  CN: { callingCode: '86', trunkPrefix: '0', internationalPrefixes: ['00'] },
  IN: { callingCode: '91', trunkPrefix: '0', internationalPrefixes: ['00'] },
  ZA: { callingCode: '27', trunkPrefix: '0', internationalPrefixes: ['00'] },
  BR: { callingCode: '55', trunkPrefix: '0', internationalPrefixes: ['00'] },
} as const satisfies Record<string, DialPlan>;

export type CountryCode = keyof typeof DIAL_PLANS;

export function isCountryCode(value: string): value is CountryCode {
  return Object.hasOwn(DIAL_PLANS, value);
}

export function dialPlanFor(country: string): DialPlan | undefined {
  const upper = country.toUpperCase();
  return isCountryCode(upper) ? DIAL_PLANS[upper] : undefined;
}
