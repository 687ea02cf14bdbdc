/**
 * @module seal
 * The outer encryption of every envelope payload (docs/protocol.md §3.1). It hides the MLS
 * group_id, epoch and content type from the relay, and pads to a bucket so size says nothing.
 * AES-256-GCM and HKDF come from WebCrypto; the envelope header is the AAD, so a payload cannot
 * be moved to another mailbox or envelope id.
 */
import { concatBytes, randomBytes, utf8 } from './bytes.ts';
import { fromHex } from './bytes.ts';
import type { EnvelopeId, MailboxId } from './brand.ts';
import { encodeEnvelope, ENVELOPE_HEADER_SIZE, type Envelope } from './envelope.ts';
import { CryptoError, DecodeError } from './errors.ts';
import { bucketFor } from './padding.ts';

export const PayloadKind = { COVER: 0, MLS: 1, WELCOME_BUNDLE: 2, COMMIT_BUNDLE: 3 } as const;
export type PayloadKind = (typeof PayloadKind)[keyof typeof PayloadKind];

const NONCE = 12;
const TAG = 16;
const INNER_HEADER = 5;
export const SEAL_OVERHEAD = NONCE + TAG + INNER_HEADER;

const subtle = () => globalThis.crypto.subtle;

export async function deriveSealKey(ikm: Uint8Array, label: 'seal' | 'kp-seal', mailboxId: MailboxId): Promise<CryptoKey> {
  const base = await subtle().importKey('raw', ikm as BufferSource, 'HKDF', false, ['deriveKey']);
  return subtle().deriveKey(
    { name: 'HKDF', hash: 'SHA-256', salt: new Uint8Array(0), info: concatBytes(utf8.encode(`hardline/v1/${label}`), fromHex(mailboxId)) as BufferSource },
    base,
    { name: 'AES-GCM', length: 256 },
    false,
    ['encrypt', 'decrypt'],
  );
}

function header(mailboxId: MailboxId, envelopeId: EnvelopeId): Uint8Array {
  return encodeEnvelope({ mailboxId, envelopeId, payload: new Uint8Array(256) }).subarray(0, ENVELOPE_HEADER_SIZE);
}

export async function sealEnvelope(
  key: CryptoKey,
  mailboxId: MailboxId,
  envelopeId: EnvelopeId,
  kind: PayloadKind,
  body: Uint8Array,
): Promise<Envelope> {
  const size = bucketFor(body.length + SEAL_OVERHEAD);
  const inner = new Uint8Array(size - NONCE - TAG);
  inner[0] = kind;
  new DataView(inner.buffer).setUint32(1, body.length);
  inner.set(body, INNER_HEADER);
  const nonce = randomBytes(NONCE);
  const ct = new Uint8Array(
    await subtle().encrypt({ name: 'AES-GCM', iv: nonce as BufferSource, additionalData: header(mailboxId, envelopeId) as BufferSource }, key, inner as BufferSource),
  );
  return { mailboxId, envelopeId, payload: concatBytes(nonce, ct) };
}

export async function openEnvelope(key: CryptoKey, envelope: Envelope): Promise<{ kind: PayloadKind; body: Uint8Array }> {
  const { payload } = envelope;
  if (payload.length < SEAL_OVERHEAD) throw new DecodeError('sealed payload truncated');
  let inner: Uint8Array;
  try {
    inner = new Uint8Array(
      await subtle().decrypt(
        { name: 'AES-GCM', iv: payload.subarray(0, NONCE) as BufferSource, additionalData: header(envelope.mailboxId, envelope.envelopeId) as BufferSource },
        key,
        payload.subarray(NONCE) as BufferSource,
      ),
    );
  } catch (cause) {
    throw new CryptoError('sealed payload did not authenticate', { cause });
  }
  const kind = inner[0]!;
  const len = new DataView(inner.buffer, inner.byteOffset).getUint32(1);
  if (len > inner.length - INNER_HEADER) throw new DecodeError('sealed body length exceeds payload');
  if (kind > PayloadKind.COMMIT_BUNDLE) throw new DecodeError(`unknown payload kind ${kind}`);
  return { kind: kind as PayloadKind, body: inner.subarray(INNER_HEADER, INNER_HEADER + len) };
}

/** AES-256-GCM box for small structured secrets (the roster) under an exporter-derived key. */
export async function boxSeal(rawKey: Uint8Array, plaintext: Uint8Array): Promise<Uint8Array> {
  const key = await subtle().importKey('raw', rawKey as BufferSource, 'AES-GCM', false, ['encrypt']);
  const nonce = randomBytes(NONCE);
  const ct = new Uint8Array(await subtle().encrypt({ name: 'AES-GCM', iv: nonce as BufferSource }, key, plaintext as BufferSource));
  return concatBytes(nonce, ct);
}

export async function boxOpen(rawKey: Uint8Array, box: Uint8Array): Promise<Uint8Array> {
  if (box.length < NONCE + TAG) throw new DecodeError('box truncated');
  const key = await subtle().importKey('raw', rawKey as BufferSource, 'AES-GCM', false, ['decrypt']);
  try {
    return new Uint8Array(await subtle().decrypt({ name: 'AES-GCM', iv: box.subarray(0, NONCE) as BufferSource }, key, box.subarray(NONCE) as BufferSource));
  } catch (cause) {
    throw new CryptoError('box did not authenticate', { cause });
  }
}
