/**
 * @module lock/passphrase
 * The app lock's passphrase, kept only as a PBKDF2-SHA-256 verifier (WebCrypto): the passphrase
 * itself is never stored. The verifier sits in the sealed lock record (lock/lockRecord.ts), so a
 * carved copy of the disk also needs the browser's non-extractable state key before it can even
 * start guessing, and then pays 600,000 iterations per guess (OWASP's 2023 figure for SHA-256).
 */
const ITERATIONS = 600_000;
const SALT_BYTES = 16;
const HASH_BITS = 256;
export const MIN_PASSPHRASE_LENGTH = 6;

export type PassphraseVerifier = { readonly alg: 'PBKDF2-SHA-256'; readonly iterations: number; readonly salt: string; readonly hash: string };

const b64 = (b: Uint8Array): string => btoa(String.fromCharCode(...b));
const unb64 = (s: string): Uint8Array<ArrayBuffer> => Uint8Array.from(atob(s), (c) => c.charCodeAt(0));

async function derive(passphrase: string, salt: Uint8Array<ArrayBuffer>, iterations: number): Promise<Uint8Array> {
  // NFC, so the same passphrase typed on two keyboards (composed or not) is the same passphrase.
  const material = await crypto.subtle.importKey('raw', new TextEncoder().encode(passphrase.normalize('NFC')), 'PBKDF2', false, ['deriveBits']);
  return new Uint8Array(await crypto.subtle.deriveBits({ name: 'PBKDF2', hash: 'SHA-256', salt, iterations }, material, HASH_BITS));
}

/** Why a new passphrase is refused, or undefined when it is acceptable. */
export function passphraseProblem(passphrase: string, repeated: string): string | undefined {
  if ([...passphrase].length < MIN_PASSPHRASE_LENGTH) return `Use at least ${MIN_PASSPHRASE_LENGTH} characters.`;
  if (passphrase !== repeated) return 'The two passphrases are not the same.';
  return undefined;
}

export async function makeVerifier(passphrase: string): Promise<PassphraseVerifier> {
  const salt = crypto.getRandomValues(new Uint8Array(SALT_BYTES));
  return { alg: 'PBKDF2-SHA-256', iterations: ITERATIONS, salt: b64(salt), hash: b64(await derive(passphrase, salt, ITERATIONS)) };
}

export async function matches(passphrase: string, v: PassphraseVerifier): Promise<boolean> {
  const got = await derive(passphrase, unb64(v.salt), v.iterations);
  const want = unb64(v.hash);
  // Constant-time comparison, though only this device's own script could time it.
  let diff = got.length ^ want.length;
  for (let i = 0; i < want.length; i++) diff |= (got[i] ?? 0) ^ want[i]!;
  return diff === 0;
}
