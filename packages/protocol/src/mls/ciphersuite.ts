/**
 * @module mls/ciphersuite
 * The suites an organisation may choose. The default is the RFC 9420 mandatory-to-implement
 * suite; X-Wing adds a post-quantum hybrid KEM for organisations that fear harvest-now,
 * decrypt-later. Signatures stay Ed25519 in both, because ML-DSA in pure JS is ~70 msg/s.
 */
import { getCiphersuiteFromName, getCiphersuiteImpl, type CiphersuiteImpl, type CiphersuiteName, type CryptoProvider } from 'ts-mls';
import { ValidationError } from '../errors.ts';

export const DEFAULT_SUITE = 'MLS_128_DHKEMX25519_AES128GCM_SHA256_Ed25519' satisfies CiphersuiteName;
export const POST_QUANTUM_SUITE = 'MLS_256_XWING_AES256GCM_SHA512_Ed25519' satisfies CiphersuiteName;
export const SUPPORTED_SUITES: readonly CiphersuiteName[] = [DEFAULT_SUITE, POST_QUANTUM_SUITE];

export function parseSuite(name: string): CiphersuiteName {
  const found = SUPPORTED_SUITES.find((s) => s === name);
  if (!found) throw new ValidationError(`unsupported cipher suite ${name}; use one of ${SUPPORTED_SUITES.join(', ')}`);
  return found;
}

export async function loadSuite(name: CiphersuiteName, provider?: CryptoProvider): Promise<CiphersuiteImpl> {
  return getCiphersuiteImpl(getCiphersuiteFromName(name), provider);
}
