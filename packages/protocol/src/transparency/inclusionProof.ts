/**
 * @module transparency/inclusionProof
 * Merkle audit paths (RFC 9162 §2.1.3): that a leaf is at index m of the tree of size n whose
 * root a signed tree head names. Generation follows PATH(m, D[n]) of §2.1.3.1, verification
 * the algorithm of §2.1.3.2 step by step.
 */
import { equalHashes, HASH_SIZE, nodeHash, splitPoint, type SubtreeHashes } from './merkleHash.ts';

/** PATH(m, D[n]), siblings from the leaf up: O(log n) hashes. */
export async function inclusionProof(leafIndex: number, treeSize: number, subtree: SubtreeHashes): Promise<Uint8Array[]> {
  if (!Number.isSafeInteger(leafIndex) || !Number.isSafeInteger(treeSize) || leafIndex < 0 || leafIndex >= treeSize) {
    throw new RangeError('leaf index outside the tree');
  }
  return path(leafIndex, 0, treeSize, subtree);
}

async function path(m: number, start: number, end: number, subtree: SubtreeHashes): Promise<Uint8Array[]> {
  const n = end - start;
  if (n === 1) return [];
  const k = splitPoint(n);
  if (m < k) return [...(await path(m, start, start + k, subtree)), await subtree(start + k, end)];
  return [...(await path(m - k, start + k, end, subtree)), await subtree(start, start + k)];
}

/** RFC 9162 §2.1.3.2: true only if `proof` leads from `leafHash` at `leafIndex` to `rootHash`. */
export function verifyInclusion(leafIndex: number, treeSize: number, leafHash: Uint8Array, proof: readonly Uint8Array[], rootHash: Uint8Array): boolean {
  if (!Number.isSafeInteger(leafIndex) || !Number.isSafeInteger(treeSize) || leafIndex < 0) return false;
  if (leafHash.length !== HASH_SIZE || rootHash.length !== HASH_SIZE || proof.some((p) => p.length !== HASH_SIZE)) return false;
  // 1. The index must fall inside the tree.
  if (leafIndex >= treeSize) return false;
  // 2-3. fn and sn walk up from the leaf and from the last leaf; r accumulates the root.
  // (Plain division instead of >>: sizes may pass 2^31, where JS shifts would wrap.)
  let fn = leafIndex;
  let sn = treeSize - 1;
  let r = leafHash;
  for (const p of proof) {
    // 4a. A proof longer than the path.
    if (sn === 0) return false;
    if (fn % 2 === 1 || fn === sn) {
      r = nodeHash(p, r);
      // 4b.ii: skip the levels where this node is the rightmost and has no sibling.
      if (fn % 2 === 0) {
        while (fn % 2 === 0 && fn !== 0) {
          fn = Math.floor(fn / 2);
          sn = Math.floor(sn / 2);
        }
      }
    } else {
      r = nodeHash(r, p);
    }
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  // 5. All of the path consumed, and the same root.
  return sn === 0 && equalHashes(r, rootHash);
}
