import { describe, expect, it } from 'vitest';
import { createNumberNormaliser, displayPartnerKey, normalisePhoneNumber } from '../src/phoneNumber.ts';

describe('normalisePhoneNumber', () => {
  const table: [string, string, string | undefined][] = [
    ['+31 6 1234 5678', 'NL', '+31612345678'],
    ['0612345678', 'NL', '+31612345678'],
    ['0031612345678', 'NL', '+31612345678'],
    ['+31 (0)6-1234-5678', 'NL', '+31612345678'],
    ['31612345678', 'NL', '+31612345678'],
    ['612345678', 'NL', '+31612345678'],
    ['tel:+31-6-12345678', 'NL', '+31612345678'],
    ['030 123 4567', 'NL', '+31301234567'],
    ['0151 12345678', 'DE', '+4915112345678'],
    ['0049 151 12345678', 'DE', '+4915112345678'],
    ['07700 900123', 'GB', '+447700900123'],
    ['06 12 34 56 78', 'FR', '+33612345678'],
    ['0470 12 34 56', 'BE', '+32470123456'],
    ['(212) 555-1234', 'US', '+12125551234'],
    ['1-212-555-1234', 'US', '+12125551234'],
    ['011 31 6 12345678', 'US', '+31612345678'],
    ['079 123 45 67', 'CH', '+41791234567'],
    ['0664 1234567', 'AT', '+436641234567'],
    ['06 1234 5678', 'IT', '+390612345678'],
    ['347 123 4567', 'IT', '+393471234567'],
    ['612 34 56 78', 'ES', '+34612345678'],
    ['070-123 45 67', 'SE', '+46701234567'],
    ['+44 7700 900123', 'NL', '+447700900123'],
    ['1234', 'NL', 'short:NL:1234'],
    ['ING Bank', 'NL', 'alpha:ing bank'],
    ['', 'NL', undefined],
    ['-1', 'NL', undefined],
    ['Private', 'NL', undefined],
    ['Unknown', 'NL', undefined],
  ];
  it.each(table)('%s in %s → %s', (raw, country, expected) => {
    expect(normalisePhoneNumber(raw, country)).toBe(expected);
  });

  it('makes the three spellings from the issue one person', () => {
    const keys = new Set(['+31 6 1234 5678', '0612345678', '0031612345678'].map((n) => normalisePhoneNumber(n, 'NL')));
    expect(keys.size).toBe(1);
  });

  it('memoises without changing answers', () => {
    const n = createNumberNormaliser('NL');
    expect(n('0612345678')).toBe('+31612345678');
    expect(n('0612345678')).toBe('+31612345678');
    expect(n('private')).toBeUndefined();
    expect(n('private')).toBeUndefined();
  });

  it('displays keys readably', () => {
    expect(displayPartnerKey(normalisePhoneNumber('1234', 'NL')!)).toBe('1234');
    expect(displayPartnerKey(normalisePhoneNumber('0612345678', 'NL')!)).toBe('+31612345678');
  });
});
