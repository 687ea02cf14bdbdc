/**
 * @module operatorLimitsMessages.test
 * A limits file (`hardline server --limits FILE`) that the relay refuses at start: the refusal
 * is all the operator gets, so it must name the key at fault and, for a misspelt key, list the
 * keys that exist, one from the next.
 */
import { describe, expect, it } from 'vitest';
import { DEFAULT_LIMITS, resolveLimits } from '../src/limits/relayLimits.ts';

const refusal = (overrides: Record<string, unknown>): string => {
  try {
    resolveLimits(overrides);
  } catch (e) {
    return (e as Error).message;
  }
  throw new Error('accepted');
};

describe('a limits file the relay refuses', () => {
  it('a misspelt key: names it and lists every known limit, separated', () => {
    const message = refusal({ maxConnection: 5 });
    expect(message).toContain('"maxConnection"');
    expect(message).toContain(Object.keys(DEFAULT_LIMITS).join(', '));
  });

  it('a value that is not a positive number: names the key and says what it must be', () => {
    for (const v of [0, -1, '5']) {
      const message = refusal({ headerTimeoutMs: v });
      expect(message).toContain('headerTimeoutMs');
      expect(message).toMatch(/positive number/);
    }
  });
});
