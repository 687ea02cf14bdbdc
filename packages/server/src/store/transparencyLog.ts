/**
 * @module transparencyLog
 * Reading the key-transparency log (migration 008). Appends happen only inside the store's
 * own writes (enrolment, certificate, revocation: see RelayStore's `logLeaf` arguments), in the
 * same transaction, so nothing is served that is not logged and nothing logged is lost.
 *
 * Node coordinates: (level, index) is the complete subtree over leaves
 * [index * 2^level, (index + 1) * 2^level); level 0 holds the leaf hashes.
 */
export type TransparencyLog = {
  /** How many leaves the log holds. */
  size(): Promise<number>;
  /** A complete subtree's hash, or undefined if that subtree is not complete yet. */
  node(level: number, index: number): Promise<Uint8Array | undefined>;
  /** The first index holding this leaf hash. */
  indexOf(leafHash: Uint8Array): Promise<number | undefined>;
  /** Leaf bytes from `from`, at most `count`, for monitors and auditors. */
  leaves(from: number, count: number): Promise<readonly Uint8Array[]>;
};
