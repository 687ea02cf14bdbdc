import { describe, expect, it } from 'vitest';
import { bucketFor, PAYLOAD_BUCKETS, sealEnvelope, PayloadKind, deriveSealKey, SEAL_OVERHEAD, type MailboxId, type EnvelopeId } from '../src/index.ts';

describe('padding', () => {
  it('picks the smallest bucket and refuses anything over 64 KiB', () => {
    expect(bucketFor(0)).toBe(256);
    expect(bucketFor(256)).toBe(256);
    expect(bucketFor(257)).toBe(1024);
    expect(bucketFor(65536)).toBe(65536);
    expect(() => bucketFor(65537)).toThrow(expect.objectContaining({ code: 'TOO_LARGE' }));
  });

  it('sealed payloads of every size land exactly on a bucket', async () => {
    const mailboxId = 'ab'.repeat(16) as MailboxId;
    const key = await deriveSealKey(new Uint8Array(32), 'seal', mailboxId);
    for (const len of [0, 1, 200, 256 - SEAL_OVERHEAD, 256 - SEAL_OVERHEAD + 1, 3000, 16000, 65536 - SEAL_OVERHEAD]) {
      const env = await sealEnvelope(key, mailboxId, 'cd'.repeat(16) as EnvelopeId, PayloadKind.MLS, new Uint8Array(len));
      expect(PAYLOAD_BUCKETS as readonly number[]).toContain(env.payload.length);
    }
  });
});
