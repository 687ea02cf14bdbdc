/**
 * @module displayName.test
 * Names that would pass for someone else's: direction overrides and invisible characters are
 * refused with a ValidationError naming the character; ordinary names in any script pass.
 */
import { describe, expect, it } from 'vitest';
import { checkDisplayName, ValidationError } from '../src/index.ts';

const spoofs: [string, string][] = [
  ['right-to-left override', 'Bob \u202Eecila'],
  ['left-to-right embedding', 'Bob\u202A'],
  ['pop directional formatting', 'Bob\u202C'],
  ['right-to-left isolate', '\u2067Alice\u2069'],
  ['first strong isolate', '\u2068Alice'],
  ['left-to-right mark', 'Alice\u200E'],
  ['right-to-left mark', '\u200FAlice'],
  ['Arabic letter mark', 'Alice\u061C'],
  ['zero-width space', 'Al\u200Bice'],
  ['zero-width non-joiner', 'Al\u200Cice'],
  ['zero-width joiner', 'Al\u200Dice'],
  ['word joiner', 'Al\u2060ice'],
  ['byte order mark', '\uFEFFAlice'],
  ['soft hyphen', 'Al\u00ADice'],
  ['variation selector', 'Alice\uFE0F'],
  ['Hangul filler', 'Alice\u3164'],
  ['Mongolian vowel separator', 'Al\u180Eice'],
  ['tag character', 'Alice\u{E0041}'],
  ['C0 control', 'Al\u0007ice'],
  ['C1 control', 'Al\u0085ice'],
  ['line separator', 'Alice\u2028Bob'],
  ['lone surrogate', 'Alice\uD800'],
  ['private use', 'Alice\uE000'],
];

describe('checkDisplayName', () => {
  for (const [what, name] of spoofs) {
    it(`refuses a ${what}`, () => {
      expect(() => checkDisplayName(name)).toThrow(ValidationError);
      expect(() => checkDisplayName(name)).toThrow(/displayName has an invisible, control or direction-changing character \(U\+[0-9A-F]{4,5}\)/);
    });
  }

  it('refuses empty, blank and over-long names', () => {
    for (const name of ['', '   ', 'x'.repeat(65)]) expect(() => checkDisplayName(name)).toThrow(ValidationError);
  });

  it('keeps ordinary names in any script, emoji included, unchanged', () => {
    for (const name of ['Alice', 'Zoë Ångström', 'محمد', 'שרה כהן', '李小龍', 'Ирина', 'Jean-Luc O\u2019Neill', 'Sam 🙂', 'x'.repeat(64)]) {
      expect(checkDisplayName(name)).toBe(name);
    }
  });
});
