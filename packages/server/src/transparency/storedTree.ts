/**
 * @module storedTree
 * The log's Merkle tree read from stored complete subtrees (sqliteTransparencyLog.ts): the root
 * of any size and MTH(D[start:end]) for proofs, each from O(log n) stored nodes, never by
 * rehashing leaves. Signed heads are cached per size, so polling clients cost one read.
 */
import { merkleTreeHash, nodeHash, signTreeHead, splitPoint, type SignedTreeHead, type SubtreeHashes } from '@hardline/protocol';
import { RelayError } from '../errors/relayError.ts';
import type { RelayStore } from '../store/relayStore.ts';
import type { TransparencyLog } from '../store/transparencyLog.ts';
import { logKeyOf } from './logKey.ts';

/**
 * MTH(D[start:end]); complete aligned subtrees come straight from the store. Results are kept
 * for the life of the returned function (one request), where a batch of proofs shares most of
 * its upper subtrees.
 */
export function storedSubtrees(log: TransparencyLog): SubtreeHashes {
  const memo = new Map<string, Promise<Uint8Array>>();
  const hashOf = (start: number, end: number): Promise<Uint8Array> => {
    const key = `${start}:${end}`;
    let h = memo.get(key);
    if (!h) memo.set(key, (h = compute(start, end)));
    return h;
  };
  const compute = async (start: number, end: number): Promise<Uint8Array> => {
    const n = end - start;
    const level = Math.log2(n);
    if (Number.isInteger(level) && start % n === 0) {
      const h = await log.node(level, start / n);
      if (!h) throw new RelayError('INTERNAL', 'transparency log is missing a node');
      return h;
    }
    const k = splitPoint(n);
    return nodeHash(await hashOf(start, start + k), await hashOf(start + k, end));
  };
  return hashOf;
}

/** The root of the first `size` leaves. */
export async function rootAt(log: TransparencyLog, size: number): Promise<Uint8Array> {
  if (size === 0) return merkleTreeHash([]);
  return storedSubtrees(log)(0, size);
}

const heads = new WeakMap<RelayStore, SignedTreeHead>();

/** The latest signed tree head; re-signed only when the log has grown. */
export async function latestHead(store: RelayStore, now: number): Promise<SignedTreeHead> {
  const size = await store.transparencyLog.size();
  const cached = heads.get(store);
  if (cached && cached.treeSize === size) return cached;
  const key = await logKeyOf(store);
  const head = signTreeHead(key.secretKey, { treeSize: size, rootHash: await rootAt(store.transparencyLog, size), timestamp: now });
  heads.set(store, head);
  return head;
}
