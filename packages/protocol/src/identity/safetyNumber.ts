/**
 * @module identity/safetyNumber
 * The number two people compare in person. It is derived from their two identity keys only,
 * so linking or revoking a device changes nothing (and people keep trusting the warning for
 * the one change that matters: a new identity key).
 *
 * SHA-512 over the two people's blocks (`handle \n identity key`) in sorted order, so both sides
 * compute the same bytes; 12 groups of 5 digits, each from 5 bytes of the digest modulo 100000
 * (about 16.6 bits per group, 199 bits in all).
 */
import { sha512 } from '@noble/hashes/sha2.js';
import { utf8 } from '../bytes.ts';

const LABEL = 'hardline/v2/safety-number';

export type SafetyNumber = { readonly groups: readonly string[]; readonly qrPayload: string };

export type IdentityOf = { readonly handle: string; readonly identityKey: string };

export function identityBlock(p: IdentityOf): string {
  return `${p.handle}\n${p.identityKey}`;
}

export function safetyNumber(me: IdentityOf, them: IdentityOf): SafetyNumber {
  const blocks = [identityBlock(me), identityBlock(them)].sort();
  const digest = sha512(utf8.encode(`${LABEL}\n${blocks.join('\n\n')}`));
  const groups: string[] = [];
  for (let i = 0; i < 12; i++) {
    let n = 0;
    for (let j = 0; j < 5; j++) n = n * 256 + digest[i * 5 + j]!;
    groups.push(String(n % 100_000).padStart(5, '0'));
  }
  return { groups, qrPayload: `hardline-safety:2:${groups.join('')}` };
}
