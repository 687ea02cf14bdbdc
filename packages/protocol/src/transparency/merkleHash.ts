/**
 * @module transparency/merkleHash
 * RFC 9162 §2.1.1 hashing for the key-transparency log: leaves and interior nodes are hashed
 * under different one-byte prefixes (0x00, 0x01), so no leaf can pass for a node (the
 * second-preimage attack on plain Merkle trees). SHA-256 comes from @noble/hashes.
 */
import { sha256 } from '@noble/hashes/sha2.js';

export const HASH_SIZE = 32;

/** MTH({d(0)}) = SHA-256(0x00 || d(0)). */
export function leafHash(leaf: Uint8Array): Uint8Array {
  const b = new Uint8Array(leaf.length + 1);
  b[0] = 0x00;
  b.set(leaf, 1);
  return sha256(b);
}

/** SHA-256(0x01 || left || right). */
export function nodeHash(left: Uint8Array, right: Uint8Array): Uint8Array {
  const b = new Uint8Array(1 + left.length + right.length);
  b[0] = 0x01;
  b.set(left, 1);
  b.set(right, 1 + left.length);
  return sha256(b);
}

/** The largest power of two strictly smaller than n (n >= 2): the RFC's split point k. */
export function splitPoint(n: number): number {
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}

/** MTH(D[n]) of leaves given by their leaf hashes; the empty tree hashes to SHA-256(""). */
export function merkleTreeHash(leafHashes: readonly Uint8Array[]): Uint8Array {
  if (leafHashes.length === 0) return sha256(new Uint8Array(0));
  return rangeOf(leafHashes, 0, leafHashes.length);
}

function rangeOf(h: readonly Uint8Array[], start: number, end: number): Uint8Array {
  if (end - start === 1) return h[start]!;
  const k = splitPoint(end - start);
  return nodeHash(rangeOf(h, start, start + k), rangeOf(h, start + k, end));
}

/**
 * Where proof generation reads MTH(D[start:end]) from. The relay answers from stored node
 * hashes in O(log n); tests answer from an array (`subtreesOf`).
 */
export type SubtreeHashes = (start: number, end: number) => Promise<Uint8Array>;

/** A SubtreeHashes over leaf hashes held in memory: O(n) per call, for tests and tools. */
export function subtreesOf(leafHashes: readonly Uint8Array[]): SubtreeHashes {
  return async (start, end) => rangeOf(leafHashes, start, end);
}

export function equalHashes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let d = 0;
  for (let i = 0; i < a.length; i++) d |= a[i]! ^ b[i]!;
  return d === 0;
}
