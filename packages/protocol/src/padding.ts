/**
 * @module padding
 * Fixed size buckets. Every envelope payload the relay sees is exactly one of these sizes, so
 * ciphertext length says almost nothing about what is inside (text, commit, welcome, call
 * signalling). The ladder is coarse on purpose: each step is 4x, so at most 75% is padding.
 */
import { TooLargeError } from './errors.ts';

export const PAYLOAD_BUCKETS = [256, 1024, 4096, 16384, 65536] as const;
export type PayloadBucket = (typeof PAYLOAD_BUCKETS)[number];
export const MAX_PAYLOAD = 65536;

/** The smallest bucket that holds `size` bytes. */
export function bucketFor(size: number): PayloadBucket {
  for (const b of PAYLOAD_BUCKETS) if (size <= b) return b;
  throw new TooLargeError('payload', size, MAX_PAYLOAD);
}

export function isBucketSize(size: number): boolean {
  return (PAYLOAD_BUCKETS as readonly number[]).includes(size);
}
