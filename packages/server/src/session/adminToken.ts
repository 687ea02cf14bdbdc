/**
 * @module adminToken
 * The admin token is shown once at first start; only its SHA-256 is stored, compared in
 * constant time so that response timing says nothing about how much of a guess was right.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

export function newAdminToken(): { token: string; hashHex: string } {
  const token = randomBytes(32).toString('base64url');
  return { token, hashHex: adminTokenHash(token) };
}

export function adminTokenHash(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

export function adminTokenMatches(token: string, storedHashHex: string): boolean {
  const a = Buffer.from(adminTokenHash(token), 'hex');
  const b = Buffer.from(storedHashHex, 'hex');
  return a.length === b.length && timingSafeEqual(a, b);
}
