/**
 * @module transparency/consistencyProof
 * Merkle consistency proofs (RFC 9162 §2.1.4): that the tree of size `first` is a prefix of the
 * tree of size `second`, so nothing logged before was changed or taken out. Generation follows
 * SUBPROOF of §2.1.4.1, verification the algorithm of §2.1.4.2 step by step.
 */
import { equalHashes, HASH_SIZE, nodeHash, splitPoint, type SubtreeHashes } from './merkleHash.ts';

/** PROOF(m, D[n]) for 0 < m < n; empty for m == n or m == 0 (nothing to prove). */
export async function consistencyProof(first: number, second: number, subtree: SubtreeHashes): Promise<Uint8Array[]> {
  if (!Number.isSafeInteger(first) || !Number.isSafeInteger(second) || first < 0 || first > second) {
    throw new RangeError('consistency proof needs 0 <= first <= second');
  }
  if (first === 0 || first === second) return [];
  return subproof(first, 0, second, true, subtree);
}

async function subproof(m: number, start: number, end: number, whole: boolean, subtree: SubtreeHashes): Promise<Uint8Array[]> {
  const n = end - start;
  if (m === n) return whole ? [] : [await subtree(start, end)];
  const k = splitPoint(n);
  if (m <= k) return [...(await subproof(m, start, start + k, whole, subtree)), await subtree(start + k, end)];
  return [...(await subproof(m - k, start + k, end, false, subtree)), await subtree(start, start + k)];
}

/**
 * RFC 9162 §2.1.4.2. Two trees of one size are consistent only if their roots are equal (an
 * empty proof, as PROOF defines it). A proof from the empty tree proves nothing and is refused,
 * as the transparency-dev probes expect: a caller with no earlier head has nothing to check.
 */
export function verifyConsistency(first: number, second: number, firstHash: Uint8Array, secondHash: Uint8Array, proof: readonly Uint8Array[]): boolean {
  if (!Number.isSafeInteger(first) || !Number.isSafeInteger(second) || first <= 0 || first > second) return false;
  if (first === second) return proof.length === 0 && equalHashes(firstHash, secondHash);
  if (firstHash.length !== HASH_SIZE || secondHash.length !== HASH_SIZE || proof.some((p) => p.length !== HASH_SIZE)) return false;
  // 1. A proof between different sizes is never empty.
  if (proof.length === 0) return false;
  // 2. When the first tree is a complete subtree, its root is the path's starting node.
  const path = isPowerOfTwo(first) ? [firstHash, ...proof] : [...proof];
  // 3-4. fn, sn: the last leaf of each tree; climb past the levels where fn is a right child.
  let fn = first - 1;
  let sn = second - 1;
  while (fn % 2 === 1) {
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  // 5. fr rebuilds the first root, sr the second, from the same starting node.
  let fr = path[0]!;
  let sr = path[0]!;
  for (const c of path.slice(1)) {
    // 6a. A proof longer than the path.
    if (sn === 0) return false;
    if (fn % 2 === 1 || fn === sn) {
      fr = nodeHash(c, fr);
      sr = nodeHash(c, sr);
      if (fn % 2 === 0) {
        while (fn % 2 === 0 && fn !== 0) {
          fn = Math.floor(fn / 2);
          sn = Math.floor(sn / 2);
        }
      }
    } else {
      sr = nodeHash(sr, c);
    }
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  // 7. Both roots rebuilt, and the whole path used.
  return equalHashes(fr, firstHash) && equalHashes(sr, secondHash) && sn === 0;
}

function isPowerOfTwo(n: number): boolean {
  let x = n;
  while (x > 1 && x % 2 === 0) x /= 2;
  return x === 1;
}
