/**
 * @module adminToken
 * The admin token is shown once, when it is made (first start, or `hardline admin token
 * --rotate`); only its SHA-256 is stored, compared in constant time so that response timing
 * says nothing about how much of a guess was right.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { MetaKeys, type RelayStore } from '../store/relayStore.ts';

export function newAdminToken(): { token: string; hashHex: string } {
  // Drawn again when it would start with '-': people paste it after `--token`, and a command-line
  // parser reads a leading dash as another option (one token in 64; costs 0.02 bits of 256).
  let token: string;
  do token = randomBytes(32).toString('base64url');
  while (token.startsWith('-'));
  return { token, hashHex: adminTokenHash(token) };
}

/**
 * Replaces the stored hash with a fresh token's and returns the token, for the caller to show
 * once. The old token stops working at the relay's next admin request: it reads the hash from
 * the store each time (see bearerAuth.ts).
 */
export async function rotateAdminToken(store: Pick<RelayStore, 'setMeta'>): Promise<string> {
  const { token, hashHex } = newAdminToken();
  await store.setMeta(MetaKeys.ADMIN_TOKEN_HASH, hashHex);
  return token;
}

export function adminTokenHash(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

export function adminTokenMatches(token: string, storedHashHex: string): boolean {
  const a = Buffer.from(adminTokenHash(token), 'hex');
  const b = Buffer.from(storedHashHex, 'hex');
  return a.length === b.length && timingSafeEqual(a, b);
}
