/**
 * @module lock/lockRecord
 * What the app lock keeps on this device, sealed in IndexedDB beside the device state (so a wipe
 * erases it with everything else): the passphrase verifier, the user's own timeout, and the
 * failed unlocks counted so far. The count survives a reload, so reloading the page does not buy
 * an attacker fresh attempts.
 */
import { sealedGet, sealedPut } from '../platform/encryptedKv.ts';
import type { PassphraseVerifier } from './passphrase.ts';

const RECORD = 'lock';

export type LockRecord = {
  readonly v: 1;
  readonly verifier?: PassphraseVerifier;
  /** The user's own inactivity timeout in seconds; 0: none (the policy may still ask for one). */
  readonly ownSeconds: number;
  /** Wrong passphrases since the last good one. */
  readonly failed: number;
  /** Of those, how many the security team's briefing has not been told about yet. */
  readonly unreported: number;
};

export const NO_LOCK: LockRecord = { v: 1, ownSeconds: 0, failed: 0, unreported: 0 };

export async function loadLockRecord(): Promise<LockRecord> {
  const r = await sealedGet<LockRecord>(RECORD);
  return r && r.v === 1 ? { ...NO_LOCK, ...r } : NO_LOCK;
}

export function saveLockRecord(r: LockRecord): Promise<void> {
  return sealedPut(RECORD, r);
}
