/**
 * @module pushTargetSeal
 * A mailbox's wake-up target at rest: the subscription sealed under a key derived from the
 * mailbox's *send* capability. The relay stores only SHA-256(sendCap), and holds the capability
 * itself only while a sender presents it, which is exactly when it needs the target. So a copy
 * of the disk cannot open any target, cannot tell that two mailboxes wake the same browser
 * (fresh nonce, fixed padded size), and targets still survive a restart (unlike a key held in
 * memory, which would drop every wake-up target until each device next opened its app).
 */
import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';
import { DecodeError } from '@hardline/protocol';
import type { WakeTarget } from './keyPackageWakeTargets.ts';
import { WakeLevels } from './wakePolicy.ts';

const NONCE = 12;
const TAG = 16;
/** Every plaintext is padded to this size: an endpoint's length must not tell vendors apart. */
export const SEALED_PLAINTEXT = 2048;
const INFO = Buffer.from('hardline/v1/push-target');

function targetKey(sendCap: Uint8Array, mailboxId: string): Buffer {
  return Buffer.from(hkdfSync('sha256', sendCap, Buffer.from(mailboxId, 'hex'), INFO, 32));
}

export function sealPushTarget(sendCap: Uint8Array, mailboxId: string, target: WakeTarget): Buffer {
  const json = Buffer.from(JSON.stringify({ endpoint: target.endpoint, p256dh: target.p256dh, auth: target.auth, level: target.level }));
  const plain = Buffer.alloc(SEALED_PLAINTEXT, 0x20);
  json.copy(plain);
  const nonce = randomBytes(NONCE);
  const c = createCipheriv('aes-256-gcm', targetKey(sendCap, mailboxId), nonce).setAAD(Buffer.from(mailboxId));
  const body = Buffer.concat([c.update(plain), c.final()]);
  return Buffer.concat([nonce, body, c.getAuthTag()]);
}

/** Undefined when the capability does not open it (a target sealed under an older capability). */
export function openPushTarget(sendCap: Uint8Array, mailboxId: string, sealed: Uint8Array): WakeTarget | undefined {
  if (sealed.length !== NONCE + SEALED_PLAINTEXT + TAG) throw new DecodeError('sealed push target has the wrong size');
  try {
    const d = createDecipheriv('aes-256-gcm', targetKey(sendCap, mailboxId), sealed.subarray(0, NONCE)).setAAD(Buffer.from(mailboxId));
    d.setAuthTag(sealed.subarray(sealed.length - TAG));
    const plain = Buffer.concat([d.update(sealed.subarray(NONCE, sealed.length - TAG)), d.final()]);
    const t = JSON.parse(plain.toString('utf8').trimEnd()) as Omit<WakeTarget, 'level'> & { level?: string };
    // Sealed before levels: those woke at once, and still do.
    return { ...t, level: WakeLevels.find((l) => l === t.level) ?? 'off' };
  } catch {
    return undefined;
  }
}
