/**
 * @module envelopes
 * Builds mailboxes, envelopes and post frames the way a client would, with sealed-looking
 * (AES-GCM encrypted) payloads so that plaintext markers can be searched for at rest.
 */
import { createCipheriv, createHash, randomBytes } from 'node:crypto';
import { encodeEnvelope, encodePostFrame, keyPackageMailbox, type EnvelopeId, type MailboxId } from '@hardline/protocol';
import type { RelayStore } from '../../src/store/relayStore.ts';

export type TestMailbox = { readonly id: MailboxId; readonly readCap: Buffer; readonly sendCap: Buffer };

export const sha256 = (b: Uint8Array): Buffer => createHash('sha256').update(b).digest();

export function newMailboxCaps(): TestMailbox {
  return { id: randomBytes(16).toString('hex') as MailboxId, readCap: randomBytes(32), sendCap: randomBytes(32) };
}

/** Creates a random mailbox directly in the store (the test-only path; clients get theirs by claiming). */
export async function createMailbox(store: RelayStore): Promise<TestMailbox> {
  const m = newMailboxCaps();
  await store.createMailbox({ id: m.id, readCapHash: sha256(m.readCap), sendCapHash: sha256(m.sendCap) });
  return m;
}

/** The mailbox a claimed KeyPackage becomes, as the claimer derives it. */
export function kpMailbox(kp: Uint8Array, readCap: Buffer): TestMailbox {
  const { mailboxId, sendCap } = keyPackageMailbox(kp);
  return { id: mailboxId, readCap, sendCap: Buffer.from(sendCap) };
}

const SEAL_KEY = randomBytes(32);

/** A 1 KiB payload: nonce || AES-256-GCM(text padded). */
export function sealedPayload(text: string, size = 1024): Uint8Array {
  const nonce = randomBytes(12);
  const inner = Buffer.alloc(size - 28);
  inner.write(text, 'utf8');
  const c = createCipheriv('aes-256-gcm', SEAL_KEY, nonce);
  const ct = Buffer.concat([c.update(inner), c.final()]);
  return Buffer.concat([nonce, ct, c.getAuthTag()]);
}

export function newEnvelopeId(): EnvelopeId {
  return randomBytes(16).toString('hex') as EnvelopeId;
}

export function postFrame(m: TestMailbox, text = 'hello', envelopeId: EnvelopeId = newEnvelopeId(), sendCap: Uint8Array = m.sendCap) {
  const envelope = { mailboxId: m.id, envelopeId, payload: sealedPayload(text) };
  return { frame: encodePostFrame(sendCap, envelope), envelopeId, envelopeBytes: encodeEnvelope(envelope) };
}
