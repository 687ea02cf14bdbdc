/**
 * The app lock's passphrase verifier (lock/passphrase.ts): PBKDF2-SHA-256 through WebCrypto,
 * salted per device, never the passphrase itself; the right one matches, any other does not,
 * and a tampered verifier matches nothing.
 */
import { describe, expect, it } from 'vitest';
import { makeVerifier, matches, passphraseProblem } from '../src/lock/passphrase.ts';

describe('passphrase verifier', () => {
  it('matches the passphrase, and nothing else; holds no trace of it', async () => {
    const v = await makeVerifier('correct horse');
    expect(v).toMatchObject({ alg: 'PBKDF2-SHA-256', iterations: 600_000 });
    expect(JSON.stringify(v)).not.toContain('horse');
    expect(await matches('correct horse', v)).toBe(true);
    expect(await matches('correct horsE', v)).toBe(false);
    expect(await matches('', v)).toBe(false);
    // Composed and decomposed forms of the same text are the same passphrase (NFC).
    const accented = await makeVerifier('caf\u00e9 noir');
    expect(await matches('cafe\u0301 noir', accented)).toBe(true);
  }, 30_000);

  it('salts per verifier, and a tampered hash matches nothing', async () => {
    const a = await makeVerifier('same words');
    const b = await makeVerifier('same words');
    expect(a.salt).not.toBe(b.salt);
    expect(a.hash).not.toBe(b.hash);
    const flipped = { ...a, hash: (a.hash[0] === 'A' ? 'B' : 'A') + a.hash.slice(1) };
    expect(await matches('same words', flipped)).toBe(false);
  }, 30_000);

  it('refuses a short or mistyped new passphrase with a clear reason', () => {
    expect(passphraseProblem('short', 'short')).toMatch(/at least 6/);
    expect(passphraseProblem('long enough', 'long enougH')).toMatch(/not the same/);
    expect(passphraseProblem('long enough', 'long enough')).toBeUndefined();
  });
});
