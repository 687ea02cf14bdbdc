import { describe, expect, it } from 'vitest';
import { HardlineError } from '@hardline/protocol';
import { effectiveLevel, parsePrivacyLevel, PRIVACY_EXTENSION, SLOT_PARAMS, storedLevel } from '../src/privacyLevel.ts';

describe('privacy level', () => {
  it('parses the three levels and refuses anything else with VALIDATION', () => {
    expect(parsePrivacyLevel('balanced')).toBe('balanced');
    for (const bad of ['', 'BALANCED', 'loud', 'off ']) {
      expect(() => parsePrivacyLevel(bad)).toThrow(HardlineError);
      try {
        parsePrivacyLevel(bad);
      } catch (e) {
        expect((e as HardlineError).code).toBe('VALIDATION');
      }
    }
  });

  it("takes the device's setting unless the org policy asks for metadata: high", () => {
    expect(effectiveLevel('off', 'standard')).toBe('off');
    expect(effectiveLevel('balanced', undefined)).toBe('balanced');
    expect(effectiveLevel('off', 'high')).toBe('strict');
  });

  it('reads a stored level, and falls back on a missing or damaged one', () => {
    expect(storedLevel({ [PRIVACY_EXTENSION]: 'strict' }, 'off')).toBe('strict');
    expect(storedLevel({ [PRIVACY_EXTENSION]: 42 }, 'balanced')).toBe('balanced');
    expect(storedLevel(undefined, 'off')).toBe('off');
  });

  it('orders the levels: more quiet and more cover as the level rises', () => {
    expect(SLOT_PARAMS.off.idleGapMs).toBeUndefined();
    expect(SLOT_PARAMS.strict.quietMs).toBeGreaterThan(SLOT_PARAMS.balanced.quietMs);
    expect(SLOT_PARAMS.strict.idleGapMs!).toBeLessThan(SLOT_PARAMS.balanced.idleGapMs!);
  });
});
