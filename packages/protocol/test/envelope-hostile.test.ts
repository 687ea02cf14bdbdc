/**
 * The envelope (docs/protocol.md §3) is the only structure the relay parses, from anyone who can
 * reach it: each length, version and bucket edge is tried here with one byte in and one byte out.
 * The mailbox derivation of a claimed KeyPackage (§4) and the bucket ladders are pinned too: a
 * sender and a recipient of different versions must derive the same mailbox, and a size off the
 * ladder is a size the relay could tell apart.
 */
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  blobBucketFor,
  BLOB_BUCKETS,
  bucketFor,
  capabilityHash,
  decodeEnvelope,
  encodeEnvelope,
  ENVELOPE_HEADER_SIZE,
  isBlobBucketSize,
  isBucketSize,
  keyPackageMailbox,
  MAX_BLOB,
  MAX_ENVELOPE_SIZE,
  MAX_PAYLOAD,
  PAYLOAD_BUCKETS,
  type EnvelopeId,
  type MailboxId,
} from '../src/index.ts';

const mailboxId = '00112233445566778899aabbccddeeff' as MailboxId;
const envelopeId = 'ffeeddccbbaa99887766554433221100' as EnvelopeId;

function wire(version: number, payloadLength: number): Uint8Array {
  const out = new Uint8Array(ENVELOPE_HEADER_SIZE + payloadLength);
  out[0] = version;
  out.set(Buffer.from(mailboxId, 'hex'), 1);
  out.set(Buffer.from(envelopeId, 'hex'), 17);
  for (let i = ENVELOPE_HEADER_SIZE; i < out.length; i++) out[i] = i & 0xff;
  return out;
}

describe('envelope codec against junk from the network', () => {
  it('lays out version, mailbox, envelope id and payload as §3 says, and decodes it back', () => {
    const payload = Uint8Array.from({ length: 256 }, (_, i) => i);
    const bytes = encodeEnvelope({ mailboxId, envelopeId, payload });
    expect(bytes.length).toBe(33 + 256);
    expect(bytes[0]).toBe(1);
    expect(Buffer.from(bytes.subarray(1, 17)).toString('hex')).toBe(mailboxId);
    expect(Buffer.from(bytes.subarray(17, 33)).toString('hex')).toBe(envelopeId);
    expect(bytes.subarray(33)).toEqual(payload);
    expect(decodeEnvelope(bytes)).toEqual({ mailboxId, envelopeId, payload });
  });

  it('decodes every bucket size, the largest included', () => {
    for (const size of PAYLOAD_BUCKETS) {
      const e = decodeEnvelope(wire(1, size));
      expect(e.payload.length).toBe(size);
      expect(e.payload[0]).toBe(ENVELOPE_HEADER_SIZE & 0xff);
    }
    expect(MAX_ENVELOPE_SIZE).toBe(ENVELOPE_HEADER_SIZE + MAX_PAYLOAD);
  });

  it('refuses one byte over the largest envelope as too large, before looking further', () => {
    expect(() => decodeEnvelope(new Uint8Array(MAX_ENVELOPE_SIZE + 1))).toThrow(expect.objectContaining({ code: 'TOO_LARGE' }));
  });

  it('refuses a header cut short', () => {
    for (const n of [0, 1, 17, ENVELOPE_HEADER_SIZE - 1]) expect(() => decodeEnvelope(wire(1, 0).subarray(0, n)), `${n} bytes`).toThrow(expect.objectContaining({ code: 'DECODE' }));
  });

  it('refuses another version', () => {
    for (const v of [0, 2, 255]) expect(() => decodeEnvelope(wire(v, 256)), `version ${v}`).toThrow(expect.objectContaining({ code: 'DECODE' }));
  });

  it('refuses a payload one byte off a bucket, both ways, and an empty one', () => {
    for (const n of [0, 255, 257, 1023, 1025, MAX_PAYLOAD - 1]) {
      expect(() => decodeEnvelope(wire(1, n)), `${n} bytes`).toThrow(expect.objectContaining({ code: 'DECODE' }));
      expect(() => encodeEnvelope({ mailboxId, envelopeId, payload: new Uint8Array(n) }), `${n} bytes`).toThrow(expect.objectContaining({ code: 'DECODE' }));
    }
  });

  it('refuses to encode an id that is not 16 bytes of hex', () => {
    const payload = new Uint8Array(256);
    expect(() => encodeEnvelope({ mailboxId: 'ab'.repeat(15) as MailboxId, envelopeId, payload })).toThrow(expect.objectContaining({ code: 'DECODE' }));
    expect(() => encodeEnvelope({ mailboxId, envelopeId: 'ab'.repeat(17) as EnvelopeId, payload })).toThrow(expect.objectContaining({ code: 'DECODE' }));
  });
});

describe('bucket ladders: every size the relay sees is on one', () => {
  it('each envelope bucket holds its own size and sends one byte more to the next', () => {
    expect([...PAYLOAD_BUCKETS]).toEqual([256, 1024, 4096, 16384, 65536]);
    PAYLOAD_BUCKETS.forEach((b, i) => {
      expect(bucketFor(b)).toBe(b);
      expect(bucketFor(b - 1)).toBe(b);
      if (i + 1 < PAYLOAD_BUCKETS.length) expect(bucketFor(b + 1)).toBe(PAYLOAD_BUCKETS[i + 1]);
      expect(isBucketSize(b)).toBe(true);
      expect(isBucketSize(b + 1)).toBe(false);
    });
    expect(() => bucketFor(MAX_PAYLOAD + 1)).toThrow(expect.objectContaining({ code: 'TOO_LARGE' }));
  });

  it('each blob bucket holds its own size and sends one byte more to the next', () => {
    expect([...BLOB_BUCKETS]).toEqual([16384, 65536, 262144, 1048576, 2097152]);
    expect(blobBucketFor(0)).toBe(16384);
    BLOB_BUCKETS.forEach((b, i) => {
      expect(blobBucketFor(b)).toBe(b);
      if (i + 1 < BLOB_BUCKETS.length) expect(blobBucketFor(b + 1)).toBe(BLOB_BUCKETS[i + 1]);
      expect(isBlobBucketSize(b)).toBe(true);
      expect(isBlobBucketSize(b - 1)).toBe(false);
    });
    expect(() => blobBucketFor(MAX_BLOB + 1)).toThrow(expect.objectContaining({ code: 'TOO_LARGE' }));
  });
});

describe('capabilities and KeyPackage mailboxes (§4)', () => {
  const sha = (...parts: (string | Uint8Array)[]) => {
    const h = createHash('sha256');
    for (const p of parts) h.update(p);
    return new Uint8Array(h.digest());
  };
  const keyPackage = Uint8Array.from({ length: 300 }, (_, i) => (i * 7) & 0xff);

  it('the relay stores SHA-256 of a capability', () => {
    const cap = Uint8Array.from({ length: 32 }, (_, i) => i);
    expect(capabilityHash(cap)).toEqual(sha(cap));
  });

  it('derives the mailbox and send capability of a claimed KeyPackage as §4 says', () => {
    const { mailboxId: id, sendCap } = keyPackageMailbox(keyPackage);
    expect(id).toBe(Buffer.from(sha('hardline/v1/kp-mailbox', keyPackage).subarray(0, 16)).toString('hex'));
    expect(sendCap).toEqual(sha('hardline/v1/kp-send', keyPackage));
  });

  it('another KeyPackage gives another mailbox and capability', () => {
    const other = keyPackage.slice();
    other[0]! ^= 1;
    expect(keyPackageMailbox(other).mailboxId).not.toBe(keyPackageMailbox(keyPackage).mailboxId);
    expect(keyPackageMailbox(other).sendCap).not.toEqual(keyPackageMailbox(keyPackage).sendCap);
  });
});
