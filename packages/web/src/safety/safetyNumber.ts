/**
 * @module safety/safetyNumber
 * A number two people compare in person. It is derived from both users' device signature
 * keys (every active device, as the directory lists them), so a relay that slipped an extra
 * device into someone's entry changes the number on both screens.
 *
 * SHA-512 over the two users' blocks in sorted order, so both sides compute the same bytes;
 * 12 groups of 5 digits, each from 5 bytes of the digest modulo 100000 (about 16.6 bits per
 * group, 199 bits in all).
 */
import type { DirectoryUser } from '@hardline/client';

const LABEL = 'hardline/v1/safety-number';

export type SafetyNumber = { groups: string[]; qrPayload: string };

/** The stable text of one user's key set; equal strings mean unchanged keys. */
export function keyFingerprint(u: Pick<DirectoryUser, 'handle' | 'devices'>): string {
  const keys = u.devices.filter((d) => !d.revoked).map((d) => d.signaturePublicKey).sort();
  return `${u.handle}\n${keys.join('\n')}`;
}

export async function safetyNumber(me: DirectoryUser, them: DirectoryUser): Promise<SafetyNumber> {
  const blocks = [keyFingerprint(me), keyFingerprint(them)].sort();
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-512', new TextEncoder().encode(`${LABEL}\n${blocks.join('\n\n')}`)));
  const groups: string[] = [];
  for (let i = 0; i < 12; i++) {
    let n = 0;
    for (let j = 0; j < 5; j++) n = n * 256 + digest[i * 5 + j]!;
    groups.push(String(n % 100_000).padStart(5, '0'));
  }
  return { groups, qrPayload: `hardline-safety:1:${groups.join('')}` };
}
