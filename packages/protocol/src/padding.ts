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

/**
 * Sizes of an opaque blob at the relay (the encrypted contact book). Same idea as the envelope
 * ladder, one step up: the relay learns the book's size to within a factor of four, never
 * whether one contact was added.
 */
export const BLOB_BUCKETS = [16 * 1024, 64 * 1024, 256 * 1024, 1024 * 1024, 2 * 1024 * 1024] as const;
export const MAX_BLOB = 2 * 1024 * 1024;

export function blobBucketFor(size: number): number {
  for (const b of BLOB_BUCKETS) if (size <= b) return b;
  throw new TooLargeError('blob', size, MAX_BLOB);
}

export function isBlobBucketSize(size: number): boolean {
  return (BLOB_BUCKETS as readonly number[]).includes(size);
}
