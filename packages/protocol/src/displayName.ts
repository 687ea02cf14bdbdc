/**
 * @module displayName
 * The rule for a display name, shared by the relay (enrolment, profile update) and clients.
 * A name is shown beside messages and in the directory, where it must not pretend to be
 * someone else's. Refused, not cleaned, so that what a person typed is what others see:
 * - controls (C0, C1) and line or paragraph separators;
 * - bidirectional controls (U+202A-202E, U+2066-2069, U+200E/F, U+061C), which reorder what
 *   follows: "Bob\u202Eecila" displays as "Bobalice" reversed;
 * - invisible characters: format characters (Cf, zero-width U+200B-200D, U+2060, U+FEFF...)
 *   and every other default-ignorable code point (variation selectors, U+3164 Hangul filler),
 *   which make two names that look alike compare unequal;
 * - lone surrogates and private-use characters, which render as nothing or anything.
 * A name can still look like another (homoglyphs); clients show the handle beside it.
 */
import { ValidationError } from './errors.ts';

export const MAX_DISPLAY_NAME = 64;

const FORBIDDEN = /[\p{Cc}\p{Cf}\p{Cs}\p{Co}\p{Zl}\p{Zp}\p{Default_Ignorable_Code_Point}]/u;

const codePoint = (c: string): string => `U+${c.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}`;

/** Returns the name unchanged, or throws a ValidationError naming the first bad character. */
export function checkDisplayName(name: string): string {
  if (name.length === 0 || name.length > MAX_DISPLAY_NAME) {
    throw new ValidationError(`displayName must be 1 to ${MAX_DISPLAY_NAME} characters`);
  }
  const bad = FORBIDDEN.exec(name);
  if (bad) {
    throw new ValidationError(`displayName has an invisible, control or direction-changing character (${codePoint(bad[0])})`);
  }
  if (name.trim().length === 0) throw new ValidationError('displayName is only spaces');
  return name;
}
