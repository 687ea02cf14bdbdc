/**
 * @module transparency/compactRange
 * The hashes of the complete subtrees that make up the first n leaves (one per set bit of n,
 * left to right): what a monitor keeps to fold in leaves one at a time and check, when it has
 * read up to a signed head's size, that the leaves it was given are the ones that head commits
 * to, with O(log n) state and no second request. (The "compact range" of transparency-dev's
 * docs/compact_ranges.md, for ranges starting at 0.)
 */
import { merkleTreeHash, nodeHash } from './merkleHash.ts';

export type CompactRange = { readonly size: number; readonly hashes: readonly Uint8Array[] };

export const emptyRange: CompactRange = { size: 0, hashes: [] };

/** Appends one leaf hash; the input is not changed. */
export function appendToRange(range: CompactRange, leafHash: Uint8Array): CompactRange {
  const hashes = [...range.hashes];
  let current = leafHash;
  // Each trailing set bit of the size is a complete subtree that the new leaf's subtree closes.
  for (let n = range.size; n % 2 === 1; n = Math.floor(n / 2)) current = nodeHash(hashes.pop()!, current);
  hashes.push(current);
  return { size: range.size + 1, hashes };
}

/** MTH of the range's leaves: the subtrees folded from the right, as RFC 9162's split does. */
export function rangeRoot(range: CompactRange): Uint8Array {
  if (range.hashes.length === 0) return merkleTreeHash([]);
  let root = range.hashes[range.hashes.length - 1]!;
  for (let i = range.hashes.length - 2; i >= 0; i--) root = nodeHash(range.hashes[i]!, root);
  return root;
}
